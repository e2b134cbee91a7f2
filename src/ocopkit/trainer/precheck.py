"""Checks of a submission before nbgrader reads it, so every fault gets a reason a trainer understands.

Stock nbgrader meets a damaged or tampered notebook with a traceback
("NbGraderException: Please see the above traceback"), with advice meant for
a course author (``nbgrader update``), or with a silent zero. The checks here
run first and name what is wrong, in this order:

1. the folder: only plain files and folders (:func:`folder_problem`);
2. each notebook as a file: present, of a size the grader can hold, UTF-8,
   JSON that Python, nbformat and nbgrader can all read (:func:`notebook_problem`);
3. each notebook against the released one: the nbgrader cells of the
   assignment are all there, once each, with their metadata intact
   (:func:`cells_findings`).

Some faults are harmless and only noted for the trainer (nbgrader restores a
test cell's points and locked content itself). Two are fixed before nbgrader
runs because they change nothing the participant wrote (:func:`prepare_submission`):
the byte-order mark Windows editors put before the JSON, and a file name
spelled in decomposed Unicode (as macOS saves it).
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import json
import os
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path

import nbformat

from ..i18n import _

# Limits, checked before (or while) a file is parsed, so no notebook can make
# the grader itself run out of memory or time. A course notebook with every
# output is a few MB; a kernel may print 16 MB when graded (execute.py).
MAX_NOTEBOOK_BYTES = 64 * 1024**2
MAX_SOURCE_BYTES = 1024**2  # the text of one cell: an answer is a few KB
MAX_CELLS = 2000  # an exercise has a few dozen
MAX_DEPTH = 100  # nbformat and nbgrader recurse: about 1000 levels crash them
MAX_LISTED = 3  # problems named in one reason

BOM = b"\xef\xbb\xbf"
CELL_TYPES = ("code", "markdown", "raw")
FLAGS = ("grade", "solution", "locked", "task")
# A JSON escape of a UTF-16 surrogate: the only way a lone one can reach a string.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclasses.dataclass
class Findings:
    """What the checks found: problems stop grading, notes go with the grade."""

    problems: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def problem(self) -> str | None:
        """The reason of a failed grading, naming at most a few problems."""
        if not self.problems:
            return None
        shown = "; ".join(self.problems[:MAX_LISTED])
        hidden = len(self.problems) - MAX_LISTED
        return shown if hidden <= 0 else _("{problems}; and {count} more").format(problems=shown, count=hidden)

    def add(self, other: Findings) -> None:
        self.problems += other.problems
        self.notes += other.notes


# --- The folder -------------------------------------------------------------------------------------------------


def entries(folder: Path) -> list[Path]:
    """Return every path below a folder, sorted, without following symbolic links."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        found += [Path(root) / name for name in dirs + files]
    return sorted(found)


def folder_problem(folder: Path) -> str | None:
    """Return why a submission folder is unsafe to copy, or None.

    nbgrader copies the whole folder, following symbolic links: a link to the
    gradebook or to /etc/shadow would be copied in as a readable file, and a
    named pipe would stall the copy. Only plain files and folders are accepted,
    and the submission folder itself must not be a link.
    """
    if folder.is_symlink():
        return _("the submission contains a symbolic link ({name}); links are not accepted").format(name=folder.name)
    for path in entries(folder):
        if path.is_symlink():
            return _("the submission contains a symbolic link ({name}); links are not accepted").format(
                name=path.relative_to(folder)
            )
        if not (path.is_file() or path.is_dir()):
            return _("the submission contains a special file ({name}); only plain files are accepted").format(
                name=path.relative_to(folder)
            )
    return None


def nfc(name: str) -> str:
    """A file name in composed Unicode (NFC), the form Linux, Windows and nbgrader's gradebook use."""
    return unicodedata.normalize("NFC", name)


