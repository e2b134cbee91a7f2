"""A kernel provisioner that gives every sandboxed kernel a socket folder of its own.

The kernel spec of each grading worker names this provisioner
(``metadata.kernel_provisioner``), so every kernel nbgrader starts, for
answers or for tests, goes through it. Before the launch it creates a fresh
folder for the kernel's Unix sockets, by a name nobody can guess, inside the
worker's root-owned ``kernels/`` folder, and points the kernel manager's IPC
path there. Root writes nothing into it: the connection file stays in the
worker's root-only runtime folder and reaches the kernel through bubblewrap
(see :mod:`ocopkit.trainer.sandbox.launch`). When the kernel ends, the folder goes
with it, removed without following links.

Registered as the entry point ``ocop-sandbox`` of the group
``jupyter_client.kernel_provisioners`` (pyproject.toml).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Integer, Unicode

from . import forkserver

SOCKET_PREFIX = "kernel"
KILL_WAIT_SECONDS = 1.0  # SIGKILL ends a kernel within milliseconds
BIND_SECONDS = 30.0  # a forked kernel binds its sockets in a few hundredths of a second


class SandboxProvisioner(LocalProvisioner):
    """nbgrader's local kernel launch, with a fresh per-kernel socket folder."""

    sockets_dir = Unicode(help="The worker's root-owned folder of per-kernel socket folders.").tag(config=True)
    uid = Integer(help="The worker's sandbox user, who binds the sockets.").tag(config=True)
    gid = Integer(help="The sandbox user's group.").tag(config=True)
    socket_dir = Unicode("")

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Create the kernel's own socket folder, then let the local provisioner write the connection file."""
        if self.socket_dir:  # a restart: the old kernel's folder goes first
            shutil.rmtree(self.socket_dir, ignore_errors=True)
        # mkdtemp: created by root in a folder only root can write, mode 0700,
        # so nothing can be planted in it before the kernel binds its sockets.
        self.socket_dir = tempfile.mkdtemp(prefix="k-", dir=self.sockets_dir)
        os.chown(self.socket_dir, self.uid, self.gid)
        self.parent.transport = "ipc"
        self.parent.ip = os.path.join(self.socket_dir, SOCKET_PREFIX)
        return await super().pre_launch(**kwargs)

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel and wait the few milliseconds it takes to end.

        jupyter_client then asks whether it is alive every 0.1 s: a kernel
        still dying at the first question costs a tenth of a second, twice per
        graded notebook.
        """
        process = self.process
        await super().kill(restart=restart)
        if process is not None:
            try:
                process.wait(timeout=KILL_WAIT_SECONDS)
            except subprocess.TimeoutExpired:  # jupyter_client keeps waiting, and the sandbox reset kills it
                pass

    async def cleanup(self, restart: bool = False) -> None:
        """Remove the socket folder (on Linux, rmtree never follows a link out of it)."""
        await super().cleanup(restart=restart)
        if self.socket_dir and not restart:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
            self.socket_dir = ""


class ZygoteProvisioner(SandboxProvisioner):
    """The same socket folder, but the kernel is forked by the worker's zygote instead of started anew.

    Registered as ``ocop-zygote``. The kernel spec's ``argv`` is not run:
    :meth:`launch_kernel` asks the zygote of this kernel's role
    (:mod:`ocopkit.trainer.sandbox.forkserver`) for a kernel on the
    connection file the local provisioner wrote.
    """

    spec = Unicode(help="The worker's sandbox.json.").tag(config=True)
    role = Unicode("answers", help="Which zygote forks this kernel: answers or tests.").tag(config=True)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        """Fork the kernel, hand its socket folder to root once bound, and hold it like a started process."""
        zygote = forkserver.zygote_for(self.spec, self.role, self.uid)
        workdir = str(kwargs.get("cwd") or os.getcwd())
        connection_file = self.parent.connection_file
        with open(connection_file, encoding="utf-8") as handle:
            connection = json.load(handle)
        self.process = zygote.fork(connection_file, workdir)
        self.pid, self.pgid, self.cwd = self.process.pid, None, workdir
        # Return once the sockets exist: a client that connects earlier waits out zmq's reconnect interval.
        deadline = time.monotonic() + BIND_SECONDS
        while not forkserver.bound(connection) and self.process.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        forkserver.hand_over(self.socket_dir)
        return self.connection_info
