"""Take submissions from nbgrader's exchange only from the participant they name, timed by the exchange.

nbgrader's own collect trusts the names in the exchange's ``inbound`` folder
(``STUDENT+ASSIGNMENT+TIME+RANDOM``): a folder named for someone else is
collected as theirs with a warning in a log, and the submitter's own
``timestamp.txt`` decides whether the work was late. On the hub each
participant is a Linux user, so the exchange itself says who made what.

:func:`take` (root) reads the inbound folder without following a link
(``O_NOFOLLOW`` on every open, one descriptor per folder) and keeps an entry
only when the folder and everything in it belong to the participant it names
and are plain files and folders; every other entry is refused with the
folder, its owner and why. The time of a kept entry is the newest change time
(``ctime``) of anything in it: the kernel sets it, a participant can move it
later but never earlier, so a back-dated ``timestamp.txt`` gains nothing.

Kept entries are copied into a root-owned staging exchange, named and stamped
with that time; :func:`collect` then runs nbgrader's own ``collect`` on it as
the trainer, so root writes nothing in the trainer's course directory.
"""

from __future__ import annotations

import datetime
import os
import pwd
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...i18n import _
from ..course import owner_name

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format
MAX_FILES = 1000
MAX_BYTES = 100 * 2**20
MAX_DEPTH = 16
CHUNK = 1 << 20


class Refused(Exception):
    """An inbound entry that is not taken; the message says why, in the trainer's language."""


@dataclass
class Refusal:
    """An entry of the exchange that was not collected."""

    folder: str
    owner: str
    reason: str

    def message(self) -> str:
        return _("Refused {folder} in the exchange (owner: {owner}): {reason}. It was not collected.").format(
            folder=self.folder, owner=self.owner, reason=self.reason
        )


@dataclass
class Entry:
    """A submission taken from the exchange."""

    participant: str
    folder: str
    received: datetime.datetime  # from the exchange's change times, not from the participant


@dataclass
class Intake:
    """What :func:`take` found: the newest good entry of each participant, and every refusal."""

    accepted: dict[str, Entry] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # every plausible id an entry was named for


@dataclass
class Budget:
    """What one entry may hold: a submission is a notebook and a few files, not a disk's worth."""

    files: int = MAX_FILES
    size: int = MAX_BYTES

    def spend(self, size: int) -> None:
        self.files -= 1
        self.size -= size
        if self.files < 0 or self.size < 0:
            raise Refused(
                _("it holds more than {files} files or {megabytes} MB").format(
                    files=MAX_FILES, megabytes=MAX_BYTES >> 20
                )
            )


def participant_of(folder: str, assignment: str) -> str | None:
    """The participant an inbound folder is named for, when it is of ``assignment``."""
    parts = folder.rsplit("+", 3)  # STUDENT+ASSIGNMENT+TIME, with +RANDOM since nbgrader 0.7
    if len(parts) < 3 or parts[1] != assignment:
        return None
    return parts[0]


def stamp(received: datetime.datetime) -> str:
    return received.strftime(TIMESTAMP_FORMAT)


def open_folder(name: str, dir_fd: int | None = None) -> int:
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)


def take(inbound: Path, assignment: str, participants: dict[str, int], staging: Path | None = None) -> Intake:
    """Check every inbound entry of ``assignment``; copy the newest good one of each participant.

    Parameters
    ----------
    inbound : path
        The exchange's ``COURSE/inbound`` folder.
    assignment : str
    participants : dict
        The hub's participants: user name to uid.
    staging : path, optional
        A root-owned folder to copy the kept entries into (as
        ``STUDENT+ASSIGNMENT+TIME``, owned by the participant, with a
        ``timestamp.txt`` of that time); nothing is copied when None.
    """
    intake = Intake()
    inbound_fd = open_folder(str(inbound))
    try:
        candidates = {}
        for folder in sorted(os.listdir(inbound_fd)):
            participant = participant_of(folder, assignment)
            if participant is None:
                continue
            entry = check(inbound_fd, folder, participant, participants, intake)
            if entry and (participant not in candidates or entry.received > candidates[participant].received):
                candidates[participant] = entry
        for participant, entry in sorted(candidates.items()):
            if staging is not None:
                entry = copy_entry(inbound_fd, entry, participants[participant], staging, assignment, intake)
            if entry:
                intake.accepted[participant] = entry
    finally:
        os.close(inbound_fd)
    return intake


def check(inbound_fd: int, folder: str, participant: str, participants: dict[str, int], intake: Intake) -> Entry | None:
    """Return the entry when it may be taken, or record why not."""
    from .settings import USER_NAME

    if USER_NAME.match(participant):
        intake.named.add(participant)
    try:
        owner = owner_name(os.stat(folder, dir_fd=inbound_fd, follow_symlinks=False).st_uid)
    except FileNotFoundError:
        return None  # withdrawn meanwhile
    if participant not in participants:
        intake.refused.append(
            Refusal(folder, owner, _("{participant} is not a participant of this hub").format(participant=participant))
        )
        return None
    try:
        received = walk_entry(inbound_fd, folder, participants[participant], None)
    except Refused as refusal:
        intake.refused.append(Refusal(folder, owner, str(refusal)))
        return None
    return Entry(participant, folder, received)


