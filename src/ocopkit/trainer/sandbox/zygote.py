"""A kernel "zygote": imports once inside the sandbox, then forks one fresh kernel per request.

``python -P -m ocopkit.trainer.sandbox.zygote CONTROL_FD LIMITS_JSON [MODULES_JSON]``, run by
:mod:`ocopkit.trainer.sandbox.launch` inside bubblewrap, as the worker's
unprivileged sandbox user, with every limit of a sandboxed kernel.

Starting ipykernel and importing pandas take most of a grading kernel's
life (``docs/performance.md``). The zygote pays them once: it imports
ipykernel, IPython, pandas, matplotlib and the kit's checks, never runs a
line of anybody's notebook, and forks a kernel for each request from the
grader (:mod:`ocopkit.trainer.sandbox.forkserver`). Each forked kernel starts
as a copy of that untouched process, so nothing of an earlier participant's
modules, IPython hooks, matplotlib state or environment can be in it.

Before it runs anything of the participant's, each fork:

1. closes the zygote's control socket and tells the grader who it is (the
   kernel attaches its process id to the message, seen from the grader's
   side, so the grader can watch and kill exactly this process);
2. receives its connection file, its own log and the submission's files as
   descriptors root opened without following links;
3. enters a user namespace of its own and, in it, new mount, IPC, network
   and UTS namespaces: fresh size-limited tmpfs for ``/tmp``, ``/dev/shm``,
   ``/ocop`` and the working folder ``/ocop/work`` (whatever an earlier
   kernel wrote lived in that kernel's own mounts and went with it; SysV
   shared memory and abstract sockets live in namespaces that died with it);
4. drops every capability the new user namespace gave it, reseeds numpy's
   global generator (Python's ``random`` reseeds itself after a fork) and
   becomes an ordinary ipykernel.

The zygote makes itself non-dumpable, so a kernel of the same user can
neither trace it nor read or write its memory through ``/proc``. A kernel
can still kill it; the grader then starts a new one. The grader kills every
other process of the sandbox user between participants
(:meth:`ocopkit.trainer.sandbox.WorkerSandbox.reset`).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import sys

from .warmup import preload

CONNECTION = "/ocop/connection.json"
WORKDIR = "/ocop/work"
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWIPC = 0x10000000, 0x00020000, 0x08000000
CLONE_NEWNET, CLONE_NEWUTS = 0x40000000, 0x04000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND = 1, 2, 4, 32, 4096
PR_SET_DUMPABLE, PR_CAPBSET_DROP, CAP_LAST = 4, 24, 63
MAX_FILES = 256

libc = ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str) -> None:
    """Raise OSError with errno when a libc call failed."""
    if result != 0:
        raise OSError(ctypes.get_errno(), what)


def write_file(path: str, data: bytes, mode: int) -> None:
    """Create a file that must not exist yet."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def mount_tmpfs(path: str, size: int, mode: str = "0700") -> None:
    option = f"size={size},mode={mode}".encode()
    check(libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, option), f"mount {path}")


def own_namespaces(limits: dict) -> None:
    """Enter namespaces of this kernel alone, with fresh writable places, then drop the capabilities."""
    uid, gid = os.getuid(), os.getgid()
    check(libc.unshare(CLONE_NEWUSER), "unshare(user)")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS), "unshare(mount, ipc, net, uts)")
    mount_tmpfs("/tmp", limits["tmp_bytes"], "1777")
    mount_tmpfs("/dev/shm", limits["shm_bytes"], "1777")
    mount_tmpfs("/ocop", 1024**2, "0755")
    os.mkdir(WORKDIR, 0o700)


def seal_ocop() -> None:
    """Make ``/ocop`` (the connection file) read-only, then mount the working folder inside it."""
    flags = MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
    check(libc.mount(None, b"/ocop", None, flags, None), "remount /ocop read-only")


def drop_capabilities() -> None:
    """Give up what the kernel's own user namespace granted: it may mount nothing, trace nothing, own nothing."""
    for capability in range(CAP_LAST + 1):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # EINVAL past the kernel's last: ignored

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    check(libc.capset(ctypes.byref(Header(0x20080522, 0)), ctypes.byref((Data * 2)())), "capset")


def copy_files(files: list, descriptors: list) -> None:
    """Write the submission's files, read from the descriptors root opened, into the working folder."""
    for relative, descriptor in zip(files, descriptors):
        parts = [p for p in str(relative).split("/") if p not in ("", ".", "..")]
        if not parts:
            continue
        folder = WORKDIR
        for part in parts[:-1]:
            folder = os.path.join(folder, part)
            os.makedirs(folder, 0o700, exist_ok=True)
        with os.fdopen(descriptor, "rb") as source:
            try:
                write_file(os.path.join(folder, parts[-1]), source.read(), 0o600)
            except OSError:  # over the working folder's size: not copied, as bwrap --file would fail it
                pass


def receive(channel: socket.socket) -> tuple[dict, list]:
    """Read the grader's one message: a JSON header and descriptors (log, connection, files)."""
    chunks, descriptors = [], []
    while True:
        data, fds, _flags, _address = socket.recv_fds(channel, 1 << 20, MAX_FILES + 2)
        descriptors += fds
        if not data:
            break
        chunks.append(data)
        if data.endswith(b"\n"):
            break
    return json.loads(b"".join(chunks)), descriptors


def become_kernel(channel: socket.socket, limits: dict) -> None:
    """In the forked child: take this kernel's own places, then run ipykernel (never returns)."""
    channel.sendall(b"pid\n")  # the grader reads this process's id from the message's credentials
    header, descriptors = receive(channel)
    log, connection, *files = descriptors
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    own_namespaces(limits)
    with os.fdopen(connection, "rb") as source:
        write_file(CONNECTION, source.read(), 0o400)
    seal_ocop()
    mount_tmpfs(WORKDIR, limits["workdir_bytes"])
    copy_files(header.get("files", []), files)
    drop_capabilities()
    channel.sendall(b"ok\n")
    channel.close()
    os.chdir(WORKDIR)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()  # else every kernel would draw the zygote's numbers
    sys.argv = [
        "ipykernel_launcher",
        "-f",
        CONNECTION,
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
    ]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    os._exit(0)


def serve(control: socket.socket, limits: dict) -> None:
    """Fork a kernel for each channel the grader sends; stop when the grader closes the control socket."""
    while True:
        _data, fds, _flags, _address = socket.recv_fds(control, 16, 1)
        if not fds:
            return  # the grader is gone
        if os.fork() == 0:
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # the kernel is an ordinary process of its user
                become_kernel(socket.socket(fileno=fds[0]), limits)
            finally:
                os._exit(1)
        os.close(fds[0])


def modules_to_import(text: str) -> list[str] | None:
    """The grader's list of modules (JSON), or None (the kit's default list) when it is not a list."""
    try:
        modules = json.loads(text)
    except ValueError:
        return None
    return modules if isinstance(modules, list) else None


def main(argv: list) -> None:
    """Import, say ready, serve."""
    control = socket.socket(fileno=int(argv[1]))
    limits = json.loads(argv[2])
    modules = modules_to_import(argv[3]) if len(argv) > 3 else None
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped by the kernel, not waited for
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    preload(modules)
    control.sendall(b"ready\n")
    serve(control, limits)


if __name__ == "__main__":
    main(sys.argv)
