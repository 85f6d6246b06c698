"""Plotly's widget code served once per server, not sent through every kernel.

plotly 7's ``FigureWidget`` is an anywidget whose ``_esm`` trait holds the
whole plotly.js widget bundle (about 5 MB of JavaScript). Every figure of every
visitor ships it from the kernel, through the server, over the visitor's
websocket, as widget state; with a class arriving at once that dominates the
time to first plot.

Under ``runback serve`` the server exposes that one file at
``/runback/static/widgetbundle.js`` (a fixed route: no other file can be
named) and sets ``RUNBACK_PLOTLY_ESM``. Kernels started by it then give
``FigureWidget`` a few-line ``_esm`` that imports the bundle from the server,
so the browser downloads it once per page (a cacheable static file) and
evaluates it once however many figures the page has. Outside ``runback serve``
(JupyterLab, nbval, plain Voila) nothing changes.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "RUNBACK_PLOTLY_ESM"
ROUTE = r"/runback/static/(widgetbundle\.js)"
FILENAME = "widgetbundle.js"


def bundle_dir() -> Path:
    """The folder holding plotly's widget bundle (found without importing plotly)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "package_data"


def handler(base_url: str) -> tuple:
    """The Tornado handler (route, class, options) serving the bundle under ``base_url``:
    the one fixed file name, nothing else (``runback serve`` and the server extension)."""
    from jupyter_server.utils import url_path_join
    from tornado.web import StaticFileHandler

    return (url_path_join(base_url, ROUTE), StaticFileHandler, {"path": str(bundle_dir())})


def plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


def shim(version: str) -> str:
    """The ``_esm`` a figure carries: import the served bundle (relative to Voila's base URL)."""
    # The server's base URL: the page config that both Voila and JupyterLab pages carry
    # (``baseUrl``: "/" under runback serve, "/user/<name>/" on Binder/JupyterHub), else
    # Voila's ``data-base-url`` on <body> ("<base>voila/").
    return (
        "let base = null;\n"
        "try { base = JSON.parse(document.getElementById('jupyter-config-data').textContent).baseUrl || null; } catch (e) {}\n"
        "if (!base) base = ((document.body && document.body.getAttribute('data-base-url')) || '/voila/').replace(/voila\\/$/, '');\n"
        "if (!base.endsWith('/')) base += '/';\n"
        f"const mod = await import(new URL(base + 'runback/static/{FILENAME}?v={version}', window.location.href).href);\n"
        "export const FigureModel = mod.FigureModel;\n"
        "export const FigureView = mod.FigureView;\n"
        "export default mod.default;\n"
    )


def use_served_bundle() -> bool:
    """In a kernel started by ``runback serve``: make new FigureWidgets load plotly from the server.

    Returns whether the patch applied. Safe to call many times.
    """
    version = os.environ.get(ENV, "")
    if not version:
        return False
    from plotly.basewidget import BaseFigureWidget

    if getattr(BaseFigureWidget, "_runback_served", False):
        return True
    BaseFigureWidget._esm = shim(version)
    BaseFigureWidget._runback_served = True
    return True
