"""A dashboard kernel does not pay for an import nothing in it uses.

plotly -> nbformat -> jsonschema -> ``rfc3987_syntax`` compiles 38 lark
grammars at import (about 0.8 s of CPU per kernel here, more under load):
``runback_widgets`` declines that optional import inside Jupyter kernels only
(see the package docstring). These tests run a real kernel, as Voila does.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

CHECK = """
import sys, json
{prelude}
import runback_widgets
import plotly.basewidget, nbformat, jsonschema
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)                      # notebooks still validate
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
print(json.dumps({{"skipped": "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None,
                  "imported": sys.modules.get("rfc3987_syntax") is not None,
                  "iri_checker": "iri" in checker.checkers,
                  "uri_checker": "uri" in checker.checkers}}))
"""


def _run_in_kernel(code: str) -> dict:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    out: list[str] = []
    errors: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            errors.append("\n".join(msg["content"]["traceback"]))

    try:
        kc.execute_interactive(code, timeout=120, output_hook=hook)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert not errors, errors
    return json.loads("".join(out).strip().splitlines()[-1])


def test_kernel_skips_rfc3987_syntax_and_keeps_validating():
    r = _run_in_kernel(CHECK.format(prelude=""))
    assert r["skipped"] and not r["imported"]
    assert not r["iri_checker"]  # jsonschema behaves as if the package were absent


def test_outside_a_kernel_nothing_is_declined():
    """The server process (and plain Python) keep every optional import."""
    proc = subprocess.run(
        [sys.executable, "-c", CHECK.format(prelude="assert 'ipykernel' not in sys.modules")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not r["skipped"]
    if importlib.util.find_spec("rfc3987_syntax") is None:
        pytest.skip("rfc3987_syntax is not installed here: nothing to compare")
    assert r["imported"] and r["iri_checker"]
