"""Build what the local hub needs: the course environment, users, configuration, the course directory.

Every step can be rerun: it checks what is there and changes only what is
missing or out of date. Everything here needs root (it creates Linux users and
writes under /opt, /etc and /srv); :func:`prepare` runs all the steps.

Messages here are for whoever runs ``make hub`` (the machine's administrator),
in English like the shell around them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from .. import lab_profile
from .config import render
from .settings import (  # noqa: F401  (setup.HubSettings etc. stay this module's interface)
    DEVELOPMENT_PASSWORD,
    ENV_DIR,
    EXCHANGE_DIR,
    GLOBAL_CONFIG_DIR,
    MARKER,
    NOT_INSTALLED,
    PARTICIPANTS,
    PROXY_PACKAGE,
    STAMP,
    STATE_DIR,
    TRAINER,
    USER_NAME,
    HubSettings,
    SetupError,
    server_path,
    write_file,
)

# What participants do not get (nbgrader's Formgrader, Create Assignment, Course List) is the
# participant profile's, deploy/participant/, copied as it is (write_role_configs). Nothing is read
# from it at import: root's `ocop hub grade` runs from the course environment, away from the repository.


def say(message: str) -> None:
    print(f"[ocop hub] {message}", flush=True)


# ---------------------------------------------------------------- checks


def root_reason() -> str | None:
    """Return why this process cannot set up a hub, or None."""
    if not sys.platform.startswith("linux"):
        return "the local hub needs Linux (real users, homes of mode 0700)"
    if os.geteuid() != 0:
        return (
            "the local hub must be set up as root: it creates a Linux user for the trainer and for "
            "each participant (nbgrader takes the student id from the user name), installs the course "
            "environment under /opt and writes /etc/jupyter/nbgrader_config.py. Run: sudo make hub"
        )
    return None


def check_settings(settings: HubSettings) -> None:
    """Refuse settings that would be unsafe or cannot work, saying which."""
    if not ipaddress.ip_address(settings.ip).is_loopback:
        raise SetupError(
            f"The hub's development login (one shared password for every account) is only for "
            f"this machine, and {settings.ip} is not a loopback address. For a real cohort, switch "
            "to real authentication first (README, section JupyterHub)."
        )
    if len(settings.password) < 8:
        raise SetupError("The shared development password needs at least 8 characters (JupyterHub's rule).")
    for user in settings.users:
        if not USER_NAME.match(user):
            raise SetupError(
                f"{user!r} cannot be a Linux and JupyterHub user name: use lower-case letters, "
                "digits, '-' and '_', starting with a letter, at most 31 characters."
            )
    if len(set(settings.users)) != len(settings.users):
        raise SetupError("The trainer and the participants need different user names.")
    if settings.lang not in ("vi", "en"):
        raise SetupError(f"Unknown language {settings.lang!r}: use vi or en.")


# ---------------------------------------------------------------- helpers


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@contextlib.contextmanager
def locked(path: Path):
    """Hold an exclusive lock on ``path`` (two setups must not build one environment at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(argv: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; on failure raise SetupError with what was being done and the command's last words."""
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise SetupError(f"{what} failed ({' '.join(map(str, argv))}, exit {done.returncode}):\n{tail}")
    return done


def readable_by_everyone(path: str | Path) -> bool:
    """Whether every user can reach ``path``: each folder above it searchable and it readable by others."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        if folder.is_dir() and not mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o004)


def digest(paths: list[Path], root: Path) -> str:
    """A hash of files' names (relative to root) and contents."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def tree_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts and p.suffix != ".pyc"
    ]


def repository(settings: HubSettings) -> Path:
    if settings.repo is None:
        from ..course import repository_root

        settings.repo = repository_root()
    return settings.repo


def course_id_of(repo: Path) -> str:
    from ..course import load_config

    course_id = load_config(repo).CourseDirectory.course_id
    if not course_id:
        raise SetupError(f"{repo / 'nbgrader_config.py'} sets no CourseDirectory.course_id; the exchange needs one.")
    return course_id


# ---------------------------------------------------------------- the proxy


def ensure_proxy() -> str:
    """Return the path of configurable-http-proxy, installing it with npm (and npm with apt) when missing."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    if not shutil.which("npm"):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            say("Installing Node.js and npm (for configurable-http-proxy, JupyterHub's proxy)")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            run(["apt-get", "update", "-qq"], "apt-get update", env=env)
            run(["apt-get", "install", "-y", "-qq", "nodejs", "npm"], "Installing nodejs and npm", env=env)
        else:
            raise SetupError(
                "configurable-http-proxy (JupyterHub's proxy) is missing and so is npm to install "
                f"it: install Node.js and npm, then npm install -g {PROXY_PACKAGE}"
            )
    say(f"Installing {PROXY_PACKAGE} with npm")
    run(["npm", "install", "-g", "--no-fund", "--no-audit", PROXY_PACKAGE], "npm install of the proxy")
    prefix = run(["npm", "prefix", "-g"], "npm prefix").stdout.strip()
    for candidate in (shutil.which("configurable-http-proxy"), Path(prefix) / "bin" / "configurable-http-proxy"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise SetupError(
        f"npm installed {PROXY_PACKAGE} but configurable-http-proxy is not on PATH "
        f"nor in {prefix}/bin: add npm's global bin folder to PATH."
    )


def ensure_sandbox_tools() -> None:
    """Install bubblewrap when missing: grading on the hub (ocop hub grade) runs each notebook in it."""
    from ..sandbox import TOOLS

    if all(shutil.which(tool) for tool in TOOLS):
        return
    if shutil.which("apt-get"):
        say("Installing bubblewrap for the grading sandbox")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            run(["apt-get", "update", "-qq"], "apt-get update", env=env)
            run(["apt-get", "install", "-y", "-qq", "bubblewrap", "util-linux"], "Installing bubblewrap", env=env)
            return
        except SetupError as error:
            say(f"{error}")
    say(
        "Warning: bubblewrap is missing, so ocop hub grade will refuse to grade until it is installed "
        "(apt-get install bubblewrap util-linux). The hub itself works without it."
    )


# ---------------------------------------------------------------- the course environment


def base_python() -> tuple[str, str]:
    """Return an interpreter every user can run (>= 3.11, with venv) and its version.

    A virtual environment links to its base interpreter: one under /root
    (pyenv, mode 0700) would leave every participant's server unable to start.
    """
    candidates = [
        os.environ.get("OCOP_HUB_PYTHON"),
        "/usr/bin/python3.11",
        "/usr/bin/python3",
        shutil.which("python3.12"),
        shutil.which("python3.11"),
        shutil.which("python3"),
    ]
    probe = (
        "import sys, sysconfig, venv, ensurepip; "
        "print(sys.version_info >= (3, 11), sysconfig.get_path('stdlib'), sys.version.split()[0])"
    )
    tried = []
    for candidate in dict.fromkeys(c for c in candidates if c):
        if not Path(candidate).exists():
            continue
        done = subprocess.run([candidate, "-c", probe], capture_output=True, text=True)
        if done.returncode != 0:
            tried.append(f"{candidate}: no venv/ensurepip (apt-get install python3-venv)")
            continue
        recent, stdlib, version = done.stdout.split()
        if recent != "True":
            tried.append(f"{candidate}: Python {version} is older than 3.11")
        elif not (readable_by_everyone(candidate) and readable_by_everyone(stdlib)):
            tried.append(f"{candidate}: not readable by other users")
        else:
            return os.path.realpath(candidate), version
    raise SetupError(
        "No Python 3.11+ that every user can run was found for the course environment ("
        + "; ".join(tried or ["none found"])
        + "). Install one: apt-get install python3 python3-venv, "
        "or name it with OCOP_HUB_PYTHON=/path/to/python3."
    )


def dependencies_key(repo: Path, python: str, version: str) -> str:
    """A hash of what decides the environment's packages: the interpreter, the pins and the hub extra."""
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        python,
        version,
        project.get("build-system", {}),
        project["project"].get("requires-python"),
        project["project"].get("dependencies", []),
        project["project"].get("optional-dependencies", {}).get("hub", []),
    ]
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def ensure_environment(settings: HubSettings) -> None:
    """Build, update or reuse the course environment under ``settings.env_dir``.

    Two fingerprints decide: the interpreter plus pyproject.toml (the pinned
    dependencies: a full ``pip install .[hub]``), and the package and its
    datasets (only the kit itself is reinstalled).
    """
    repo = repository(settings)
    env = settings.env_dir
    with locked(env.parent / ".ocop-env.lock"), umask(0o022):
        python, version = base_python()
        deps_key = dependencies_key(repo, python, version)
        project_key = digest(
            tree_files(repo / "src" / "ocopkit") + tree_files(repo / "datasets") + [repo / "pyproject.toml"], repo
        )
        stamp_path = env / STAMP
        stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
        pip = [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if stamp.get("deps") != deps_key or not (env / "bin" / "jupyterhub-singleuser").exists():
            if stamp.get("python") != python and env.exists():
                say(f"Rebuilding {env}: it was made with another Python")
                shutil.rmtree(env)
            if not env.exists():
                env.parent.mkdir(parents=True, exist_ok=True)
                env.parent.chmod(0o755)
                run([python, "-m", "venv", str(env)], f"Creating the course environment {env}")
            say(f"Installing the course environment into {env} from {repo} (the first time takes a few minutes)")
            run(pip + [f"{repo}[hub]"], "Installing the course environment", cwd=str(env))
            # Every participant's server would build jsonschema's IRI grammar at start: 1 s, 16 MiB each.
            uninstall = [str(env / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "-y", *NOT_INSTALLED]
            run(uninstall, "Removing what no participant uses", cwd=str(env))
        elif stamp.get("project") != project_key:
            say(f"Updating the kit in {env} from {repo}")
            run(pip + ["--no-deps", "--force-reinstall", str(repo)], "Reinstalling the kit", cwd=str(env))
        else:
            say(f"Course environment {env} is up to date")
        stamp_path.write_text(json.dumps({"python": python, "deps": deps_key, "project": project_key}))
    if not readable_by_everyone(env / "bin" / "jupyterhub-singleuser"):
        raise SetupError(
            f"{env} is not readable by other users: participants' servers could not start. "
            f"Fix the folder's modes (chmod -R o+rX {env}) or choose another --env-dir."
        )


# ---------------------------------------------------------------- users


def ensure_user(name: str) -> pwd.struct_passwd:
    """Create a Linux user with a private home (mode 0700), or make an existing one's home private."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        run(
            [
                "useradd",
                "--create-home",
                "-K",
                "HOME_MODE=0700",
                "--shell",
                "/bin/bash",
                "--comment",
                "OCOP course kit hub account",
                name,
            ],
            f"Creating the user {name}",
        )
        entry = pwd.getpwnam(name)
    if entry.pw_uid < 1000 or entry.pw_uid == 65534:
        raise SetupError(f"{name} is a system account (uid {entry.pw_uid}): choose another name for a hub user.")
    home = Path(entry.pw_dir)
    if not home.exists():
        shutil.copytree("/etc/skel", home, symlinks=True)
        chown_tree(home, entry)
    os.chown(home, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    home.chmod(0o700)
    return entry


def empty_home(entry: pwd.struct_passwd) -> None:
    """Put a user's home back to a fresh account's (tests reuse their users)."""
    home = Path(entry.pw_dir)
    if home.resolve() in (Path("/"), Path("/root"), Path("/home")) or (
        home.exists() and home.stat().st_uid != entry.pw_uid
    ):
        raise SetupError(f"refusing to empty {home}: not a home of {entry.pw_name}'s own")
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree("/etc/skel", home, symlinks=True)
    chown_tree(home, entry)
    home.chmod(0o700)


def user_environment(settings: HubSettings, user: str) -> dict[str, str]:
    """The environment a user's server gets from the hub (for commands run as that user)."""
    entry = pwd.getpwnam(user)
    return {
        "HOME": entry.pw_dir,
        "USER": user,
        "LOGNAME": user,
        "SHELL": entry.pw_shell or "/bin/bash",
        "PATH": server_path(settings),
        "LANG": "C.UTF-8",
        "OCOP_LANG": settings.lang,
        "JUPYTER_CONFIG_PATH": jupyter_config_path(settings, user),
    }


def jupyter_config_path(settings: HubSettings, user: str) -> str:
    role = "trainer" if user == settings.trainer else "participant"
    return os.pathsep.join([str(settings.role_config_dir(role)), str(settings.nbgrader_config_dir)])


def run_as(
    settings: HubSettings,
    user: str,
    argv: list[str],
    cwd: str | Path | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run a command as a hub user, with the environment the hub gives that user's server."""
    entry = pwd.getpwnam(user)
    done = subprocess.run(
        [str(a) for a in argv],
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        env=user_environment(settings, user),
        cwd=str(cwd or entry.pw_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise SetupError(
            f"{' '.join(map(str, argv))} as {user} failed (exit {done.returncode}):\n"
            + (done.stdout + done.stderr)[-3000:]
        )
    return done


# ---------------------------------------------------------------- configuration files


def write_nbgrader_config(settings: HubSettings) -> Path:
    """Write the global nbgrader_config.py (course id, exchange) and create the exchange (mode 777)."""
    with umask(0o022):
        settings.exchange_dir.mkdir(parents=True, exist_ok=True)
    # nbgrader's exchange scheme: the root is writable by all, its own
    # folders below it (inbound 733, outbound 755, feedback 711) keep
    # participants from reading each other's submissions.
    settings.exchange_dir.chmod(0o777)
    path = settings.nbgrader_config_dir / "nbgrader_config.py"
    if path.exists() and MARKER not in path.read_text(encoding="utf-8", errors="replace"):
        kept = path.with_name(f"nbgrader_config.py.before-ocop-hub-{time.strftime('%Y%m%d%H%M%S')}")
        path.rename(kept)
        say(f"Moved the existing {path} to {kept}")
    write_file(
        path,
        f'''"""{MARKER} (make hub): nbgrader settings of every server on this hub.

The course id and the exchange, where the trainer releases and collects and
participants fetch and submit. The course's own settings are in the trainer's
course directory ({settings.course_dir}/nbgrader_config.py).
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {settings.course_id!r}
c.Exchange.root = {str(settings.exchange_dir)!r}
# A submit lands whole in the exchange or not at all, and says so in the cohort's language (hub/submit.py).
c.ExchangeFactory.submit = "ocopkit.trainer.hub.submit.WholeSubmit"
''',
    )
    settings.nbgrader_config_dir.chmod(0o755)
    return path


def write_role_configs(settings: HubSettings) -> None:
    """Jupyter configuration of the two roles' servers (on JUPYTER_CONFIG_PATH, chosen by the spawner).

    Participants: the participant profile, ``deploy/participant/``, copied as
    it is (what ``make lab`` uses): Lab in Vietnamese, the served code font,
    no news, and no formgrader, Create Assignment or Course List, neither in
    Lab nor on the server. The trainer: formgrader may be shown in Lab's frame
    (JupyterHub >= 4.1 forbids frames unless told otherwise).
    """
    participant = settings.role_config_dir("participant")
    trainer = settings.role_config_dir("trainer")
    profile = repository(settings) / lab_profile.PROFILE.relative_to(lab_profile.REPO)
    if participant.is_dir():  # ours alone: files the profile no longer has must go too
        shutil.rmtree(participant)
    files = lab_profile.profile_files(profile)
    for relative in files:  # fonts too: bytes, not text
        (participant / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(profile / relative, participant / relative)
        (participant / relative).chmod(0o644)
    write_file(
        trainer / "jupyter_server_config.json",
        json.dumps(
            {"ServerApp": {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}},
            indent=1,
        ),
    )
    # Both roles: a notebook whose save a killed server cut short is put back at the next start (hub/recover.py).
    recover = Path("jupyter_server_config.d") / "ocopkit-hub-recover.json"
    for role in (participant, trainer):
        extension = {"ServerApp": {"jpserver_extensions": {"ocopkit.trainer.hub.recover": True}}}
        write_file(role / recover, json.dumps(extension, indent=1))
    folders = {participant, trainer, settings.state_dir / "jupyter"}
    folders.update(participant / relative.parent for relative in [*files, recover])
    folders.add(trainer / recover.parent)
    for folder in folders:
        folder.chmod(0o755)


# ---------------------------------------------------------------- the course directory


def sync_file(source: Path, target: Path) -> bool:
    """Copy a file when the target is missing or different; return whether it changed."""
    if target.exists() and target.read_bytes() == source.read_bytes():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return True


def chown_tree(path: Path, entry: pwd.struct_passwd) -> list[str]:
    """Give a folder and everything in it to a user, never following a link.

    The folder is the user's own (a course directory, a home), so they may have
    planted links or hard links in it: a link is changed itself (``lchown``),
    never its target; every other entry is opened with ``O_NOFOLLOW`` and
    changed through that descriptor, so a name swapped for a link between two
    steps changes nothing; a file with other hard links that is not already
    theirs is left alone (it may be a file of root's from elsewhere).

    Returns
    -------
    list of str
        The entries left alone, for a warning.
    """
    try:
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise SetupError(f"Not changing the owner of {path}: it is not a plain folder ({error.strerror}).") from None
    skipped = []
    try:
        os.fchown(top, entry.pw_uid, entry.pw_gid)
        for folder, dirs, files, folder_fd in os.fwalk(".", dir_fd=top, follow_symlinks=False):
            for name in dirs + files:
                if not _chown_entry(name, folder_fd, entry):
                    skipped.append(os.path.normpath(os.path.join(path, folder, name)))
    finally:
        os.close(top)
    return skipped


def _chown_entry(name: str, folder_fd: int, entry: pwd.struct_passwd) -> bool:
    """Change one entry of an open folder; return False when it was left alone."""
    try:
        if stat.S_ISLNK(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode):
            os.chown(name, entry.pw_uid, entry.pw_gid, dir_fd=folder_fd, follow_symlinks=False)
            return True
        descriptor = os.open(name, os.O_PATH | os.O_NOFOLLOW, dir_fd=folder_fd)
    except FileNotFoundError:
        return True  # gone meanwhile: nothing to hand back
    try:
        info = os.fstat(descriptor)
        if stat.S_ISLNK(info.st_mode):  # swapped for a link since the check above
            return False
        if not stat.S_ISDIR(info.st_mode) and info.st_nlink > 1 and info.st_uid != entry.pw_uid:
            return False
        # An O_PATH descriptor cannot be fchown'ed; its /proc entry names exactly that inode.
        os.chown(f"/proc/self/fd/{descriptor}", entry.pw_uid, entry.pw_gid)
        return True
    finally:
        os.close(descriptor)


def prepare_course_dir(settings: HubSettings) -> list[str]:
    """Copy the course material into the trainer's course directory and generate what changed.

    The repository is the source of what it holds (nbgrader_config.py,
    solutions/, course/): changed files are copied over; the trainer's own
    assignments, the gradebook and the submitted/, autograded/ and feedback/
    folders are left alone.

    Returns
    -------
    list of str
        The assignments generated now.
    """
    repo = repository(settings)
    entry = pwd.getpwnam(settings.trainer)
    course = settings.course_dir
    with umask(0o077):  # solutions stay the trainer's
        course.mkdir(exist_ok=True)
        changed = [
            p
            for p in [repo / "nbgrader_config.py", *tree_files(repo / "solutions"), *tree_files(repo / "course")]
            if sync_file(p, course / p.relative_to(repo))
        ]
        home_config = settings.home(settings.trainer) / "nbgrader_config.py"
        write_file(
            home_config,
            f'''"""{MARKER}: formgrader reads nbgrader_config.py in the folder
your server starts in (this home folder). The course's own settings are in
{course}/nbgrader_config.py; run nbgrader commands there or here.
"""

c = get_config()  # noqa: F821
load_subconfig({str(course / "nbgrader_config.py")!r})  # noqa: F821
''',
            mode=0o600,
        )
    if changed:
        say(f"Copied {len(changed)} changed course files into {course}")
    course.chmod(0o700)
    chown_tree(course, entry)
    os.chown(home_config, entry.pw_uid, entry.pw_gid, follow_symlinks=False)

    names = settings.assignments
    if names is None:
        names = tuple(sorted(p.name for p in (course / "solutions").iterdir() if p.is_dir()))
    stamp_path = course / ".ocop-hub-generated.json"
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    todo = []
    for name in names:
        source = course / "solutions" / name
        if not source.is_dir():
            raise SetupError(f"{source} does not exist: no assignment {name!r} in the course.")
        key = digest(tree_files(source), course)
        if stamp.get(name) != key or not (course / "exercises" / name).is_dir():
            todo.append((name, key))
    generated, failed = [], {}
    if todo:
        say(f"Generating {', '.join(n for n, _ in todo)} as {settings.trainer}")

        def generate(*names):
            return run_as(
                settings,
                settings.trainer,
                [settings.env_bin / "ocop", "generate", *names, "--course-dir", course],
                cwd=course,
                check=False,
            )

        if generate(*(n for n, _ in todo)).returncode == 0:
            generated = todo
        else:  # one broken assignment must not keep the others (and the hub) back
            for name, key in todo:
                done = generate(name)
                if done.returncode == 0:
                    generated.append((name, key))
                else:
                    failed[name] = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["?"]
        stamp.update(dict(generated))
        write_file(stamp_path, json.dumps(stamp, indent=1), mode=0o600)
        os.chown(stamp_path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    for name, lines in failed.items():
        say(
            f"Warning: {name} could not be generated, so it cannot be released: {lines[0]} "
            f"(fix solutions/{name} in the repository and run make hub again)"
        )
    if settings.assignments is not None and failed:
        raise SetupError(f"Could not generate {', '.join(failed)}: see the warnings above.")
    return [n for n, _ in generated]


def give_lessons(settings: HubSettings) -> None:
    """Copy the lessons into each participant's ``~/bai-hoc``, the tools' app pages into ``~/bai-hoc/tools``.

    Never over a participant's own copy, and never through a link of theirs.
    """
    course = repository(settings) / "course"
    for user in settings.participants:
        entry = pwd.getpwnam(user)
        lessons = _participant_folder(Path(entry.pw_dir) / "bai-hoc", entry)
        tools = lessons and _participant_folder(lessons / "tools", entry)
        for source, folder in ((course, lessons), (course / "tools", tools)):
            if folder:
                _copy_new_notebooks(sorted(source.glob("*.ipynb")), folder, entry)


def _participant_folder(folder: Path, entry: pwd.struct_passwd) -> Path | None:
    """A plain folder of the participant's (made when missing); None, with a warning, when it is not plain."""
    with contextlib.suppress(FileExistsError):  # a dangling link of theirs: refused just below
        folder.mkdir(exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():  # the participant's own link: root copies nothing through it
        say(f"Warning: {folder} is not a plain folder; no lessons copied for {entry.pw_name}.")
        return None
    os.chown(folder, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    return folder


def _copy_new_notebooks(notebooks: list[Path], folder: Path, entry: pwd.struct_passwd) -> None:
    for notebook in notebooks:
        target = folder / notebook.name
        if not os.path.lexists(target):  # a dangling link "does not exist" but would be written through
            write_file(target, notebook.read_text(encoding="utf-8"))
            os.chown(target, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def give_back(settings: HubSettings) -> list[str]:
    """Hand the course directory back to the trainer (after root graded in it).

    Returns
    -------
    list of str
        Entries left alone (hard links to files that are not the trainer's).
    """
    skipped = chown_tree(settings.course_dir, pwd.getpwnam(settings.trainer))
    for path in skipped:
        say(f"Warning: left {path} as it is: it is a link, or a hard link to a file that is not the trainer's.")
    return skipped


def write_kit_config(settings: HubSettings) -> Path:
    """Keep root's own copy of the kit's nbgrader_config.py in the hub's state folder.

    ``ocop hub grade`` runs as root in the trainer's course directory; it must
    not run the trainer's nbgrader_config.py, so it runs this copy, which only
    root can change.
    """
    source = repository(settings) / "nbgrader_config.py"
    from ..course import check_root_may_run

    check_root_may_run(source)
    target = settings.kit_config_file
    with umask(0o077):
        target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o700)
    write_file(target, source.read_text(encoding="utf-8"), mode=0o600)
    return target


# ---------------------------------------------------------------- all of it


def prepare(settings: HubSettings) -> HubSettings:
    """Do every step; return the settings, completed (course id, proxy path) and saved.

    Raises
    ------
    SetupError
        With what to fix, when a step cannot be done.
    """
    reason = root_reason()
    if reason:
        raise SetupError(reason)
    check_settings(settings)
    repo = repository(settings)
    settings.course_id = settings.course_id or course_id_of(repo)
    with umask(0o022):
        settings.state_dir.mkdir(parents=True, exist_ok=True)
    # Users' servers read their role's configuration below it, but may not
    # list it or read the hub's database, secret, log and settings.
    settings.state_dir.chmod(0o711)
    for private in ("jupyterhub.sqlite", "jupyterhub.log"):
        path = settings.state_dir / private
        path.touch(mode=0o600)  # JupyterHub opens the existing file and keeps its mode
        path.chmod(0o600)
    settings.proxy = ensure_proxy()
    ensure_sandbox_tools()
    ensure_environment(settings)
    for user in settings.users:
        entry = ensure_user(user)
        if settings.fresh_homes:
            empty_home(entry)
    write_nbgrader_config(settings)
    write_kit_config(settings)
    write_role_configs(settings)
    prepare_course_dir(settings)
    if settings.lessons:
        give_lessons(settings)
    write_file(settings.config_file, render(settings), mode=0o600)
    settings.save()
    return settings
