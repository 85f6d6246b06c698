"""runback_widgets: an interactive education kit about lower back pain in runners.

Kept light on purpose: importing the package must not pull in plotly or
ipywidgets, so the numpy models stay usable (and fast to import) on their own.

One start-up saving in Jupyter kernels (where every dashboard runs): plotly
imports nbformat, nbformat imports jsonschema, and jsonschema's optional
format checkers import ``rfc3987_syntax`` when it is installed (Jupyter's
server stack installs it), which compiles 38 lark grammars at import time:
about 0.8 s of CPU on a quiet 2-core machine, more under load, in every
visitor's kernel before its first plot. Nothing in a dashboard kernel checks
the "iri" JSON-schema format, so in a kernel that import is declined
(jsonschema then simply has no "iri" checker, as when the package is absent).
The server process is not a kernel and keeps it. ``benchmarks/dashboards.py``
reports time to first plot; ``tests/unit/test_kernel_startup.py`` checks the effect
in a real kernel.
"""

import sys as _sys

__version__ = "0.1.0"

#: Every dashboard notebook (notebooks/<name>.ipynb), in the landing page's order.
DASHBOARDS = (
    "01-spine-and-si-anatomy",
    "02-symptom-explorer",
    "03-run-load-simulator",
    "04-what-helps",
)

#: Optional imports declined inside Jupyter kernels (see the module docstring).
KERNEL_SKIPPED_IMPORTS = ("rfc3987_syntax",)

if "ipykernel" in _sys.modules:
    for _name in KERNEL_SKIPPED_IMPORTS:
        _sys.modules.setdefault(_name, None)  # "import rfc3987_syntax" -> ImportError, handled by jsonschema
