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


def self_signed_cert(folder: Path, common_name: str = "runback.test", ip: str | None = None) -> tuple[Path, Path]:
    """A throw-away certificate and key made with openssl (the test skips without openssl)."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl not available to make a certificate")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
    cmd += ["-days", "2", "-subj", f"/CN={common_name}"]
    if ip:
        cmd += ["-addext", f"subjectAltName=IP:{ip}"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return cert, key
