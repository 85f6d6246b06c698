"""Shared test configuration."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def run_async(coro):
    """``asyncio.run(coro)`` in a thread of its own.

    The browser tests' session-scoped Playwright (sync API) keeps an event loop running in
    the main thread for the rest of the session, and ``asyncio.run`` refuses to start
    inside a running loop: tests that run after them use this instead.
    """
    import asyncio
    import threading

    box = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=target, name="run-async")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")
