"""Tests of ocopkit.cbt: readiness by group, the minimum check and ranked gaps."""

import pandas as pd
import pytest

from ocopkit import cbt, datasets
from ocopkit.errors import InputError


@pytest.fixture
def site():
    return datasets.load("topic10_site_self_check")


def small(rows):
    """A self-check table from (code, group, level, met) rows."""
    return pd.DataFrame(rows, columns=["ma_chi_so", "nhom", "muc", "dat"])


class TestStructure:
    def test_asean_counts_add_up(self):
        assert sum(cbt.ASEAN_INDICATORS_BY_LEVEL.values()) == cbt.ASEAN_INDICATORS == 188

    def test_structure_dataset_matches_the_module(self):
        table = datasets.load("asean_cbt_standard_structure").set_index("chi_tieu")["so_luong"]
        assert table["nhom_tieu_chi"] == cbt.ASEAN_GROUPS and table["tieu_chi"] == cbt.ASEAN_CRITERIA
        assert table["chi_so"] == cbt.ASEAN_INDICATORS
        assert [table["chi_so_toi_thieu"], table["chi_so_trung_binh"], table["chi_so_cao"]] == [98, 54, 36]

    def test_every_group_has_a_label_and_basis(self, english):
        for group in cbt.GROUPS:
            assert group.label and group.short_label and group.basis


class TestReadiness:
    def test_share_met_in_percent_in_group_order(self, site):
        shares = cbt.readiness(site)
        assert list(shares.index) == list(cbt.GROUP_CODES)
        assert shares["an_uong"] == pytest.approx(500 / 6)
        assert shares["moi_truong"] == pytest.approx(100 / 3)

    def test_only_groups_present_appear(self):
        shares = cbt.readiness(small([("A1", "luu_tru", "cao", 1), ("A2", "quan_ly", "toi_thieu", 0)]))
        assert shares.to_dict() == {"quan_ly": 0.0, "luu_tru": 100.0}

    def test_true_and_false_work_like_1_and_0(self):
        assert cbt.readiness(small([("A1", "an_uong", "cao", True), ("A2", "an_uong", "cao", False)]))["an_uong"] == 50


class TestMinimum:
    def test_the_site_misses_four_minimum_requirements(self, site):
        assert cbt.unmet_minimum(site) == ["HD2", "TQ3", "MT2", "MT3"]
        assert cbt.minimum_met(site) is False

    def test_unmet_higher_levels_do_not_count(self):
        assert cbt.minimum_met(small([("A1", "an_uong", "toi_thieu", 1), ("A2", "an_uong", "cao", 0)]))


class TestGaps:
    def test_minimum_first_then_least_ready_group_then_code(self, site):
        gaps = cbt.rank_gaps(site)
        assert gaps["ma_chi_so"].head(5).tolist() == ["MT2", "MT3", "TQ3", "HD2", "MT5"]
        assert list(gaps.index[:3]) == [1, 2, 3] and len(gaps) == 16

    def test_order_does_not_depend_on_row_order(self, site):
        shuffled = site.sample(frac=1, random_state=7)
        assert cbt.rank_gaps(shuffled)["ma_chi_so"].tolist() == cbt.rank_gaps(site)["ma_chi_so"].tolist()

    def test_equally_ready_groups_tie_by_code(self):
        table = small(
            [
                ("Z1", "an_uong", "toi_thieu", 0),
                ("Z2", "an_uong", "toi_thieu", 1),
                ("B1", "luu_tru", "toi_thieu", 0),
                ("B2", "luu_tru", "toi_thieu", 1),
            ]
        )
        assert cbt.rank_gaps(table)["ma_chi_so"].tolist() == ["B1", "Z1"]

    def test_a_less_ready_group_comes_first_within_a_level(self):
        table = small(
            [
                ("A1", "an_uong", "trung_binh", 0),
                ("A2", "an_uong", "cao", 1),
                ("B1", "luu_tru", "trung_binh", 0),
                ("B2", "luu_tru", "cao", 0),
            ]
        )
        assert cbt.rank_gaps(table)["ma_chi_so"].tolist() == ["B1", "A1", "B2"]


class TestAssess:
    def test_result_holds_everything(self, site):
        check = cbt.assess(site)
        assert check.overall == pytest.approx(2000 / 36)
        assert check.minimum_met is False and check.unmet_minimum == ("HD2", "TQ3", "MT2", "MT3")
        assert check.top_gaps(3) == ("MT2", "MT3", "TQ3")
        assert check.weakest_group == "tham_quan"

    def test_all_met_has_no_gaps(self):
        check = cbt.assess(small([("A1", "an_uong", "toi_thieu", 1)]))
        assert check.minimum_met and check.gaps.empty and check.top_gaps() == ()


class TestBadInput:
    def test_not_a_table(self):
        with pytest.raises(InputError, match="pandas DataFrame"):
            cbt.assess([1, 2])

    def test_missing_column_is_named(self, site):
        with pytest.raises(InputError) as error:
            cbt.assess(site.drop(columns="dat"))
        assert error.value.field == "dat" and "dat" in str(error.value)

    def test_unknown_group(self):
        with pytest.raises(InputError, match="an_ninh"):
            cbt.assess(small([("A1", "an_ninh", "cao", 1)]))

    def test_unknown_level(self):
        with pytest.raises(InputError, match="bat_buoc"):
            cbt.assess(small([("A1", "an_uong", "bat_buoc", 1)]))

    @pytest.mark.parametrize("bad", [2, "co", 0.5, None])
    def test_met_must_be_one_or_zero(self, bad):
        with pytest.raises(InputError) as error:
            cbt.assess(small([("A1", "an_uong", "cao", bad)]))
        assert error.value.field == "dat" and "A1" in str(error.value)

    def test_code_used_twice(self):
        with pytest.raises(InputError, match="A1"):
            cbt.assess(small([("A1", "an_uong", "cao", 1), ("A1", "luu_tru", "cao", 0)]))

    def test_empty_table(self):
        with pytest.raises(InputError):
            cbt.assess(small([]))

    def test_messages_in_english(self, english):
        with pytest.raises(InputError, match="There is no criterion group"):
            cbt.get_group("an_ninh")


class TestMet:
    @pytest.mark.parametrize("value, met", [(1, True), (0, False), (True, True), (False, False), (1.0, True)])
    def test_one_and_zero_or_true_and_false(self, value, met):
        assert cbt.as_met(value, "MT2") is met

    @pytest.mark.parametrize("bad", ["có", 2, None, 0.5])
    def test_anything_else_names_the_indicator(self, bad):
        with pytest.raises(InputError, match="MT2"):
            cbt.as_met(bad, "MT2")
