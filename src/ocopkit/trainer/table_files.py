"""Read the table files trainers really have: any usual encoding, any usual delimiter.

A participant list saved by Excel on a Vietnamese Windows may be UTF-8 with a
BOM ("CSV UTF-8"), Windows-1258 ("CSV"), UTF-16 ("Unicode text", tab-separated)
or plain UTF-8, and its columns may be separated by commas, semicolons (Excel
with a comma as the decimal sign, as in Vietnam) or tabs. This module finds
which, says so, and gives every row with the line a text editor shows it on,
so that a message about a row points at the right place.

Examples
--------
>>> from ocopkit.trainer import table_files
>>> found = table_files.parse_table("id;name\\n\\nan;Lê An\\n".encode("utf-8"))
>>> found.encoding, found.delimiter, found.rows[0].line, found.rows[0].cells
('utf-8', ';', 3, ('an', 'Lê An'))
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _

DELIMITERS = (",", ";", "\t")
# Byte-order marks, longest first; UTF-32 is left out: no spreadsheet trainers use writes it.
# Reading only: every file the kit writes goes through ocopkit.spreadsheet.
UTF8_WITH_BOM = "utf-8-sig"
_BOMS = (
    (codecs.BOM_UTF8, UTF8_WITH_BOM),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The tone marks Windows-1258 writes as separate combining characters after the letter.
_CP1258_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


class TableFileError(ValueError):
    """A file that cannot be read as a table; ``line`` is where the trouble is (1 = first line)."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(message)


@dataclass(frozen=True)
class Row:
    """One record of a table file.

    Attributes
    ----------
    line : int
        The physical line the record starts on, as a text editor numbers it.
    cells : tuple of str
        The cells, NFC, as written (not trimmed).
    """

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table file read: its header, its rows and how it was written.

    Attributes
    ----------
    header : tuple of str
        The cells of the first non-blank record (NFC, trimmed).
    header_line : int
        The line the header is on.
    rows : tuple of Row
        Every later non-blank record.
    encoding : str
        Python's codec name: ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be`` or ``cp1258``.
    delimiter : str
        ``,``, ``;`` or a tab.
    """

    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """Turn the bytes of a text file into text, finding the encoding.

    A byte-order mark decides first; then the text is UTF-8 if it decodes as
    strict UTF-8 (a wrong guess there is all but impossible for Vietnamese);
    otherwise it is taken as Windows-1258, what Vietnamese Windows writes.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    tuple of (str, str)
        The text, NFC, and the codec name (see :attr:`Table.encoding`).

    Raises
    ------
    TableFileError
        For bytes that are none of these encodings.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body, plain = data[len(bom) :], codec.replace("-sig", "")
            try:
                return _nfc(body.decode(plain)), codec
            except UnicodeDecodeError as error:
                raise _undecodable(body, error.start, plain, encoding_label(codec)) from None
    try:
        return _nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:  # UTF-16 without its mark: cp1258 would "decode" it into rubbish
        raise TableFileError(1, _("the file looks like UTF-16 text without a byte-order mark; save it as 'CSV UTF-8'"))
    try:
        return _nfc(data.decode("cp1258")), "cp1258"
    except UnicodeDecodeError as error:
        raise _undecodable(data, error.start, "cp1258", "UTF-8 / Windows-1258") from None


def _nfc(text: str) -> str:
    # Windows-1258 writes most tone marks as combining characters; compare and store composed text.
    return unicodedata.normalize("NFC", text)


def _undecodable(data: bytes, position: int, codec: str, label: str) -> TableFileError:
    """The error for a byte that does not decode, on the line it is on."""
    # Everything before the first bad byte decodes, so its line breaks can be counted.
    line = data[:position].decode(codec, errors="replace").count("\n") + 1
    return TableFileError(
        line,
        _("the file is not {encoding} text (byte {position} is invalid); save it as 'CSV UTF-8'").format(
            encoding=label, position=position
        ),
    )


