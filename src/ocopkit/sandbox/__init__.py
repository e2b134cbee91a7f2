"""A sandbox for participants' code while nbgrader grades it.

Each grading worker gets its own unprivileged Linux user and its own kernel
spec, ``ocop-sandbox``, whose launcher (:mod:`ocopkit.sandbox.launch`) runs the
kernel under bubblewrap: no network, no view of other submissions, the
solutions, the gradebook or the course configuration, and limits on memory,
processes, CPU time, file size and open files. The kernel talks to nbgrader
over Unix sockets (``KernelManager.transport = "ipc"``) because it has no
network at all.

See Also
--------
ocopkit.grading : runs nbgrader's autograde with this sandbox.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..i18n import _

KERNEL_NAME = "ocop-sandbox"
USER_PREFIX = "ocopsbx"
MAX_USERS = 64
LOCK_DIR = Path("/run/ocop-sandbox")
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


def unavailable_reason() -> str | None:
    """Return why the sandbox cannot run on this machine, or None when it can."""
    if not sys.platform.startswith("linux"):
        return _("the sandbox needs Linux")
    if os.geteuid() != 0:
        return _("the sandbox needs root, to run each kernel as its own unprivileged user")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return _("missing {tools}: install them with apt-get install bubblewrap util-linux").format(
            tools=", ".join(missing))
    return None


def ensure_user(name: str) -> tuple[int, int]:
    """Return the uid and gid of a system user, creating it (no home, no shell) if needed."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def read_only_paths() -> list[str]:
    """Return what the kernel must read: system libraries, Python, and the ocopkit package with its data."""
    from .. import datasets

    paths = ["/usr", "/etc/ld.so.cache", "/etc/localtime", sys.base_prefix, sys.prefix,
             str(Path(__file__).resolve().parents[1].parent), str(datasets.dataset_dir().resolve())]
    unique = []
    for path in paths:
        if os.path.exists(path) and path not in unique and not any(
                path.startswith(p.rstrip("/") + "/") for p in unique if os.path.isdir(p)):
            unique.append(path)
    return unique


def merged_usr_links() -> dict[str, str]:
    """Return /bin, /lib and the like that are links into /usr (Debian's merged /usr)."""
    return {link: os.readlink(link) for link in ("/bin", "/sbin", "/lib", "/lib64", "/lib32")
            if os.path.islink(link)}


@dataclass
class WorkerSandbox:
    """Everything one grading worker needs to start sandboxed kernels."""

    index: int
    base: Path
    uid: int
    gid: int
    limits: Limits
    lock: int | None = None  # descriptor of the user's lock file, held while this run uses the user

    @property
    def folder(self) -> Path:
        return self.base / f"w{self.index}"

    @property
    def socket_dir(self) -> Path:
        """Kernel sockets and connection files; also the worker's JUPYTER_RUNTIME_DIR."""
        return self.folder / "run"

    def write(self) -> None:
        """Create the worker's folders, launcher spec and kernel spec."""
        for folder in (self.folder, self.folder / "stage", self.folder / "kernels" / KERNEL_NAME):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o755)
        self.socket_dir.mkdir(exist_ok=True)
        os.chown(self.socket_dir, self.uid, self.gid)
        self.socket_dir.chmod(0o700)
        spec = {"uid": self.uid, "gid": self.gid, "limits": asdict(self.limits), "python": sys.executable,
                "read_only": read_only_paths(), "symlinks": merged_usr_links(),
                "socket_dir": str(self.socket_dir), "scratch_dir": str(self.folder / "scratch"),
                "stage_dir": str(self.folder / "stage"), "environment": sandbox_environment()}
        (self.folder / "sandbox.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
        # -I: the launcher starts, as root, in the submission's folder; without
        # it a participant's own "ocopkit/" there would be imported and run.
        # interrupt_mode "message": signals sent to the launcher's process do
        # not reach a kernel inside bwrap, so interrupts go over the control channel.
        kernel = {"argv": [sys.executable, "-I", "-m", "ocopkit.sandbox.launch",
                           str(self.folder / "sandbox.json"), "{connection_file}"],
                  "display_name": "OCOP sandbox", "language": "python", "interrupt_mode": "message"}
        (self.folder / "kernels" / KERNEL_NAME / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")

    def environment(self) -> dict[str, str]:
        """Environment variables of the worker process: where kernel specs and sockets live."""
        return {"JUPYTER_PATH": str(self.folder), "JUPYTER_RUNTIME_DIR": str(self.socket_dir)}

    def nbgrader_config(self, config) -> None:
        """Point nbgrader's Execute at the sandbox kernel over Unix sockets."""
        config.Execute.kernel_name = KERNEL_NAME
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(self.socket_dir / "kernel")


def sandbox_environment() -> dict[str, str]:
    """The kernel's whole environment: nothing from the grader's leaks in."""
    return {"HOME": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLCONFIGDIR": "/tmp/matplotlib",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONSAFEPATH": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "OCOP_LANG": os.environ.get("OCOP_LANG", "vi")}


def prepare(workers: int, limits: Limits | None = None) -> list[WorkerSandbox]:
    """Create one sandbox (user, folders, kernel spec) per grading worker.

    Raises
    ------
    RuntimeError
        With the reason, when the sandbox cannot run here.
    """
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    base = Path(tempfile.mkdtemp(prefix="ocop-sandbox-"))
    base.chmod(0o755)  # the sandbox users must reach their staging folders
    sandboxes = []
    for index, (user, lock) in enumerate(claim_users(workers)):
        uid, gid = ensure_user(user)
        sandbox = WorkerSandbox(index, base, uid, gid, limits or Limits(), lock)
        sandbox.write()
        sandboxes.append(sandbox)
    return sandboxes


def claim_users(count: int) -> list[tuple[str, int]]:
    """Reserve ``count`` sandbox users no other grading run is using, by locking a file per user.

    Limits on processes count per user: if two runs (two trainers grading at
    once) shared a user, one participant's fork bomb would starve the other
    run's kernels. A lock is released when its file descriptor closes, so a
    killed run frees its users at once.
    """
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
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
    raise RuntimeError(_("all {count} sandbox users are busy with other grading runs; try again later").format(
        count=MAX_USERS))


def cleanup(sandboxes: list[WorkerSandbox]) -> None:
    """Remove the sandboxes' folders and free their users for other runs."""
    for sandbox in sandboxes:
        if sandbox.lock is not None:
            os.close(sandbox.lock)
            sandbox.lock = None
    if sandboxes:
        shutil.rmtree(sandboxes[0].base, ignore_errors=True)
