"""``runback serve`` attacked at the protocol level (issue 10, "found by trying to break it").

Each test starts (or shares) the real ``runback serve`` on a free loopback port
(tests/browser/harness.py ``start_server``) and talks HTTP / websocket to it as an
attacker would: no browser. Visitors are told apart by ``X-Real-IP`` (trusted from a
loopback peer, as from a reverse proxy), so one test machine can be many visitors.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from http.client import HTTPException
from pathlib import Path

import psutil
import pytest
from tornado.httpclient import HTTPClientError
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from tests.browser.harness import NOTEBOOKS, start_server
from tests.conftest import run_async, self_signed_cert

#: What a refused websocket handshake raises in tornado's client (an HTTP error status,
#: or the connection closed on us).
REFUSED = (HTTPClientError, StreamClosedError, WebSocketClosedError, OSError)

pytestmark = pytest.mark.timeout(120)

V1 = "v1.kernel.websocket.jupyter.org"

#: A notebook that prints the page's query string as the kernel sees it (pre-heated or not).
QUERY_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "a1",
            "metadata": {},
            "outputs": [],
            "source": "from runback_widgets.ui.share import page_query_string\nprint('QUERY=' + page_query_string() + '=END')",
        },
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


# --- helpers -----------------------------------------------------------------------------


def http(url: str, headers: dict | None = None, timeout: float = 30.0, method: str = "GET", context=None):
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None

    handlers = [NoRedirect()] + ([urllib.request.HTTPSHandler(context=context)] if context else [])
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=b"" if method == "POST" else None)
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def open_page(server, notebook: str = "q", visitor: str = "10.9.9.9", query: str = "", timeout: float = 60):
    status, headers, body = http(server.url(notebook, query), {"X-Real-IP": visitor}, timeout=timeout)
    m = re.search(r'"kernelId": "([0-9a-f-]+)"', body)
    return status, headers, body, (m.group(1) if m else None)


def shut_down(server, kernel_id: str) -> int:
    return http(f"{server.base_url}/voila/api/shutdown/{kernel_id}", method="POST")[0]


def kernel_pids(server) -> dict[str, int]:
    """Kernel id -> pid of the server's kernels."""
    out = {}
    try:
        kids = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.Error:
        return out
    for k in kids:
        try:
            cmd = " ".join(k.cmdline())
        except psutil.Error:
            continue
        m = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
        if "ipykernel" in cmd and m:
            out[m.group(1)] = k.pid
    return out


def responsive(server, within: float = 1.0) -> bool:
    try:
        t0 = time.monotonic()
        status, _, _ = http(server.base_url + "/voila/tree", timeout=within)
        return status == 200 and time.monotonic() - t0 <= within
    except Exception:  # noqa: BLE001 - a timeout is the answer
        return False


