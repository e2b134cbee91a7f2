"""Start one grading kernel inside the sandbox (run by the kernel spec, as root).

``python -I -m ocopkit.trainer.sandbox.launch SPEC.json CONNECTION_FILE``

Root never follows a path the sandbox user could have touched, and writes
nothing where the sandbox user can write:

- the connection file stays in the worker's root-only runtime folder; the
  kernel gets a read-only copy through bubblewrap (``--ro-bind-data``);
- the submission's files are opened without following links, below nbgrader's
  root-owned autograded folder, and copied by bubblewrap (``--file``) into a
  size-limited tmpfs that is the kernel's working folder;
- the kernel's sockets live in a fresh folder of its own
  (:mod:`ocopkit.trainer.sandbox.provisioner`); once the kernel has bound them, a
  short-lived helper hands that folder to root, so nothing in it can be
  replaced by a link that root's client would later follow;
- every writable place inside the sandbox is a size-limited tmpfs that
  disappears with the kernel (``/tmp``, ``/dev/shm``, the working folder);
  the rest of its file system is read-only.

Then it replaces itself (``exec``) with ``setpriv`` (drop to the worker's own
unprivileged user) → ``prlimit`` (memory, processes, CPU, file size, open
files) → ``bwrap`` (no network, private /proc, read-only Python) → the kernel.
Because each step ``exec``s the next, bwrap's parent is the grading worker:
``--die-with-parent`` ends the sandbox when the worker ends.

``python -I -m ocopkit.trainer.sandbox.launch --zygote SPEC.json CONTROL_FD [MODULES_JSON]``
starts a worker's kernel zygote (:mod:`ocopkit.trainer.sandbox.zygote`) the
same way, with the same user, limits and read-only file system, as its
sandbox's init (``--as-pid-1``); it sees the worker's root-owned socket
folder (it cannot list it) so that the kernels it forks reach their own
socket folders, and it has no working folder and no connection file: each
forked kernel makes its own, fresh.

Kept to the standard library: it runs once per kernel or zygote.
"""

import ctypes
import json
import os
import stat
import sys
import time

CLONE_NEWNS, MS_BIND, MS_REC, MS_PRIVATE = 0x00020000, 4096, 16384, 1 << 18
CONNECTION_INSIDE = "/ocop/connection.json"
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC


def open_root_file(path: str) -> int:
    """Open a file that only root may have written, or raise PermissionError."""
    descriptor = os.open(path, NO_FOLLOW | os.O_NONBLOCK)
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o022:
        os.close(descriptor)
        raise PermissionError(f"{path} is not a regular file that only root can write")
    return descriptor


def read_json(descriptor: int) -> dict:
    """Read a JSON object from an open file, leaving the offset at the start for bwrap."""
    with os.fdopen(os.dup(descriptor), "rb") as handle:
        data = json.loads(handle.read())
    os.lseek(descriptor, 0, os.SEEK_SET)
    return data


def socket_folder(connection: dict, spec: dict) -> str:
    """Return the kernel's own socket folder, checked to be a fresh one of this worker."""
    folder = os.path.dirname(connection["ip"])
    info = os.lstat(folder)
    if (
        os.path.dirname(folder) != spec["sockets_dir"]
        or not stat.S_ISDIR(info.st_mode)
        or info.st_uid != spec["uid"]
        or connection.get("transport") != "ipc"
    ):
        raise PermissionError(f"{folder} is not a socket folder made for this sandbox")
    return folder


def submission_files(workdir: str, limits: dict) -> list:
    """Open the submission's plain files (never its notebooks) without following any link.

    Returns
    -------
    list of (descriptor, relative path)
        At most ``limits["files"]`` files, each under the file-size limit and
        together under the working folder's size.
    """
    found, total = [], 0
    for folder, dirs, files, folder_fd in os.fwalk(workdir, follow_symlinks=False):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".ipynb") or len(found) >= limits["files"]:
                continue
            try:
                descriptor = os.open(name, NO_FOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
            except OSError:  # a link, a pipe that blocks, gone: not a file to copy
                continue
            info = os.fstat(descriptor)
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_size > limits["file_bytes"]
                or total + info.st_size > limits["workdir_bytes"]
            ):
                os.close(descriptor)
                continue
            total += info.st_size
            os.set_inheritable(descriptor, True)
            found.append((descriptor, os.path.relpath(os.path.join(folder, name), workdir)))
    return found


