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

import os
import shutil
import tempfile
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from traitlets import Integer, Unicode

SOCKET_PREFIX = "kernel"


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

    async def cleanup(self, restart: bool = False) -> None:
        """Remove the socket folder (on Linux, rmtree never follows a link out of it)."""
        await super().cleanup(restart=restart)
        if self.socket_dir and not restart:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
            self.socket_dir = ""
