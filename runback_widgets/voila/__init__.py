"""Serving helpers for Voila: the classroom kernel pool (``pool``), plotly's widget
bundle served once per server (``bundle``; the kernels' side of it too), the Jupyter
Server extension that does the same on Binder and JupyterHub (``serverext``), and the
page template (``share/voila/templates/runback``) used by ``runback serve``.
"""

from pathlib import Path


def template_root() -> Path:
    """A Jupyter data dir holding runback's Voila template (``voila/templates/runback``)."""
    return Path(__file__).resolve().parent / "share"