def prepare_submission(folder: Path, expected: list[str]) -> None:
    """Fix, in place, what stops nbgrader reading a notebook but changes nothing the participant wrote.

    - A notebook named in decomposed Unicode ("bài" as b + a + combining
      grave + i, as macOS saves it) looks the same as the released name but is
      another file to nbgrader: it is renamed to the released spelling.
    - A UTF-8 byte-order mark (Notepad and other Windows editors write one)
      makes nbformat refuse the JSON: the notebook is rewritten without it.

    Only plain files are touched, and only in a folder :func:`folder_problem`
    accepts: nothing is ever written through a link. A file is replaced by a
    new one (``os.replace``), never written into.
    """
    if not folder.is_dir() or folder_problem(folder):
        return
    present = {p.name: p for p in folder.iterdir() if p.is_file()}
    for name in expected:
        if name not in present:
            twin = next((p for n, p in present.items() if nfc(n) == nfc(name) and n not in expected), None)
            if twin is not None:
                twin.rename(folder / name)
        strip_bom(folder / name)


def strip_bom(path: Path) -> None:
    """Rewrite a notebook without its leading UTF-8 byte-order mark, if it has one and is not too big."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return
    with path.open("rb") as handle:
        if handle.read(len(BOM)) != BOM:
            return
        rest = handle.read()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bom-", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(rest)
    os.chmod(temporary, path.stat().st_mode & 0o7777)
    os.replace(temporary, path)


def missing_notebook(folder: Path, name: str) -> str:
    """The reason for a missing notebook, naming the notebooks the participant sent instead."""
    others = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    if others:
        return _("the notebook {name} is missing from the submission, which has {others} instead").format(
            name=name, others=", ".join(others)
        )
    return _("the notebook {name} is missing from the submission").format(name=name)


def extra_notebooks(folder: Path, expected: list[str]) -> list[str]:
    """Notebooks of the submission that are not part of the assignment (nbgrader skips them)."""
    return sorted(p.name for p in folder.glob("*.ipynb") if p.name not in expected) if folder.is_dir() else []


# --- One notebook as a file ---------------------------------------------------------------------------------------


def read_capped(path: Path) -> bytes | str:
    """Return the bytes of a notebook, or why it cannot be read (not a file, missing, too big, empty)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return _("the notebook {name} is not a regular file").format(name=path.name)
    if not path.exists():
        return _("the notebook {name} is missing from the submission").format(name=path.name)
    with path.open("rb") as handle:  # read at most one byte past the cap: the size on disk may lie
        raw = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(raw) > MAX_NOTEBOOK_BYTES:
        return _(
            "the notebook {name} is {size} MB; the grader reads notebooks of at most {limit} MB "
            "(clearing its outputs makes it smaller)"
        ).format(name=path.name, size=round(path.stat().st_size / 1024**2), limit=MAX_NOTEBOOK_BYTES // 1024**2)
    if not raw.strip():
        return _("the notebook {name} is empty (0 bytes of content)").format(name=path.name)
    return raw


def parse(name: str, raw: bytes) -> tuple[object, Findings]:
    """Parse a notebook's bytes as JSON the way nbformat does, naming what would make it fail or mislead.

    Returns
    -------
    data, Findings
        ``data`` is None when a problem was found.
    """
    found = Findings()
    if raw.startswith(BOM):  # accepted: prepare_submission gives nbgrader a copy without it
        raw = raw[len(BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        found.problems.append(
            _("the notebook {name} is not UTF-8 text (byte {position} is invalid)").format(
                name=name, position=error.start
            )
        )
        return None, found
    twice = set()
    try:
        data = json.loads(text, object_pairs_hook=functools.partial(_object, twice))
    except json.JSONDecodeError as error:
        found.problems.append(
            _("the notebook {name} is damaged: not valid JSON at line {line}, column {column}").format(
                name=name, line=error.lineno, column=error.colno
            )
        )
        return None, found
    except RecursionError:  # a file like [[[[...]]]]: Python's parser gives up past about 1000 levels
        found.problems.append(
            _("the notebook {name} is damaged: its data is nested more than {limit} levels deep").format(
                name=name, limit=MAX_DEPTH
            )
        )
        return None, found
    except ValueError:  # Python refuses integers of more than 4300 digits
        found.problems.append(_("the notebook {name} is damaged: it holds a number too long to read").format(name=name))
        return None, found
    if twice:
        # Every reader the kit and nbgrader use keeps the last value: graded as that, but a
        # trainer should know that the file was edited outside Jupyter, which never writes this.
        found.notes.append(
            _(
                "the notebook {name} was edited outside Jupyter: the key {keys} appears twice "
                "in one place (the last one was graded)"
            ).format(name=name, keys=", ".join(sorted(twice)))
        )
    if SURROGATE_ESCAPE.search(raw):
        place = _lone_surrogate(data)
        if place is not None:
            found.problems.append(
                _(
                    "the notebook {name} is damaged: {place} holds text that is not valid "
                    "Unicode (an unpaired surrogate, U+D800 to U+DFFF)"
                ).format(name=name, place=place)
            )
            return None, found
    return data, found


def _object(twice: set, pairs: list) -> dict:
    """A JSON object that remembers which keys it was given more than once."""
    result = {}
    for key, value in pairs:
        if key in result:
            twice.add(key)
        result[key] = value
    return result


def _strings(value):
    """Every string in a JSON value, keys included, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(value) -> bool:
    """True when every string of a JSON value can be written as UTF-8 (nbgrader writes the graded copy)."""
    try:
        for text in _strings(value):
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate(data) -> str | None:
    """Where a string that UTF-8 cannot hold is: "the cell X", "its metadata", or None."""
    cells = data.get("cells") if isinstance(data, dict) else None
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if not _encodable(cell):
            return _("the cell {cell}").format(cell=cell_label(cell, index))
    return None if _encodable(data) else _("its metadata")


def depth(value, limit: int) -> int:
    """How deeply a JSON value nests, counted without recursion and up to ``limit + 1``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def cell_label(cell, index: int) -> str:
    """How to name a cell to a trainer: its nbgrader id, else its cell id, else its position."""
    if isinstance(cell, dict):
        meta = cell.get("metadata")
        nbgrader_meta = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbgrader_meta, dict) and isinstance(nbgrader_meta.get("grade_id"), str):
            return nbgrader_meta["grade_id"]
        if isinstance(cell.get("id"), str):
            return cell["id"]
    return f"#{index + 1}"


def source_text(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_shape_problem(name: str, cell, index: int) -> str | None:
    """Return what in one cell nbformat or nbgrader would fail on, or None."""
    label = cell_label(cell, index)
    if not isinstance(cell, dict):
        return _("the notebook {name} does not follow the notebook format: cell {cell} is not a cell").format(
            name=name, cell=label
        )
    if cell.get("cell_type") not in CELL_TYPES:
        return _(
            "the notebook {name} does not follow the notebook format: the cell {cell} is of an unknown type {kind}"
        ).format(name=name, cell=label, kind=json.dumps(cell.get("cell_type"), ensure_ascii=False))
    source = cell.get("source")
    if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
        return _(
            "the notebook {name} does not follow the notebook format: the source of the cell {cell} is not text"
        ).format(name=name, cell=label)
    if not isinstance(cell.get("metadata"), dict):
        return _(
            "the notebook {name} does not follow the notebook format: the metadata of the cell {cell} is damaged"
        ).format(name=name, cell=label)
    size = len(source_text(cell).encode("utf-8"))
    if size > MAX_SOURCE_BYTES:
        return _(
            "the notebook {name}: the cell {cell} holds {size} MB of text; a cell may hold at most {limit} MB"
        ).format(name=name, cell=label, size=max(1, round(size / 1024**2)), limit=MAX_SOURCE_BYTES // 1024**2)
    return None


def shape_problem(name: str, data) -> str | None:
    """Return why parsed JSON would break nbformat or nbgrader before its format is even validated."""
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return _("the file {name} is not a Jupyter notebook of format 4").format(name=name)
    if depth(data, MAX_DEPTH) > MAX_DEPTH:
        return _("the notebook {name} is damaged: its data is nested more than {limit} levels deep").format(
            name=name, limit=MAX_DEPTH
        )
    cells = data.get("cells")
    if not isinstance(cells, list):
        return _("the notebook {name} does not follow the notebook format: it has no list of cells").format(name=name)
    if len(cells) > MAX_CELLS:
        return _("the notebook {name} has {count} cells; the grader accepts at most {limit}").format(
            name=name, count=len(cells), limit=MAX_CELLS
        )
    return next((p for i, c in enumerate(cells) if (p := cell_shape_problem(name, c, i))), None)


def format_problem(name: str, data) -> str | None:
    """Return why parsed JSON is not a valid notebook of format 4, or None."""
    problem = shape_problem(name, data)
    if problem:
        return problem
    try:
        with warnings.catch_warnings():  # nbformat warns as it repairs duplicate cell ids; nbgrader repairs them too
            warnings.simplefilter("ignore")
            nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as error:
        return _("the notebook {name} does not follow the notebook format: {detail}").format(
            name=name, detail=str(error).splitlines()[0]
        )
    return None


def read_notebook(path: Path) -> tuple[object, Findings]:
    """Read and check one submitted notebook as a file.

    Returns
    -------
    data, Findings
        The parsed notebook (None when it cannot be graded) and what was found.
    """
    raw = read_capped(path)
    if isinstance(raw, str):
        return None, Findings([raw])
    data, found = parse(path.name, raw)
    problem = format_problem(path.name, data) if data is not None else None
    if problem:
        return None, Findings([problem], found.notes)
    return data, found


def notebook_problem(path: Path) -> str | None:
    """Return why a submitted notebook cannot be graded, or None when it can be read.

    Parameters
    ----------
    path : Path
        The submitted ``.ipynb`` file.
    """
    return read_notebook(path)[1].problem


# --- One notebook against the released one -------------------------------------------------------------------------


def nbgrader_metadata(cell: dict):
    """A cell's nbgrader metadata: a dict, None when it has none, or whatever else a hand edit left."""
    return cell.get("metadata", {}).get("nbgrader")


def counts_for_nbgrader(meta: dict, known: dict) -> bool:
    """True when nbgrader will look a cell's grade id up: it is flagged, or it names a released cell."""
    return any(meta.get(flag) for flag in FLAGS) or meta.get("grade_id") in known


@functools.lru_cache(maxsize=64)
def _released(path: str, modified: float) -> tuple[dict, dict]:
    """The released notebook's nbgrader cells by grade id, and grade ids by cell id; cached while unchanged."""
    data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    by_grade_id, by_cell_id = {}, {}
    for cell in data.get("cells", []):
        meta = nbgrader_metadata(cell)
        if isinstance(meta, dict) and meta.get("grade_id"):
            by_grade_id[meta["grade_id"]] = cell
            if cell.get("id"):
                by_cell_id[cell["id"]] = meta["grade_id"]
    return by_grade_id, by_cell_id


def released_cells(release: Path) -> tuple[dict, dict]:
    """See :func:`_released`."""
    return _released(str(release), release.stat().st_mtime)


def is_number(value) -> bool:
    """True for a JSON number (nbgrader's schema: ``true`` is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def metadata_changes(meta: dict, released: dict) -> tuple[list[str], list[str]]:
    """Compare a cell's nbgrader metadata and content with the released cell.

    Returns
    -------
    fatal, restored : list of str
        Changes nbgrader cannot undo (``"grade: False → True"``), and the
        fields nbgrader restores from the gradebook itself.
    """
    want = nbgrader_metadata(released)
    fatal = [
        _change(key, want, meta)
        for key in ("grade", "solution", "task")
        if bool(meta.get(key, False)) != bool(want.get(key, False))
    ]
    if meta.get("schema_version") != want.get("schema_version"):
        fatal.append(_change("schema_version", want, meta))
    restored = []
    if want.get("grade") and meta.get("grade"):
        if not is_number(meta.get("points")):  # nbgrader would fail on float("abc"), or on "1" in its schema
            fatal.append(_change("points", want, meta))
        elif meta["points"] != want.get("points"):  # NaN included: it differs from everything
            restored.append("points")
    if bool(meta.get("locked")) != bool(want.get("locked")):
        restored.append("locked")
    return fatal, restored


def _change(key: str, was: dict, now: dict) -> str:
    """One changed field, as ``points: 1 → "100"`` (JSON values; ``—`` for a removed field)."""

    def shown(meta):
        return json.dumps(meta[key], ensure_ascii=False) if key in meta else "—"

    return f"{key}: {shown(was)} → {shown(now)}"


def content_restored(cell: dict, released: dict) -> list[str]:
    """The parts of a cell nbgrader puts back: the type, and the source of a locked cell."""
    restored = ["cell_type"] if cell.get("cell_type") != released.get("cell_type") else []
    if nbgrader_metadata(released).get("locked") and source_text(cell) != source_text(released):
        restored.append("source")
    return restored


@dataclasses.dataclass
class _Tally:
    """What the cells of one notebook add up to while they are compared one by one."""

    found: Findings = dataclasses.field(default_factory=Findings)
    seen: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # grade ids nbgrader reads
    explained: set = dataclasses.field(default_factory=set)  # released cells already named in a problem
    restored: list = dataclasses.field(default_factory=list)


def cells_findings(name: str, data: dict, release: Path) -> Findings:
    """Compare a submitted notebook's nbgrader cells with the released notebook's.

    nbgrader needs every cell it knows once, with its grade id and flags as
    released: a changed grade id or flag, an old or new schema version, a
    copied cell or points that are not a number end in a traceback, and a
    deleted test cell silently scores zero. Each is named here instead.

    Parameters
    ----------
    name : str
        The notebook's file name, for messages.
    data : dict
        The submitted notebook, already checked by :func:`read_notebook`.
    release : Path
        The released notebook of the same name.
    """
    known, grade_id_of_cell = released_cells(release)
    tally = _Tally()
    for index, cell in enumerate(data["cells"]):
        _compare_cell(cell, index, known, grade_id_of_cell, tally)
    found = tally.found
    copies = [f"{grade_id} ×{count}" for grade_id, count in tally.seen.items() if count > 1]
    if copies:
        found.problems.append(
            _(
                "the notebook {name} has copies of the assignment's cells: {cells}; each must "
                "appear once (delete the copies)"
            ).format(name=name, cells=", ".join(copies))
        )
    found.add(_missing_cells(name, data, known, set(tally.seen) | tally.explained))
    if tally.restored and not found.problems:
        found.notes.append(
            _("changed in the submission and restored by nbgrader from the assignment: {cells}").format(
                cells="; ".join(tally.restored)
            )
        )
    return found


def _compare_cell(cell: dict, index: int, known: dict, grade_id_of_cell: dict, tally: _Tally) -> None:
    """Compare one submitted cell with the released cell of its grade id, adding what differs to ``tally``."""
    meta = nbgrader_metadata(cell)
    if meta is None:
        return
    # A cell keeps its Jupyter cell id when its nbgrader metadata is edited: it names the cell as released.
    original = grade_id_of_cell.get(cell.get("id"))
    if (
        not isinstance(meta, dict)
        or not isinstance(meta.get("grade_id", ""), str)
        or (any(meta.get(f) for f in FLAGS) and not meta.get("grade_id"))
    ):
        tally.explained.add(original)
        tally.found.problems.append(
            _("the nbgrader metadata of the cell {cell} is damaged").format(cell=original or cell_label(cell, index))
        )
        return
    grade_id = meta.get("grade_id")
    if not counts_for_nbgrader(meta, known):
        return
    tally.seen[grade_id] += 1
    if grade_id not in known:
        tally.explained.add(original)
        tally.found.problems.append(
            _changed(original, [_change("grade_id", {"grade_id": original}, meta)])
            if original
            else _("the cell {cell} is not a cell of the assignment: nbgrader metadata was added to it by hand").format(
                cell=grade_id
            )
        )
        return
    if tally.seen[grade_id] > 1:  # a copy: named once, as a copy
        return
    fatal, fixed = metadata_changes(meta, known[grade_id])
    if fatal:
        tally.found.problems.append(_changed(grade_id, fatal))
    fixed += content_restored(cell, known[grade_id])
    if fixed:
        tally.restored.append(f"{grade_id} ({', '.join(fixed)})")


def _changed(cell: str, changes: list[str]) -> str:
    return _("the nbgrader metadata of the cell {cell} was changed ({changes})").format(
        cell=cell, changes=", ".join(changes)
    )


def needed_for_grading(released: dict) -> bool:
    """True for a cell whose loss nbgrader cannot make good: a graded cell, or locked code the tests run after."""
    meta = nbgrader_metadata(released)
    return bool(meta.get("grade")) or (bool(meta.get("locked")) and released.get("cell_type") == "code")


def _missing_cells(name: str, data: dict, known: dict, present: set) -> Findings:
    """Name the released cells a submission lacks: which stop grading, which only leave a part unanswered.

    nbgrader 0.9.6 does not put deleted cells back (its ``add_missing_cells``
    fails on notebooks whose test cells follow a locked cell, as the kit's
    do): a deleted test scores zero and a deleted setup cell fails every
    test. Those parts cannot be graded fairly, so the submission fails and
    says which cells are gone.
    """
    found = Findings()
    if not present & set(known):
        found.problems.append(_("the notebook {name} has none of the assignment's cells").format(name=name))
        return found
    graded = {g for g, cell in known.items() if nbgrader_metadata(cell).get("grade")}
    if graded and not present & graded:
        found.problems.append(
            _("the notebook {name} has none of the assignment's graded cells (tests and written answers)").format(
                name=name
            )
        )
        return found
    plain_ids = {cell.get("id") for cell in data["cells"] if nbgrader_metadata(cell) is None} - {None}
    lost, stripped, answers = [], [], []
    for grade_id, cell in known.items():
        if grade_id in present:
            continue
        if needed_for_grading(cell) and cell.get("id") in plain_ids:
            stripped.append(grade_id)
        elif needed_for_grading(cell):
            lost.append(grade_id)
        elif nbgrader_metadata(cell).get("solution"):
            answers.append(grade_id)
    if stripped:
        found.problems.append(
            _("the nbgrader metadata of the cells {cells} was removed").format(cells=", ".join(stripped))
        )
    if lost:
        found.problems.append(
            _(
                "cells of the assignment were deleted from the notebook {name}: {cells}; nbgrader "
                "cannot put them back, so these parts cannot be graded"
            ).format(name=name, cells=", ".join(lost))
        )
    if answers:
        found.notes.append(
            _(
                "answer cells missing from the notebook {name} (their parts count as unanswered unless "
                "answered in another cell): {cells}"
            ).format(name=name, cells=", ".join(answers))
        )
    return found


# --- A whole submission ----------------------------------------------------------------------------------------------


def check_submission(folder: Path, release_folder: Path) -> Findings:
    """Check a submission folder against the released assignment before nbgrader grades it.

    Parameters
    ----------
    folder : Path
        ``submitted/ID/ASSIGNMENT``; :func:`prepare_submission` has run on it.
    release_folder : Path
        The released assignment (nbgrader's release directory).

    Returns
    -------
    Findings
        Problems (the submission fails with :attr:`Findings.problem`) and notes
        for the trainer that go with the grade.
    """
    problem = folder_problem(folder) if folder.is_dir() or folder.is_symlink() else None
    if problem:
        return Findings([problem])
    releases = sorted(release_folder.glob("*.ipynb"))
    found = Findings()
    for release in releases:
        path = folder / release.name
        if not path.exists() and not path.is_symlink():
            found.problems.append(missing_notebook(folder, release.name))
            continue
        data, read = read_notebook(path)
        found.add(read)
        if data is not None:
            found.add(cells_findings(release.name, data, release))
    extra = extra_notebooks(folder, [r.name for r in releases])
    if extra and not found.problems:
        found.notes.append(_("not graded, not part of the assignment: {names}").format(names=", ".join(extra)))
    return found