def copy_entry(inbound_fd: int, entry: Entry, uid: int, staging: Path, assignment: str, intake: Intake) -> Entry | None:
    """Copy a checked entry into the staging exchange, checking it again as it is read."""
    staging_fd = open_folder(str(staging))
    temporary = f".taking-{entry.participant}"
    try:
        os.mkdir(temporary, 0o700, dir_fd=staging_fd)
        target_fd = open_folder(temporary, staging_fd)
        try:
            received = walk_entry(inbound_fd, entry.folder, uid, target_fd)
            write_stamp(target_fd, received, uid)
            os.fchmod(target_fd, 0o755)
            os.fchown(target_fd, uid, pwd.getpwuid(uid).pw_gid)
        finally:
            os.close(target_fd)
        os.rename(
            temporary,
            f"{entry.participant}+{assignment}+{stamp(received)}",
            src_dir_fd=staging_fd,
            dst_dir_fd=staging_fd,
        )
        return Entry(entry.participant, entry.folder, received)
    except Refused as refusal:
        owner = owner_name(uid)
        intake.refused.append(Refusal(entry.folder, owner, str(refusal)))
        shutil.rmtree(temporary, dir_fd=staging_fd, ignore_errors=True)
        return None
    finally:
        os.close(staging_fd)


def write_stamp(target_fd: int, received: datetime.datetime, uid: int) -> None:
    """The ``timestamp.txt`` nbgrader's collect and autograde read: the exchange's time, root's writing."""
    descriptor = os.open("timestamp.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=target_fd)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(stamp(received))
        os.fchown(handle.fileno(), uid, pwd.getpwuid(uid).pw_gid)


def walk_entry(inbound_fd: int, folder: str, uid: int, target_fd: int | None) -> datetime.datetime:
    """Check (and with ``target_fd`` copy) one inbound entry; return its trusted time.

    Raises
    ------
    Refused
        When it is a link, not a folder, not wholly the participant's, or too big.
    """
    info = os.stat(folder, dir_fd=inbound_fd, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise Refused(_("it is a symbolic link"))
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(_("it is not a folder"))
    if info.st_uid != uid:
        raise Refused(
            _("it is named for {participant} but belongs to {owner}").format(
                participant=owner_name(uid), owner=owner_name(info.st_uid)
            )
        )
    descriptor = open_folder(folder, inbound_fd)
    try:
        opened = os.fstat(descriptor)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise Refused(_("it changed while it was read"))
        latest = walk_folder(descriptor, uid, target_fd, Budget(), "", 0)
    finally:
        os.close(descriptor)
    return datetime.datetime.fromtimestamp(latest / 1e9, tz=datetime.UTC)


def walk_folder(folder_fd: int, uid: int, target_fd: int | None, budget: Budget, where: str, depth: int) -> int:
    """Check (and copy) a folder's entries; return the newest change time in it (ns)."""
    if depth > MAX_DEPTH:
        raise Refused(_("its folders are nested more than {depth} deep").format(depth=MAX_DEPTH))
    latest = os.fstat(folder_fd).st_ctime_ns
    for name in sorted(os.listdir(folder_fd)):
        path = f"{where}{name}"
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            raise Refused(_("it holds a symbolic link, {path}").format(path=path))
        if info.st_uid != uid:
            raise Refused(
                _("it holds {path}, which belongs to {owner}").format(path=path, owner=owner_name(info.st_uid))
            )
        if stat.S_ISDIR(info.st_mode):
            latest = max(latest, walk_subfolder(folder_fd, name, uid, target_fd, budget, path, depth))
        elif stat.S_ISREG(info.st_mode):
            copy_target = target_fd if not (depth == 0 and name == "timestamp.txt") else None
            latest = max(latest, copy_file(folder_fd, name, uid, copy_target, budget, path))
        else:
            raise Refused(_("it holds {path}, which is not a plain file or folder").format(path=path))
    return latest


def walk_subfolder(
    folder_fd: int, name: str, uid: int, target_fd: int | None, budget: Budget, path: str, depth: int
) -> int:
    budget.spend(0)
    descriptor = open_folder(name, folder_fd)
    sub_target = None
    try:
        if os.fstat(descriptor).st_uid != uid:
            raise Refused(_("it changed while it was read"))
        if target_fd is not None:
            os.mkdir(name, 0o755, dir_fd=target_fd)
            sub_target = open_folder(name, target_fd)
            os.fchown(sub_target, uid, pwd.getpwuid(uid).pw_gid)
        return walk_folder(descriptor, uid, sub_target, budget, f"{path}/", depth + 1)
    finally:
        os.close(descriptor)
        if sub_target is not None:
            os.close(sub_target)


def copy_file(folder_fd: int, name: str, uid: int, target_fd: int | None, budget: Budget, path: str) -> int:
    """Check (and copy) one file through a descriptor opened without following links; return its ctime (ns)."""
    # O_NONBLOCK: a FIFO swapped in after the check must not hang root.
    descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
            raise Refused(_("it changed while it was read"))
        budget.spend(info.st_size)
        if target_fd is not None:
            copy_bytes(descriptor, name, uid, target_fd)
        return max(info.st_ctime_ns, os.fstat(descriptor).st_ctime_ns)  # a change during the copy counts
    finally:
        os.close(descriptor)


def copy_bytes(source_fd: int, name: str, uid: int, target_fd: int) -> None:
    target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=target_fd)
    try:
        copied = 0
        while chunk := os.read(source_fd, CHUNK):
            copied += len(chunk)
            if copied > MAX_BYTES:  # the file grew while it was read
                raise Refused(
                    _("it holds more than {files} files or {megabytes} MB").format(
                        files=MAX_FILES, megabytes=MAX_BYTES >> 20
                    )
                )
            os.write(target, chunk)
        os.fchown(target, uid, pwd.getpwuid(uid).pw_gid)
    finally:
        os.close(target)


def staging_exchange(settings, course_id: str) -> tuple[Path, Path]:
    """A root-owned exchange of one collection: its root and its ``COURSE/inbound`` folder.

    Only root and the trainer's group can enter it; participants cannot. The
    trainer runs nbgrader's collect on it, which insists on an exchange root
    it may write (mode 0770): the trainer may change what they collect, as
    they may change ``submitted/`` itself; root removes it with ``rmtree``,
    which follows no link.
    """
    trainer = pwd.getpwnam(settings.trainer)
    root = Path(tempfile.mkdtemp(prefix="intake-", dir=settings.state_dir))
    os.chown(root, 0, trainer.pw_gid)
    root.chmod(0o770)
    inbound = root / course_id / "inbound"
    inbound.mkdir(parents=True, mode=0o755)
    for folder in (inbound.parent, inbound):
        folder.chmod(0o755)
    return root, inbound


def participant_uids(settings) -> dict[str, int]:
    uids = {}
    for user in settings.participants:
        try:
            uids[user] = pwd.getpwnam(user).pw_uid
        except KeyError:
            continue
    return uids


def collect(settings, assignment: str) -> Intake:
    """Take ``assignment``'s submissions from the hub's exchange into the trainer's ``submitted/``.

    Every participant an inbound entry is named for has their ``submitted/``
    copy replaced by their own newest good entry, or removed when they have
    none (it may be one that nbgrader's collect took from someone else).
    Both steps run as the trainer.

    Raises
    ------
    SetupError
        When the exchange's inbound folder is missing or not the trainer's, or
        nbgrader's collect fails.
    """
    from . import setup

    inbound = settings.exchange_dir / settings.course_id / "inbound"
    check_inbound(inbound, settings.trainer)
    root, staging = staging_exchange(settings, settings.course_id)
    try:
        intake = take(inbound, assignment, participant_uids(settings), staging)
        replace = sorted(intake.named)
        if replace:
            setup.run_as(
                settings,
                settings.trainer,
                ["rm", "-rf", "--one-file-system", "--", *(f"submitted/{user}/{assignment}" for user in replace)],
                cwd=settings.course_dir,
            )
        if intake.accepted:
            setup.run_as(
                settings,
                settings.trainer,
                [
                    settings.env_bin / "nbgrader",
                    "collect",
                    assignment,
                    "--update",
                    f"--Exchange.root={root}",
                    f"--CourseDirectory.root={settings.course_dir}",
                    f"--CourseDirectory.course_id={settings.course_id}",
                ],
                cwd=settings.course_dir,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return intake


def check_inbound(inbound: Path, trainer: str) -> None:
    """The inbound folder must be the trainer's (made when they released) or root's, and no link."""
    from .settings import SetupError

    try:
        info = os.lstat(inbound)
    except FileNotFoundError:
        raise SetupError(
            _("{folder} does not exist: release the assignment from formgrader first.").format(folder=inbound)
        ) from None
    if stat.S_ISLNK(info.st_mode) or info.st_uid not in (0, pwd.getpwnam(trainer).pw_uid):
        raise SetupError(
            _(
                "Not collecting from {folder}: it belongs to {owner}, not to the trainer {trainer}. "
                "Someone replaced the exchange's course folder; release the assignment again."
            ).format(folder=inbound, owner=owner_name(info.st_uid), trainer=trainer)
        )
