"""Start one grading kernel inside the sandbox (run by the kernel spec, as root).

``python -m ocopkit.sandbox.launch SPEC.json CONNECTION_FILE``

The kernel manager starts this in the submission's folder. It prepares a
fresh scratch copy of that folder for the sandbox user, then replaces itself
(``exec``) with the chain ``setpriv`` (drop to the worker's own unprivileged
user) → ``prlimit`` (memory, processes, CPU, file size, open files) →
``bwrap`` (no network, a private /tmp and /proc, read-only Python, and only
the submission's scratch copy and the kernel's socket folder writable) →
``python -m ipykernel_launcher``. Because each step ``exec``s the next,
bwrap's parent is the grading worker: ``--die-with-parent`` ends the sandbox
when the worker ends.

Kept to the standard library: it runs once per submission.
"""

import ctypes
import json
import os
import shutil
import sys

CLONE_NEWNS, MS_BIND, MS_REC, MS_PRIVATE = 0x00020000, 4096, 16384, 1 << 18


def scratch_copy(source: str, scratch: str, uid: int, gid: int) -> None:
    """Copy the submission's regular files into an empty scratch folder owned by the sandbox user.

    The sandbox writes there, never in nbgrader's autograded folder: a
    participant who left a symlink named like the notebook would otherwise
    make nbgrader, running as root, write through it.
    """
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch, mode=0o700)
    for entry in os.scandir(source):
        if entry.is_file(follow_symlinks=False) and not entry.name.endswith(".ipynb"):
            shutil.copyfile(entry.path, os.path.join(scratch, entry.name))
    for root, dirs, files in os.walk(scratch):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)
    os.chown(scratch, uid, gid)


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
        if os.path.isdir(path):
            os.makedirs(stage, mode=0o755, exist_ok=True)
        elif not os.path.exists(stage):
            open(stage, "w").close()  # a file is bound onto a file
            os.chmod(stage, 0o644)
        if libc.mount(path.encode(), stage.encode(), None, MS_BIND | MS_REC, None) != 0:
            raise OSError(ctypes.get_errno(), f"bind mount of {path} failed")
        staged[path] = stage
    return staged


def command(spec: dict, connection_file: str, workdir: str, staged: dict) -> list:
    """Return the argv of setpriv → prlimit → bwrap → the kernel."""
    limits = spec["limits"]
    chain = ["setpriv", f"--reuid={spec['uid']}", f"--regid={spec['gid']}", "--clear-groups",
             "--no-new-privs", "--",
             "prlimit", f"--as={limits['memory_bytes']}", f"--nproc={limits['processes']}",
             f"--cpu={limits['cpu_seconds']}", f"--fsize={limits['file_bytes']}",
             f"--nofile={limits['open_files']}", "--core=0", "--",
             "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
             "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in spec["read_only"]:
        chain += ["--ro-bind", staged[path], path]
    for link, target in spec.get("symlinks", {}).items():
        chain += ["--symlink", target, link]
    chain += ["--bind", spec["socket_dir"], spec["socket_dir"], "--bind", spec["scratch_dir"], workdir,
              "--chdir", workdir]
    for name, value in spec["environment"].items():
        chain += ["--setenv", name, value]
    # -P: the submission's folder is not on sys.path, so a file named like a
    # module there (ipykernel_launcher.py, pandas.py) is never imported.
    return chain + ["--", spec["python"], "-P", "-m", "ipykernel_launcher", "-f", connection_file,
                    "--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


def main(argv: list) -> None:
    """Prepare the scratch folder and the connection file, then exec the sandbox chain."""
    spec_path, connection_file = argv[1], argv[2]
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    workdir = os.getcwd()
    scratch_copy(workdir, spec["scratch_dir"], spec["uid"], spec["gid"])
    # The kernel reads its ports and key after dropping root, inside the
    # sandbox: give it its own copy in the socket folder it can see.
    readable = os.path.join(spec["socket_dir"], f"connection-{os.getpid()}.json")
    shutil.copyfile(connection_file, readable)
    os.chown(readable, spec["uid"], spec["gid"])
    os.chmod(readable, 0o600)
    chain = command(spec, readable, workdir, stage_read_only_paths(spec))
    os.chdir("/")
    # The kernel's own console chatter goes to the worker's log, not the trainer's screen.
    log = os.open(os.path.join(os.path.dirname(spec["socket_dir"]), "kernel.log"),
                  os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # Only PATH passes on: the grader's environment (tokens, database URLs)
    # would otherwise be readable in the sandbox as /proc/1/environ.
    os.execvpe(chain[0], chain, {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


if __name__ == "__main__":
    main(sys.argv)
