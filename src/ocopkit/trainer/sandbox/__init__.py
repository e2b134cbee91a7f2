"""A sandbox for participants' code while nbgrader grades it.

Each grading worker gets its own unprivileged Linux user and its own kernel
spec, ``ocop-sandbox``, whose launcher (:mod:`ocopkit.trainer.sandbox.launch`) runs the
kernel under bubblewrap: no network, no view of other submissions, the
solutions, the gradebook or the course configuration, and limits on memory,
processes, CPU time, file size and open files. The kernel talks to nbgrader
over Unix sockets (``KernelManager.transport = "ipc"``) because it has no
network at all.

By default each worker's kernels are forked from two zygotes
(:mod:`ocopkit.trainer.sandbox.zygote`, one for answers kernels, one for
tests kernels) that imported ipykernel and pandas once; every forked kernel
still gets fresh namespaces and writable places of its own, and the reset
between participants kills every other process of the worker's user.
``fork_kernels=False`` (``ocop grade --fresh-kernels``) starts each kernel
anew.

See Also
--------
ocopkit.trainer.grading : runs nbgrader's autograde with this sandbox.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ...i18n import _

KERNEL_NAME = "ocop-sandbox"
TESTS_KERNEL_NAME = "ocop-sandbox-tests"  # the same sandbox; with zygotes, forked by the tests zygote
USER_PREFIX = "ocopsbx"
MAX_USERS = 64
LOCK_DIR = Path("/run/ocop-sandbox")
RUNS_DIR = LOCK_DIR / "runs"
PROVISIONER = "ocop-sandbox"
ZYGOTE_PROVISIONER = "ocop-zygote"
TOOLS = ("bwrap", "setpriv", "prlimit")


@dataclass(frozen=True)
class Limits:
    """What one submission's kernel may use."""

    memory_bytes: int = 2 * 1024**3  # address space: pandas needs ~1 GiB of it
    processes: int = 64  # threads count too: the kernel itself uses about ten
    cpu_seconds: int = 900  # over the whole kernel; each cell also has nbgrader's timeout
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    output_bytes: int = 16 * 1024**2  # all outputs of one notebook, enforced by the grader
    # Every writable place in the sandbox is a tmpfs of this size, gone with the kernel.
    workdir_bytes: int = 128 * 1024**2  # the submission's working folder
    tmp_bytes: int = 64 * 1024**2  # /tmp, also HOME
    shm_bytes: int = 16 * 1024**2  # /dev/shm
    files: int = 200  # plain files of a submission copied into its working folder


def unavailable_reason() -> str | None:
    """Return why the sandbox cannot run on this machine, or None when it can."""
    if not sys.platform.startswith("linux"):
        return _("the sandbox needs Linux")
    if os.geteuid() != 0:
        return _("the sandbox needs root, to run each kernel as its own unprivileged user")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return _("missing {tools}: install them with apt-get install bubblewrap util-linux").format(
            tools=", ".join(missing)
        )
    return None


