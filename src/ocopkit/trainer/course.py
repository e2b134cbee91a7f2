"""The nbgrader course directory: where it is, how to configure and drive nbgrader.

Everything here calls nbgrader's own Python API (``nbgrader.apps.NbGraderAPI``)
with the configuration in ``nbgrader_config.py``; nothing re-implements what
nbgrader does.
"""

from __future__ import annotations

import contextlib
import copy
import os
import pwd
import shutil
import stat
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..i18n import _
from .ledger import Ledger

CONFIG_FILE = "nbgrader_config.py"


def repository_root() -> Path:
    """Return the kit's repository: the folder with ``solutions/`` and ``nbgrader_config.py``."""
    root = Path(__file__).resolve().parents[3]
    if not (root / CONFIG_FILE).exists() or not (root / "solutions").is_dir():
        raise FileNotFoundError(
            _(
                "The course files (solutions/ and nbgrader_config.py) were not found "
                "next to the ocopkit package at {root}; install the kit from its "
                "repository with pip install -e ."
            ).format(root=root)
        )
    return root


def ensure_tools_on_path() -> None:
    """Put this Python's scripts first on PATH: nbgrader shells out to ``alembic``."""
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


class UntrustedConfig(FileNotFoundError):
    """Root was asked to run a configuration file that another user could have written.

    A ``FileNotFoundError`` so that every command reports it the way it reports a
    missing course directory: for root, a file it may not run is no configuration.
    """


# Course directories whose configuration comes from a trusted builder instead of
# their nbgrader_config.py (``ocop hub grade``: root grades the trainer's course
# with the kit's own settings). Inherited by forked grading workers.
_BUILDERS: dict[Path, Callable[[], Config]] = {}


@contextlib.contextmanager
def config_from(course_dir: str | Path, build: Callable[[], Config]):
    """Read the configuration of ``course_dir`` from ``build()`` while the block runs.

    Parameters
    ----------
    course_dir : path
        The course directory whose own ``nbgrader_config.py`` must not run.
    build : callable
        Returns a fresh traitlets Config each call (callers change what they get).
    """
    key = Path(course_dir).resolve()
    _BUILDERS[key] = build
    try:
        yield
    finally:
        _BUILDERS.pop(key, None)


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def untrusted_reason(path: str | Path) -> str | None:
    """Why root may not run the file at ``path`` (None when it may).

    Root runs a file only when the file and every folder above it belong to
    root and no one else can write them; a root-owned sticky folder such as
    /tmp counts as safe, because others cannot replace what root put in it.
    """
    path = Path(os.path.abspath(path))
    for part in [path, *path.parents]:
        info = os.lstat(part)
        if stat.S_ISLNK(info.st_mode):
            return _("{path} is a symbolic link").format(path=part)
        writable = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        sticky = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        if info.st_uid != 0:
            return _("{path} belongs to {owner}").format(path=part, owner=owner_name(info.st_uid))
        if writable and not sticky:
            return _("{path} can be changed by users other than root").format(path=part)
    return None


def check_root_may_run(path: str | Path) -> None:
    """Refuse, as root, to run a configuration file another user could have written.

    Raises
    ------
    UntrustedConfig
        Naming the file, why, and what to do.
    """
    if os.geteuid() != 0:
        return  # an ordinary user runs their own files with their own rights
    reason = untrusted_reason(path)
    if reason:
        raise UntrustedConfig(
            _(
                "Not running {path} as root: {reason}. Root never runs a file that another user can change. "
                "Run this command as the owner of the course directory instead, or, on the hub, with "
                "sudo ocop hub grade, which grades with the kit's own settings."
            ).format(path=path, reason=reason)
        )


def read_config_file(path: str | Path) -> Config:
    """Run one nbgrader_config.py and return its Config (as root only when it is root's alone)."""
    path = Path(path)
    check_root_may_run(path)
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def load_config(course_dir: str | Path) -> Config:
    """Read ``nbgrader_config.py`` of a course directory into a traitlets Config.

    Inside :func:`config_from` the configuration comes from its builder and
    the course's file is not run at all.

    Raises
    ------
    FileNotFoundError
        When the folder has no ``nbgrader_config.py``.
    UntrustedConfig
        When root would run a file that another user could have written.
    """
    course_dir = Path(course_dir).resolve()
    if course_dir in _BUILDERS:
        return _BUILDERS[course_dir]()
    if not (course_dir / CONFIG_FILE).exists():
        raise FileNotFoundError(
            _("{folder} is not a course directory: it has no nbgrader_config.py.").format(folder=course_dir)
        )
    return read_config_file(course_dir / CONFIG_FILE)


