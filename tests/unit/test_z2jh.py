"""deploy/z2jh/config.yaml: the Zero to JupyterHub settings the instructor guide points at.

Validated against deploy/z2jh/config.schema.json, runback's own schema of the
chart's option names and types (written from the chart's values.schema.yaml,
version named in the schema's $comment). The chart's schema itself is not kept
here: it applies to the merged values, and the copy would need its own licence
file and updates; the names and types this config uses are what matter.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "z2jh"


def config() -> dict:
    return yaml.safe_load((DEPLOY / "config.yaml").read_text())


def validator() -> Draft7Validator:
    schema = json.loads((DEPLOY / "config.schema.json").read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def errors(values: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(values)]


def test_config_is_valid_for_the_chart():
    assert errors(config()) == []


def test_schema_names_the_chart_version_it_was_written_from():
    comment = json.loads((DEPLOY / "config.schema.json").read_text())["$comment"]
    assert re.search(r"chart version \d+\.\d+\.\d+", comment)
    assert "values.schema.yaml" in comment


def test_schema_covers_every_key_the_config_sets():
    """Every key in config.yaml has a typed entry in the schema (not just an allowed name)."""
    schema = json.loads((DEPLOY / "config.schema.json").read_text())

    def walk(values, node, path):
        for key, value in values.items():
            sub = node.get("properties", {}).get(key)
            assert sub, f"schema has no entry for {'.'.join(path + [key])}"
            assert "type" in sub, f"schema does not type {'.'.join(path + [key])}"
            if isinstance(value, dict):
                walk(value, sub, path + [key])

    walk(config(), schema, [])


def _with(path: str, value=None, rename: str | None = None) -> dict:
    values = copy.deepcopy(config())
    *parents, last = path.split(".")
    node = values
    for p in parents:
        node = node[p]
    if rename:
        node[rename] = node.pop(last)
    else:
        node[last] = value
    return values


@pytest.mark.parametrize(
    "path, rename",
    [
        ("singleuser.defaultUrl", "defaultURL"),  # the typo a trial of this check caught
        ("singleuser.memory.guarantee", "gurantee"),
        ("singleuser.image", "images"),
        ("cull.timeout", "timeOut"),
        ("prePuller.continuous", "continous"),
        ("scheduling.userScheduler", "userscheduler"),
        ("singleuser", "singleUser"),
    ],
)
def test_a_misspelt_key_fails(path, rename):
    assert errors(_with(path, rename=rename)), f"{path} -> {rename} was accepted"


@pytest.mark.parametrize(
    "path, value",
    [
        ("singleuser.cpu.limit", "1"),  # the chart wants a number
        ("singleuser.image.tag", 2025),  # tags are strings
        ("cull.enabled", "yes"),
        ("cull.timeout", 1800.5),
        ("singleuser.cmd", {"jupyterhub-singleuser": True}),
    ],
)
def test_a_wrong_type_fails(path, value):
    assert errors(_with(path, value)), f"{path}={value!r} was accepted"


def test_a_valid_chart_key_the_config_does_not_use_passes():
    values = _with("singleuser.startTimeout", 600)
    values["singleuser"]["storage"] = {"type": "none"}
    assert errors(values) == []


def test_students_land_on_a_page_that_exists():
    url = config()["singleuser"]["defaultUrl"]
    m = re.fullmatch(r"/voila/render/(.+\.ipynb)", url)
    assert m, url
    assert (ROOT / m.group(1)).is_file(), f"{url}: no {m.group(1)} in the repository (the image's home)"


def test_student_servers_get_runback_serves_page_policy():
    """The Voila options in the student servers' command are those `runback serve` passes."""
    from runback_widgets import cli

    args = cli.build_parser().parse_args(["serve"])
    serve_argv = cli.voila_argv(args, ROOT / "notebooks", token="")
    cmd = config()["singleuser"]["cmd"]
    assert cmd[0] == "jupyterhub-singleuser"
    voila_flags = [a for a in cmd[1:] if a.startswith("--VoilaConfiguration.")]
    assert voila_flags, cmd
    for flag in voila_flags:
        assert flag in serve_argv, f"{flag} is not what runback serve uses ({serve_argv})"
    for flag in (
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--MappingKernelManager.cull_connected=False",
    ):
        assert flag in cmd
    # ... and the executor's wait for outputs (voila/pool.py: a page never loses its dashboard).
    from runback_widgets.voila import pool

    assert f"--VoilaExecutor.iopub_timeout={pool.IOPUB_TIMEOUT_S}" in cmd


def test_memory_matches_the_guides_sizing():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    mem = config()["singleuser"]["memory"]
    g = re.search(r"\*\*(\d+) MB guaranteed and a (\d+) GB limit per\s+student\*\*", guide)
    assert g, "the instructor guide's per-student sizing sentence is missing"
    assert mem["guarantee"] == f"{g.group(1)}M" and mem["limit"] == f"{g.group(2)}G", (mem, g.groups())


def test_the_guide_points_at_the_file_and_keeps_no_copy():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    assert "deploy/z2jh/config.yaml" in guide
    assert not re.search(r"```yaml\s*\nsingleuser:", guide), "the guide still carries its own config snippet"