def ensure_user(name: str) -> tuple[int, int]:
    """Return the uid and gid of a system user, creating it (no home, no shell) if needed."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def read_only_paths() -> list[str]:
    """Return what the kernel must read: system libraries, Python, and the ocopkit package with its data."""
    from ... import datasets

    paths = [
        "/usr",
        "/etc/ld.so.cache",
        "/etc/localtime",
        sys.base_prefix,
        sys.prefix,
        str(Path(__file__).resolve().parents[3]),
        str(datasets.dataset_dir().resolve()),
    ]
    unique = []
    for path in paths:
        if (
            os.path.exists(path)
            and path not in unique
            and not any(path.startswith(p.rstrip("/") + "/") for p in unique if os.path.isdir(p))
        ):
            unique.append(path)
    return unique


def merged_usr_links() -> dict[str, str]:
    """Return /bin, /lib and the like that are links into /usr (Debian's merged /usr)."""
    return {link: os.readlink(link) for link in ("/bin", "/sbin", "/lib", "/lib64", "/lib32") if os.path.islink(link)}


@dataclass
class WorkerSandbox:
    """Everything one grading worker needs to start sandboxed kernels.

    Every folder here is root's: the sandbox user can write in none of them.
    Each kernel gets its socket folder from :mod:`ocopkit.trainer.sandbox.provisioner`.
    """

    index: int
    base: Path
    uid: int
    gid: int
    limits: Limits
    lock: int | None = None  # descriptor of the user's lock file, held while this run uses the user
    fork_kernels: bool = True  # kernels forked by the worker's zygotes; False: every kernel started anew

    @property
    def folder(self) -> Path:
        return self.base / f"w{self.index}"

    @property
    def runtime_dir(self) -> Path:
        """Connection files and kernel logs: root only (the worker's JUPYTER_RUNTIME_DIR)."""
        return self.folder / "runtime"

    @property
    def sockets_dir(self) -> Path:
        """Where each kernel's own socket folder is made."""
        return self.folder / "sockets"

    def write(self) -> None:
        """Create the worker's folders, launcher spec and kernel spec."""
        # 0711: bwrap, running as the sandbox user, must pass through to the
        # kernel's socket folder, but may not list or change anything here.
        for folder, mode in (
            (self.folder, 0o711),
            (self.folder / "stage", 0o711),
            (self.runtime_dir, 0o700),
            (self.sockets_dir, 0o711),
            (self.folder / "kernels", 0o755),
            (self.folder / "kernels" / KERNEL_NAME, 0o755),
            (self.folder / "kernels" / TESTS_KERNEL_NAME, 0o755),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(mode)
        read_only = read_only_paths()
        self._write_stage(read_only)
        spec = {
            "uid": self.uid,
            "gid": self.gid,
            "limits": asdict(self.limits),
            "python": sys.executable,
            "read_only": read_only,
            "symlinks": merged_usr_links(),
            "sockets_dir": str(self.sockets_dir),
            "runtime_dir": str(self.runtime_dir),
            "stage_dir": str(self.folder / "stage"),
            "environment": sandbox_environment(),
            "kernel_command": kernel_command(),
        }
        (self.folder / "sandbox.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        for name, role in ((KERNEL_NAME, "answers"), (TESTS_KERNEL_NAME, "tests")):
            (self.folder / "kernels" / name / "kernel.json").write_text(json.dumps(self.kernel_spec(role)))

    def kernel_spec(self, role: str) -> dict:
        """The kernel spec of answers or tests kernels: how nbgrader's kernel manager starts them."""
        config = {"sockets_dir": str(self.sockets_dir), "uid": self.uid, "gid": self.gid}
        if self.fork_kernels:
            config.update(spec=str(self.folder / "sandbox.json"), role=role)
        # -I: the launcher starts, as root, in the submission's folder; without
        # it a participant's own "ocopkit/" there would be imported and run.
        # interrupt_mode "message": signals sent to the launcher's process do
        # not reach a kernel inside bwrap, so interrupts go over the control channel.
        return {
            "argv": [
                sys.executable,
                "-I",
                "-m",
                "ocopkit.trainer.sandbox.launch",
                str(self.folder / "sandbox.json"),
                "{connection_file}",
            ],
            "display_name": "OCOP sandbox",
            "language": "python",
            "interrupt_mode": "message",
            "metadata": {
                "kernel_provisioner": {
                    "provisioner_name": ZYGOTE_PROVISIONER if self.fork_kernels else PROVISIONER,
                    "config": config,
                }
            },
        }

    def _write_stage(self, read_only: list[str]) -> None:
        """Create the mount points the launcher binds the read-only paths onto."""
        for index, path in enumerate(read_only):
            stage = self.folder / "stage" / str(index)
            if os.path.isdir(path):
                stage.mkdir(mode=0o755, exist_ok=True)
            else:
                stage.touch(mode=0o644, exist_ok=True)

    def environment(self) -> dict[str, str]:
        """Environment variables of the worker process: where kernel specs and connection files live."""
        return {"JUPYTER_PATH": str(self.folder), "JUPYTER_RUNTIME_DIR": str(self.runtime_dir)}

    def nbgrader_config(self, config) -> None:
        """Point nbgrader's Execute at the sandbox kernel over Unix sockets."""
        config.Execute.kernel_name = KERNEL_NAME
        config.GuardedExecute.tests_kernel_name = TESTS_KERNEL_NAME
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(self.sockets_dir / "unused")  # each kernel gets its own folder

    def prewarm(self, modules: list[str] | None = None) -> None:
        """Start the worker's zygotes now, both at once, so the first submission does not wait for them.

        ``modules``: what the assignment's cells import (the zygotes import
        those before forking); None for what all the kit's assignments import.
        """
        if self.fork_kernels:
            from .forkserver import prewarm

            prewarm(str(self.folder / "sandbox.json"), self.uid, modules)

    def reset(self) -> None:
        """End everything the last submission left, before the next one: processes, sockets, logs."""
        from .forkserver import protected_pids

        kill_user_processes(self.uid, keep=protected_pids())
        for leftover in list(self.sockets_dir.iterdir()) + list(self.runtime_dir.glob("kernel-*.log")):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def kernel_command() -> list[str]:
    """What the sandbox runs after ``python -P``: the kernel, with the kit's guard when it has one."""
    return ["-m", "ipykernel_launcher"]


def user_processes(uid: int) -> list[int]:
    """Return the live (not zombie) processes whose real user is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1 ").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
            found.append(int(entry.name))
    return found


def kill_user_processes(uid: int, timeout: float = 10.0, keep: set[int] = frozenset()) -> None:
    """Kill every process of a sandbox user but those in ``keep``, and wait until none is left.

    The user is reserved for one worker of one run (:func:`claim_users`), so
    whatever still runs under it is a leftover of the previous submission,
    such as a daemon that escaped its kernel. ``keep`` holds the worker's
    zygotes (:func:`ocopkit.trainer.sandbox.forkserver.protected_pids`): only
    root starts them, and no participant's code ever ran in them.
    """
    if uid == 0:
        raise ValueError("refusing to kill root's processes")
    deadline = time.monotonic() + timeout
    while (pids := [pid for pid in user_processes(uid) if pid not in keep]) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def sandbox_environment() -> dict[str, str]:
    """The kernel's whole environment: nothing from the grader's leaks in."""
    return {
        "HOME": "/tmp",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONSAFEPATH": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OCOP_LANG": os.environ.get("OCOP_LANG", "vi"),
    }


def prepare(workers: int, limits: Limits | None = None, fork_kernels: bool = True) -> list[WorkerSandbox]:
    """Create one sandbox (user, folders, kernel spec) per grading worker.

    The run's folder lives in root's ``/run/ocop-sandbox/runs/`` with a lock
    that the run holds; folders of runs that were killed (their lock is free)
    are removed first, and processes their users left are ended.

    Raises
    ------
    RuntimeError
        With the reason, when the sandbox cannot run here.
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    remove_stale_runs()
    base = Path(tempfile.mkdtemp(prefix="ocop-sandbox-", dir=RUNS_DIR))
    base.chmod(0o711)  # the sandbox users must pass through to their kernels' socket folders
    run_lock = os.open(base / "run.lock", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    fcntl.flock(run_lock, fcntl.LOCK_EX)
    sandboxes = []
    for index, (user, lock) in enumerate(claim_users(workers)):
        uid, gid = ensure_user(user)
        kill_user_processes(uid)  # left by a run that was killed while it held this user
        sandbox = WorkerSandbox(index, base, uid, gid, limits or Limits(), lock, fork_kernels)
        sandbox.write()
        sandboxes.append(sandbox)
    _run_locks[str(base)] = (run_lock, start_reaper(sandboxes))
    return sandboxes


_run_locks: dict[str, tuple[int, tuple[int, int]]] = {}


def start_reaper(sandboxes: list[WorkerSandbox]) -> tuple[int, int]:
    """Start the run's reaper: when the run ends, however it ends, it ends the sandboxes' processes.

    The reaper is a child of the grading run in a session of its own (a
    ``kill -9`` of the run's process group does not reach it). It waits on a
    pipe whose writing end only the run and its workers hold: end of file
    means all of them are gone, even by SIGKILL. It then kills every process
    of the run's sandbox users, including a kernel caught half-way through its
    start, and removes the run's folder. It holds the users' locks until it is
    done, so no other run takes a user while it still kills.

    Returns
    -------
    tuple of int
        The pipe's writing end and the reaper's pid.
    """
    reading, writing = os.pipe()
    pid = os.fork()
    if pid:
        os.close(reading)
        return writing, pid
    try:
        os.close(writing)
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle
        while os.read(reading, 1):
            pass
        for sandbox in sandboxes:
            kill_user_processes(sandbox.uid)
        shutil.rmtree(sandboxes[0].base, ignore_errors=True)
    finally:
        os._exit(0)


def remove_stale_runs() -> None:
    """Remove the folders of grading runs that ended without cleaning up (``kill -9``, power cut)."""
    for folder in (LOCK_DIR, RUNS_DIR):
        folder.mkdir(mode=0o711, exist_ok=True)
        folder.chmod(0o711)
    for run in RUNS_DIR.iterdir():
        if run.is_symlink() or not run.is_dir():
            continue
        try:
            descriptor = os.open(run / "run.lock", os.O_RDWR | os.O_NOFOLLOW)
        except FileNotFoundError:  # killed before it took its lock: old enough to go
            descriptor = None
        except OSError:
            continue
        try:
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run
        finally:
            if descriptor is not None:
                os.close(descriptor)
        shutil.rmtree(run, ignore_errors=True)


def claim_users(count: int) -> list[tuple[str, int]]:
    """Reserve ``count`` sandbox users no other grading run is using, by locking a file per user.

    Limits on processes count per user: if two runs (two trainers grading at
    once) shared a user, one participant's fork bomb would starve the other
    run's kernels. A lock is released when its file descriptor closes, so a
    killed run frees its users at once.
    """
    LOCK_DIR.mkdir(mode=0o711, parents=True, exist_ok=True)
    claimed = []
    for number in range(MAX_USERS):
        descriptor = os.open(LOCK_DIR / f"{USER_PREFIX}{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        claimed.append((f"{USER_PREFIX}{number}", descriptor))
        if len(claimed) == count:
            return claimed
    for _user, descriptor in claimed:
        os.close(descriptor)
    raise RuntimeError(
        _("all {count} sandbox users are busy with other grading runs; try again later").format(count=MAX_USERS)
    )


def cleanup(sandboxes: list[WorkerSandbox]) -> None:
    """End what the sandboxes' users still run, remove the run's folder and free the users."""
    if sandboxes:
        run_lock, (reaper_pipe, reaper) = _run_locks.pop(str(sandboxes[0].base))
        os.close(reaper_pipe)
        os.waitpid(reaper, 0)  # it kills what is left and removes the folder before any user is freed
        shutil.rmtree(sandboxes[0].base, ignore_errors=True)
        os.close(run_lock)
    for sandbox in sandboxes:
        if sandbox.lock is not None:
            os.close(sandbox.lock)
            sandbox.lock = None
