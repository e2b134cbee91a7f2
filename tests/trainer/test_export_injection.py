"""No CSV the kit writes lets Excel run a participant's text as a formula (OWASP's CSV-injection rule).

Names, ids, reasons and other text that start with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return get a leading ``'`` and are quoted; numbers written
as numbers stay numbers, negative ones included. Each writer is tested on real
files, read back with the csv module and with pandas: the grade and item exports
(``ocop export``), the widgets' exports, the demo's roster and the datasets'
writer, with Vietnamese names beside the attacks.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ocopkit import spreadsheet
from ocopkit.spreadsheet import FORMULA_START, safe_cell
from ocopkit.trainer import cli, export, ledger
from ocopkit.trainer.course import make_working_course

from conftest import REPO

# Text that a spreadsheet would run, as a participant could type it: name, id, reason, a tool's box.
ATTACKS = [
    '=HYPERLINK("http://127.0.0.1/?d="&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
INNER = ["Nguyễn Văn An;=1+1", "Lê Thị Hồng\n=1+1", 'Bùi Đức; "@SUM(A1)']
VIETNAMESE = ["Hoàng Thị Hoa, HTX Bưởi", "Đặng Ngọc Yến", "Trần Văn Đức"]


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def read_back(path: Path) -> tuple[list[list[str]], pd.DataFrame, bytes]:
    """A CSV file as the csv module and pandas read it, and its bytes."""
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    return rows, frame, raw


def assert_no_formula(rows: list[list[str]], frame: pd.DataFrame) -> None:
    """No cell read back starts with a formula character; pandas agrees for text cells."""
    bad = [cell for row in rows for cell in row if formula_like(cell) and not _number(cell)]
    assert not bad, bad
    for column in frame.columns:
        if frame[column].dtype == object:
            assert not any(formula_like(str(v)) for v in frame[column]), column


def _number(text: str) -> bool:
    """A plain number, as the writer writes numbers (a negative one starts with -)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


class TestSafeCell:
    @pytest.mark.parametrize("text", ATTACKS)
    def test_a_formula_start_gets_a_quote(self, text):
        kept = safe_cell(text)
        if re.search(r"[;\t\r\n]", text):  # a tab or CR starts a cell too: the quote goes after it as well
            assert kept.startswith("'") and kept.replace("'", "") == text.replace("'", "")
        else:
            assert kept == "'" + text

    @pytest.mark.parametrize("text", INNER)
    def test_a_formula_after_a_separator_excel_may_split_on_gets_a_quote(self, text):
        kept = safe_cell(text)
        assert kept != text and kept.replace("'", "") == text.replace("'", "")
        for separator in (";", "\n"):
            for piece in kept.split(separator)[1:]:
                assert not formula_like(piece.lstrip(' "')), kept

    @pytest.mark.parametrize("value", [-5, -2.5, 0, 7, 10.25, np.int64(-3), np.float64(-0.5), True, None])
    def test_numbers_and_empty_stay_as_they_are(self, value):
        assert safe_cell(value) is value

    @pytest.mark.parametrize("text", VIETNAMESE + ["", "5 điểm", "'đã có dấu nháy", "a-b", "x=y"])
    def test_ordinary_text_is_unchanged(self, text):
        assert safe_cell(text) == text

    def test_only_neutralised_and_minimally_quoted_cells_are_quoted(self):
        text = spreadsheet.csv_text([["=1+1", -3, 2.5, "Hoàng Thị Hoa, HTX Bưởi", "Đức"]], "abcde")
        assert text.splitlines()[1] == '"\'=1+1",-3,2.5,"Hoàng Thị Hoa, HTX Bưởi",Đức'


def hostile_grade_rows() -> list[dict]:
    """Export rows whose text columns hold every attack, beside real negative and fractional numbers."""
    texts = ATTACKS + INNER + VIETNAMESE
    return [
        {
            "participant_id": text,
            "name": text,
            "province": "Yên Bái",
            "organisation_type": text,
            "assignment": "topic08",
            "score": score,
            "max_score": 12,
            "status": "failed",
            "reason": text,
        }
        for text, score in zip(texts, [-2, 7, 10.25, 0, -0.5] * 4)
    ]


class TestGradeExport:
    def test_written_file_reads_back_safe_with_numbers_intact(self, tmp_path):
        rows = hostile_grade_rows()
        path = export.write_csv(rows, tmp_path / "grades.csv")
        read, frame, raw = read_back(path)
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "UTF-8 with BOM, CRLF as before"
        assert read[0] == list(export.COLUMNS)
        assert_no_formula(read, frame)
        for original, row in zip(rows, frame.to_dict("records")):
            expected = spreadsheet.safe_cell(original["name"])
            assert row["name"] == row["participant_id"] == row["reason"] == expected
            assert expected.startswith("'") == formula_like(original["name"])
            assert row["score"] == original["score"] and row["max_score"] == 12  # numbers, not text
        assert pd.api.types.is_numeric_dtype(frame["score"]) and frame["score"].min() == -2
        assert '"\'=HYPERLINK(""http://127.0.0.1/?d=""&A1,""Bấm vào đây"")"' in raw.decode("utf-8-sig")

    def test_ocop_export_of_a_course_with_hostile_participants(self, tmp_path):
        course = make_working_course(tmp_path / "course", REPO)
        people = [
            SimpleNamespace(
                id=f"hv{i:02d}", name=name, province="Hà Tĩnh", district="", organisation_type="cooperative", email=""
            )
            for i, name in enumerate(ATTACKS)
        ]
        ledger.save_participants(course, people)
        ledger.record(course, ledger.Grading("topic08", "=1+1", "failed", "-the notebook is damaged", None, None))
        (course / "submitted" / "@SUM(A1)" / "topic08").mkdir(parents=True)  # an id from a folder name
        out = tmp_path / "grades.csv"
        assert cli.main(["export", "--to", str(out), "--course-dir", str(course)]) == 0
        read, frame, _raw = read_back(out)
        assert_no_formula(read, frame)
        names = set(frame["name"])
        assert {safe_cell(attack) for attack in ATTACKS} <= names and all(n.startswith("'") for n in names if n)
        assert {"'=1+1", "'@SUM(A1)"} <= set(frame["participant_id"])
        assert "'-the notebook is damaged" in set(frame["reason"])
        items = tmp_path / "items.csv"
        assert cli.main(["export", "--items", "--to", str(items), "--course-dir", str(course)]) == 0
        assert read_back(items)[0][0] == list(export.ITEM_COLUMNS)

    def test_item_rows_with_hostile_text(self, tmp_path):
        rows = [
            {
                "participant_id": attack,
                "province": "Đắk Lắk",
                "organisation_type": "",
                "assignment": "topic08",
                "notebook": "topic08",
                "cell": attack,
                "cell_type": "code",
                "score": -1,
                "max_score": 1,
                "passed": 0,
            }
            for attack in ATTACKS
        ]
        read, frame, _raw = read_back(export.write_csv(rows, tmp_path / "items.csv", export.ITEM_COLUMNS))
        assert_no_formula(read, frame)
        assert list(frame["score"]) == [-1] * len(ATTACKS)


