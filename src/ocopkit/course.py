"""The nbgrader course directory: where it is, how to configure and drive nbgrader.

Everything here calls nbgrader's own Python API (``nbgrader.apps.NbGraderAPI``)
with the configuration in ``nbgrader_config.py``; nothing re-implements what
nbgrader does.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .i18n import _

CONFIG_FILE = "nbgrader_config.py"


def repository_root() -> Path:
    """Return the kit's repository: the folder with ``solutions/`` and ``nbgrader_config.py``."""
    root = Path(__file__).resolve().parents[2]
    if not (root / CONFIG_FILE).exists() or not (root / "solutions").is_dir():
        raise FileNotFoundError(_("The course files (solutions/ and nbgrader_config.py) were not found "
                                  "next to the ocopkit package at {root}; install the kit from its "
                                  "repository with pip install -e .").format(root=root))
    return root


def ensure_tools_on_path() -> None:
    """Put this Python's scripts first on PATH: nbgrader shells out to ``alembic``."""
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def load_config(course_dir: str | Path) -> Config:
    """Read ``nbgrader_config.py`` of a course directory into a traitlets Config.

    Raises
    ------
    FileNotFoundError
        When the folder has no ``nbgrader_config.py``.
    """
    course_dir = Path(course_dir).resolve()
    if not (course_dir / CONFIG_FILE).exists():
        raise FileNotFoundError(_("{folder} is not a course directory: it has no nbgrader_config.py.").format(
            folder=course_dir))
    return PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()


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
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    ensure_tools_on_path()
    # nbgrader 0.9 trips SQLAlchemy 2's autoflush warnings on every autograde;
    # they are nbgrader's and say nothing to a trainer.
    warnings.filterwarnings("ignore", message=".*not in session.*", module=r"nbgrader\.")
    config = load_config(course_dir)
    config.CourseDirectory.root = str(Path(course_dir).resolve())
    if configure:
        configure(config)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def assignments(course_dir: str | Path) -> list[str]:
    """Return the assignments of a course: the folders of its source directory, sorted."""
    config = load_config(course_dir)
    source = Path(course_dir) / config.CourseDirectory.source_directory
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
    shutil.copytree(source / "solutions", target / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target