def stage_read_only_paths(spec: dict) -> dict:
    """Make the read-only paths reachable for the sandbox user, in a mount namespace of our own.

    The Python environment may live where the sandbox user cannot look (such
    as under /root, mode 0700), and bwrap runs as that user. So, still root,
    we bind each path onto an open staging folder in a private mount namespace
    that only this kernel's process tree sees; bwrap then binds the staging
    folder back onto the original path inside the sandbox.

    Returns
    -------
    dict
        Original path -> staging path.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS) failed")
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "making mounts private failed")
    staged = {}
    for index, path in enumerate(spec["read_only"]):
        stage = os.path.join(spec["stage_dir"], str(index))
        if libc.mount(path.encode(), stage.encode(), None, MS_BIND | MS_REC, None) != 0:
            raise OSError(ctypes.get_errno(), f"bind mount of {path} failed")
        staged[path] = stage
    return staged


def hand_to_root_when_bound(folder: str, connection: dict, timeout: float = 120) -> None:
    """In a detached helper, wait until the kernel has bound its sockets, then make ``folder`` root's.

    Before that moment only the kernel's own start-up code runs as the
    sandbox user; after it, the folder is ``root:root 0711``, so the sandbox
    user can neither add nor replace an entry, and root's client never meets
    a planted link when it (re)connects.
    """
    sockets = [f"{connection['ip']}-{connection[port]}" for port in PORTS]
    if os.fork():
        os.wait()
        return
    if os.fork():  # the helper's helper is adopted by init: nothing waits on it
        os._exit(0)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(_is_socket(path) for path in sockets):
            time.sleep(0.005)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        os.fchown(descriptor, 0, 0)
        os.fchmod(descriptor, 0o711)
    finally:
        os._exit(0)


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except OSError:
        return False


def limit_chain(spec: dict) -> list:
    """Return ``setpriv`` and ``prlimit``: the worker's own user, with its limits."""
    limits = spec["limits"]
    return [
        "setpriv",
        f"--reuid={spec['uid']}",
        f"--regid={spec['gid']}",
        "--clear-groups",
        "--no-new-privs",
        "--",
        "prlimit",
        f"--as={limits['memory_bytes']}",
        f"--nproc={limits['processes']}",
        f"--cpu={limits['cpu_seconds']}",
        f"--fsize={limits['file_bytes']}",
        f"--nofile={limits['open_files']}",
        "--core=0",
        "--",
    ]


def base_chain(spec: dict, staged: dict) -> list:
    """Return the bwrap arguments every sandbox shares: no network, private /proc, read-only system and Python."""
    limits = spec["limits"]
    chain = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits["shm_bytes"]),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--size",
        str(limits["tmp_bytes"]),
        "--tmpfs",
        "/tmp",
    ]
    for path in spec["read_only"]:
        chain += ["--ro-bind", staged[path], path]
    for link, target in spec.get("symlinks", {}).items():
        chain += ["--symlink", target, link]
    return chain


def environment_chain(spec: dict) -> list:
    chain = []
    for name, value in spec["environment"].items():
        chain += ["--setenv", name, value]
    return chain


def sandbox_chain(spec: dict, sockets: str, workdir: str, staged: dict, files: list, connection_fd: int) -> list:
    """Return the bwrap arguments of one kernel: tmpfs for every writable place, read-only for the rest."""
    limits = spec["limits"]
    chain = base_chain(spec, staged)
    chain += ["--bind", sockets, sockets, "--size", str(limits["workdir_bytes"]), "--tmpfs", workdir]
    for descriptor, relative in files:
        chain += ["--perms", "0600", "--file", str(descriptor), os.path.join(workdir, relative)]
    chain += ["--ro-bind-data", str(connection_fd), CONNECTION_INSIDE, "--remount-ro", "/", "--chdir", workdir]
    return chain + environment_chain(spec)