def encode_cp1258(text: str) -> bytes:
    """Write text as Vietnamese Windows does in Windows-1258, tone marks as combining characters.

    Python's ``cp1258`` codec only encodes the letters that exist composed in
    the code page (``à``, ``ơ``, ``ư``…), not ``ợ`` or ``ĩ``; Windows writes
    those as the base letter followed by a combining tone mark.

    Parameters
    ----------
    text : str

    Returns
    -------
    bytes

    Raises
    ------
    UnicodeEncodeError
        For a character Windows-1258 has no way to write.
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _CP1258_TONES))
            out.append((base + "".join(c for c in parts if c in _CP1258_TONES)).encode("cp1258"))
    return b"".join(out)


def _records(text: str, delimiter: str):
    """Yield (first line, cells) for every record, blank ones included."""
    # newline="" keeps a line break inside a quoted cell and counts \r\n, \r and \n each as one line.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells
            previous = reader.line_num
    except csv.Error as error:
        raise TableFileError(previous + 1, _("the line cannot be read as a table row: {error}").format(error=error))


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _first_record(text: str, delimiter: str) -> list[str]:
    """The cells of the first non-blank record split by ``delimiter``."""
    return next((cells for _line, cells in _records(text, delimiter) if not _is_blank(cells)), [])


def sniff_delimiter(text: str, columns: tuple[str, ...] = ()) -> str:
    """Find the delimiter of a table from its header.

    Parameters
    ----------
    text : str
        The whole file.
    columns : tuple of str
        Column names the header should have; the delimiter that finds most of
        them wins. Without them, or on a tie, the one giving most cells wins,
        then the first of :data:`DELIMITERS`.

    Returns
    -------
    str
    """

    def score(delimiter):
        header = {cell.strip().casefold() for cell in _first_record(text, delimiter)}
        return len(header & {c.casefold() for c in columns}), len(header)

    # Header cells, unlike data cells, hardly ever contain a delimiter: judging by them is the safest.
    return max(DELIMITERS, key=lambda d: (score(d), -DELIMITERS.index(d)))


def _excel_separator(text: str) -> tuple[str, str]:
    """Honour Excel's optional first line ``sep=;``: return the delimiter it names and the text with it blanked."""
    first, newline, rest = text.partition("\n")
    hint = first.rstrip("\r")
    if hint.lower().startswith("sep=") and len(hint) == 5 and hint[4] in DELIMITERS:
        # Keep an empty line in its place so every later line keeps its number.
        return hint[4], newline + rest
    return "", text


def parse_table(data: bytes, columns: tuple[str, ...] = ()) -> Table:
    """Read the bytes of a delimited table file.

    Parameters
    ----------
    data : bytes
    columns : tuple of str
        Expected column names, to help find the delimiter (see :func:`sniff_delimiter`).

    Returns
    -------
    Table
        Blank lines are skipped, and every row keeps its true line number.

    Raises
    ------
    TableFileError
        For an undecodable or empty file.
    """
    text, encoding = decode(data)
    delimiter, text = _excel_separator(text)
    delimiter = delimiter or sniff_delimiter(text, columns)
    records = [(line, tuple(cells)) for line, cells in _records(text, delimiter) if not _is_blank(cells)]
    if not records:
        raise TableFileError(1, _("the file is empty: it needs a header line with the column names"))
    (header_line, header), rows = records[0], records[1:]
    return Table(
        header=tuple(cell.strip() for cell in header),
        header_line=header_line,
        rows=tuple(Row(line, cells) for line, cells in rows),
        encoding=encoding,
        delimiter=delimiter,
    )


def read_table(path: str | Path, columns: tuple[str, ...] = ()) -> Table:
    """Read a delimited table file; see :func:`parse_table`.

    Parameters
    ----------
    path : path
    columns : tuple of str

    Returns
    -------
    Table
    """
    return parse_table(Path(path).read_bytes(), columns)


def encoding_label(encoding: str) -> str:
    """A name of an encoding for people, e.g. ``UTF-8 (có BOM)``."""
    labels = {
        "utf-8": "UTF-8",
        "utf-8-sig": _("UTF-8 with BOM"),
        "utf-16-le": "UTF-16 LE",
        "utf-16-be": "UTF-16 BE",
        "cp1258": "Windows-1258",
    }
    return labels.get(encoding, encoding)


def delimiter_label(delimiter: str) -> str:
    """A name of a delimiter for people, e.g. ``dấu chấm phẩy (;)``."""
    labels = {",": _("comma (,)"), ";": _("semicolon (;)"), "\t": _("tab")}
    return labels.get(delimiter, repr(delimiter))
