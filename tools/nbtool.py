"""Write a notebook from a compact Python description, outputs stripped.

Usage from a script:  write_notebook(path, [("md", "# Title"), ("code", "x = 1")])
Also: ``python tools/nbtool.py strip notebooks/*.ipynb`` strips outputs,
execution counts and widget state in place (what nbstripout does).
"""

from __future__ import annotations

import sys

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def write_notebook(path, cells) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(src.strip("\n")))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src.strip("\n")))
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:02d}"
    nbformat.write(nb, str(path))


def strip(path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.pop("widgets", None)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
            c.execution_count = None
        c.metadata.pop("execution", None)
    nbformat.write(nb, str(path))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "strip":
        for p in sys.argv[2:]:
            strip(p)
