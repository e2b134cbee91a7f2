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
    assert "x hiện là một số nguyên: 5" in out and "một số" in out


def test_a_date_is_shown_as_a_date():
    assert checks.describe_value(pd.Timestamp("2025-03-14")).endswith("14/03/2025")