class TestWidgetExports:
    """Each tool's CSV with a participant's hostile text in its boxes; negative figures stay numbers."""

    def written(self, tool, path):
        tool.to_csv(path)
        read, frame, raw = read_back(path)
        assert raw.startswith(b"\xef\xbb\xbf")
        assert_no_formula(read, frame)
        return frame

    def test_product_story(self, tmp_path):
        from ocopkit.widgets.story import ProductStoryBuilder

        tool = ProductStoryBuilder()
        tool.fields["product"].value = ATTACKS[0]
        tool.fields["place"].value = "-Yên Thế;=1+1"
        frame = self.written(tool, tmp_path / "cau-chuyen.csv")
        assert "'" + ATTACKS[0] in set(frame.iloc[:, 2])

    def test_tourism_cooperative_households(self, tmp_path):
        from ocopkit.widgets.tourism_coop import TourismCoopCalculator

        tool = TourismCoopCalculator()
        tool.fields["name_0"].value = '=HYPERLINK("http://x")'
        tool.fields["name_1"].value = "@Hộ Lò Văn Pấng"
        frame = self.written(tool, tmp_path / "chia.csv")
        assert {'\'=HYPERLINK("http://x")', "'@Hộ Lò Văn Pấng"} <= set(frame.iloc[:, 0])

    def test_post_harvest_stages(self, tmp_path):
        from ocopkit.widgets.postharvest import PostHarvestLossCalculator

        tool = PostHarvestLossCalculator("TL")
        tool.fields["name_0"].value = "+Thu hái"
        frame = self.written(tool, tmp_path / "ton-that.csv")
        assert "'+Thu hái" in set(frame.iloc[:, 0])

    def test_online_channels(self, tmp_path):
        from ocopkit.widgets.digital import ChannelPlanner

        tool = ChannelPlanner(price=150_000, orders=100)
        tool.fields["name_1"].value = "-Sàn Postmart"
        frame = self.written(tool, tmp_path / "kenh.csv")
        assert "'-Sàn Postmart" in set(frame.iloc[:, 0])

    def test_business_plan_keeps_negative_cash_as_numbers(self, tmp_path):
        from ocopkit.widgets.business_plan import BusinessPlanBuilder

        frame = self.written(BusinessPlanBuilder(), tmp_path / "ke-hoach.csv")
        numeric = frame.select_dtypes("number")
        assert (numeric < 0).any().any(), "the plan has months of negative cash, still numbers"

    def test_pricing_and_self_assessment(self, tmp_path):
        from ocopkit.widgets.pricing import PricingCalculator
        from ocopkit.widgets.self_assessment import OcopSelfAssessment

        self.written(PricingCalculator(), tmp_path / "gia.csv")
        self.written(OcopSelfAssessment(), tmp_path / "tu-cham.csv")


def test_demo_roster_writer(tmp_path):
    from ocopkit.trainer import demo

    path = demo.synthetic_roster(30, tmp_path / "roster.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # its form is unchanged
    read, frame, _raw = read_back(path)
    assert_no_formula(read, frame)
    assert len(frame) == 30


def test_dataset_writer(tmp_path):
    spec = importlib.util.spec_from_file_location("csvout", REPO / "datasets" / "scripts" / "csvout.py")
    csvout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csvout)
    path = tmp_path / "data.csv"
    csvout.write_rows(path, [{"ten": attack, "gia": -1500} for attack in ATTACKS + VIETNAMESE])
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw  # the datasets' form: no BOM, \n
    read, frame, _raw = read_back(path)
    assert_no_formula(read, frame)
    assert list(frame["gia"]) == [-1500] * len(ATTACKS + VIETNAMESE)


def test_no_other_csv_writer_in_the_package():
    """Every CSV the kit writes goes through ocopkit.spreadsheet: no csv writer, to_csv or BOM file elsewhere."""
    pattern = r'csv\.(writer|DictWriter)|(frame|table|\))\.to_csv\(|"utf-8-sig"\)'
    found = subprocess.run(
        ["grep", "-rnE", pattern, "src/ocopkit", "datasets/scripts", "--include=*.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    others = [line for line in found if not line.startswith("src/ocopkit/spreadsheet.py") and "read_text" not in line]
    assert not others, "\n".join(others)
