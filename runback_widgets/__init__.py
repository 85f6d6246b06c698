"""runback_widgets: an interactive education kit about lower back pain in runners.

Kept light on purpose: importing the package must not pull in plotly or
ipywidgets, so the numpy models stay usable (and fast to import) on their own.
"""

__version__ = "0.1.0"

DASHBOARDS = (
    "01-spine-and-si-anatomy",
    "02-symptom-explorer",
    "03-run-load-simulator",
)
