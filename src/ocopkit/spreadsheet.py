"""The one way the kit writes a CSV file: text that Excel never runs as a formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel and LibreOffice (``=HYPERLINK(...)`` sends data
away, DDE ones start programs). Names, ids, reasons and other text come from
participants, so every cell of every file passes through :func:`safe_cell`,
which follows OWASP's rule for CSV injection: such text gets a leading single
quote (which spreadsheets show as text and do not display) and is quoted.
Numbers written as numbers stay numbers, negative ones included: whether a
cell is text or number is decided by the value's type, as a column is typed.

Excel on Windows set to Vietnamese splits a CSV on ``;`` (the list separator
of comma-decimal regions) and reads our quotes there as plain characters, so
a ``;`` or a line break inside a text cell can start a cell too: text after
one that begins with a formula character gets the quote as well.

- :func:`safe_cell`: the neutralising function.
- :func:`csv_text`: rows as CSV text; :func:`frame_csv` for a DataFrame, and
  :func:`rows_csv` for rows typed as one (the tools' exports).
- :func:`write_csv`: rows to a file, UTF-8 with the byte-order mark Excel
  needs for Vietnamese letters (or without, for the course's own datasets),
  cells separated by commas, or by ``;`` or tabs (:data:`DELIMITERS`) for
  Excel set to Vietnamese; a cell holding the separator is quoted.

>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell(-5), safe_cell("Lê Thị Hồng")
('\\'=HYPERLINK("http://x")', -5, 'Lê Thị Hồng')
"""

from __future__ import annotations

import math
import numbers
import re
from pathlib import Path

# Formula starts: OWASP's six, and their full-width forms, which East Asian input methods type.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A formula start after a separator Excel may split on (quotes and spaces between are skipped by it).
_INNER_FORMULA = re.compile(r"([;\t\r\n])(?=[\s\"']*[=+\-@＝＋－＠])")
# Text the csv module quotes (QUOTE_MINIMAL) with each separator; the kit's files keep that quoting.
_NEEDS_QUOTES = {separator: re.compile(f'[{separator}"\r\n]') for separator in (",", ";", "\t")}
# The separators a file may use: comma, and semicolon and tab, which comma-decimal regions' Excel splits on.
DELIMITERS = tuple(_NEEDS_QUOTES)


def safe_cell(value):
    """Return ``value`` as a spreadsheet shows it as text, or unchanged when it is a number or empty.

    Parameters
    ----------
    value : object
        A cell: ``None``, a number (Python or NumPy, booleans included) or
        anything else, which is written as its text.

    Returns
    -------
    object
        The number or ``None`` as given; otherwise a ``str`` that starts with
        ``'`` when it started with a formula character, with ``'`` also after
        any ``;``, tab or line break that a formula character follows.
    """
    if value is None or isinstance(value, numbers.Number):
        return value
    text = _INNER_FORMULA.sub(r"\1'", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _field(value, delimiter: str = ",") -> str:
    """One cell as CSV text: numbers plain, neutralised text always quoted."""
    value = safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        text = str(value)
        quote = _NEEDS_QUOTES[delimiter].search(text) or text.startswith("'")  # OWASP: quote what was neutralised
        return '"' + text.replace('"', '""') + '"' if quote else text
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return "" if math.isnan(number) else repr(number)  # as csv and pandas write floats
    return str(value)


def _line(cells, delimiter: str = ",") -> str:
    """One row as a CSV line (without its end)."""
    fields = [_field(cell, delimiter) for cell in cells]
    return '""' if fields == [""] else delimiter.join(fields)  # a lone empty field, as the csv module writes it


def _cells(row, columns) -> list:
    """A row's cells in column order; a dict row may leave columns out, but not add any."""
    if not isinstance(row, dict):
        return list(row)
    extra = set(row) - set(columns)
    if extra:
        raise ValueError(f"row has fields not in the columns: {sorted(extra)}")
    return [row.get(column, "") for column in columns]


def csv_text(rows, columns, *, line_end: str = "\n", delimiter: str = ",") -> str:
    """Return a header and rows as CSV text, every cell through :func:`safe_cell`.

    Parameters
    ----------
    rows : iterable of dict or sequence
        Dicts keyed by column name, or sequences in column order.
    columns : sequence of str
        The header.
    line_end : str
        ``"\\n"`` (pandas' and the datasets' form) or ``"\\r\\n"`` (the csv module's).
    delimiter : str
        ``","`` (default), ``";"`` or a tab (see :data:`DELIMITERS`).

    Raises
    ------
    ValueError
        For any other separator.
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"CSV separator {delimiter!r} is not one of {', '.join(map(repr, DELIMITERS))}")
    columns = list(columns)
    lines = [_line(columns, delimiter)] + [_line(_cells(row, columns), delimiter) for row in rows]
    return "".join(line + line_end for line in lines)


def frame_csv(frame, path: str | Path | None = None, *, index: bool = False) -> str:
    """Return a DataFrame as CSV text, as ``DataFrame.to_csv`` writes it but safe; with ``path``, also write it.

    The file is UTF-8 with a byte-order mark, so Excel shows Vietnamese letters.
    Missing values are empty cells.
    """
    import pandas as pd

    columns = list(frame.columns)
    if index:
        columns = [frame.index.name or ""] + columns
    rows = (
        [None if _missing(value, pd) else value for value in row] for row in frame.itertuples(index=index, name=None)
    )
    text = csv_text(rows, columns)
    if path is not None:
        _save(text, path, bom=True)
    return text


def rows_csv(rows, columns, path: str | Path | None = None) -> str:
    """Return rows under a header as CSV text, as :func:`frame_csv` writes them; with ``path``, also write it.

    Use it for a tool's export built row by row: each column gets one type,
    as in a DataFrame (a whole number in a column of decimals is written
    ``3.0``), and the file is UTF-8 with a byte-order mark, for Excel.

    Parameters
    ----------
    rows : iterable of sequence
        The cells of each row, in column order.
    columns : sequence of str
        The header.
    path : str or Path, optional
        Where to write the file as well.
    """
    import pandas as pd

    return frame_csv(pd.DataFrame(list(rows), columns=list(columns)), path)


def _missing(value, pd) -> bool:
    """True for None, NaN, NaT and pd.NA: an empty cell."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def write_csv(
    path: str | Path, rows, columns, *, bom: bool = True, line_end: str = "\r\n", delimiter: str = ","
) -> Path:
    """Write rows as a CSV file (see :func:`csv_text`) and return its path.

    Parameters
    ----------
    path : path
        The file; its folder is created.
    rows, columns
        As for :func:`csv_text`.
    bom : bool
        Start with the UTF-8 byte-order mark, for Excel (default). The
        course's datasets have none.
    line_end : str
        ``"\\r\\n"`` by default, like Python's csv module.
    delimiter : str
        ``","`` by default; ``";"`` or a tab for Excel set to a comma-decimal
        region such as Vietnamese. Any other raises ``ValueError``.
    """
    return _save(csv_text(rows, columns, line_end=line_end, delimiter=delimiter), path, bom=bom)


def _save(text: str, path: str | Path, *, bom: bool) -> Path:
    """Write CSV text as UTF-8 exactly as given (no newline translation)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        handle.write(text)
    return path
