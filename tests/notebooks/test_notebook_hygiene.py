"""Notebooks are thin and committed clean.

- no outputs, execution counts or widget state (plotly's ~5 MB bundle would ride along);
- no logic in cells: no function or class definitions, no loops, short code cells;
- every dashboard follows the lesson shape.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "benchmarks").glob("*.ipynb"))
DASHBOARDS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.stem != "index")

#: The longest code cell a dashboard notebook may hold (lines).
MAX_CODE_LINES = 8


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _ids(paths):
    return [p.name for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs_or_widget_state(path):
    nb = _load(path)
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: strip metadata.widgets (make strip)"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i}: outputs committed (make strip)"
            assert cell.get("execution_count") is None, f"{path.name} cell {i}: execution count committed"
    assert path.stat().st_size < 200_000, f"{path.name}: {path.stat().st_size} bytes; a clean notebook is small"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=_ids(sorted((ROOT / "notebooks").glob("*.ipynb")))
)
def test_no_logic_in_cells(path):
    nb = _load(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        lines = [ln for ln in src.splitlines() if ln.strip()]
        assert len(lines) <= MAX_CODE_LINES, f"{path.name} cell {i}: {len(lines)} lines; move logic into the package"
        tree = ast.parse(src)
        for node in ast.walk(tree):
            assert not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While, ast.Lambda)
            ), f"{path.name} cell {i}: {type(node).__name__} in a notebook cell; logic belongs in runback_widgets"
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "insert"
                and "sys.path" in ast.unparse(node.func)
            ):
                pytest.fail(f"{path.name} cell {i}: sys.path.insert; import the installed package instead")
        assert lines and lines[0].startswith("#"), (
            f"{path.name} cell {i}: start with a comment saying what the cell does"
        )


LESSON = ["Goals", "Background", "Tasks", "Self-check", "References"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=_ids(DASHBOARDS))
def test_lesson_shape(path):
    nb = _load(path)
    headings = []
    tool_at = None  # the heading count when the dashboard cell (tag rb-tool) comes
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    headings.append(line.lstrip("#").strip())
                # a lesson section folded by tools/nbtool.py: <details ...><summary><h2>Title</h2></summary>
                headings += re.findall(r"<summary><h2>(.+?)</h2></summary>", line) if not line.startswith("#") else []
        elif "rb-tool" in cell.get("metadata", {}).get("tags", []) and tool_at is None:
            tool_at = len(headings)
    positions = []
    for section in LESSON:
        found = [i for i, h in enumerate(headings) if h.lower().startswith(section.lower())]
        assert found, f"{path.name}: no '{section}' heading (lesson shape: {LESSON}); headings: {headings}"
        positions.append(found[0])
    assert positions == sorted(positions), f"{path.name}: sections out of order: {headings}"
    # Tool first: the dashboard comes before the lesson (tools/nbtool.py), the Legend before the References.
    assert tool_at is not None and tool_at <= positions[0], (
        f"{path.name}: the dashboard cell must come before the lesson: {headings}"
    )
    if any(h.lower().startswith("legend") for h in headings):
        assert [h.lower() for h in headings].index("legend") < positions[-1], (
            f"{path.name}: Legend after References: {headings}"
        )
    sources = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "<details>" in sources, f"{path.name}: tasks need hidden answers (<details>)"
    assert "Quiz(" in sources, f"{path.name}: no self-check quiz"
