"""Offline hand-ins: notebooks that participants downloaded, worked on and sent back later.

A participant who works offline in their own Jupyter hands in a file by
e-mail, USB stick or Zalo; the trainer saves them all in one folder, named by
participant id (``lan.ipynb``, ``lan_topic08.ipynb``, ``TOPIC08-hung.ipynb``,
``hung.zip``). :func:`hand_in` takes them into nbgrader's
``submitted/<id>/<assignment>/<notebook>.ipynb``, where ``ocop grade`` finds
them like any other submission.

nbgrader's own ``zip_collect`` (:class:`nbgrader.apps.ZipCollectApp`) does the
two steps it was made for: its ``ExtractorPlugin`` unpacks zip files and its
``FileNameCollectorPlugin`` (a regular expression with the named groups
``student_id`` and ``file_id``) places each notebook in ``submitted/``. What
it does not do, the kit does around it, each for the reason given where it is
done: reading an untrusted folder without following links, telling a
participant id from free-form file names, checking ids against the roster,
choosing between duplicates by modification time, checking the JSON, and
keeping an earlier hand-in unless the trainer forces a replacement. The
source folder is only read; nbgrader works on a private copy of it.

See Also
--------
ocopkit.trainer.cli.cmd_handin : the ``ocop handin`` command over this.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from .course import Course
from .roster import ID_PATTERN

MAX_BYTES = 50 * 1024 * 1024  # one notebook: far above any course notebook, far below a full disk
MAX_ZIP_BYTES = 200 * 1024 * 1024  # everything one zip unpacks to (a zip bomb is refused before nbgrader opens it)
SEPARATORS = "-_ ."
# "lan (1).ipynb": the browser's name for a second download of the same file.
COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")


class HandinError(ValueError):
    """A bad argument (no such folder or assignment) or a failure of nbgrader: nothing was taken."""


@dataclass
class Candidate:
    """One notebook of the hand-in folder that names a known participant."""

    participant: str
    notebook: str
    source: str  # as the trainer knows it: the path in the folder, "hung.zip/topic08.ipynb" inside a zip
    path: Path  # nbgrader's extracted copy
    mtime: float


@dataclass
class HandinReport:
    """What :func:`hand_in` did: the notebooks taken and one line for every file that needs the trainer's eye."""

    assignment: str
    taken: list[Candidate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # taken, but worth saying (a replaced earlier hand-in)

    def lines(self) -> list[str]:
        """The report as lines in the trainer's language: taken first, then notes and problems."""
        lines = [
            _("{source}: taken for {participant} ({notebook}).").format(
                source=c.source, participant=c.participant, notebook=c.notebook
            )
            for c in self.taken
        ]
        lines += self.notes + self.problems
        lines.append(
            _("{assignment}: {taken} notebooks taken, {reported} files reported.").format(
                assignment=self.assignment, taken=len(self.taken), reported=len(self.problems)
            )
        )
        return lines


def hand_in(course: Course, assignment: str, folder: str | Path, force: bool = False) -> HandinReport:
    """Take a folder of offline hand-ins into ``submitted/``, reporting every file not taken.

    Parameters
    ----------
    course : Course
        The course directory.
    assignment : str
        The assignment the files hand in, e.g. ``"topic08"``.
    folder : path
        The trainer's folder of received files; it is only read, never changed,
        and a symbolic link in it is reported, never followed.
    force : bool
        Replace a participant's earlier submission of the assignment (else it
        is kept and the new file reported).

    Returns
    -------
    HandinReport

    Raises
    ------
    HandinError
        When the folder or the assignment does not exist, or nbgrader fails.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise HandinError(_("{folder} is not a folder.").format(folder=folder))
    if assignment not in course.assignments():
        raise HandinError(
            _("Unknown assignment {assignment}; the course has: {names}.").format(
                assignment=assignment, names=", ".join(course.assignments())
            )
        )
    notebooks = _notebooks(course, assignment)
    known = known_participants(course)
    report = HandinReport(assignment)
    if not known:
        report.problems.append(_("The course knows no participants yet: import the roster first (ocop roster import)."))
    with tempfile.TemporaryDirectory(prefix="ocop-handin-") as staging:
        staging = Path(staging)
        origins = _copy_folder(folder.resolve(), staging / "archive", report)
        app = _zip_collect(course, assignment, staging, force)
        _run(app, app.extract_archive_files)
        candidates = _read_extracted(staging / "extracted", origins, notebooks, known, report)
        chosen = _admit(course, assignment, _choose(candidates, report), force, report)
        for candidate in chosen:
            target = staging / "chosen" / candidate.participant / f"{candidate.notebook}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(candidate.path, target)
            candidate.path = target
        if chosen:
            app.extracted_directory = "chosen"
            _run(app, app.process_extracted_files)
        _confirm(course, assignment, chosen, report)
    return report


def known_participants(course: Course) -> set[str]:
    """Every participant id the course knows: the kit's roster in the ledger and nbgrader's gradebook."""
    known = set(course.ledger.participants())
    gradebook = course.api.gradebook
    try:
        known.update(student.id for student in gradebook.students)
    finally:
        gradebook.close()
    return {ident for ident in known if ID_PATTERN.match(ident)}


def _notebooks(course: Course, assignment: str) -> list[str]:
    """The assignment's notebook names, longest first (so "topic08b" is tried before "topic08")."""
    source = course.root / course.config().CourseDirectory.source_directory / assignment
    return sorted((p.stem for p in source.glob("*.ipynb")), key=lambda name: (-len(name), name))


# --------------------------------------------------------------------------- reading the folder


def _copy_folder(folder: Path, archive: Path, report: HandinReport) -> dict[str, tuple[str, float]]:
    """Copy the folder's regular files into nbgrader's archive directory; their origins by relative path.

    Done in the kit, not by nbgrader's ExtractorPlugin on the folder itself:
    the plugin walks with ``os.walk`` and copies with ``shutil.copy``, which
    follow a symbolic link to any file the trainer can read, and it has no
    size limit. Every file is opened with ``O_NOFOLLOW`` and checked with
    ``fstat`` on the open descriptor, so a link swapped in meanwhile is not
    followed either.
    """
    origins: dict[str, tuple[str, float]] = {}
    archive.mkdir(parents=True)

    def walk(directory: Path, relative: Path) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as error:
            source = relative.as_posix()
            report.problems.append(
                _("{source}: cannot be read ({error}); not taken.").format(source=source, error=error.strerror)
            )
            return
        for entry in entries:
            rel = relative / entry.name
            if entry.is_symlink():
                report.problems.append(
                    _("{source}: a symbolic link; not followed, not taken.").format(source=rel.as_posix())
                )
            elif entry.is_dir(follow_symlinks=False):
                walk(Path(entry.path), rel)
            else:
                _copy_file(Path(entry.path), rel, archive, origins, report)

    walk(folder, Path())
    return origins


def _copy_file(path: Path, rel: Path, archive: Path, origins: dict, report: HandinReport) -> None:
    """Copy one file of the folder into the archive directory, or report why not."""
    source = rel.as_posix()
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:  # a link put in place after the folder was listed
            report.problems.append(_("{source}: a symbolic link; not followed, not taken.").format(source=source))
        else:
            report.problems.append(
                _("{source}: cannot be read ({error}); not taken.").format(source=source, error=error.strerror)
            )
        return
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            report.problems.append(_("{source}: not a regular file; not taken.").format(source=source))
            return
        if info.st_size > MAX_BYTES:
            report.problems.append(
                _("{source}: larger than {size} MB; not taken.").format(source=source, size=MAX_BYTES // 2**20)
            )
            return
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # it grew after fstat
        report.problems.append(
            _("{source}: larger than {size} MB; not taken.").format(source=source, size=MAX_BYTES // 2**20)
        )
        return
    if rel.suffix.lower() == ".zip" and not _zip_is_sound(data):
        report.problems.append(_("{source}: a damaged or oversized zip file; not taken.").format(source=source))
        return
    target = archive / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    origins[source] = (source, info.st_mtime)


def _zip_is_sound(data: bytes) -> bool:
    """Whether nbgrader may unpack this zip: readable, and not unpacking to more than MAX_ZIP_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= MAX_ZIP_BYTES and archive.testzip() is None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False


def _origin(rel: str, origins: dict[str, tuple[str, float]]) -> tuple[str, float]:
    """Where an extracted file came from: a file of the folder, or a member of one of its zips."""
    if rel in origins:
        return origins[rel]
    parts = rel.split("/")
    # nbgrader unpacks "a/hung.zip" into "a/hung/": the shortest such prefix is the zip handed in.
    for cut in range(1, len(parts)):
        zipped = "/".join(parts[:cut]) + ".zip"
        if zipped in origins:
            return zipped + "/" + "/".join(parts[cut:]), origins[zipped][1]
    return rel, 0.0


def _read_extracted(
    extracted: Path, origins: dict, notebooks: list[str], known: set[str], report: HandinReport
) -> list[Candidate]:
    """Every notebook nbgrader extracted that names a known participant; the others reported."""
    candidates = []
    if not extracted.is_dir():
        return candidates
    for path in sorted(extracted.rglob("*")):
        rel = path.relative_to(extracted).as_posix()
        if path.is_symlink() or not path.is_file():
            continue  # folders; a zip cannot hold a link that nbgrader's unpacker would make
        if path.suffix.lower() == ".zip" and path.with_suffix("").is_dir():
            continue  # a zip inside a zip, unpacked by nbgrader next to itself
        source, mtime = _origin(rel, origins)
        if path.suffix.lower() != ".ipynb":
            report.problems.append(_("{source}: not a notebook (.ipynb); not taken.").format(source=source))
            continue
        problem = _notebook_problem(path)
        if problem:
            report.problems.append(problem.format(source=source))
            continue
        participant, notebook, read = _name_of(rel, notebooks, known)
        if participant is None:
            report.problems.append(
                _("{source}: the name gives no participant id the course knows (read: {read}); not taken.").format(
                    source=source, read=read or "-"
                )
            )
            continue
        candidates.append(Candidate(participant, notebook, source, path, mtime))
    return candidates


def _notebook_problem(path: Path) -> str | None:
    """Why a file is no notebook (a message with a {source} field), or None."""
    try:
        content = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _("{source}: not valid JSON (damaged or not saved by Jupyter); not taken.")
    if not (isinstance(content, dict) and isinstance(content.get("cells"), list) and "nbformat" in content):
        return _("{source}: JSON, but not a Jupyter notebook; not taken.")
    return None


def _strip(name: str, notebook: str) -> str:
    """A name without the notebook's name at its start or end, nor the separators around it."""
    lowered = name.lower()
    key = notebook.lower()
    if lowered.startswith(key):
        name = name[len(key) :]
    elif lowered.endswith(key):
        name = name[: -len(key)]
    return name.strip(SEPARATORS)


def _name_of(rel: str, notebooks: list[str], known: set[str]) -> tuple[str | None, str, str]:
    """(participant, notebook, what was read) from a file name and, failing that, its folders.

    Done in the kit rather than by the collector's regular expression: a name
    as a participant gives it ("lan.ipynb" for the only notebook, "TOPIC08-hung",
    "Lan (1)") may not contain the notebook's name at all, nor in one place,
    and Python's ``re`` allows no group named twice to cover every order. The
    kit reads the id here; nbgrader's collector then reads the canonical name.
    """
    parts = rel.split("/")
    stem = COPY_SUFFIX.sub("", parts[-1][: -len(".ipynb")])
    notebook = next((nb for nb in notebooks if nb.lower() in stem.lower()), None)
    if notebook is None:
        if len(notebooks) != 1:
            return None, "", stem
        notebook = notebooks[0]
    # The file's own name first, then its folders (a zip "hung.zip" holding "topic08.ipynb").
    for name in [stem, *reversed(parts[:-1])]:
        ident = _strip(COPY_SUFFIX.sub("", name), notebook).lower()
        if ident:
            if ID_PATTERN.match(ident) and ident in known:
                return ident, notebook, ident
            return None, notebook, ident
    return None, notebook, ""


# --------------------------------------------------------------------------- choosing and taking


def _choose(candidates: list[Candidate], report: HandinReport) -> list[Candidate]:
    """One file per participant and notebook: the newest by modification time, duplicates reported."""
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.participant, candidate.notebook), []).append(candidate)
    chosen = []
    for (participant, notebook), group in sorted(groups.items()):
        newest = max(group, key=lambda c: (c.mtime, c.source))
        if len(group) > 1:
            report.problems.append(
                _(
                    "{participant} ({notebook}): {count} files: {sources}; took the newest by modification time, "
                    "{newest}."
                ).format(
                    participant=participant,
                    notebook=notebook,
                    count=len(group),
                    sources=", ".join(c.source for c in group),
                    newest=newest.source,
                )
            )
        chosen.append(newest)
    return chosen


def _submitted(course: Course, participant: str, assignment: str) -> tuple[Path, Path]:
    """The course's submitted/ folder and one participant's folder for the assignment in it."""
    coursedir = course.api.coursedir
    root = Path(coursedir.format_path(coursedir.submitted_directory, ".", ".")).resolve()
    return root, Path(coursedir.format_path(coursedir.submitted_directory, participant, assignment))


def _admit(
    course: Course, assignment: str, chosen: list[Candidate], force: bool, report: HandinReport
) -> list[Candidate]:
    """The chosen files nbgrader may place: no earlier hand-in (unless forced), no link on the way.

    Checked in the kit because nbgrader's ``zip_collect`` stops the whole run
    at the first participant who already has a submission (``--force`` or
    nothing), and it would write through a symbolic link in ``submitted/``.
    """
    admitted = []
    for participant in sorted({c.participant for c in chosen}):
        mine = [c for c in chosen if c.participant == participant]
        root, folder = _submitted(course, participant, assignment)
        on_the_way = [root, folder.parent, folder]
        if any(p.is_symlink() for p in on_the_way) or not folder.resolve().is_relative_to(root):
            report.problems.append(
                _("{participant}: a symbolic link in submitted/; nothing taken for them.").format(
                    participant=participant
                )
            )
            continue
        if folder.is_dir() and any(folder.iterdir()):
            if not force:
                report.problems.extend(
                    _(
                        "{source}: {participant} has already handed in {assignment}; kept the earlier one "
                        "(ocop handin --force replaces it)."
                    ).format(source=c.source, participant=participant, assignment=assignment)
                    for c in mine
                )
                continue
            report.notes.append(
                _("{participant}: the earlier hand-in of {assignment} was replaced (--force).").format(
                    participant=participant, assignment=assignment
                )
            )
        admitted += mine
    return admitted


def _confirm(course: Course, assignment: str, chosen: list[Candidate], report: HandinReport) -> None:
    """Record as taken only what nbgrader really placed in submitted/, byte for byte."""
    for candidate in chosen:
        _root, folder = _submitted(course, candidate.participant, assignment)
        placed = folder / f"{candidate.notebook}.ipynb"
        if placed.is_file() and placed.read_bytes() == candidate.path.read_bytes():
            report.taken.append(candidate)
        else:
            report.problems.append(
                _("{source}: nbgrader did not place it in submitted/; not taken.").format(source=candidate.source)
            )


# --------------------------------------------------------------------------- nbgrader's zip_collect


class _LogBuffer(logging.Handler):
    """Keeps nbgrader's log lines of one run, to quote when it fails."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _zip_collect(course: Course, assignment: str, staging: Path, force: bool):
    """nbgrader's ZipCollectApp configured to work in the private staging folder.

    ``collect_directory_structure`` is absolute, so nbgrader's
    ``archive``/``extracted`` steps happen in the staging folder, never in the
    course or the trainer's folder. Phase two reads ``chosen/<id>/<notebook>.ipynb``,
    which the kit writes, with a collector expression that accepts only ids
    of the roster's pattern. No timestamp group: the time a file reached the
    trainer says nothing about when it was done, so no ``timestamp.txt`` is
    written and no late penalty follows from it.
    """
    from nbgrader.apps import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    escaped = str(staging).replace("{", "{{").replace("}", "}}")
    config = course.config()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.assignment_id = assignment
    config.ZipCollectApp.collect_directory_structure = escaped + "/{collect_step}"
    config.ZipCollectApp.archive_directory = "archive"
    config.ZipCollectApp.extracted_directory = "extracted"
    config.ZipCollectApp.force = force
    config.ExtractorPlugin.zip_ext = [".zip", ".ZIP"]  # tar archives may hold links; only zips are unpacked
    id_group = ID_PATTERN.pattern.strip("^$")
    config.FileNameCollectorPlugin.named_regexp = (
        re.escape(str(staging / "chosen")) + rf"/(?P<student_id>{id_group})/(?P<file_id>[^/]+\.ipynb)$"
    )
    # Built directly, like NbGraderAPI builds its apps: initialize() would also run
    # nbgrader_config.py files of the working folder, which the kit never does.
    app = ZipCollectApp(config=config)
    app.coursedir = CourseDirectory(config=config)
    app.log = logging.getLogger(f"ocopkit.handin.{id(app)}")
    app.log.propagate = False
    app.log.setLevel(logging.INFO)
    app.log_buffer = _LogBuffer()
    app.log.addHandler(app.log_buffer)
    app.init_plugins()
    return app


def _run(app, step) -> None:
    """Run one step of zip_collect; its ``fail`` (a SystemExit) becomes a HandinError quoting its log."""
    try:
        step()
    except SystemExit:
        raise HandinError(
            _("nbgrader zip_collect failed: {log}").format(log=" | ".join(app.log_buffer.lines[-5:]))
        ) from None
