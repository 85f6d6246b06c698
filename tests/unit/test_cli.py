"""``runback serve`` without a browser.

The first part checks the serve policy with Voila's launch replaced by a
recorder (defaults, URL printed, token rules, Voila arguments). The second
part starts the real ``runback serve`` (the console script, through the
browser harness's ``start_server``) and talks HTTP to it: landing page,
token enforcement beyond loopback, Ctrl-C stopping it and its kernels.
"""

from __future__ import annotations

import os
import re
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest

from runback_widgets import cli
from tests.browser.harness import start_server
from tests.conftest import self_signed_cert

LANDING_PATH = "/voila/render/index.ipynb"


# --- the serve policy, Voila not started ---------------------------------------------


@pytest.fixture
def launched(monkeypatch):
    """Replace Voila's launch: record its argv and what the browser thread would open."""
    from voila.app import Voila

    calls = {"argv": None, "opened": []}

    def fake_launch(cls, argv=None, **kw):
        calls["argv"] = list(argv)

    monkeypatch.setattr(Voila, "launch_instance", classmethod(fake_launch))
    monkeypatch.setattr(cli, "_open_when_ready", lambda host, port, url, timeout=60.0: calls["opened"].append(url))
    monkeypatch.delenv("RUNBACK_NOTEBOOKS", raising=False)
    # cli.main sets environment variables for Voila and its kernels; run in this process,
    # they would leak into every later test's servers (VOILA_WS_PROTOCOL=wss from the TLS
    # test once made a plain server's pre-heated kernels retry wss for ever).
    saved = dict(os.environ)
    yield calls
    os.environ.clear()
    os.environ.update(saved)


def run_serve(capsys, *args):
    rc = cli.main(["serve", *args])
    out = capsys.readouterr().out
    return rc, out


def argv_value(argv, key):
    vals = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{key}=")]
    assert vals, f"--{key} not passed to Voila: {argv}"
    return vals[-1]


def test_parser_defaults():
    args = cli.build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8866)
    assert args.no_browser is False
    assert cli.display_url(args.host, args.port, "") == "http://127.0.0.1:8866/voila/render/index.ipynb"


def test_default_serve_prints_landing_url_without_token(launched, capsys):
    rc, out = run_serve(capsys, "--no-browser")
    assert rc == 0
    assert "http://127.0.0.1:8866/voila/render/index.ipynb" in out
    assert "token=" not in out
    argv = launched["argv"]
    assert argv_value(argv, "Voila.token") == ""
    assert argv_value(argv, "Voila.ip") == "127.0.0.1"
    assert argv_value(argv, "port") == "8866"
    assert launched["opened"] == []  # --no-browser
    # Serves the notebooks folder, which holds the landing page.
    assert (cli.Path(argv[0]) / "index.ipynb").is_file()


def test_browser_opened_on_landing_page_unless_no_browser(launched, capsys):
    run_serve(capsys, "--port", "8899")
    for _ in range(50):  # the opener runs in a thread
        if launched["opened"]:
            break
        time.sleep(0.02)
    assert launched["opened"] == ["http://127.0.0.1:8899/voila/render/index.ipynb"]


def test_all_interfaces_generate_a_token_and_print_it(launched, capsys):
    rc, out = run_serve(capsys, "--no-browser", "--host", "0.0.0.0", "--port", "9123")
    assert rc == 0
    m = re.search(r"open (http://\S+:9123/voila/render/index\.ipynb\?token=([A-Za-z0-9_\-]+))", out)
    assert m, out
    token = m.group(2)
    assert len(token) >= 24
    assert argv_value(launched["argv"], "Voila.token") == token
    assert argv_value(launched["argv"], "Voila.ip") == "0.0.0.0"
    assert "token in the URL is required" in out
    # A fresh token each start.
    _, out2 = run_serve(capsys, "--no-browser", "--host", "0.0.0.0", "--port", "9123")
    assert token not in out2


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_loopback_needs_no_token(launched, capsys, host):
    _, out = run_serve(capsys, "--no-browser", "--host", host)
    assert "token=" not in out
    assert argv_value(launched["argv"], "Voila.token") == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "myhost.example"])
def test_non_loopback_hosts_are_not_loopback(host):
    assert not cli.is_loopback(host)


