"""The grader's side of the kernel zygotes: start them, ask them for kernels, watch and kill those kernels.

Each grading worker keeps two zygotes (:mod:`ocopkit.trainer.sandbox.zygote`),
each in a bubblewrap sandbox of its own: one forks the kernels that run
answers, the other the kernels that run tests. Apart, an answers kernel
cannot see the tests kernel of the same notebook in ``/proc``, nor share its
IPC or network namespace.

Root only ever reads what it wrote itself or what the Linux kernel vouches
for: the process id of a forked kernel comes from the credentials Linux
attaches to its first message (``SO_PASSCRED``), not from anything the
sandbox says, and is then held as a pidfd, so a recycled process id can never
make root signal somebody else.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from ...i18n import _
from . import launch

START_SECONDS = 60.0  # a zygote imports pandas and ipykernel once: seconds on a busy machine
FORK_SECONDS = 30.0
CREDENTIALS = struct.Struct("3i")  # pid, uid, gid
ROLES = ("answers", "tests")


class ZygoteError(RuntimeError):
    """A zygote could not start, or could not give a kernel."""


def read_line(channel: socket.socket, timeout: float) -> tuple[bytes, int | None, int | None]:
    """Read one short line, with the sender's process id and user id as Linux saw them; b"" at end of file."""
    channel.settimeout(timeout)
    try:
        data, ancillary, _flags, _address = channel.recvmsg(64, socket.CMSG_SPACE(CREDENTIALS.size))
    except (TimeoutError, OSError):
        return b"", None, None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid, uid, _gid = CREDENTIALS.unpack(payload[: CREDENTIALS.size])
            return data, pid, uid
    return data, None, None


def credentialed_pair() -> tuple[socket.socket, socket.socket]:
    """A connected pair whose first end receives the credentials of whoever writes into the second."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    return ours, theirs


def is_alive(pidfd: int) -> bool:
    """A pidfd turns readable when its process has ended."""
    return not select.select([pidfd], [], [], 0)[0]


def parent_of(pid: int) -> int:
    """The parent's process id, from /proc (the field after the command's closing parenthesis)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return int(text[text.rindex(")") + 2 :].split()[1])


