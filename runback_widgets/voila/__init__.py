"""Serving helpers for Voila: the classroom kernel pool (``pool``) and the
page template additions (``templates/``) used by ``runback serve``.

Imported only by the command line, never by the dashboards' kernels.
"""
