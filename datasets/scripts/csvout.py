"""The one way the dataset scripts write a CSV, so every course file has the same form.

UTF-8 without a byte-order mark, a header row, ``\\n`` line ends: byte-for-byte
reproducible, which tests/test_datasets.py checks.
"""

import csv


def write_rows(path, rows, columns=None):
    """Write a list of dicts to ``path``; columns default to the first row's keys."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns or rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