class ForkedKernel:
    """A forked kernel, as jupyter_client's local provisioner handles a ``Popen``: poll, wait, signal."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int):
        self.pid, self.pidfd, self.returncode, self.killed = pid, pidfd, None, False

    def poll(self) -> int | None:
        if self.returncode is None and not is_alive(self.pidfd):
            # Not our child, so no exit status: a killed kernel reads as killed, any other end as 0.
            self.returncode = -signal.SIGKILL if self.killed else 0
            os.close(self.pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if left == 0.0:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            select.select([self.pidfd], [], [], left)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            raise ProcessLookupError(f"kernel {self.pid} has ended")
        self.killed |= signum == signal.SIGKILL
        signal.pidfd_send_signal(self.pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Zygote:
    """One zygote of one worker: its sandbox's processes, held by pidfd, and the control socket."""

    def __init__(self, spec_path: str, uid: int, modules: list[str] | None = None):
        self.spec_path, self.uid, self.modules = spec_path, uid, modules
        self.spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
        self.control: socket.socket | None = None
        self.process: subprocess.Popen | None = None
        self.pidfds: dict[int, int] = {}

    def start(self) -> None:
        """Start the zygote and wait until it has imported everything."""
        self.begin()
        self.finish()

    def begin(self) -> None:
        """Start the zygote's sandbox; :meth:`finish` waits for it (start several, then wait for all)."""
        self.stop()
        ours, theirs = credentialed_pair()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-m",
                "ocopkit.trainer.sandbox.launch",
                "--zygote",
                self.spec_path,
                str(theirs.fileno()),
                *([] if self.modules is None else [json.dumps(self.modules)]),
            ],
            pass_fds=(theirs.fileno(),),
            cwd="/",
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self.control = ours

    def finish(self) -> None:
        """Wait until the zygote says it is ready, and hold its processes."""
        line, pid, uid = read_line(self.control, START_SECONDS)
        if line != b"ready\n" or pid is None or uid != self.uid:
            self.stop()
            raise ZygoteError(_("the sandbox's kernel zygote did not start"))
        self._hold(self.process.pid, parent_of(pid), pid)

    def _hold(self, *pids: int) -> None:
        for pid in set(pids):
            self.pidfds[pid] = os.pidfd_open(pid)

    def alive(self) -> bool:
        return bool(self.pidfds) and all(is_alive(fd) for fd in self.pidfds.values())

    def protected(self) -> set[int]:
        """The zygote's own processes (bwrap and the zygote, its sandbox's init) while they live."""
        return {pid for pid, fd in self.pidfds.items() if is_alive(fd)} if self.alive() else set()

    def stop(self) -> None:
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        for fd in self.pidfds.values():
            os.close(fd)
        self.pidfds.clear()

    def fork(self, connection_file: str, workdir: str) -> ForkedKernel:
        """Return a fresh kernel for a connection file root wrote, with the submission's files of ``workdir``."""
        if not self.alive():  # never started, or killed by a kernel it forked
            self.start()
        ours, theirs = credentialed_pair()
        try:
            socket.send_fds(self.control, [b"k"], [theirs.fileno()])
        except OSError:
            self.start()
            socket.send_fds(self.control, [b"k"], [theirs.fileno()])
        theirs.close()
        with ours:
            line, pid, uid = read_line(ours, FORK_SECONDS)
            if line != b"pid\n" or pid is None or uid != self.uid:
                raise ZygoteError(_("the sandbox's kernel zygote gave no kernel"))
            kernel = ForkedKernel(pid, os.pidfd_open(pid))
            self._send_places(ours, kernel, connection_file, workdir)
            line, _pid, _uid = read_line(ours, FORK_SECONDS)
        if line != b"ok\n":
            kernel.kill()
            raise ZygoteError(_("a forked kernel could not make its own writable places"))
        return kernel

    def _send_places(self, channel, kernel: ForkedKernel, connection_file: str, workdir: str) -> None:
        """Send the kernel its log, its connection file and the submission's files, all opened by root."""
        log = os.open(
            os.path.join(self.spec["runtime_dir"], f"kernel-{kernel.pid}.log"),
            os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_APPEND,
            0o600,
        )
        connection = launch.open_root_file(connection_file)
        files = launch.submission_files(workdir, self.spec["limits"])
        header = json.dumps({"files": [relative for _fd, relative in files]}).encode() + b"\n"
        try:
            socket.send_fds(channel, [header], [log, connection, *(fd for fd, _relative in files)])
        finally:
            for fd in [log, connection, *(fd for fd, _relative in files)]:
                os.close(fd)


_zygotes: dict[tuple[str, str], Zygote] = {}


def zygote_for(spec_path: str, role: str, uid: int, modules: list[str] | None = None) -> Zygote:
    """This worker's zygote for a role ("answers" or "tests"), made on first use.

    ``modules``: what the zygote imports for the exercise's cells (see
    :func:`ocopkit.trainer.sandbox.warmup.preload`), kept for its restarts.
    """
    key = (spec_path, role)
    if key not in _zygotes:
        _zygotes[key] = Zygote(spec_path, uid, modules)
    return _zygotes[key]


def prewarm(spec_path: str, uid: int, modules: list[str] | None = None) -> None:
    """Start a worker's two zygotes side by side, before its first submission."""
    zygotes = [zygote_for(spec_path, role, uid, modules) for role in ROLES]
    for zygote in zygotes:
        zygote.begin()
    for zygote in zygotes:
        zygote.finish()


def protected_pids() -> set[int]:
    """Every live process of this worker's zygotes: the sandbox reset spares them, and nothing else."""
    return set().union(*(zygote.protected() for zygote in _zygotes.values()))


def stop_all() -> None:
    for zygote in _zygotes.values():
        zygote.stop()
    _zygotes.clear()


def bound(connection: dict) -> bool:
    """Whether the kernel of this connection has bound all five of its sockets."""
    return all(launch._is_socket(f"{connection['ip']}-{connection[port]}") for port in launch.PORTS)


def hand_over(folder: str) -> None:
    """Make a kernel's socket folder root's, so the sandbox user can neither add nor replace an entry (see launch)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:  # the kernel ended and its folder went
        return
    try:
        os.fchown(descriptor, 0, 0)
        os.fchmod(descriptor, 0o711)
    finally:
        os.close(descriptor)
