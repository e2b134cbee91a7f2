"""The grading kernel client: its own wait_for_ready is the one that runs, and a real kernel is ready after it."""

from __future__ import annotations

import asyncio

from jupyter_client.manager import AsyncKernelManager

from ocopkit.trainer.kernel_client import PromptKernelClient


def test_wait_for_ready_is_the_prompt_one():
    # AsyncKernelClient binds wait_for_ready when its class is made: an override of _async_wait_for_ready
    # alone is never called (it was not, for a while).
    assert PromptKernelClient.wait_for_ready is PromptKernelClient._async_wait_for_ready


def test_a_real_kernel_answers_right_after_the_wait(tmp_path):
    async def run():
        manager = AsyncKernelManager(
            kernel_name="python3", client_class="ocopkit.trainer.kernel_client.PromptKernelClient"
        )
        await manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        assert isinstance(client, PromptKernelClient)
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            msg_id = client.execute("print(6 * 7)")
            while True:  # the cell's own output arrives: nothing of it was flushed away with kernel_info's
                msg = await client.iopub_channel.get_msg(timeout=30)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                    return msg["content"]["text"]
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    assert asyncio.run(run()).strip() == "42"