def jmsg(kind: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": kind,
            "session": session,
            "username": "",
            "date": "2026-01-01T00:00:00Z",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": metadata or {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


def request_states(session: str) -> list[dict]:
    """What a page sends first: open the widget control comm, ask for every widget's state."""
    comm = uuid.uuid4().hex
    return [
        jmsg(
            "comm_open",
            {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
            session,
            {"version": "1.0.0"},
        ),
        jmsg("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}, session),
    ]


async def ws_connect(url: str, subprotocols=None, headers=None):
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    return await websocket_connect(
        HTTPRequest(url, headers=headers or {}, request_timeout=10), subprotocols=subprotocols
    )


def ws_url(server, kernel_id: str, session: str) -> str:
    return f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={session}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """notebooks/ plus the query notebook and symbolic links leading outside it."""
    base = tmp_path_factory.mktemp("attack")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.ipynb").write_text(json.dumps(QUERY_NOTEBOOK).replace("QUERY=", "OUTSIDE-SECRET="))
    (outside / "secret.png").write_bytes(b"\x89PNG outside-secret")
    nb = base / "notebooks"
    shutil.copytree(NOTEBOOKS, nb, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (nb / "q.ipynb").write_text(json.dumps(QUERY_NOTEBOOK))
    (nb / "linked.ipynb").symlink_to(outside / "secret.ipynb")
    (nb / "linked.png").symlink_to(outside / "secret.png")
    (nb / "linkdir").symlink_to(outside, target_is_directory=True)
    return nb


@pytest.fixture(scope="module")
def server(tmp_path_factory, folder):
    srv = start_server(
        tmp_path_factory.mktemp("attack-serve"),
        args=[
            f"--notebooks={folder}",
            "--max-kernels=3",
            "--max-kernels-per-visitor=2",
            "--cull-connected-timeout=6",
            "--header-timeout=2",
        ],
    )
    yield srv
    srv.stop()


# --- A: one websocket message must not freeze the server ---------------------------------


def test_legacy_kernel_websocket_cannot_freeze_the_server(server):
    status, _, _, kid = open_page(server, "q", visitor="10.1.0.1")
    assert status == 200 and kid
    proc = psutil.Process(server.proc.pid)
    rss0 = proc.memory_info().rss

    async def attack():
        session = uuid.uuid4().hex
        try:
            ws = await ws_connect(ws_url(server, kid, session))  # no subprotocol: legacy framing
        except Exception as exc:  # noqa: BLE001 - refused: the fix
            return f"refused: {exc}"
        for m in request_states(session):
            ws.write_message(json.dumps(m))
        await asyncio.sleep(3)
        ws.close()
        return "accepted"

    outcome = run_async(attack())
    assert outcome.startswith("refused"), "a kernel websocket without the v1 subprotocol was accepted"
    # Whatever happened, the server answers within 1 s and its memory did not balloon.
    assert responsive(server, 1.0), "the server stopped answering HTTP"
    assert proc.memory_info().rss - rss0 < 100 * 2**20

    # A page's own socket (v1) still works: the widget states come back.
    async def page_socket():
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

        session = uuid.uuid4().hex
        ws = await ws_connect(ws_url(server, kid, session), subprotocols=[V1])
        assert ws.selected_subprotocol == V1
        for m in request_states(session):
            ws.write_message(serialize_msg_to_ws_v1(m, "shell", pack=lambda d: json.dumps(d).encode()), binary=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), 20)
            assert raw is not None, "the server closed the page's socket"
            channel, parts = deserialize_msg_from_ws_v1(raw)
            msg = {"header": json.loads(parts[0]), "content": json.loads(parts[3])}
            if msg["header"]["msg_type"] == "comm_msg" and msg["content"]["data"].get("method") == "update_states":
                ws.close()
                return msg["content"]["data"]["states"]
        ws.close()
        return None

    states = run_async(page_socket())
    assert states is not None, "no widget states reply over the v1 socket"
    assert responsive(server, 1.0)
    shut_down(server, kid)


def test_frame_headers_are_read_with_bounds():
    from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

    from runback_widgets.voila.guard import V1 as GV1
    from runback_widgets.voila.guard import read_header

    msg = jmsg("execute_input", {"code": "x"}, "s")
    legacy = serialize_binary_message({**msg, "buffers": [b"\x00" * 10]})
    v1 = serialize_msg_to_ws_v1([json.dumps(msg["header"]).encode(), b"{}", b"{}", b"{}", b"\x00" * 10], "iopub")
    assert read_header(v1, GV1)["msg_type"] == "execute_input"
    assert read_header(legacy, None)["msg_type"] == "execute_input"
    # A legacy frame read as v1 (Voila's mistake) or garbage: no header, at once.
    t0 = time.monotonic()
    for junk in (legacy, b"\xff" * 64, b"", b"\x05\x00\x00\x00\x00\x00\x00\x00" + b"\xff" * 40):
        assert read_header(junk, GV1) is None
    assert read_header(b"\xff\xff\xff\xff" + b"\x00" * 12, None) is None
    assert time.monotonic() - t0 < 0.1


# --- B: the request-info socket (pre-heated kernels) -------------------------------------


@pytest.fixture(scope="module")
def classroom_folder(tmp_path_factory) -> Path:
    """A landing page and the query notebook: one pre-heated kernel each."""
    nb = tmp_path_factory.mktemp("attack-class") / "notebooks"
    nb.mkdir()
    shutil.copy(NOTEBOOKS / "index.ipynb", nb)
    (nb / "q.ipynb").write_text(json.dumps(QUERY_NOTEBOOK))
    return nb


@pytest.fixture(scope="module")
def classroom_server(tmp_path_factory, classroom_folder):
    srv = start_server(
        tmp_path_factory.mktemp("attack-class-serve"),
        args=[f"--notebooks={classroom_folder}", "--classroom=1", "--focus=q"],
    )
    try:
        deadline = time.monotonic() + 90
        while "ready:" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "ready:" in srv.log(), srv.log()
        yield srv
    finally:
        srv.stop()  # also when it never got ready: no server left running for later tests


def test_request_info_socket_cannot_hang_the_next_visitor(classroom_server):
    srv = classroom_server
    fake = str(uuid.uuid4())

    async def attack():
        # Voila's on_close removes the last waiter when its own is gone: the second
        # close removes the waiting pre-heated kernel's socket.
        url = f"ws://127.0.0.1:{srv.port}/voila/query/{fake}"
        opened = []
        for _ in range(3):
            try:
                opened.append(await ws_connect(url))
            except Exception:  # noqa: BLE001 - refused: the fix
                pass
        for ws in opened[:2]:
            ws.close()
        await asyncio.sleep(1.5)  # the server handles both closes (on_close) before the visitor comes
        return opened

    opened = run_async(attack())
    # The next visitor (a pre-heated kernel waiting for its request) gets the page, with its link's settings.
    t0 = time.monotonic()
    status, _, body, kid = open_page(srv, "q", query="speed=3.5", timeout=25)
    assert status == 200, body[:300]
    assert "QUERY=speed=3.5" in body.replace("&amp;", "&"), body[-1500:]
    assert time.monotonic() - t0 < 25
    assert not opened, "the request-info socket accepted a stranger"
    # A made-up id with the right path but no key, or a real-looking id with a wrong key: refused.
    for url in (
        f"ws://127.0.0.1:{srv.port}/voila/query/{kid}",
        f"ws://127.0.0.1:{srv.port}/voila/query/{kid}?key=wrong",
    ):
        with pytest.raises(REFUSED):
            run_async(ws_connect(url))


def test_request_info_client_gives_up_instead_of_hanging(monkeypatch):
    """The kernel's side: a server that never answers costs at most the wait limit."""
    import threading

    from runback_widgets.ui import share

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    port = sock.getsockname()[1]
    accepted = []

    def silent_ws_server():  # answers the handshake, then never sends a thing
        import base64
        import hashlib

        sock.settimeout(10)
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                data = conn.recv(4096).decode("latin-1")
            except OSError:
                conn.close()
                continue
            found = re.search(r"Sec-WebSocket-Key: (\S+)", data, re.I)
            if found is None:
                # Not our client: on a busy machine a fresh ephemeral port can be one a
                # dead kernel held, and a ZMQ peer still retrying it connects here.
                conn.close()
                continue
            key = found.group(1)
            acc = base64.b64encode(
                hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
            ).decode()
            conn.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {acc}\r\n\r\n"
                ).encode()
            )
            accepted.append(conn)

    threading.Thread(target=silent_ws_server, daemon=True).start()
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_KERNEL_ID", str(uuid.uuid4()))
    t0 = time.monotonic()
    assert share._request_info_from_server(recv_s=0.5, max_wait_s=2.0) is None
    took = time.monotonic() - t0
    sock.close()
    assert took < 6
    assert len(accepted) >= 2, "the client did not reconnect after a silent wait"


# --- C: kernel caps and silent sockets ---------------------------------------------------


def test_kernel_caps_per_visitor_and_in_all(server):
    opened = []
    try:
        for _ in range(2):
            status, _, _, kid = open_page(server, "q", visitor="10.3.0.1")
            assert status == 200 and kid
            opened.append(kid)
        status, headers, body, kid = open_page(server, "q", visitor="10.3.0.1")
        assert status == 503 and kid is None
        assert headers.get("Retry-After", "").isdigit()
        assert "You already have many dashboards open" in body and "Close a tab" in body
        assert "Traceback" not in body and "500" not in body
        status, _, _, kid = open_page(server, "q", visitor="10.3.0.2")
        assert status == 200 and kid
        opened.append(kid)
        status, headers, body, kid = open_page(server, "q", visitor="10.3.0.3")
        assert status == 503 and "The class is full right now" in body and headers.get("Retry-After")
        assert len(kernel_pids(server)) <= 3
        # A closed tab frees its place.
        assert shut_down(server, opened.pop(0)) in (200, 204)
        status, _, _, kid = open_page(server, "q", visitor="10.3.0.3")
        assert status == 200 and kid
        opened.append(kid)
    finally:
        for kid in opened:
            shut_down(server, kid)
    assert "refused a dashboard" in server.log()


def test_a_silent_connected_page_loses_its_kernel(server):
    status, _, _, kid = open_page(server, "q", visitor="10.4.0.1")
    assert status == 200 and kid in kernel_pids(server)

    async def hold():
        ws = await ws_connect(ws_url(server, kid, uuid.uuid4().hex), subprotocols=[V1])
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline and kid in kernel_pids(server):
            await asyncio.sleep(0.5)
        ws.close()

    t0 = time.monotonic()
    run_async(hold())
    assert kid not in kernel_pids(server), "a silent connected socket kept its kernel past the limit"
    assert 6 <= time.monotonic() - t0 < 25
    assert "connected but silent" in server.log()


# --- D: slow-loris and running out of descriptors ----------------------------------------


def partial_connections(port: int, n: int) -> list[socket.socket]:
    out = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(b"GET /voila/tree HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never finished
            out.append(s)
        except OSError:
            break
    return out


def closed_by_server(s: socket.socket) -> bool:
    s.settimeout(0.2)
    try:
        return s.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_partial_headers_time_out(server):
    socks = partial_connections(server.port, 40)
    try:
        assert len(socks) == 40
        assert responsive(server, 1.0), "a normal client waited behind partial requests"
        time.sleep(3.5)  # --header-timeout=2
        assert all(closed_by_server(s) for s in socks), "partial request headers never timed out"
    finally:
        for s in socks:
            s.close()


def test_out_of_descriptors_does_not_spin(tmp_path, folder):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # inherited by the server ...
    try:
        srv = start_server(tmp_path, args=[f"--notebooks={folder}", "--header-timeout=3"])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    socks = []
    try:
        proc = psutil.Process(srv.proc.pid)
        assert proc.rlimit(psutil.RLIMIT_NOFILE)[0] == hard, "the open-files limit was not raised at start"
        # ... then hold it at 256 from outside, and use up every descriptor.
        proc.rlimit(psutil.RLIMIT_NOFILE, (256, 256))
        log0 = len(srv.log())
        socks = partial_connections(srv.port, 300)
        proc.cpu_percent(None)
        time.sleep(2.0)
        cpu = proc.cpu_percent(None)
        grown = srv.log()[log0:]
        assert cpu < 50, f"the server spun at {cpu:.0f} % CPU out of descriptors"
        assert grown.count("Traceback") == 0 and len(grown) < 20_000, grown[:2000]
        assert "out of file descriptors" in grown
        for s in socks:
            s.close()
        socks = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not responsive(srv, 1.0):
            time.sleep(0.3)
        assert responsive(srv, 1.0), "the server did not recover once descriptors were free"
    finally:
        for s in socks:
            s.close()
        srv.stop()


# --- Low ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host,ok",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("[::1]", True),
        ("evil.example", False),
        ("rebind.attacker.test", False),
    ],
)
def test_host_header_is_checked_on_a_loopback_server(server, host, ok):
    status, _, body = http(server.base_url + "/voila/tree", {"Host": f"{host}:{server.port}"})
    assert (status == 200) == ok, (host, status)
    if not ok:
        status, _, body = http(server.url("q"), {"Host": host})
        assert status == 403 and "QUERY=" not in body


