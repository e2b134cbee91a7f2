"""``ocop hub grade``: root grades the trainer's course without trusting anything the trainer can write.

Root grades because the sandbox needs it; the course directory is the
trainer's. So, as root:

- no file of the trainer's runs: not the course's ``nbgrader_config.py``, not
  a Jupyter configuration of theirs (``~/.jupyter``, ``JUPYTER_CONFIG_DIR``,
  the current folder). The nbgrader configuration is built from the kit's own
  settings in the hub's root-owned state folder (:func:`kit_config`);
- the environment a trainer's ``sudo`` brought along cannot redirect it
  (:func:`clean_environment`);
- a course directory holding symbolic links or hard links is not graded:
  nbgrader would follow them with root's rights;
- submissions are taken from the exchange only from the participant they name,
  timed by the exchange (:mod:`ocopkit.trainer.hub.intake`);
- the course is handed back to the trainer without following a link.
"""

from __future__ import annotations

import filecmp
import os
import pwd
import stat
from pathlib import Path

from ...i18n import _
from ..course import Course, config_from, owner_name, read_config_file, untrusted_reason
from ..grade_command import grade_and_report
from . import intake, setup
from .setup import HubSettings, SetupError

# Variables that choose what Jupyter, IPython or the kit read: a trainer's sudo must not set them for root.
REDIRECTING_PREFIXES = ("JUPYTER_", "IPYTHON", "NBGRADER", "OCOP_GRADEBOOK")


def clean_environment() -> list[str]:
    """Drop the variables that would make root read another user's files; return their names.

    sudo's ``env_reset`` already drops them, but ``sudo -E``, ``env_keep`` or a
    ``SETENV`` rule would not. HOME becomes root's own (older sudo kept the
    caller's, and ``~/.jupyter`` is read from it).
    """
    dropped = sorted(name for name in os.environ if name.startswith(REDIRECTING_PREFIXES))
    for name in dropped:
        del os.environ[name]
    root_home = pwd.getpwuid(0).pw_dir
    if os.environ.get("HOME") != root_home:
        os.environ["HOME"] = root_home
        dropped.append("HOME")
    return dropped


def load_settings(state_dir: str | Path) -> HubSettings:
    """Read the hub's settings, refusing any that are not root's alone.

    They decide which folder root grades in and hands to the trainer: a
    settings.json the trainer wrote (``--state-dir`` of their own) could
    otherwise make root give them any folder of the machine.
    """
    path = Path(state_dir) / "settings.json"
    reason = untrusted_reason(path) if path.exists() else None
    if reason:
        raise SetupError(
            _("Not using {path}: {reason}. Give the --state-dir of the hub that make hub set up (root's own).").format(
                path=path, reason=reason
            )
        )
    settings = HubSettings.load(state_dir)
    setup.check_settings(settings)
    if not settings.course_id or "/" in settings.course_id or settings.course_id.startswith("."):
        raise SetupError(
            _("{path} names no usable course id ({course_id}).").format(path=path, course_id=settings.course_id)
        )
    return settings


def kit_config(settings: HubSettings):
    """The nbgrader configuration root grades with: the kit's settings, placed in the trainer's course.

    Raises
    ------
    SetupError
        When the hub has no root-owned copy of the kit's settings (set up before it kept one).
    """
    path = settings.kit_config_file
    if not path.exists():
        raise SetupError(_("{path} is missing: run make hub (or ocop hub setup) again, then grade.").format(path=path))
    config = read_config_file(path)  # refuses unless root's alone
    course = settings.course_dir
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = settings.course_id
    # The same gradebook as the trainer's formgrader: the course's own.
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}?timeout=60"
    config.Exchange.root = str(settings.exchange_dir)
    return config


def planted_links(course: Path) -> list[str]:
    """Symbolic links, and files with other hard links, in the course directory (nothing followed)."""
    found = []
    top = os.open(course, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for folder, dirs, files, folder_fd in os.fwalk(".", dir_fd=top, follow_symlinks=False):
            for name in dirs + files:
                info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
                path = os.path.normpath(os.path.join(folder, name))
                if stat.S_ISLNK(info.st_mode):
                    found.append(f"{path} -> {os.readlink(name, dir_fd=folder_fd)}")
                elif not stat.S_ISDIR(info.st_mode) and info.st_nlink > 1:
                    found.append(
                        _("{path} (a hard link, owner {owner})").format(path=path, owner=owner_name(info.st_uid))
                    )
    finally:
        os.close(top)
    return found


def check_course(settings: HubSettings) -> None:
    """Refuse a course directory root must not work in (a link, or links inside it)."""
    course = settings.course_dir
    if course.is_symlink() or not course.is_dir():
        raise SetupError(
            _(
                "{path} is not the trainer's course folder (it is missing or a symbolic link): run make hub again."
            ).format(path=course)
        )
    links = planted_links(course)
    if links:
        raise SetupError(
            _(
                "Not grading in {course}: it holds links that nbgrader, running as root, would "
                "follow: {links}. Remove them (as the trainer), then grade again."
            ).format(course=course, links="; ".join(links[:10]))
        )


def say_config_note(settings: HubSettings) -> None:
    """Tell the trainer that their nbgrader_config.py was not run, when it differs from the kit's."""
    theirs = settings.course_dir / "nbgrader_config.py"
    if (
        theirs.is_file()
        and not theirs.is_symlink()
        and not filecmp.cmp(theirs, settings.kit_config_file, shallow=False)
    ):
        setup.say(
            _(
                "{path} (owner {owner}) was not run: root never runs a file that another user can change. "
                "Grading uses the kit's settings ({kit}); to change them, change the kit's "
                "nbgrader_config.py and run make hub again."
            ).format(path=theirs, owner=owner_name(theirs.lstat().st_uid), kit=settings.kit_config_file)
        )


def take_submissions(settings: HubSettings, assignment: str) -> intake.Intake:
    """Collect from the exchange with the ownership check, and tell the trainer what was refused."""
    taken = intake.collect(settings, assignment)
    for refusal in taken.refused:
        setup.say(refusal.message())
    setup.say(
        _(
            "Collected {count} submissions from the exchange; lateness is from when each reached the "
            "exchange, not from the participant's timestamp.txt."
        ).format(count=len(taken.accepted))
    )
    return taken


def grade(
    settings: HubSettings, assignment: str, workers: int | None = None, force: bool = False, retry_failed: bool = False
) -> int:
    """Collect, then grade ``assignment`` in the trainer's course as root; return ``ocop grade``'s exit code."""
    dropped = clean_environment()
    if dropped:
        setup.say(
            _("Ignoring {names} from the environment: grading as root reads only root's settings.").format(
                names=", ".join(dropped)
            )
        )
    os.chdir(settings.state_dir)  # nothing is ever read from the trainer's current folder
    check_course(settings)
    take_submissions(settings, assignment)
    kit_config(settings)  # fails early, before a worker starts
    say_config_note(settings)
    try:
        # Built afresh for each caller: nbgrader's API and the workers change what they get.
        with config_from(settings.course_dir, lambda: kit_config(settings)):
            return grade_and_report(
                Course(settings.course_dir), assignment, workers=workers, force=force, retry_failed=retry_failed
            )
    finally:
        setup.give_back(settings)  # autograded/, the gradebook and the ledger stay the trainer's
