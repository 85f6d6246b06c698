"""Safe to put on a network: what ``runback serve`` refuses to serve, the token
rule beyond loopback, stripped sources, and a killed kernel.

Plain HTTP (urllib) against the real server for most checks; Chromium only for
the killed-kernel check.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from .harness import NOTEBOOKS, open_dashboard, start_server

pytestmark = pytest.mark.browser

#: Text of the landing notebook's code cell: must never reach the browser.
LANDING_SOURCE = "from runback_widgets.ui.landing import landing"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def get(url: str, timeout: float = 60.0, follow: bool = False) -> tuple[int, str]:
    """Status and body. Redirects are not followed unless ``follow`` (then only
    within the same server, and the final answer is returned)."""
    for _ in range(6):
        try:
            with _opener.open(url, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            if follow and e.code in (301, 302, 303, 307, 308) and e.headers.get("Location"):
                nxt = urllib.parse.urljoin(url, e.headers["Location"])
                if urllib.parse.urlsplit(nxt).netloc != urllib.parse.urlsplit(url).netloc:
                    return e.code, body
                url = nxt
                continue
            return e.code, body
    return 310, ""


def kernels_of(server) -> list[psutil.Process]:
    try:
        kids = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.Error:
        return []
    out = []
    for k in kids:
        try:
            if "ipykernel" in " ".join(k.cmdline()):
                out.append(k)
        except psutil.Error:
            pass
    return out


@pytest.fixture(scope="module")
def served_folder(tmp_path_factory) -> Path:
    """notebooks/ plus decoys: hidden files and folders, text, Python, a harmless image."""
    folder = tmp_path_factory.mktemp("served") / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (folder / ".secret.png").write_bytes(b"\x89PNG secret")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "a.png").write_bytes(b"\x89PNG hidden")
    (folder / ".hidden.ipynb").write_text((NOTEBOOKS / "index.ipynb").read_text())
    (folder / "notes.txt").write_text("private notes")
    (folder / "helper.py").write_text("SECRET = 1\n")
    (folder / "ok.png").write_bytes(b"\x89PNG public")
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory, served_folder):
    srv = start_server(tmp_path_factory.mktemp("sec-serve"), args=[f"--notebooks={served_folder}"])
    yield srv
    srv.stop()


FORBIDDEN = [
    "/pyproject.toml",
    "/../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/.venv/pyvenv.cfg",
    "/voila/files/../pyproject.toml",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files/..%2fpyproject.toml",
    "/voila/files/index.ipynb",
    "/voila/files/helper.py",
    "/voila/files/notes.txt",
    "/voila/files/.secret.png",
    "/voila/files/.hidden/a.png",
    "/voila/render/../pyproject.toml",
    "/voila/render/%2e%2e/pyproject.toml",
    "/voila/render/.hidden.ipynb",
    "/voila/render/notes.txt",
    "/voila/static/../pyproject.toml",
    "/voila/static/%2e%2e/%2e%2e/pyproject.toml",
    "/voila/templates/lab/../../../../pyproject.toml",
    "/voila/templates/runback/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/runback/static/../../pyproject.toml",
    "/runback/static/%2e%2e/__init__.py",
    "/runback/static/plotly.js",
    "/api/contents/index.ipynb",
    "/api/contents",
    "/voila/api/contents/helper.py",
    "/voila/api/contents/.hidden.ipynb",
    "/api/kernels",
    "/api/sessions",
    "/tree",
    "/lab",
]


@pytest.mark.parametrize("path", FORBIDDEN)
def test_nothing_outside_notebooks_is_served(server, path):
    # A redirect is fine as long as where it leads is refused too.
    status, body = get(server.base_url + path, follow=True)
    assert status in (403, 404), f"{path} answered {status}: {body[:200]!r}"
    assert "[build-system]" not in body and "SECRET" not in body and "private notes" not in body


def test_allowlisted_image_is_served(server):
    status, body = get(server.base_url + "/voila/files/ok.png")
    assert status == 200 and "public" in body


def test_contents_api_never_returns_notebook_source(server):
    status, body = get(server.base_url + "/voila/api/contents/index.ipynb")
    if status == 200:
        model = json.loads(body)
        assert model.get("content") is None
    assert LANDING_SOURCE not in body


def test_source_stays_stripped(server):
    status, body = get(server.url("index"))
    assert status == 200
    assert "rendered_cells" in body
    assert LANDING_SOURCE not in body
    assert "jp-InputArea" not in body or LANDING_SOURCE not in body


@pytest.fixture(scope="module")
def public_server(tmp_path_factory):
    """Listening on every interface: a token is required (reached here via 127.0.0.1)."""
    srv = start_server(tmp_path_factory.mktemp("sec-public"), host="0.0.0.0")
    srv.host = "127.0.0.1"
    yield srv
    srv.stop()


def test_non_loopback_requires_token(public_server):
    srv = public_server
    assert srv.token, "runback serve --host 0.0.0.0 printed no token"
    base = srv.base_url
    for path in (
        "/voila/render/index.ipynb",
        "/voila/render/index.ipynb?token=wrong",
        "/voila/api/contents",
        "/voila/tree",
    ):
        status, body = get(base + path)
        assert status in (302, 401, 403), f"{path} without the token answered {status}"
        assert "rendered_cells" not in body
    time.sleep(1.0)
    assert kernels_of(srv) == [], "a kernel was started for a visitor without the token"

    status, body = get(f"{base}/voila/render/index.ipynb?token={srv.token}")
    assert status == 200 and "rendered_cells" in body
    assert LANDING_SOURCE not in body
    assert len(kernels_of(srv)) >= 1


def test_killed_kernel_leaves_a_message_and_others_keep_working(browser, server):
    a = open_dashboard(browser, server, "index")
    b = open_dashboard(browser, server, "index")
    try:
        kid_a = json.loads(a.page.locator("#jupyter-config-data").text_content())["kernelId"]
        kid_b = json.loads(b.page.locator("#jupyter-config-data").text_content())["kernelId"]
        assert kid_a != kid_b
        victims = [k for k in kernels_of(server) if kid_a in " ".join(k.cmdline())]
        assert len(victims) == 1, "could not find the first visitor's kernel process"
        victims[0].kill()

        alert = a.page.locator("#rb-connection-lost[role=alert]")
        alert.wait_for(state="visible", timeout=30_000)
        assert "connection to the server was lost" in alert.inner_text().lower()
        assert "reload" in alert.inner_text().lower()

        # The other visitor's page has no banner and its kernel still answers:
        # a widget round trip (the landing's detail fold or any button) works.
        assert b.page.locator("#rb-connection-lost").count() == 0
        assert any(kid_b in " ".join(k.cmdline()) for k in kernels_of(server))
        status, _ = get(server.url("index"))
        assert status == 200
    finally:
        a.close()
        b.close()


def post(url: str, timeout: float = 30.0) -> int:
    req = urllib.request.Request(url, data=b"", method="POST")
    try:
        with _opener.open(req, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_shutdown_endpoint_is_guarded(server, public_server):
    import uuid

    # Unknown kernel: 404, not a 500 with a traceback.
    assert post(f"{server.base_url}/voila/api/shutdown/{uuid.uuid4()}") == 404
    # Beyond loopback without the token: refused, the kernels stay.
    before = len(kernels_of(public_server))
    assert before >= 1
    for k in kernels_of(public_server):
        kid = [a for a in k.cmdline() if "kernel-" in a][0].split("kernel-")[1].split(".json")[0]
        assert post(f"{public_server.base_url}/voila/api/shutdown/{kid}") in (302, 401, 403)
    time.sleep(1.0)
    assert len(kernels_of(public_server)) == before


def test_closed_tab_frees_its_kernel(browser, server):
    dp = open_dashboard(browser, server, "index")
    kid = json.loads(dp.page.locator("#jupyter-config-data").text_content())["kernelId"]
    assert any(kid in " ".join(k.cmdline()) for k in kernels_of(server))
    dp.page.goto("about:blank")  # leaving the page sends Voila's shutdown beacon
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(kid in " ".join(k.cmdline()) for k in kernels_of(server)):
        time.sleep(0.5)
    dp.close()
    assert not any(kid in " ".join(k.cmdline()) for k in kernels_of(server)), "closing the tab left its kernel running"
