"""Layering: model -> figures -> widget, and light package imports.

* model code (``model*.py``, ``params.py``, ``scenarios.py``, ``geometry.py``)
  and everything in ``content/`` never import plotly or ipywidgets;
* figure code (``figures*.py``) never imports ipywidgets;
* imports only flow widget -> figures -> model: a model never imports a
  figures or widget module, figures never import a widget module;
* a feature package's ``__init__`` imports nothing heavy: importing
  ``runback_widgets.<feature>`` in a fresh interpreter leaves plotly and
  ipywidgets out of ``sys.modules`` (kernel start stays light).

Checked by parsing the source (AST), so a new file is covered the moment it exists.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "runback_widgets"
FEATURES = ("anatomy", "symptoms", "loadsim", "care")
HEAVY = ("plotly", "ipywidgets", "anywidget")

MODEL_NAMES = ("params.py", "scenarios.py", "geometry.py")


def _is_model(path: Path) -> bool:
    return path.name.startswith("model") or path.name in MODEL_NAMES


def _is_figures(path: Path) -> bool:
    return path.name.startswith("figures")


def _is_widget(path: Path) -> bool:
    return path.name.startswith("widget") or path.name in ("app.py", "apps.py")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute names of every module imported by ``path`` (relative imports resolved),
    including imports inside functions (lazy imports count: they run in the same process)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, node.lineno))
            # ``from . import figures`` imports a submodule by name
            for alias in node.names:
                out.append((f"{mod}.{alias.name}", node.lineno))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                out.append((node.args[0].value, node.lineno))
    return out


def _py_files() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _heavy(name: str) -> bool:
    return any(name == h or name.startswith(h + ".") for h in HEAVY)


def _layer_of_module(name: str) -> str | None:
    """'model' / 'figures' / 'widget' for a runback_widgets module name, else None."""
    if not name.startswith("runback_widgets."):
        return None
    last = name.rsplit(".", 1)[-1]
    fake = Path(last + ".py")
    if _is_widget(fake):
        return "widget"
    if _is_figures(fake):
        return "figures"
    if _is_model(fake):
        return "model"
    return None


MODEL_FILES = [p for p in _py_files() if _is_model(p)]
FIGURE_FILES = [p for p in _py_files() if _is_figures(p)]
CONTENT_FILES = sorted((PKG / "content").rglob("*.py"))


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_scan_finds_files():
    # The scan itself must see the content package, or every check below is vacuous.
    assert CONTENT_FILES, "runback_widgets/content/*.py not found"


@pytest.mark.parametrize("path", MODEL_FILES + CONTENT_FILES, ids=_ids(MODEL_FILES + CONTENT_FILES))
def test_model_and_content_never_import_plotting_or_widgets(path):
    bad = [f"line {ln}: {name}" for name, ln in _imports(path) if _heavy(name)]
    assert not bad, f"{path.relative_to(ROOT)} is model/content code and must stay numpy-only: {bad}"


@pytest.mark.parametrize("path", MODEL_FILES, ids=_ids(MODEL_FILES))
def test_model_never_imports_figures_or_widgets(path):
    bad = [f"line {ln}: {name}" for name, ln in _imports(path) if _layer_of_module(name) in ("figures", "widget")]
    assert not bad, f"{path.relative_to(ROOT)}: imports must flow widget -> figures -> model only: {bad}"


@pytest.mark.parametrize("path", FIGURE_FILES, ids=_ids(FIGURE_FILES))
def test_figures_never_import_widgets(path):
    bad = [
        f"line {ln}: {name}"
        for name, ln in _imports(path)
        if name == "ipywidgets"
        or name.startswith("ipywidgets.")
        or _layer_of_module(name) == "widget"
        or name.startswith("runback_widgets.ui.")
        and name.rsplit(".", 1)[-1] in ("components", "quiz", "landing", "glossary")
    ]
    assert not bad, f"{path.relative_to(ROOT)} is figure code and must not import ipywidgets or widget modules: {bad}"


def test_layer_classification_examples():
    assert _layer_of_module("runback_widgets.loadsim.model") == "model"
    assert _layer_of_module("runback_widgets.loadsim.scenarios") == "model"
    assert _layer_of_module("runback_widgets.anatomy.geometry") == "model"
    assert _layer_of_module("runback_widgets.loadsim.figures") == "figures"
    assert _layer_of_module("runback_widgets.loadsim.widget") == "widget"
    assert _layer_of_module("runback_widgets.content") is None


def _modules_after_import(module: str) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {list(HEAVY)!r})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, f"import {module} failed:\n{proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_package_import_is_light(feature):
    if not (PKG / feature / "__init__.py").is_file():
        pytest.skip(f"runback_widgets/{feature}/__init__.py does not exist yet")
    heavy = _modules_after_import(f"runback_widgets.{feature}")
    assert not heavy, (
        f"`import runback_widgets.{feature}` pulled in {heavy}; the feature __init__ must import only "
        "the model (numpy) and load figures/widgets lazily"
    )


def test_content_import_is_light():
    assert _modules_after_import("runback_widgets.content") == []
