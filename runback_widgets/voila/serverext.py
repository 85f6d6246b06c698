"""A Jupyter Server extension: plotly's widget bundle served once, for Binder and JupyterHub.

``runback serve`` already serves plotly's widget code as one static file (see
:mod:`runback_widgets.voila.bundle`). A Binder link does not go through
``runback serve``: it opens Voila (or JupyterLab) inside the Binder image's own
Jupyter server, where every ``FigureWidget`` would carry plotly's 5 MB bundle in
its widget state: 10–16 MB over the websocket per dashboard, measured here,
before the first plot, on a runner's phone.

Enabled in the Binder image by ``binder/postBuild`` (``runback configure-jupyter``,
see :func:`configure`), this extension gives that server the same fixed route
(``<base_url>runback/static/widgetbundle.js``, one file, nothing else) and sets
``RUNBACK_PLOTLY_ESM`` so the kernels it starts (Voila's and JupyterLab's)
give their figures the short import shim instead. It also keeps Voila's pages on
the MathJax they bundle (Voila's server extension otherwise loads it from a CDN).
"""

from __future__ import annotations

import os

from . import bundle, template_root

__all__ = ["_jupyter_server_extension_points", "_load_jupyter_server_extension", "load"]


def _jupyter_server_extension_points():
    return [{"module": "runback_widgets.voila.serverext"}]


def load(web_app, log=None) -> str:
    """Add the bundle route to a Tornado ``web_app`` (under its ``base_url``); set the
    kernels' environment variable. Returns the route."""
    route = bundle.handler(web_app.settings.get("base_url", "/"))
    web_app.add_handlers(".*$", [route])
    # Kernels inherit the server's environment when they start (after this).
    os.environ[bundle.ENV] = bundle.plotly_version()
    # Voila as a server extension points its pages at MathJax on a CDN unless the server
    # names a MathJax URL; with none (as standalone Voila and `runback serve` have),
    # the MathJax bundled with the page typesets the equations: offline too, and no
    # visitor's browser is sent to a third party.
    # (Voila's page takes its bundled MathJax only when both settings are unset.)
    web_app.settings.setdefault("mathjax_url", None)
    web_app.settings.setdefault("mathjax_config", None)
    if log is not None:
        log.info("runback: plotly's widget code served once at %s (kernels load it from there)", route[0])
    return route[0]


def _load_jupyter_server_extension(serverapp):
    load(serverapp.web_app, serverapp.log)


#: What ``runback configure-jupyter`` puts in Voila's configuration (``voila.json``):
#: the same page as ``runback serve`` gives (its template, no plotly mime renderer,
#: no tracebacks, no sources).
VOILA_SETTINGS = {
    "template": "runback",
    "extension_denylist": ["jupyterlab-plotly"],
    "show_tracebacks": False,
    "strip_sources": True,
}
EXTENSION = "runback_widgets.voila.serverext"


def configure(prefix) -> list:
    """Configure the Jupyter server of the Python environment at ``prefix`` (a Binder or
    JupyterHub image) to serve the dashboards as ``runback serve`` does.

    Writes, under ``prefix``:

    * ``etc/jupyter/jupyter_server_config.d/runback_widgets.json``: enables this
      extension (plotly's widget code served once; kernels told to use it);
    * ``etc/jupyter/voila.json``: Voila's settings (``VOILA_SETTINGS``), merged into
      what is already there;
    * ``share/jupyter/voila/templates/runback/``: the page template (connection-lost
      banner, presenter styles, main landmark).

    Returns the paths written. Safe to run again.
    """
    import json
    import shutil
    from pathlib import Path

    prefix = Path(prefix)
    written = []
    conf_d = prefix / "etc" / "jupyter" / "jupyter_server_config.d"
    conf_d.mkdir(parents=True, exist_ok=True)
    ext = conf_d / "runback_widgets.json"
    ext.write_text(json.dumps({"ServerApp": {"jpserver_extensions": {EXTENSION: True}}}, indent=2) + "\n")
    written.append(ext)

    voila_json = prefix / "etc" / "jupyter" / "voila.json"
    current = {}
    if voila_json.exists():
        try:
            current = json.loads(voila_json.read_text() or "{}")
        except ValueError as exc:
            raise SystemExit(f"runback: {voila_json} is not valid JSON ({exc}); fix or remove it first") from exc
    current.setdefault("VoilaConfiguration", {}).update(VOILA_SETTINGS)
    voila_json.write_text(json.dumps(current, indent=2) + "\n")
    written.append(voila_json)

    src = template_root() / "voila" / "templates" / "runback"
    dest = prefix / "share" / "jupyter" / "voila" / "templates" / "runback"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    written.append(dest)
    return written