def test_host_header_also_guards_websockets(server):
    with pytest.raises(REFUSED):
        run_async(
            ws_connect(
                ws_url(server, str(uuid.uuid4()), "s"),
                subprotocols=[V1],
                headers={"Host": f"evil.example:{server.port}"},
            )
        )


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/linked.ipynb",
        "/voila/render/linkdir/secret.ipynb",
        "/voila/tree/linkdir",
        "/voila/api/contents/linkdir",
        "/voila/api/contents/linked.ipynb",
        "/voila/files/linked.png",
        "/voila/files/linkdir/secret.png",
    ],
)
def test_symbolic_links_out_of_the_notebooks_folder_are_not_followed(server, path):
    before = set(kernel_pids(server))
    status, _, body = http(server.base_url + path, {"X-Real-IP": "10.6.0.1"})
    assert status in (403, 404), (path, status)
    assert "OUTSIDE-SECRET" not in body and "outside-secret" not in body and "secret.ipynb" not in body
    assert set(kernel_pids(server)) <= before


def test_not_found_on_jupyter_routes_logs_one_line(server):
    u = str(uuid.uuid4())
    paths = [
        f"/api/kernels/{u}",
        f"/api/kernels/{u}/channels",
        "/voila/render/nope.ipynb",
        "/voila/tree/nope",
        "/voila/api/contents/nope",
        "/voila/files/nope.png",
        f"/voila/query/{u}",
        "/api/kernels",
        "/voila/api/shutdown/nope",
        "/voila/api/themes/nope",
        "/voila/labextensions/nope.js",
        "/logout",
    ]
    for path in paths:
        n0 = len(server.log().splitlines())
        status, _, body = http(server.base_url + path)
        assert 200 <= status < 500, (path, status)
        assert "Traceback" not in body
        time.sleep(0.2)
        added = server.log().splitlines()[n0:]
        assert len(added) <= 3 and not any("Traceback" in line for line in added), (path, added)


