"""A pre-heated kernel's widgets stay quiet until a page connects (runback_widgets/voila/quiet.py).

Checked against a real kernel forked from the zygote, spoken to over its
channels exactly as a page's widget manager does (the control comm's
``request_states``, then ``comm_msg`` updates): while quiet the kernel sends no
widget message; the page then gets every widget with its current state (made
and changed while quiet), a control it moves makes the kernel send the
dependent widget's new state, and widgets made afterwards open as usual. A
kernel Voila did not pre-heat is never quiet.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from tests.conftest import run_async

pytest.importorskip("ipykernel")

BUILD = (
    "import ipywidgets as w\n"
    "from runback_widgets.voila import quiet\n"
    "s = w.IntSlider(value=3, description='n')\n"
    "out = w.HTML(value='three')\n"
    "s.observe(lambda c: setattr(out, 'value', f'now {c.new}'), names='value')\n"
    "s.value = 4  # changed while quiet: the page must still see 4 and 'now 4'\n"
    "box = w.VBox([s, out])\n"
    "print(quiet.quiet(), quiet.dropped(), s.model_id, out.model_id, box.model_id)\n"
)


@pytest.fixture(scope="module")
def zygote():
    from runback_widgets.voila import zygote as zmod

    z = zmod.Zygote().start()
    assert z.ready()
    saved = zmod.ACTIVE
    zmod.install(z)
    yield z
    zmod.ACTIVE = saved
    z.stop()


def _drain(kc, seconds: float = 1.0) -> list[dict]:
    got, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            got.append(kc.get_iopub_msg(timeout=0.2))
        except Exception:  # noqa: BLE001 - queue empty
            pass
    return got


def _widget_msgs(msgs: list[dict]) -> list[dict]:
    return [m for m in msgs if m["msg_type"] in ("comm_open", "comm_msg", "comm_close")]


def _scenario(preheat: bool):
    from jupyter_client.manager import AsyncKernelManager

    async def run():
        env = dict(os.environ)
        if preheat:
            env["VOILA_PREHEAT"] = "True"
        else:
            env.pop("VOILA_PREHEAT", None)
        km = AsyncKernelManager(kernel_name="python3")
        await km.start_kernel(env=env)
        try:
            kc = km.blocking_client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            seen: list[dict] = []
            reply = kc.execute_interactive(BUILD, timeout=60, output_hook=seen.append)
            assert reply["content"]["status"] == "ok", reply["content"]
            text = "".join(m["content"].get("text", "") for m in seen if m["msg_type"] == "stream")
            quiet_now, dropped, slider, html, box = text.split()
            built = _widget_msgs(seen + _drain(kc, 0.5))

            # The page connects: the control comm, then request_states.
            control = uuid.uuid4().hex
            kc.shell_channel.send(
                kc.session.msg(
                    "comm_open",
                    {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                    metadata={"version": "1.0.0"},
                )
            )
            kc.shell_channel.send(
                kc.session.msg("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
            )
            states = None
            for m in _drain(kc, 3.0):
                data = m["content"].get("data", {}) if m["msg_type"] == "comm_msg" else {}
                if data.get("method") == "update_states":
                    states = data["states"]
            assert states is not None, "request_states got no answer"

            # The page moves the slider: the kernel sends the HTML's new value.
            kc.shell_channel.send(
                kc.session.msg(
                    "comm_msg",
                    {"comm_id": slider, "data": {"method": "update", "state": {"value": 7}, "buffer_paths": []}},
                )
            )
            after = _widget_msgs(_drain(kc, 2.0))
            seen: list[dict] = []  # execute_interactive hands its execution's IOPub messages to the hook
            kc.execute_interactive("n = w.Label('late')", timeout=60, output_hook=seen.append)
            late = _widget_msgs(seen + _drain(kc, 0.5))
            kc.stop_channels()
            return {
                "quiet": quiet_now == "True",
                "dropped": int(dropped),
                "built": built,
                "states": states,
                "ids": (slider, html, box),
                "after": after,
                "late": late,
            }
        finally:
            await km.shutdown_kernel(now=True)

    return run_async(run())


def test_a_preheated_kernel_is_quiet_until_its_page_connects_then_the_page_gets_everything(zygote):
    got = _scenario(preheat=True)
    slider, html, box = got["ids"]
    assert got["quiet"] and got["dropped"] > 0
    assert got["built"] == [], f"widget messages sent while no page could receive them: {got['built'][:3]}"
    states = got["states"]
    assert {slider, html, box} <= set(states)
    assert states[slider]["state"]["value"] == 4 and states[html]["state"]["value"] == "now 4"
    assert states[box]["state"]["children"] == [f"IPY_MODEL_{slider}", f"IPY_MODEL_{html}"]
    # every widget a state refers to (layouts, styles) is among the states
    refs = {
        v[len("IPY_MODEL_") :]
        for s in states.values()
        for v in s["state"].values()
        if isinstance(v, str) and v.startswith("IPY_MODEL_")
    }
    assert refs <= set(states), refs - set(states)
    updates = [m["content"]["data"] for m in got["after"] if m["content"]["comm_id"] == html]
    assert any(u.get("state", {}).get("value") == "now 7" for u in updates), got["after"]
    assert any(m["msg_type"] == "comm_open" for m in got["late"]), "a widget made after the page connected"


def test_a_kernel_voila_did_not_preheat_is_never_quiet(zygote):
    got = _scenario(preheat=False)
    assert not got["quiet"] and got["dropped"] == 0
    assert any(m["msg_type"] == "comm_open" for m in got["built"])
