"""The kernel client nbgrader's Execute uses while grading: ready as soon as the kernel has answered.

jupyter_client's ``wait_for_ready`` ends by reading the IOPub channel until it
has been silent for 0.2 s, to drop the status messages of its own
``kernel_info`` request. nbclient pays that for every kernel it starts, and
grading starts two per notebook: 0.4 s of a grading kernel's half second
was this wait. The messages it drops belong to the ``kernel_info`` request
and nbclient ignores any IOPub message whose parent is not the cell it runs,
so a short flush loses nothing. Everything else is jupyter_client's.

Set by :func:`ocopkit.trainer.cohort.configure_for` as
``AsyncKernelManager.client_class``.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async
from traitlets import Float

KERNEL_INFO_SECONDS = 1.0  # one kernel_info request's wait, as in jupyter_client
IOPUB_CONNECTED_SECONDS = 0.2  # the wait for proof that IOPub is connected, as in jupyter_client (ends at a message)


class PromptKernelClient(AsyncKernelClient):
    """``AsyncKernelClient`` whose ``wait_for_ready`` flushes IOPub for ``flush_seconds`` of silence, not 0.2 s."""

    flush_seconds = Float(0.002, help="Silence on IOPub that ends wait_for_ready.").tag(config=True)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Send ``kernel_info`` until the kernel replies on shell and IOPub, then flush IOPub briefly."""
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=KERNEL_INFO_SECONDS))
            except Empty:
                reply = None
            connected = reply is not None and reply["msg_type"] == "kernel_info_reply"
            if connected and await self._iopub_answers(IOPUB_CONNECTED_SECONDS):
                self._handle_kernel_info_reply(reply)
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self._iopub_answers(self.flush_seconds):
            pass

    # AsyncKernelClient binds ``wait_for_ready`` to the base class's function when the class is made, so
    # overriding ``_async_wait_for_ready`` alone would change nothing: bind this one.
    wait_for_ready = _async_wait_for_ready

    async def _iopub_answers(self, seconds: float) -> bool:
        """Whether a message arrives on IOPub within ``seconds`` (it is dropped)."""
        try:
            await ensure_async(self.iopub_channel.get_msg(timeout=seconds))
        except Empty:
            return False
        return True
