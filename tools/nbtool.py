"""Write a notebook from a compact Python description, outputs stripped.

Usage from a script:  write_notebook(path, [("md", "# Title"), ("code", "x = 1")])
Also: ``python tools/nbtool.py strip notebooks/*.ipynb`` strips outputs,
execution counts and widget state in place (what nbstripout does).

Tool first. A cell may carry a role as a third element: ``("code", src, "tool")``
marks the dashboard (and ``("md", src, "tool")`` the sentence that introduces it);
``("code", src, "student")`` a short "use it from code" example. When a notebook has
tool cells, every dashboard gets the same shape, made here and nowhere else:

1. the head: the first cell's title and the lines before its first ``##`` section,
   plus the dashboard's one plain sentence from ``content/ui.toml`` (its landing card);
2. the tool cells, tagged ``rb-tool`` (the page's "Skip to the tool" link lands there);
3. the lesson, in the generator's order, each ``## Section`` of text folded into a
   ``<details class="rb-lesson">`` (Goals, Background, Tasks, ...), with the Legend
   moved before the References; the student cells go in a "Use it from code" section
   after the lesson's tables (tagged ``rb-show-code``: the Voila template shows their
   code above their output), with links to the model's source.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import tomllib

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
ROOT = Path(__file__).resolve().parent.parent
#: Where the package's source is published (the README's Binder links assume this repository).
REPO_URL = "https://github.com/runback/runback/blob/HEAD/"

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.M)


def _cell(kind: str, src: str, tags: tuple[str, ...] = ()):
    cell = (
        nbformat.v4.new_markdown_cell(src.strip("\n")) if kind == "md" else nbformat.v4.new_code_cell(src.strip("\n"))
    )
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def plain_sentence(notebook: str) -> str | None:
    """The dashboard's one plain sentence: its landing card's text in content/ui.toml."""
    ui = tomllib.loads((ROOT / "runback_widgets" / "content" / "ui.toml").read_text(encoding="utf-8"))
    for card in ui.get("landing", {}).get("cards", []):
        if Path(card.get("notebook", "")).stem == notebook:
            return card.get("text")
    return None


def fold(src: str) -> str:
    """A markdown cell that opens with ``## Title`` and has a body, folded into
    ``<details class="rb-lesson">``; anything else unchanged."""
    text = src.strip("\n")
    m = _SECTION.match(text)
    body = text[m.end() :].strip("\n") if m else ""
    if not m or not body.strip():
        return text
    title = m.group(1)
    return f'<details class="rb-lesson"><summary><h2>{title}</h2></summary>\n\n{body}\n\n</details>'


def section_title(src: str) -> str | None:
    m = _SECTION.match(src.strip("\n"))
    return m.group(1) if m else None


def source_links(paths) -> str:
    """Markdown links to the package files a student can read (on the repository; in
    JupyterLab ``name??`` in a cell shows a function's source too)."""
    links = [f"[`{p}`]({REPO_URL}{p})" for p in paths]
    return (
        "The model's code: " + ", ".join(links) + ". In JupyterLab, `name??` in a cell shows a function's source;"
        " open this notebook there to change the example below and run it."
    )


def tool_first(notebook: str, cells, sources=()) -> list:
    """The cells of a dashboard notebook in the kit's order (see the module docstring)."""
    cells = [(c[0], c[1], c[2] if len(c) > 2 else "lesson") for c in cells]
    if not cells or cells[0][0] != "md":
        raise ValueError(f"{notebook}: the first cell must be the markdown title")
    first = cells[0][1].strip("\n")
    m = _SECTION.search(first)
    head, rest = (first[: m.start()].rstrip(), first[m.start() :]) if m else (first, "")
    sentence = plain_sentence(notebook)
    lines = head.split("\n")
    if sentence and sentence not in head:
        head = "\n".join(lines[:1] + ["", sentence] + lines[1:])
    lesson = ([("md", rest, "lesson")] if rest.strip() else []) + cells[1:]
    tool = [c for c in lesson if c[2] == "tool"]
    student = [c for c in lesson if c[2] == "student"]
    lesson = [c for c in lesson if c[2] == "lesson"]
    if not tool:
        raise ValueError(f"{notebook}: no cell has the role 'tool'")

    # Legend before References (a heading cell and the code cell under it move together).
    titles = [section_title(c[1]) if c[0] == "md" else None for c in lesson]
    if "Legend" in titles and "References" in titles:
        li = titles.index("Legend")
        legend = [lesson[li]]
        j = li + 1
        while j < len(lesson) and titles[j] is None and lesson[j][0] == "code":
            legend.append(lesson[j])
            j += 1
        lesson = lesson[:li] + lesson[j:]
        titles = [section_title(c[1]) if c[0] == "md" else None for c in lesson]
        ri = titles.index("References")
        lesson = lesson[:ri] + legend + lesson[ri:]

    # The student's code after the lesson's text and tables, before the tasks.
    if student:
        titles = [section_title(c[1]) if c[0] == "md" else None for c in lesson]
        at = next((i for i, t in enumerate(titles) if t in ("Tasks", "Self-check")), len(lesson))
        block = [("md", "## Use it from code\n\n" + source_links(sources), "lesson")]
        block += [(k, s, "student") for k, s, _ in student]
        lesson = lesson[:at] + block + lesson[at:]

    out = [_cell("md", head)]
    out += [_cell(k, s, ("rb-tool",) if k == "code" else ()) for k, s, _ in tool]
    for k, s, role in lesson:
        if k == "md":
            out.append(_cell("md", fold(s)))
        else:
            out.append(_cell(k, s, ("rb-show-code",) if role == "student" else ()))
    if any(k == "code" and "shareable(" in s for k, s, _ in tool):
        out.append(_cell("code", APPLY_PAGE_LINK))
    return out


#: The last cell of a page whose dashboard is ``shareable``: where a classroom server's
#: pre-heated kernel waits for its visitor, so the whole page ran before (ui/share.py).
APPLY_PAGE_LINK = """
# A shared link's settings (?preset=..., ?layers=...) applied to the dashboard at the top.
# In a classroom server's pre-heated kernel this is where the page waits for its visitor.
from runback_widgets.ui.share import apply_page_link
apply_page_link()
"""


def write_notebook(path, cells, sources=()) -> None:
    """Write ``cells`` to ``path``; a dashboard (a cell with the role "tool") in the
    tool-first order, see :func:`tool_first`; ``sources`` are the package files the
    "Use it from code" section links to."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    if any(len(c) > 2 and c[2] == "tool" for c in cells):
        nb.cells = tool_first(Path(path).stem, cells, sources)
    else:
        nb.cells = [_cell(c[0], c[1]) for c in cells]
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
