"""Tests of ocopkit.checks: messages that say what to fix."""

import numpy as np
import pandas as pd
import pytest

from ocopkit import checks


class TestDefined:
    def test_returns_the_value(self):
        assert checks.defined("x", {"x": 3}) == 3

    def test_missing_variable_says_how_to_create_it(self):
        with pytest.raises(AssertionError, match="sao_buoi = ..."):
            checks.defined("sao_buoi", {})


class TestOfType:
    @pytest.mark.parametrize(
        "value, kind",
        [
            (4, "integer"),
            (np.int64(4), "integer"),
            (4.5, "number"),
            (np.float64(1), "number"),
            ("a", "text"),
            ([1], "list"),
            ({}, "dict"),
            (pd.Series([1]), "series"),
            (pd.DataFrame(), "dataframe"),
            (False, "bool"),
            (pd.Timestamp("2025-03-14"), "date"),
            ({"a"}, "set"),
        ],
    )
    def test_accepts_the_right_kind(self, value, kind):
        assert checks.of_type("x", value, kind) is value

    def test_text_for_a_number_is_explained(self):
        with pytest.raises(AssertionError, match="cần là một số nguyên, bạn đang có chữ trong dấu nháy: '4 sao'"):
            checks.of_type("sao_buoi", "4 sao", "integer")

    def test_true_is_not_a_number(self):
        with pytest.raises(AssertionError):
            checks.of_type("x", True, "number")

    def test_english_message(self, english):
        with pytest.raises(AssertionError, match="should be a whole number, you gave nothing"):
            checks.of_type("x", None, "integer")


def test_show_prints_value_and_hint(capsys):
    checks.show("x", {"x": 5}, "một số")
    out = capsys.readouterr().out
    assert "Bạn đã ghi một số nguyên: 5" in out and "một số" in out


def test_a_date_is_shown_as_a_date():
    assert checks.describe_value(pd.Timestamp("2025-03-14")).endswith("14/03/2025")


class TestShow:
    def test_says_what_is_wanted_without_calling_it_right(self, capsys):
        checks.show("x", {"x": 7}, "một số nguyên từ 1 đến 6")
        out = capsys.readouterr().out
        assert out.startswith("x: cần một số nguyên từ 1 đến 6.") and "Câu trả lời đúng" not in out

    def test_a_missing_variable_says_how_to_create_it(self, capsys):
        checks.show("gia_ban", {}, "một số")
        assert "Chưa có biến gia_ban" in capsys.readouterr().out

    def test_english(self, english, capsys):
        checks.show("x", {"x": 5}, "a number")
        assert capsys.readouterr().out == "x: should be a number. You wrote a whole number: 5.\n"


class TestPlainNumbers:
    def test_numpy_integer_shows_as_a_plain_number(self):
        assert checks.describe_value(np.int64(1500)) == "một số nguyên: 1.500"

    def test_numpy_float_keeps_its_decimals_only(self):
        assert checks.describe_value(np.float64(25.4)) == "một số: 25,4"

    def test_numbers_inside_a_list_are_plain(self):
        assert checks.describe_value([np.int64(3), np.int64(7)]) == "một danh sách trong dấu ngoặc vuông [ ]: [3, 7]"

    def test_english_separators(self, english):
        assert checks.describe_value(np.int64(1500)) == "a whole number: 1,500"

    def test_a_long_value_is_cut(self):
        assert checks.describe_value("a" * 500).endswith("…")


class TestCheckFailed:
    def test_is_an_assertion_error(self):
        with pytest.raises(checks.CheckFailed):
            checks.of_type("x", "1", "integer")
        assert issubclass(checks.CheckFailed, AssertionError)

    def test_short_traceback_is_the_message(self):
        lines = checks.failure_lines(checks.CheckFailed("x cần là một số"))
        assert len(lines) == 2 and lines[1] == "x cần là một số" and "Chưa đúng" in lines[0]
