"""Tests of ocopkit.postharvest: compounding losses, value lost, interventions and payback."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit import datasets, postharvest
from ocopkit.errors import InputError
from ocopkit.i18n import format_percent
from ocopkit.postharvest import Intervention, Stage

STAGES = {"Thu hoạch": 0.04, "Phân loại": 0.06, "Vận chuyển": 0.08, "Bán lẻ": 0.05}

rates = st.lists(st.floats(0, postharvest.MAX_STAGE_LOSS), min_size=1, max_size=8)
harvests = st.floats(1, 1e7)
prices = st.floats(1, 1e6)


def named(values):
    """Stages named 1, 2, … with the given rates."""
    return [(f"công đoạn {number}", rate) for number, rate in enumerate(values, start=1)]


class TestCompounding:
    def test_the_exercise_example(self):
        chain = postharvest.chain_losses(10_000, STAGES, 25_000)
        assert chain.delivered == pytest.approx(10_000 * 0.96 * 0.94 * 0.92 * 0.95)
        assert chain.loss_rate == pytest.approx(1 - 0.96 * 0.94 * 0.92 * 0.95)
        assert chain.loss_rate < sum(STAGES.values())

    def test_each_stage_loses_a_share_of_what_arrives(self):
        chain = postharvest.chain_losses(1000, {"a": 0.05, "b": 0.10, "c": 0.10}, 1)
        assert [round(s.kg_in, 2) for s in chain.stages] == [1000, 950, 855]
        assert [round(s.kg_lost, 2) for s in chain.stages] == [50, 95, 85.5]
        assert chain.delivered == pytest.approx(769.5)

    def test_compound_loss_rate(self):
        assert postharvest.compound_loss_rate([0.05, 0.10, 0.10]) == pytest.approx(0.2305)
        assert postharvest.compound_loss_rate([0.3]) == pytest.approx(0.3)

    def test_value_lost_is_kilograms_times_price(self):
        chain = postharvest.chain_losses(10_000, STAGES, 25_000)
        assert chain.value_lost == pytest.approx(chain.lost * 25_000)
        assert sum(s.value_lost for s in chain.stages) == pytest.approx(chain.value_lost)
        assert chain.revenue + chain.value_lost == pytest.approx(10_000 * 25_000)

    def test_worst_stage_and_lookup(self):
        chain = postharvest.chain_losses(10_000, STAGES, 25_000)
        assert chain.worst_stage.name == "Vận chuyển"
        assert chain.stage("Bán lẻ").loss_rate == 0.05
        with pytest.raises(InputError, match="Kho"):
            chain.stage("Kho")

    def test_table_has_the_exercise_columns(self):
        table = postharvest.chain_losses(10_000, STAGES, 25_000).table()
        assert list(table.columns) == [
            "cong_doan",
            "ty_le_ton_that",
            "kg_vao",
            "kg_mat",
            "kg_con_lai",
            "gia_tri_mat",
            "ty_trong_mat",
        ]
        assert table["ty_trong_mat"].sum() == pytest.approx(1)

    def test_a_chain_without_losses(self):
        chain = postharvest.chain_losses(500, {"a": 0, "b": 0}, 10)
        assert chain.delivered == 500 and chain.loss_rate == 0
        assert list(postharvest.chain_losses(500, {"a": 0}, 10).table()["ty_trong_mat"]) == [0]

    @given(rates, harvests, prices)
    def test_remaining_volume_never_increases_along_the_chain(self, values, harvest, price):
        chain = postharvest.chain_losses(harvest, named(values), price)
        remaining = [harvest] + [s.kg_out for s in chain.stages]
        assert all(later <= earlier for earlier, later in zip(remaining, remaining[1:]))
        assert all(s.kg_out == pytest.approx(s.kg_in - s.kg_lost) for s in chain.stages)

    @given(rates, harvests, prices)
    def test_what_is_lost_and_what_arrives_make_the_harvest(self, values, harvest, price):
        chain = postharvest.chain_losses(harvest, named(values), price)
        assert sum(s.kg_lost for s in chain.stages) + chain.delivered == pytest.approx(harvest)

    @given(rates)
    def test_chain_rate_lies_between_the_largest_and_the_sum(self, values):
        rate = postharvest.compound_loss_rate(values)
        assert max(values) - 1e-12 <= rate <= sum(values) + 1e-12
        assert rate == pytest.approx(1 - math.prod(1 - v for v in values))

    @given(rates)
    def test_order_of_stages_does_not_change_what_arrives(self, values):
        forward = postharvest.chain_losses(100, named(values), 1).delivered
        backward = postharvest.chain_losses(100, named(values)[::-1], 1).delivered
        assert forward == pytest.approx(backward)


class TestStages:
    def test_accepts_a_mapping_pairs_stages_or_a_table(self):
        expected = (Stage("a", 0.1), Stage("b", 0.2))
        assert postharvest.check_stages({"a": 0.1, "b": 0.2}) == expected
        assert postharvest.check_stages([("a", 0.1), ["b", 0.2]]) == expected
        assert postharvest.check_stages(list(expected)) == expected
        table = pd.DataFrame({"cong_doan": ["a", "b"], "ty_le_ton_that": [0.1, 0.2]})
        assert postharvest.check_stages(table) == expected

    def test_names_are_trimmed(self):
        assert postharvest.check_stages({" Vận chuyển ": 0.1})[0].name == "Vận chuyển"

    @pytest.mark.parametrize(
        "stages, words",
        [
            ({}, "ít nhất một công đoạn"),
            ({"": 0.1}, "chưa có tên"),
            ([("a", 0.1), ("a", 0.2)], "cùng tên 'a'"),
            ({"a": 7}, "0.07"),
            ({"a": "7%"}, "chữ"),
            ({"a": -0.1}, "từ 0 đến 0.9"),
            ({"a": float("nan")}, "số thông thường"),
            ("Vận chuyển", "từng cặp"),
            ([0.1, 0.2], "từng cặp"),
        ],
    )
    def test_bad_stages_say_what_to_fix(self, stages, words):
        with pytest.raises(InputError, match=words):
            postharvest.check_stages(stages)

    def test_a_table_without_the_columns_is_explained(self):
        with pytest.raises(InputError, match="ty_le_ton_that"):
            postharvest.stages_from_table(pd.DataFrame({"cong_doan": ["a"]}))
        with pytest.raises(InputError, match="DataFrame"):
            postharvest.stages_from_table({"cong_doan": ["a"]})

    @pytest.mark.parametrize("harvest, price, field", [(0, 1, "harvest"), (100, -5, "price"), ("1.000", 1, "harvest")])
    def test_harvest_and_price_must_be_positive_numbers(self, harvest, price, field):
        with pytest.raises(InputError) as error:
            postharvest.chain_losses(harvest, STAGES, price)
        assert error.value.field == field

    def test_messages_in_english(self, english):
        with pytest.raises(InputError, match="Two stages are called 'a'"):
            postharvest.check_stages([("a", 0.1), ("a", 0.2)])
        with pytest.raises(InputError, match="Loss rate of a is written as a fraction"):
            postharvest.check_stages({"a": 12})


CRATES = Intervention(
    "Sọt nhựa", "Vận chuyển", new_rate=0.03, investment=20_000_000, running_cost=1_000_000, life_years=5
)


class TestIntervention:
    def test_later_stages_still_take_their_share(self):
        result = postharvest.assess_intervention(10_000, STAGES, 25_000, CRATES)
        kept_at_transport = result.before.stage("Vận chuyển").kg_in * (0.08 - 0.03)
        assert 0 < result.kg_saved < kept_at_transport
        assert result.kg_saved == pytest.approx(kept_at_transport * (1 - 0.05))

    def test_savings_and_payback(self):
        result = postharvest.assess_intervention(10_000, STAGES, 25_000, CRATES)
        assert result.value_saved == pytest.approx(result.kg_saved * 25_000)
        assert result.net_saving == pytest.approx(result.value_saved - 1_000_000)
        assert result.payback_years == pytest.approx(20_000_000 / result.net_saving)
        assert result.pays_back_within_life is True

    def test_a_running_cost_above_the_saving_never_pays_back(self):
        costly = Intervention("Kho lạnh", "Vận chuyển", 0.03, 500_000_000, running_cost=900_000_000, life_years=10)
        result = postharvest.assess_intervention(10_000, STAGES, 25_000, costly)
        assert result.net_saving < 0 and result.payback_years is None
        assert result.pays_back_within_life is False

    def test_without_a_life_there_is_no_verdict(self):
        free = Intervention("Hái sáng sớm", "Thu hoạch", 0.02, 0)
        result = postharvest.assess_intervention(10_000, STAGES, 25_000, free)
        assert result.payback_years == 0 and result.pays_back_within_life is None

    @pytest.mark.parametrize(
        "measure, field, words",
        [
            (Intervention("Sọt", "Kho", 0.01, 0), "stage", "không có công đoạn nào tên 'Kho'"),
            (Intervention("Sọt", "Vận chuyển", 0.12, 0), "new_rate", "cao hơn hiện nay"),
            (Intervention("Sọt", "Vận chuyển", 3, 0), "new_rate", "0.03"),
            (Intervention("Sọt", "Vận chuyển", 0.03, -1), "investment", "âm"),
            (Intervention("Sọt", "Vận chuyển", 0.03, 0, running_cost="1 triệu"), "running_cost", "chữ"),
            (Intervention("Sọt", "Vận chuyển", 0.03, 0, life_years=0), "life_years", "lớn hơn 0"),
        ],
    )
    def test_bad_interventions_say_what_to_fix(self, measure, field, words):
        with pytest.raises(InputError, match=words) as error:
            postharvest.assess_intervention(10_000, STAGES, 25_000, measure)
        assert error.value.field == field

    @settings(max_examples=60)
    @given(rates, st.data())
    def test_closed_form_and_no_loss_of_produce(self, values, data):
        stages = named(values)
        index = data.draw(st.integers(0, len(stages) - 1))
        name, old = stages[index]
        new = data.draw(st.floats(0, old))
        result = postharvest.assess_intervention(1000, stages, 10, Intervention("x", name, new, 0))
        assert result.kg_saved >= -1e-9
        assert result.after.delivered == pytest.approx(result.before.delivered * (1 - new) / (1 - old))

    def test_compare_puts_the_quickest_first_and_never_last(self):
        measures = [
            Intervention("kho", "Vận chuyển", 0.01, 900_000_000, 800_000_000),
            Intervention("chậm", "Phân loại", 0.03, 50_000_000, 0),
            Intervention("nhanh", "Vận chuyển", 0.03, 5_000_000, 0),
        ]
        table = postharvest.compare_interventions(10_000, STAGES, 25_000, measures)
        assert list(table["bien_phap"]) == ["nhanh", "chậm", "kho"]
        assert pd.isna(table["hoan_von_nam"].iloc[-1]) and table["loi_ich_rong_nam"].iloc[-1] < 0


class TestCourseData:
    def test_example_chains_load_with_their_interventions(self):
        for code in ("TL", "VAI", "RAU", "LUA"):
            chain = postharvest.example_chain(code)
            assert len(chain.stages) == 6 and chain.interventions and chain.harvest > 0
            stages = {s.name for s in chain.stages}
            assert {m.stage for m in chain.interventions} <= stages

    def test_unknown_chain_lists_the_known_ones(self):
        with pytest.raises(InputError, match="TL, VAI, RAU, LUA"):
            postharvest.example_chain("XOAI")

    def test_rates_before_match_the_chain(self):
        stages = datasets.load("topic06_chain_stages").set_index(["ma_chuoi", "cong_doan"])["ty_le_ton_that"]
        measures = datasets.load("topic06_interventions")
        for row in measures.itertuples():
            assert row.ty_le_truoc == stages[row.ma_chuoi, row.cong_doan], row.ma_bien_phap
            assert row.ty_le_sau < row.ty_le_truoc, row.ma_bien_phap

    def test_chain_totals_fall_within_published_ranges(self):
        for code, low, high in (("TL", 0.10, 0.30), ("VAI", 0.10, 0.35), ("RAU", 0.10, 0.35), ("LUA", 0.09, 0.13)):
            chain = postharvest.example_chain(code)
            assert low <= postharvest.chain_losses(chain.harvest, chain.stages, chain.price).loss_rate <= high

    def test_the_exercise_choice_is_not_the_smallest_payback_overall(self):
        # Part 4 teaches that a negative payback means "never": the trap must exist in the data.
        chain = postharvest.example_chain("TL")
        table = postharvest.compare_interventions(chain.harvest, chain.stages, chain.price, list(chain.interventions))
        raw = table["chi_phi_dau_tu"] / table["loi_ich_rong_nam"]
        assert raw.idxmin() != 0 and (raw < 0).any()

    def test_published_rates_have_a_source_and_a_confidence(self):
        rates = datasets.load("postharvest_loss_rates")
        assert rates["nguon"].notna().all()
        assert set(rates["do_tin_cay"]) == {"cao", "trung bình", "thấp"}
        assert (rates["do_tin_cay"] == "thấp").sum() == 18  # only the student essay
        both = rates.dropna(subset=["ton_that_thap_pct", "ton_that_cao_pct"])
        assert (both["ton_that_thap_pct"] <= both["ton_that_cao_pct"]).all()


class TestExports:
    @pytest.fixture
    def result(self):
        chain = postharvest.example_chain("TL")
        return postharvest.assess_intervention(chain.harvest, chain.stages, chain.price, chain.interventions[0])

    def test_share_of_losses_is_the_table_column(self, result):
        chain = result.before
        assert [chain.share_of_losses(s) for s in chain.stages] == list(chain.table()["ty_trong_mat"])
        assert sum(chain.share_of_losses(s) for s in chain.stages) == pytest.approx(1)
        nothing_lost = postharvest.chain_losses(100, {"a": 0.0}, 1_000)
        assert nothing_lost.share_of_losses(nothing_lost.stages[0]) == 0

    def test_csv_one_row_per_stage_now_and_after(self, result, tmp_path):
        text = postharvest.losses_to_csv(result, tmp_path / "ton-that.csv")
        header, first, *rest = text.splitlines()
        assert header.startswith("Công đoạn,Tỷ lệ tổn thất,kg đầu vào") and len(rest) == len(result.before.stages) - 1
        assert first.split(",")[0] == result.before.stages[0].name
        assert (tmp_path / "ton-that.csv").read_text(encoding="utf-8-sig") == text

    def test_markdown_section(self, result):
        text = postharvest.losses_to_markdown(result, "Thanh long")
        assert text.startswith("## Tổn thất sau thu hoạch: Thanh long")
        assert "| Bảo quản | 9,5% |" in text and "Hoàn vốn: 7 tháng" in text
        assert postharvest.losses_to_markdown(result).startswith("## Tổn thất sau thu hoạch\n")


class TestWords:
    def test_payback_text(self):
        assert postharvest.payback_text(None).startswith("không bao giờ")
        assert postharvest.payback_text(0.56) == "7 tháng"
        assert postharvest.payback_text(13.26) == "13,3 năm"

    def test_payback_text_in_english(self, english):
        assert postharvest.payback_text(2.5) == "2.5 years"
        assert format_percent(0.075) == "7.5%"