def test_explicit_token_is_used(launched, capsys):
    _, out = run_serve(capsys, "--no-browser", "--host", "0.0.0.0", "--token", "classroom-7")
    assert "?token=classroom-7" in out
    assert argv_value(launched["argv"], "Voila.token") == "classroom-7"


def test_voila_arguments_cull_kernels_and_hide_tracebacks(launched, capsys):
    run_serve(capsys, "--no-browser")
    argv = launched["argv"]
    assert argv_value(argv, "VoilaConfiguration.show_tracebacks") == "False"
    assert int(argv_value(argv, "MappingKernelManager.cull_idle_timeout")) > 0
    assert int(argv_value(argv, "MappingKernelManager.cull_interval")) > 0
    # A closed tab leaves a disconnected kernel: cull it even so.
    assert argv_value(argv, "MappingKernelManager.cull_connected") == "False"
    assert argv_value(argv, "Voila.open_browser") == "False"
    # The port asked for or a clear failure, never a silent other port.
    assert argv_value(argv, "Voila.port_retries") == "0"


@pytest.mark.parametrize("bad", [["--port", "0"], ["--port", "70000"], ["--port", "x"], ["--classroom", "-1"]])
def test_bad_arguments_exit_with_usage_error(launched, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--no-browser", *bad])
    assert exc.value.code == 2
    assert launched["argv"] is None


def test_explicit_notebooks_folder_is_used_or_refused(launched, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--no-browser", "--notebooks", str(tmp_path / "nowhere")])
    assert "index.ipynb" in str(exc.value.code)
    assert launched["argv"] is None
    (tmp_path / "index.ipynb").write_text("{}")
    run_serve(capsys, "--no-browser", "--notebooks", str(tmp_path))
    assert launched["argv"][0] == str(tmp_path.resolve())


# --- the real server ---------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


def http_get(url: str, timeout: float = 60):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8", "replace")


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if "ipykernel" in " ".join(_cmdline(p))]


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return []


def test_real_server_landing_page_and_clean_ctrl_c(tmp_path):
    # Started with SIGINT ignored, as a shell's background job or a CI runner
    # may start it: Ctrl-C must still stop it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = start_server(tmp_path)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert "token=" not in server.log().split("Voil")[0]
        # A plain GET executes the landing notebook in a kernel.
        status, _, body = http_get(f"http://127.0.0.1:{server.port}{LANDING_PATH}")
        assert status == 200
        assert "jupyter-widgets" in body or "application/vnd.jupyter.widget-view+json" in body
        assert "Traceback" not in body
        kernels = kernel_processes(server.proc.pid)
        assert kernels, "rendering the landing page should have started a kernel"
        kernel_pids = [k.pid for k in kernels]
    finally:
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            rc = server.proc.wait(timeout=20)
        except Exception:
            server.stop()
            raise
        took = time.monotonic() - t0
    assert rc == 0, f"runback serve exited {rc} after Ctrl-C:\n{server.log()[-2000:]}"
    assert took < 20
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(psutil.pid_exists(p) and _alive(p) for p in kernel_pids):
        time.sleep(0.2)
    left = [p for p in kernel_pids if psutil.pid_exists(p) and _alive(p)]
    assert not left, f"kernels still running after Ctrl-C: {left}"
    log = server.log()
    assert "runback: stopped." in log
    assert "Traceback (most recent call last)" not in log


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_real_server_beyond_loopback_requires_the_token(tmp_path):
    server = start_server(tmp_path, host="0.0.0.0")
    try:
        assert server.token, f"no token printed:\n{server.log()}"
        m = re.search(r"runback: open (\S+)", server.log())
        assert m and m.group(1).endswith(f":{server.port}{LANDING_PATH}?token={server.token}"), server.log()
        base = f"http://127.0.0.1:{server.port}"
        status, headers, _ = http_get(base + LANDING_PATH, timeout=30)
        assert status in (401, 403) or (status in (302, 303) and "login" in headers.get("Location", "")), (
            status,
            headers,
        )
        status, _, _ = http_get(base + LANDING_PATH + "?token=wrong-token", timeout=30)
        assert status in (401, 403) or status in (302, 303)
        status, _, body = http_get(base + LANDING_PATH + f"?token={server.token}")
        assert status == 200
        assert "Traceback" not in body
    finally:
        assert server.stop() == 0


# --- runback configure-jupyter (what binder/postBuild runs) ---------------------------


def test_configure_jupyter_writes_extension_voila_settings_and_template(tmp_path, capsys):
    import json

    from runback_widgets.voila.serverext import EXTENSION, VOILA_SETTINGS

    etc = tmp_path / "etc" / "jupyter"
    etc.mkdir(parents=True)
    # Someone else's Voila settings are kept; ours are merged in.
    (etc / "voila.json").write_text(
        json.dumps({"VoilaConfiguration": {"theme": "light", "template": "lab"}, "VoilaExecutor": {"timeout": 30}})
    )
    assert cli.main(["configure-jupyter", "--prefix", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("runback: wrote") == 3
    ext = json.loads((etc / "jupyter_server_config.d" / "runback_widgets.json").read_text())
    assert ext == {"ServerApp": {"jpserver_extensions": {EXTENSION: True}}}
    voila = json.loads((etc / "voila.json").read_text())
    assert voila["VoilaExecutor"] == {"timeout": 30}
    assert voila["VoilaConfiguration"]["theme"] == "light"
    assert {k: voila["VoilaConfiguration"][k] for k in VOILA_SETTINGS} == VOILA_SETTINGS
    tpl = tmp_path / "share" / "jupyter" / "voila" / "templates" / "runback"
    assert (tpl / "index.html.j2").read_text() == (
        cli.template_root() / "voila" / "templates" / "runback" / "index.html.j2"
    ).read_text()
    assert json.loads((tpl / "conf.json").read_text())["base_template"] == "lab"
    # Running it again changes nothing.
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert cli.main(["configure-jupyter", "--prefix", str(tmp_path)]) == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_configure_jupyter_refuses_a_broken_voila_json(tmp_path):
    etc = tmp_path / "etc" / "jupyter"
    etc.mkdir(parents=True)
    (etc / "voila.json").write_text("{not json")
    with pytest.raises(SystemExit, match="voila.json is not valid JSON"):
        cli.main(["configure-jupyter", "--prefix", str(tmp_path)])
    assert (etc / "voila.json").read_text() == "{not json"


def test_server_extension_serves_only_the_bundle_under_the_base_url(monkeypatch):
    """The extension's route is under the server's base URL and names one file; the
    kernels it starts are told to use it."""
    import os

    from tornado.web import Application

    from runback_widgets.voila import bundle, serverext

    monkeypatch.delenv(bundle.ENV, raising=False)
    app = Application([], base_url="/user/someone/")
    route = serverext.load(app)
    assert route == "/user/someone/runback/static/(widgetbundle\\.js)"
    assert os.environ[bundle.ENV] == bundle.plotly_version()
    # Voila's pages keep the MathJax they bundle (no CDN) ...
    assert app.settings["mathjax_url"] is None and app.settings["mathjax_config"] is None
    # ... unless the server names its own.
    other = Application([], base_url="/", mathjax_url="/static/mathjax/tex-chtml.js")
    serverext.load(other)
    assert other.settings["mathjax_url"] == "/static/mathjax/tex-chtml.js"
    assert serverext._jupyter_server_extension_points() == [{"module": "runback_widgets.voila.serverext"}]


# --- security options (issue 10) --------------------------------------------------------


def test_plain_http_beyond_loopback_warns_and_tls_does_not(launched, capsys, tmp_path):
    _, out = run_serve(capsys, "--no-browser", "--host", "0.0.0.0")
    assert "WARNING: plain HTTP" in out and "--certfile" in out
    _, out = run_serve(capsys, "--no-browser")
    assert "WARNING" not in out  # loopback: nothing crosses the network
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("not a certificate")
    key.write_text("x")
    with pytest.raises(SystemExit, match="cannot use --certfile/--keyfile"):
        cli.main(["serve", "--no-browser", "--host", "0.0.0.0", "--certfile", str(cert), "--keyfile", str(key)])
    cert, key = self_signed_cert(tmp_path / "tls")
    _, out = run_serve(capsys, "--no-browser", "--host", "0.0.0.0", "--certfile", str(cert), "--keyfile", str(key))
    assert "WARNING" not in out
    assert re.search(r"open https://\S+\?token=", out)


def test_tls_files_must_exist(launched, capsys, tmp_path):
    with pytest.raises(SystemExit, match="no such file"):
        cli.main(["serve", "--no-browser", "--certfile", str(tmp_path / "missing.pem")])
    with pytest.raises(SystemExit, match="--keyfile needs --certfile"):
        cli.main(["serve", "--no-browser", "--keyfile", str(tmp_path / "k.pem")])
    assert launched["argv"] is None


def test_kernel_caps_are_sized_from_memory_and_printed(launched, capsys):
    from runback_widgets.voila import guard

    # 8 GB laptop: (0.75 * 8192 - 150) / 125 = 47 visitor kernels; a warm pool of 33 leaves 14.
    assert guard.auto_kernel_cap(8192) == 47
    assert guard.auto_kernel_cap(8192, pooled=33) == 14
    assert guard.auto_kernel_cap(512) == 2  # never below two
    # Classroom kernels fork from the warm parent (35 MB each): a class of 30 on this
    # repository's pages (78 pre-heated) still leaves room for 93 visitors' kernels on 8 GB
    # (a soak of 30 students reloading pages met "class full" at the 125-MB count: 65 here).
    from runback_widgets.voila import pool

    assert guard.auto_kernel_cap(8192, pooled=78, kernel_mb=pool.FORKED_KERNEL_MB) == 93
    notebooks = cli.find_notebooks_dir()
    policy = cli.serve_policy(cli.build_parser().parse_args(["serve", "--classroom", "30"]), notebooks)
    pooled = sum(cli.pool_plan(notebooks, 30, forked=True).values())
    assert policy.max_kernels == guard.auto_kernel_cap(guard.machine_memory_mb(), pooled, pool.FORKED_KERNEL_MB)
    _, out = run_serve(capsys, "--no-browser")
    expected = guard.auto_kernel_cap(guard.machine_memory_mb())
    assert f"at most {expected} dashboards open at once, {guard.PER_VISITOR_DEFAULT} per visitor" in out
    _, out = run_serve(capsys, "--no-browser", "--max-kernels", "5", "--max-kernels-per-visitor", "0")
    assert "at most 5 dashboards open at once (" in out


@pytest.mark.parametrize(
    "bad", [["--max-kernels", "-1"], ["--max-kernels-per-visitor", "-2"], ["--cull-connected-timeout", "-5"]]
)
def test_bad_cap_arguments_exit_with_usage_error(launched, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--no-browser", *bad])
    assert exc.value.code == 2


def test_open_files_soft_limit_is_raised_to_the_hard_limit():
    import resource

    from runback_widgets.voila import guard

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        old, new = guard.raise_open_files_limit()
        assert old == min(256, hard)
        assert new == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        assert new == hard or (hard == resource.RLIM_INFINITY and new >= 10240)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_pool_plan_leaves_out_notebooks_linked_from_outside(tmp_path):
    """A symbolic link under notebooks/ to a notebook elsewhere is never served, so no
    pre-heated kernel runs it either."""
    nb = tmp_path / "notebooks"
    nb.mkdir()
    (nb / "index.ipynb").write_text("{}")
    (nb / "a.ipynb").write_text("{}")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.ipynb").write_text("{}")
    (nb / "linked.ipynb").symlink_to(tmp_path / "elsewhere" / "x.ipynb")
    (nb / "inner.ipynb").symlink_to(nb / "a.ipynb")  # inside: fine
    assert cli.notebook_files(nb) == ["a.ipynb", "index.ipynb", "inner.ipynb"]
    assert "linked.ipynb" not in cli.pool_plan(nb, 10)


def test_kernels_are_told_the_servers_own_websocket_protocol(launched, capsys, monkeypatch):
    """An inherited VOILA_WS_PROTOCOL=wss (another server's, a shell's) on a plain-HTTP server
    sent its pre-heated kernels to wss for ever (seen in CI: the 'ready' line never came)."""
    monkeypatch.setenv("VOILA_WS_PROTOCOL", "wss")
    run_serve(capsys, "--no-browser")
    assert os.environ["VOILA_WS_PROTOCOL"] == "ws"
