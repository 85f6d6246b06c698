"""A pre-heated kernel keeps its widgets' messages to itself until a page connects.

A Voila pre-heated kernel runs its page before any browser has connected to it.
Every widget the page makes sends a ``comm_open`` with its whole state, and every
change a ``comm_msg``, on IOPub (the simulator page: ~280 widgets, ~300
messages). No browser can receive them: a page's browser connects later and
asks for every widget's current state in one ``request_states`` (ipywidgets 8's
control comm), and Jupyter Server keeps no IOPub backlog for a connection that
did not exist yet. Their only reader is the server itself, which deserialises
each one twice (Voila's notebook run and Jupyter Server's activity clock): on a
classroom server, most of the server's CPU per pooled page, and in the kernel
the state serialisation of every widget (py-spy, issue 10).

``install()`` (in a kernel whose environment says ``VOILA_PREHEAT=True``: only
kernels of a Voila pool; ``RUNBACK_QUIET=0`` turns it off; ``voila/zygote.py`` calls it as a forked kernel starts)
makes the kernel **quiet** until a frontend speaks to its widgets: widgets are
created with their comms registered (the page's messages find them) but their
``comm_open`` and state updates are not serialised or sent. The first
``comm_open``, ``comm_msg``, ``comm_close`` or ``comm_info_request`` a client sends
(the page's widget manager opening the control comm) ends the quiet for good,
before that message is handled, so the page's ``request_states`` is answered with
every widget's current state and everything after is sent as usual.

What a page sees is unchanged: the messages dropped are exactly those no page
could have received. Tests: ``tests/unit/test_quiet.py`` (a kernel's page gets
every widget and later updates), the classroom browser tests (a real Chromium
draws and updates a pooled page).
"""

from __future__ import annotations

import functools
import inspect
import os

#: True while the kernel has had no frontend.
_state = {"quiet": False, "dropped": 0}
#: Client messages that mean a frontend is talking to this kernel's widgets.
SPEAKS = ("comm_open", "comm_msg", "comm_close", "comm_info_request")
_COMM_MESSAGES = ("comm_open", "comm_msg", "comm_close")


def quiet() -> bool:
    """Whether this kernel still keeps its widget messages to itself."""
    return _state["quiet"]


def dropped() -> int:
    """Widget messages not sent while quiet (tests, diagnostics)."""
    return _state["dropped"]


def speak() -> None:
    """End the quiet: from now on widget messages are sent as usual."""
    _state["quiet"] = False


def wanted(env: dict | None = None) -> bool:
    """Quiet applies to kernels Voila pre-heats (its pool starts them with ``VOILA_PREHEAT=True``;
    ``VOILA_KERNEL_ID`` is set later, by the notebook run's first request)."""
    env = os.environ if env is None else env
    return env.get("VOILA_PREHEAT", "False") == "True" and env.get("RUNBACK_QUIET", "1") != "0"


def _patch_widgets() -> None:
    import ipywidgets
    from ipywidgets.widgets import widget as wmod

    W = ipywidgets.Widget
    if getattr(W.open, "_runback_quiet", False):
        return
    open_, send_state = W.open, W.send_state

    @functools.wraps(open_)
    def open(self):
        if not _state["quiet"] or self.comm is not None:
            return open_(self)
        # The comm is registered (a page's messages find it); its state is serialised only
        # when a page asks for it (request_states). Its traits are read now, as get_state
        # would: a default made on first read (a Layout, a Style) is a widget too, and made
        # later it would change the widget registry while request_states walks it.
        for name in self.keys:
            getattr(self, name, None)
        args = {
            "target_name": "jupyter.widget",
            "data": {"state": {}, "buffer_paths": []},
            "metadata": {"version": wmod.__protocol_version__},
        }
        if self._model_id is not None:
            args["comm_id"] = self._model_id
        self.comm = wmod.comm.create_comm(**args)

    @functools.wraps(send_state)
    def quiet_send_state(self, key=None):
        if _state["quiet"]:
            _state["dropped"] += 1
            return None
        return send_state(self, key=key)

    open._runback_quiet = True
    W.open = open
    W.send_state = quiet_send_state


def _patch_comms() -> None:
    from ipykernel.comm.comm import BaseComm
    from ipykernel.kernelbase import Kernel

    publish = BaseComm.publish_msg
    if getattr(publish, "_runback_quiet", False):
        return

    @functools.wraps(publish)
    def publish_msg(self, msg_type, *args, **kwargs):
        if _state["quiet"] and msg_type in _COMM_MESSAGES:
            _state["dropped"] += 1
            # What the skipped publish_msg would have done besides sending: bind the comm to
            # the kernel (ipywidgets sends nothing on a comm with no kernel, ever).
            if getattr(self, "kernel", None) is None and Kernel.initialized():
                self.kernel = Kernel.instance()
            return None
        return publish(self, msg_type, *args, **kwargs)

    publish_msg._runback_quiet = True
    BaseComm.publish_msg = publish_msg


def listen(kernel) -> None:
    """Make the kernel's handlers for a frontend's widget messages end the quiet first."""
    for msg_type in SPEAKS:
        handler = kernel.shell_handlers.get(msg_type)
        if handler is None or getattr(handler, "_runback_quiet", False):
            continue
        if inspect.iscoroutinefunction(handler):

            async def wrapped(*args, _h=handler, **kwargs):
                speak()
                return await _h(*args, **kwargs)

        else:

            def wrapped(*args, _h=handler, **kwargs):
                speak()
                return _h(*args, **kwargs)

        wrapped._runback_quiet = True
        kernel.shell_handlers[msg_type] = wrapped


def install(kernel) -> bool:
    """Quiet until a frontend speaks, in a pre-heated kernel (after ``init_kernel``). True if on."""
    if not wanted():
        return False
    _patch_comms()
    _patch_widgets()
    listen(kernel)
    _state["quiet"] = True
    return True