@pytest.fixture
def full_disk_server(tmp_path, folder):
    """The server with its temporary folder on a tiny, full file system (tmpfs in a
    private mount namespace)."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) not available")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    ns = ["unshare", "--mount"] if probe.returncode else ["unshare", "--user", "--map-root-user", "--mount"]
    if subprocess.run(
        [*ns, "mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(tmp)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs in a private namespace here")
    from tests.browser import harness

    script = f'mount -t tmpfs -o size=512k tmpfs "{tmp}" && exec "$@"'
    original = harness.runback_executable
    harness.runback_executable = lambda: [*ns, "sh", "-c", script, "sh", *original()]
    try:
        srv = start_server(tmp_path, args=[f"--notebooks={folder}"], env={"TMPDIR": str(tmp)})
    finally:
        harness.runback_executable = original
    try:
        assert f"Using {tmp} to store connection files" in srv.log(), srv.log()
        # Fill it as the class goes on (seen through the server's own mount namespace).
        fill = Path(f"/proc/{srv.proc.pid}/root{tmp}/fill")
        fh = open(fill, "wb", buffering=0)
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
        finally:
            try:
                fh.close()
            except OSError:
                pass
        yield srv
    finally:
        srv.stop()


def test_full_temp_dir_gives_a_plain_words_page(full_disk_server):
    srv = full_disk_server
    status, headers, body, kid = open_page(srv, "q", visitor="10.7.0.1")
    assert status == 503, (status, body[:500])
    assert "run out of space" in body and "tell your instructor" in body
    assert "Traceback" not in body and "Internal Server Error" not in body
    assert "no space left" in srv.log()
    assert responsive(srv, 2.0)


# --- TLS ---------------------------------------------------------------------------------


def test_serves_https_with_a_certificate(tmp_path, classroom_folder):
    """HTTPS with --certfile/--keyfile, in classroom mode: pages over https, and the
    pre-heated kernel still gets its visitor's link (it connects back over wss)."""
    cert, key = self_signed_cert(tmp_path, common_name="127.0.0.1", ip="127.0.0.1")
    srv = start_server(
        tmp_path,
        args=[
            f"--notebooks={classroom_folder}",
            f"--certfile={cert}",
            f"--keyfile={key}",
            "--classroom=1",
            "--focus=q",
        ],
        wait_url=False,
    )
    try:
        assert re.search(r"runback: open https://127\.0\.0\.1:\d+/voila/render/index\.ipynb", srv.log()), srv.log()
        ctx = ssl.create_default_context(cafile=str(cert))
        base = f"https://127.0.0.1:{srv.port}"
        deadline = time.monotonic() + 60
        while "ready:" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.3)
        status, _, body = http(base + "/voila/tree", context=ctx, timeout=10)
        assert status == 200 and "voila-tree-main" in body
        status, _, body = http(f"{base}/voila/render/q.ipynb?a=1", {"X-Real-IP": "10.8.0.1"}, context=ctx, timeout=30)
        assert status == 200 and "QUERY=a=1=END" in body, body[-1000:]
        with pytest.raises((OSError, HTTPException)):  # plain HTTP on the TLS port: no page
            http(f"http://127.0.0.1:{srv.port}/voila/tree", timeout=5)
    finally:
        srv.stop()