def zygote_chain(spec: dict, staged: dict) -> list:
    """Return the bwrap arguments of a worker's zygote: the kernels it forks reach their socket folders below
    the worker's root-owned sockets folder (listing it is not allowed) and make their own writable places."""
    chain = base_chain(spec, staged)
    # --as-pid-1: the zygote is its sandbox's init, which Linux never lets a process inside kill.
    chain += ["--as-pid-1", "--bind", spec["sockets_dir"], spec["sockets_dir"], "--dir", "/ocop", "--remount-ro", "/"]
    return chain + ["--chdir", "/"] + environment_chain(spec)


def command(spec: dict, sockets: str, workdir: str, staged: dict, files: list, connection_fd: int) -> list:
    """Return the argv of setpriv → prlimit → bwrap → the kernel."""
    # -P: the working folder is not on sys.path, so a file named like a
    # module there (ipykernel_launcher.py, pandas.py) is never imported.
    kernel = [
        spec["python"],
        "-P",
        *spec.get("kernel_command", ["-m", "ipykernel_launcher"]),
        "-f",
        CONNECTION_INSIDE,
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
    ]
    return limit_chain(spec) + sandbox_chain(spec, sockets, workdir, staged, files, connection_fd) + ["--"] + kernel


def open_log(spec: dict) -> int:
    """A fresh log for this kernel's console chatter, in the root-only runtime folder."""
    path = os.path.join(spec["runtime_dir"], f"kernel-{os.getpid()}.log")
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_APPEND, 0o600)


def zygote_command(spec: dict, staged: dict, control_fd: int, modules: str | None = None) -> list:
    """Return the argv of setpriv → prlimit → bwrap → the zygote (:mod:`ocopkit.trainer.sandbox.zygote`).

    ``modules``: the JSON list of what the zygote imports, passed on as text
    (the zygote checks it, in the sandbox; root never acts on it).
    """
    limits = json.dumps(spec["limits"])
    zygote = [spec["python"], "-P", "-m", "ocopkit.trainer.sandbox.zygote", str(control_fd), limits]
    zygote += [] if modules is None else [modules]
    return limit_chain(spec) + zygote_chain(spec, staged) + ["--"] + zygote


def main_zygote(spec_path: str, control_fd: int, modules: str | None = None) -> None:
    """Start the worker's zygote in the sandbox; ``control_fd`` is the grader's socket to it."""
    spec_fd = open_root_file(spec_path)
    spec = read_json(spec_fd)
    os.close(spec_fd)
    staged = stage_read_only_paths(spec)
    chain = zygote_command(spec, staged, control_fd, modules)
    os.chdir("/")
    log = open_log(spec)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execvpe(chain[0], chain, {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


def main(argv: list) -> None:
    """Check and open everything the kernel needs, then exec the sandbox chain."""
    spec_fd = open_root_file(argv[1])
    spec = read_json(spec_fd)
    os.close(spec_fd)
    connection_fd = open_root_file(argv[2])
    connection = read_json(connection_fd)
    os.set_inheritable(connection_fd, True)
    sockets = socket_folder(connection, spec)
    workdir = os.getcwd()
    files = submission_files(workdir, spec["limits"])
    staged = stage_read_only_paths(spec)
    hand_to_root_when_bound(sockets, connection)
    chain = command(spec, sockets, workdir, staged, files, connection_fd)
    os.chdir("/")
    log = open_log(spec)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # Only PATH passes on: the grader's environment (tokens, database URLs)
    # would otherwise be readable in the sandbox as /proc/1/environ.
    os.execvpe(chain[0], chain, {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        main_zygote(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        main(sys.argv)
