"""The kernel manager classes of ``runback serve`` (runback_widgets/voila/pool.py).

Culler race (issue 10, CI red on a fresh clone): jupyter_client lists a new
kernel in ``_kernels`` from a separate task (``_add_kernel_when_ready``) and
jupyter_server gives it ``last_activity`` only when the starter resumes, a loop
iteration later. A culler pass in between read the unset trait and logged
``KeyError: 'last_activity'`` / ``TraitError`` tracebacks (seen by the soak
test). These tests start a real kernel and run the culler exactly in that
window, with and without the pre-heated pool.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

pytest.importorskip("voila")


def manager_class(preheat: bool):
    """The class ``runback serve`` gets from Voila's factory after ``pool.install``."""
    import voila.app as vapp
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from runback_widgets.voila import pool

    saved = vapp.voila_kernel_manager_factory
    try:
        pool.install(expected=0, say=lambda msg: None)
        return vapp.voila_kernel_manager_factory(AsyncMappingKernelManager, preheat, 0)
    finally:
        vapp.voila_kernel_manager_factory = saved


def make_parent(root_dir: str):
    """What Voila's pooled kernel manager reads from its parent app (no notebooks: no pool)."""
    from traitlets.config import Configurable

    class Parent(Configurable):
        pass

    parent = Parent()
    parent.root_dir = root_dir
    parent.notebook_path = None
    return parent


class ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.parametrize("preheat", [False, True], ids=["plain", "pooled"])
def test_culler_in_the_start_window_neither_crashes_nor_culls(preheat, tmp_path):
    base = manager_class(preheat)
    seen: dict = {}

    class Probe(base):
        async def _add_kernel_when_ready(self, kernel_id, km, kernel_awaitable):
            await super()._add_kernel_when_ready(kernel_id, km, kernel_awaitable)
            # The kernel is listed now and jupyter_server has not resumed yet:
            # the moment a periodic culler pass can run.
            seen["listed"] = kernel_id in self.list_kernel_ids()
            try:
                await self.cull_kernels()
                await self.cull_kernel_if_idle(kernel_id)
            except Exception as e:  # noqa: BLE001 - the assertion reports it
                seen["raised"] = e
            seen["alive_after_cull"] = kernel_id in self

    async def scenario():
        kwargs = {"parent": make_parent(str(tmp_path))} if preheat else {}
        km = Probe(cull_idle_timeout=60, root_dir=str(tmp_path), **kwargs)
        km._initialized_culler = True  # this test runs the culler's passes itself
        errors = ErrorRecords()
        km.log.addHandler(errors)
        km.log.setLevel(logging.INFO)
        kid = await km.start_kernel(kernel_name="python3")
        try:
            assert seen.get("listed"), "the probe did not run in the start window"
            assert "raised" not in seen, f"culler raised on a starting kernel: {seen['raised']!r}"
            assert [r.getMessage() for r in errors.records] == []
            assert seen["alive_after_cull"], "a kernel that was still starting was culled"
            # Culling still works: once idle past the timeout, the kernel goes.
            km.cull_idle_timeout = 1
            await asyncio.sleep(2.5)
            await km.cull_kernels()
            assert kid not in km, "an idle kernel past cull_idle_timeout was not culled"
            assert [r.getMessage() for r in errors.records] == []
        finally:
            if kid in km:
                await km.shutdown_kernel(kid, now=True)
            km.log.removeHandler(errors)

    asyncio.run(scenario())
