"""The code is linted and formatted with ruff (configuration: ``[tool.ruff]`` in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["runback_widgets", "tests", "tools", "benchmarks"]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    if shutil.which("ruff"):
        return [shutil.which("ruff")]
    pytest.fail("ruff is not installed: pip install -e '.[test]'")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*_ruff(), *args, *PATHS], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_check():
    r = _run("check", "--output-format", "concise")
    assert r.returncode == 0, (
        f"ruff check found problems (fix: ruff check --fix):\n{r.stdout[-4000:]}{r.stderr[-2000:]}"
    )


def test_ruff_format():
    r = _run("format", "--check")
    assert r.returncode == 0, f"files ruff would reformat (fix: ruff format):\n{r.stdout[-4000:]}{r.stderr[-2000:]}"
