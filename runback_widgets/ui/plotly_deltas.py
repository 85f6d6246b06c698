"""A fix for plotly's FigureWidget delta handler (figures layer: plotly only).

When a trace holds a numpy array (``trace.x = np.array(...)``), plotly sends it
to the browser as a typed array, and plotly.js reports the trace's computed
defaults back with that array as ``{"dtype": ..., "bdata": ...}``, a dict.
``BaseFigureWidget._remove_overlapping_props`` then recurses into the numpy
array as if it were a dict and ends with ``if not input_val`` on the array:
``ValueError: The truth value of an array ... is ambiguous`` (plotly.py issue
4160), raised and formatted as a traceback in the kernel after every figure
update of every dashboard, which also leaves the handler's bookkeeping half
done. Converting every array to a list in every figure would avoid it at the
price of larger messages (a float64 written as JSON text takes about twice the
characters of its base64 form) and of an edit in every figure module.

``install()`` wraps that static method once per process: a typed-array entry in
the browser's delta whose Python value is not a dict or list is left out of the
recursion (the trace keeps its own array, as the handler would have, minus the
exception). Everything else goes to plotly's own code unchanged.
"""

from __future__ import annotations

__all__ = ["install", "is_typed_array_spec"]


def is_typed_array_spec(value) -> bool:
    """plotly.js's encoding of a typed array: ``{"dtype": "f8", "bdata": "...", ...}``."""
    return isinstance(value, dict) and "bdata" in value and "dtype" in value


def install() -> bool:
    """Wrap ``BaseFigureWidget._remove_overlapping_props``; returns True if installed now."""
    from plotly.basewidget import BaseFigureWidget

    original = BaseFigureWidget.__dict__.get("_remove_overlapping_props")
    func = getattr(original, "__func__", None)
    if func is None or getattr(func, "_runback_wrapped", False):
        return False

    def _remove_overlapping_props(input_data, delta_data, prop_path=()):
        if isinstance(input_data, dict) and isinstance(delta_data, dict):
            delta_data = {
                k: v
                for k, v in delta_data.items()
                if not (is_typed_array_spec(v) and k in input_data and not isinstance(input_data[k], (dict, list)))
            }
        return func(input_data, delta_data, prop_path)

    _remove_overlapping_props._runback_wrapped = True
    _remove_overlapping_props._runback_original = func
    BaseFigureWidget._remove_overlapping_props = staticmethod(_remove_overlapping_props)
    return True
