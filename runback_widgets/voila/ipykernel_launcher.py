"""``python -m runback_widgets.voila.ipykernel_launcher``: ``ipykernel_launcher`` with runback's kernel-side fix.

Kernels ``runback serve`` starts as their own process (no ``--classroom``, or ``--no-fork``) run
this instead of ``-m ipykernel_launcher`` (``zygote.ForkProvisioner`` rewrites the command);
forked kernels get the same fix in ``zygote._child``. The fix: a kernel being shut down prints
no traceback for its last status message (``zygote.tolerate_closed_event_pipe``).
"""

import sys

if __name__ == "__main__":
    # As ipykernel_launcher: the current directory off sys.path while the kernel loads.
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    from runback_widgets.voila.zygote import tolerate_closed_event_pipe

    tolerate_closed_event_pipe()
    from ipykernel import kernelapp as app

    app.launch_new_instance()