def nbgrader_api(course_dir: str | Path, configure=None):
    """Return nbgrader's own API object for a course directory.

    Parameters
    ----------
    course_dir : path
        A folder holding ``nbgrader_config.py`` (the repository, or a working
        copy made by :func:`make_working_course`).
    configure : callable, optional
        Called with the loaded traitlets Config to adjust it (the grader uses
        this to run kernels in the sandbox).

    Returns
    -------
    nbgrader.apps.NbGraderAPI
    """
    return _api_from(load_config(course_dir), course_dir, configure)


def _api_from(config: Config, root: str | Path, configure=None):
    """nbgrader's API object on a configuration, rooted at ``root``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_tools_on_path()
    # nbgrader 0.9 trips SQLAlchemy 2's autoflush warnings on every autograde;
    # they are nbgrader's and say nothing to a trainer.
    warnings.filterwarnings("ignore", message=".*not in session.*", module=r"nbgrader\.")
    config.CourseDirectory.root = str(Path(root).resolve())
    if configure:
        configure(config)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def assignments(course_dir: str | Path) -> list[str]:
    """Return the assignments of a course: the folders of its source directory, sorted."""
    return Course.of(course_dir).assignments()


class Course:
    """One course directory, opened once at the edge (CLI, hub, benchmark) and passed down.

    It holds what every step needs and would otherwise rebuild: the course
    root, its nbgrader configuration (read once), nbgrader's API object and
    the kit's ledger.

    Parameters
    ----------
    root : path
        A folder holding ``nbgrader_config.py``.

    Examples
    --------
    >>> course = Course("build/demo")          # doctest: +SKIP
    >>> course.api.gradebook, course.ledger.gradings("topic08")  # doctest: +SKIP
    """

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self._config: Config | None = None
        self._api = None
        self._ledger: Ledger | None = None

    @classmethod
    def of(cls, course: Course | str | Path) -> Course:
        """The course itself, or a course opened on a path (for callers that hold only a folder)."""
        return course if isinstance(course, Course) else cls(course)

    def __fspath__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Course({str(self.root)!r})"

    def config(self) -> Config:
        """A copy of the course's configuration, read from disk once (callers may change the copy)."""
        if self._config is None:
            self._config = load_config(self.root)
        return copy.deepcopy(self._config)

    @property
    def api(self):
        """nbgrader's API object for this course, built once."""
        if self._api is None:
            self._api = self.make_api()
        return self._api

    def make_api(self, configure=None):
        """A new nbgrader API object, its configuration adjusted by ``configure`` (a grading worker's)."""
        return _api_from(self.config(), self.root, configure)

    @property
    def ledger(self) -> Ledger:
        """The kit's ledger of this course, opened once."""
        if self._ledger is None:
            self._ledger = Ledger(self.root)
        return self._ledger

    def assignments(self) -> list[str]:
        """The assignments: the folders of the source directory, sorted."""
        source = self.root / self.config().CourseDirectory.source_directory
        return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))


def make_working_course(target: str | Path, source: str | Path | None = None) -> Path:
    """Create a fresh course directory from the repository's solutions and configuration.

    The copy of ``nbgrader_config.py`` sets its own folder as the course root, so
    nbgrader's CLI and API work inside ``target`` exactly as in the repository,
    with a gradebook of its own.

    Parameters
    ----------
    target : path
        Folder to create; an existing one is emptied first.
    source : path, optional
        The repository; found from the package when omitted.
    """
    source = Path(source) if source else repository_root()
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source / CONFIG_FILE, target / CONFIG_FILE)
    shutil.copytree(
        source / "solutions", target / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    return target


def quickstart_course(base: str | Path, submissions: int) -> Path:
    """nbgrader's own quickstart course (``nbgrader quickstart course101``) with ps1 released and handed in.

    A peer's course to grade the kit against stock nbgrader (``benchmarks/grade_cohort.py`` and its test):
    every other submission is the solution, the rest the released version.
    """
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)

    def nbgrader(folder: Path, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=folder, check=True, capture_output=True)

    nbgrader(base, "quickstart", "course101")
    course = base / "course101"
    nbgrader(course, "generate_assignment", "ps1", "--force")
    for number in range(submissions):
        source = course / ("source" if number % 2 == 0 else "release") / "ps1"
        shutil.copytree(source, course / "submitted" / f"p{number:04d}" / "ps1")
    return course
