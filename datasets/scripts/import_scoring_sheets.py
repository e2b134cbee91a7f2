"""Build ``datasets/ocop_scoring_sheets.csv`` from the project's domain notes.

The notes (``../shared/domain/criteria-2023-2026/``) hold one CSV per scoring
sheet, transcribed from public sources with a confidence tag (see their
README). This script stacks them into one table with two leading columns, the
scheme and the number of the product set (Phụ lục I), and changes nothing
else: every wording, point and flag stays as the notes give it.

Run: ``python datasets/scripts/import_scoring_sheets.py``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from csvout import write_rows

NOTES = Path(__file__).resolve().parents[3] / "shared" / "domain" / "criteria-2023-2026"
TARGET = Path(__file__).resolve().parents[1] / "ocop_scoring_sheets.csv"
SCHEMES = {"qd148": "148/2023", "qd26_2026": "26/2026"}
SETS = {
    "rau_cu_qua_hat_tuoi": 1,
    "mat_ong_mat_khac": 4,
    "tuong_nuoc_mam_gia_vi_long": 9,
    "che_tuoi_che_bien": 11,
    "thu_cong_my_nghe": 21,
    "du_lich_cong_dong": 26,
}


def rows() -> tuple[list[str], list[list[str]]]:
    """The header and every level of every sheet, scheme and product set first."""
    table, header = [], []
    for prefix, scheme in SCHEMES.items():
        for slug, number in SETS.items():
            with (NOTES / f"{prefix}_scoring_{slug}.csv").open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                table += [[scheme, str(number), *row] for row in reader]
    return ["scheme", "product_set", *header], table


def main() -> int:
    """Write the stacked table."""
    if not NOTES.is_dir():
        print(f"The domain notes are not here: {NOTES}", file=sys.stderr)
        return 1
    header, table = rows()
    write_rows(TARGET, table, header)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
