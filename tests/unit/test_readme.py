"""The README tells the truth: its links, badges, screenshots and commands exist."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from runback_widgets import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BINDER_RE = re.compile(r"https://mybinder\.org/v2/gh/([\w.\-]+)/([\w.\-]+)/([\w.\-]+)\?urlpath=([^)\s\"'>]+)")
MAX_SCREENSHOT_BYTES = 400_000


def text() -> str:
    return README.read_text()


def first_screen() -> str:
    """What a visitor sees before scrolling: everything above the first horizontal rule."""
    return text().split("\n---\n")[0]


def dashboards() -> list[str]:
    return sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb") if p.stem != "index")


def binder_links() -> list[tuple[str, str]]:
    """(owner/name, urlpath) of every Binder link."""
    return [(f"{m.group(1)}/{m.group(2)}", unquote(m.group(4))) for m in BINDER_RE.finditer(text())]


def test_binder_links_open_notebooks_that_exist():
    links = binder_links()
    assert links, "README has no Binder links"
    assert len({repo for repo, _ in links}) == 1, "all Binder links should name the same repository"
    for _, urlpath in links:
        m = re.fullmatch(r"(lab/tree|voila/render)/(.+\.ipynb)", urlpath)
        assert m, f"unexpected Binder urlpath {urlpath}"
        assert (ROOT / m.group(2)).is_file(), f"Binder link opens {m.group(2)}, which does not exist"


def test_binder_badges_lab_and_one_voila_per_dashboard():
    paths = {urlpath for _, urlpath in binder_links()}
    assert "lab/tree/notebooks/index.ipynb" in paths, "one badge should open JupyterLab"
    for nb in dashboards():
        assert f"voila/render/notebooks/{nb}.ipynb" in paths, f"no Voila Binder badge for {nb}"
    screen = first_screen()
    assert "lab/tree/notebooks/index.ipynb" in screen


def test_every_dashboard_has_a_screenshot_on_the_first_screen():
    screen = first_screen()
    assert dashboards(), "no dashboard notebooks yet"
    for nb in dashboards():
        rel = f"docs/screenshots/{nb}.png"
        assert f"]({rel})" in screen, f"README's first screen lacks the screenshot of {nb}"
        png = ROOT / rel
        assert png.is_file(), f"{rel} missing: run the browser tests (tests/browser/test_pages.py) and commit it"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size <= MAX_SCREENSHOT_BYTES, (
            f"{rel} is {png.stat().st_size} bytes; keep README images small"
        )


def test_phone_and_projector_screenshots_are_linked():
    """Issue 14: the phone and projector views the layout tests take are committed and linked."""
    for nb in dashboards():
        for rel in (f"docs/screenshots/{k}-{nb}{t}.png" for k in ("phone", "projector") for t in ("", "-tool")):
            assert f"]({rel})" in text(), f"README does not link {rel}"
            assert (ROOT / rel).is_file(), f"{rel} missing: run `make screenshots` and commit it"


def test_relative_links_and_images_exist():
    for target in re.findall(r"\]\(([^)\s]+)\)", text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        assert (ROOT / target.split("#")[0]).exists(), f"README links to {target}, which does not exist"


def test_the_two_commands_are_on_the_first_screen_and_in_the_makefile():
    screen = first_screen()
    assert "make serve" in screen and "make test" in screen
    makefile = (ROOT / "Makefile").read_text()
    for target in ("serve", "test", "test-fast", "bench"):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"Makefile lacks `{target}`"
        assert f"make {target}" in text()


def test_first_screen_says_what_and_for_whom():
    screen = first_screen().lower()
    for word in ("runners", "physiotherapy students", "instructors", "not medical advice"):
        assert word in screen


def test_serve_options_in_readme_exist():
    parser = cli.build_parser()
    serve = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "serve")[1]
    known = {opt for action in serve._actions for opt in action.option_strings}
    # Options of other commands the README shows (`ruff check --fix`, `pip install --no-deps`,
    # repo2docker's `--no-build`) are theirs: only a bare option or one on a `runback serve` /
    # `make serve` line must be a serve option.
    readme = text()
    blocks = re.findall(r"```[^\n]*\n(.*?)```", readme, flags=re.S)
    prose = re.sub(r"`[^`\n]+`", "", re.sub(r"```.*?```", "", readme, flags=re.S))
    code_lines = re.findall(r"`([^`\n]+)`", readme) + [ln for b in blocks for ln in b.splitlines()]
    mentioned = set()
    for line in code_lines + prose.splitlines():
        other = re.match(r"\s*(\$\s*)?(ruff|pip|uv|python|\.venv|jupyter|make (?!serve)|git|bash)\b", line)
        if other and "runback serve" not in line and "make serve" not in line:
            continue
        mentioned |= set(re.findall(r"(?<![\w-])(--[a-z][a-z\-]+)", line))
    not_serve = {"--no-build", "--debug"}  # repo2docker options in prose, if ever mentioned
    unknown = sorted(mentioned - known - not_serve)
    assert not unknown, f"README mentions options runback serve does not have: {unknown}"
    for opt in ("--present", "--classroom", "--host", "--port", "--no-browser"):
        assert opt in mentioned, f"README should explain {opt}"


@pytest.mark.parametrize(
    "doc", ["environment.yml", "binder/requirements.txt", "binder/postBuild", "binder/runtime.txt", ".ci/run"]
)
def test_files_the_readme_relies_on_exist(doc):
    assert (ROOT / doc).is_file()
