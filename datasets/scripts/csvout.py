"""The one way the dataset scripts write a CSV, so every course file has the same form.

UTF-8 without a byte-order mark, a header row, ``\\n`` line ends: byte-for-byte
reproducible, which tests/test_datasets.py checks. The cells go through the
kit's own CSV writer (``ocopkit.spreadsheet``), so no text cell of a course
file can be read by a spreadsheet as a formula.
"""

from ocopkit.spreadsheet import write_csv


def write_rows(path, rows, columns=None):
    """Write dicts (or sequences, given ``columns``) to ``path``; columns default to the first row's keys."""
    write_csv(path, rows, list(columns or rows[0]), bom=False, line_end="\n")
