"""Fixtures for the browser suite: one ``runback serve`` and one Chromium per session.

Under CI (``CI=true``) a browser that cannot start is a failure, never a skip.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import in_ci

from .harness import CHROMIUM_FLAGS, ROOT, chromium_executable, open_dashboard, start_server

SCREENSHOTS = ROOT / "docs" / "screenshots"


def _unavailable(msg: str):
    if in_ci():
        pytest.fail(f"browser test cannot run under CI: {msg}", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if not path:
        _unavailable("Chromium not found (install Debian's `chromium` or set RUNBACK_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover
        _unavailable(f"playwright is not installed: {exc}")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    try:
        b = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
    except Exception as exc:
        _unavailable(f"Chromium at {chromium_path} did not start: {exc}")
    yield b
    b.close()


@pytest.fixture(scope="session")
def runback_server(tmp_path_factory):
    """The real ``runback serve`` on a free loopback port."""
    server = start_server(tmp_path_factory.mktemp("serve"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def present_server(tmp_path_factory):
    """``runback serve --present`` (projector mode), shared by every module that needs it
    (starting and stopping one costs seconds; its pages are independent of each other)."""
    server = start_server(tmp_path_factory.mktemp("present"), args=["--present"])
    yield server
    server.stop()


@pytest.fixture
def dashboard(browser, runback_server):
    """Factory: ``dashboard("02-symptom-explorer")`` opens a page and waits for Voila to finish."""
    opened = []

    def _open(notebook: str, **kwargs):
        dp = open_dashboard(browser, runback_server, notebook, **kwargs)
        opened.append(dp)
        return dp

    yield _open
    for dp in opened:
        dp.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    """Where browser tests save screenshots.

    ``RUNBACK_UPDATE_SCREENSHOTS=1`` (``make screenshots``) writes the README
    images in docs/screenshots/; otherwise a temporary folder, so running the
    suite leaves the work tree clean.
    """
    if os.environ.get("RUNBACK_UPDATE_SCREENSHOTS", "") not in ("", "0"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")
