"""Tests of ocopkit.pricing."""

import ast
import math
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from ocopkit import pricing
from ocopkit.errors import InputError
from ocopkit.i18n import LOCALE_DIR, set_language
from ocopkit.pricing import (
    CostSheet,
    PlatformChannel,
    Reseller,
    ResellerChannel,
    break_even_units,
    build_price_sheet,
    consumer_price_for,
    cost_plus_price,
    margin_to_markup,
    market_check,
    markup_to_margin,
    price_sheet_to_csv,
    price_sheet_to_markdown,
    round_price,
    split_consumer_price,
    target_margin_price,
    unit_cost,
)

FAST = settings(max_examples=60, deadline=None, database=None)
money = st.floats(1_000, 10_000_000)
margins = st.floats(0, 0.9)


# Every test starts in Vietnamese: tests/conftest.py (vietnamese_by_default).


def tea_sheet() -> CostSheet:
    """Cost of a 100 g box of Shan tuyết tea (synthetic figures)."""
    return CostSheet(
        materials_per_unit=38_000,
        labour_per_unit=12_000,
        packaging_per_unit=9_000,
        overheads_per_period=30_000_000,
        units_per_period=2_000,
        logistics_per_unit=4_000,
    )


def shop_channel() -> ResellerChannel:
    """Distributor keeps 15 %, retailer 25 % of their selling prices."""
    return ResellerChannel("Cửa hàng đặc sản", (Reseller("Nhà phân phối", 0.15), Reseller("Nhà bán lẻ", 0.25)))


def platform_channel() -> PlatformChannel:
    """A platform taking 10 % plus 3,000 đồng, shipping 25,000 paid by the seller."""
    return PlatformChannel("Sàn TMĐT", fee_rate=0.10, fixed_fee=3_000, shipping=25_000)


class TestUnitCost:
    def test_breakdown_spreads_overheads_over_volume(self):
        cost = unit_cost(tea_sheet())
        assert cost.overheads == 15_000
        assert cost.variable == 63_000
        assert cost.total == 78_000
        assert sum(amount for _, amount in cost.parts()) == cost.total

    def test_parts_are_labelled_in_the_current_language(self):
        assert unit_cost(tea_sheet()).parts()[0][0] == "Nguyên vật liệu"
        set_language("en")
        assert unit_cost(tea_sheet()).parts()[0][0] == "Materials"

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"units_per_period": 0}, "units_per_period"),
            ({"materials_per_unit": -1}, "materials_per_unit"),
            ({"labour_per_unit": "12.000"}, "labour_per_unit"),
        ],
    )
    def test_wrong_input_names_its_field(self, changes, field):
        values = dict(units_per_period=100, materials_per_unit=1)
        values.update(changes)
        with pytest.raises(InputError) as info:
            CostSheet(**values)
        assert info.value.field == field


class TestCostPlusPrice:
    def test_adds_markup_on_cost(self):
        assert cost_plus_price(78_000, 0.5) == pytest.approx(117_000)

    def test_markup_typed_as_percent_gets_a_suggestion(self):
        with pytest.raises(InputError, match="0.3"):
            cost_plus_price(78_000, 30)


class TestTargetMarginPrice:
    def test_margin_is_share_of_price(self):
        price = target_margin_price(78_000, 0.35)
        assert (price - 78_000) / price == pytest.approx(0.35)

    @pytest.mark.parametrize("margin", [1, 1.5, 35])
    def test_margin_of_100_percent_or_more_is_an_error(self, margin):
        with pytest.raises(InputError, match="100%") as info:
            target_margin_price(78_000, margin)
        assert info.value.field == "margin"

    def test_margin_error_in_english(self):
        set_language("en")
        with pytest.raises(InputError, match="use a markup"):
            target_margin_price(78_000, 1)

    def test_negative_margin_is_an_error(self):
        with pytest.raises(InputError):
            target_margin_price(78_000, -0.1)


class TestMarginMarkup:
    def test_known_pair(self):
        assert margin_to_markup(0.2) == pytest.approx(0.25)
        assert markup_to_margin(0.25) == pytest.approx(0.2)

    @FAST
    @given(margin=st.floats(0, 0.9))
    def test_margin_round_trip(self, margin):
        assert markup_to_margin(margin_to_markup(margin)) == pytest.approx(margin, abs=1e-12)

    @FAST
    @given(markup=st.floats(0, 9))
    def test_markup_round_trip(self, markup):
        assert margin_to_markup(markup_to_margin(markup)) == pytest.approx(markup, rel=1e-9, abs=1e-12)

    @FAST
    @given(cost=money, markup=st.floats(0, 9))
    def test_both_methods_agree(self, cost, markup):
        assert target_margin_price(cost, markup_to_margin(markup)) == pytest.approx(
            cost_plus_price(cost, markup), rel=1e-9
        )


class TestMarketCheck:
    def test_gap_and_implied_margin(self):
        check = market_check(78_000, 120_000, 130_000)
        assert check.gap == 10_000
        assert check.gap_share == pytest.approx(10_000 / 120_000)
        assert check.implied_margin == pytest.approx(0.35)
        assert check.margin_at_price == pytest.approx(0.4)

    def test_market_price_below_cost_gives_negative_margin(self):
        assert market_check(78_000, 60_000, 90_000).implied_margin < 0

    def test_zero_market_price_is_refused(self):
        with pytest.raises(InputError) as info:
            market_check(78_000, 0, 90_000)
        assert info.value.field == "market_price"


class TestChannels:
    def test_reseller_chain_walks_back_from_shelf_price(self):
        split = split_consumer_price(120_000, shop_channel())
        amounts = [part.amount for part in split.parts]
        assert amounts == pytest.approx([76_500, 13_500, 30_000])
        assert split.producer_net == pytest.approx(76_500)
        assert [part.label for part in split.parts] == ["Nhà sản xuất", "Nhà phân phối", "Nhà bán lẻ"]

    def test_platform_takes_fees_and_shipping(self):
        split = split_consumer_price(120_000, platform_channel())
        assert split.producer_net == pytest.approx(120_000 - 12_000 - 3_000 - 25_000)

    def test_direct_sale_leaves_everything_to_producer(self):
        assert split_consumer_price(95_000, ResellerChannel("Tại vườn")).producer_net == 95_000

    def test_plain_pairs_are_accepted_as_resellers(self):
        channel = ResellerChannel("Chợ", (("Tiểu thương", 0.2),))
        assert channel.resellers == (Reseller("Tiểu thương", 0.2),)

    def test_fees_above_price_leave_a_negative_net(self):
        assert split_consumer_price(20_000, platform_channel()).producer_net < 0

    def test_unknown_channel_is_refused(self):
        with pytest.raises(InputError) as info:
            split_consumer_price(120_000, "Shopee")
        assert info.value.field == "channel"

    def test_platform_fee_typed_as_percent_is_refused(self):
        with pytest.raises(InputError, match="0.15") as info:
            PlatformChannel("Sàn", fee_rate=15)
        assert info.value.field == "fee_rate"

    @FAST
    @given(price=money, chain=st.lists(margins, max_size=4))
    def test_reseller_parts_add_up_to_consumer_price(self, price, chain):
        channel = ResellerChannel("x", tuple(Reseller(f"r{i}", m) for i, m in enumerate(chain)))
        split = split_consumer_price(price, channel)
        assert math.fsum(part.amount for part in split.parts) == pytest.approx(price, rel=1e-12)

    @FAST
    @given(price=money, fee=st.floats(0, 0.5), fixed=st.floats(0, 50_000), shipping=st.floats(0, 100_000))
    def test_platform_parts_add_up_to_consumer_price(self, price, fee, fixed, shipping):
        channel = PlatformChannel("x", fee_rate=fee, fixed_fee=fixed, shipping=shipping)
        split = split_consumer_price(price, channel)
        assert math.fsum(part.amount for part in split.parts) == pytest.approx(price, rel=1e-12)

    @FAST
    @given(net=money, chain=st.lists(margins, max_size=3), fee=st.floats(0, 0.5))
    def test_consumer_price_for_inverts_the_split(self, net, chain, fee):
        channels = [
            ResellerChannel("x", tuple(Reseller("r", m) for m in chain)),
            PlatformChannel("y", fee_rate=fee, fixed_fee=2_000, shipping=20_000),
        ]
        for channel in channels:
            shelf = consumer_price_for(net, channel)
            assert split_consumer_price(shelf, channel).producer_net == pytest.approx(net)


class TestBreakEvenUnits:
    def test_fixed_costs_over_contribution(self):
        assert break_even_units(30_000_000, 95_000, 63_000) == pytest.approx(937.5)

    def test_none_when_price_does_not_cover_variable_cost(self):
        assert break_even_units(30_000_000, 60_000, 63_000) is None

    @FAST
    @given(fixed=st.floats(0, 1e10), variable=st.floats(0, 1e6), contribution=st.floats(1, 1e6))
    def test_profit_is_zero_at_break_even_units(self, fixed, variable, contribution):
        price = variable + contribution
        units = break_even_units(fixed, price, variable)
        profit = units * (price - variable) - fixed
        assert abs(profit) <= 1e-9 * max(fixed, 1.0)
        assert math.ceil(units) * (price - variable) - fixed >= -1e-9 * max(fixed, 1.0)


class TestRoundPrice:
    @pytest.mark.parametrize(
        "price, step, mode, expected",
        [
            (23_260, 500, "up", 23_500),
            (23_260, 500, "down", 23_000),
            (23_260, 500, "nearest", 23_500),
            (23_240, 500, "nearest", 23_000),
            (23_250, 500, "nearest", 23_500),  # halves go up, as shops do
            (23_260, 1000, "up", 24_000),
            (23_500, 1000, "nearest", 24_000),
            (24_000, 1000, "up", 24_000),
            (1500.0000001, 500, "up", 1500),  # float noise does not add a step
        ],
    )
    def test_shop_rounding(self, price, step, mode, expected):
        assert round_price(price, step, mode) == expected

    def test_unknown_mode_is_refused(self):
        with pytest.raises(InputError) as info:
            round_price(23_260, 500, "ceil")
        assert info.value.field == "mode"

    @pytest.mark.parametrize("step", [0, -500, "500"])
    def test_bad_step_is_refused(self, step):
        with pytest.raises(InputError) as info:
            round_price(23_260, step)
        assert info.value.field == "step"


class TestShelfPrice:
    def test_round_up_to_a_step_or_not_at_all(self):
        assert pricing.round_up(109_200, 1000) == 110_000 and pricing.round_up(109_200, 0) == 109_200
        assert isinstance(pricing.round_up(109_200, 1000), float)

    def test_shelf_price_leaves_the_producer_its_net(self):
        shelf = pricing.shelf_price(110_000, shop_channel(), 1000)
        assert shelf == 173_000  # 110,000 / 0.85 / 0.75 = 172,549 → 173,000
        assert split_consumer_price(shelf, shop_channel()).producer_net >= 110_000
        unrounded = consumer_price_for(110_000, shop_channel())
        assert pricing.shelf_price(110_000, shop_channel()) == pytest.approx(unrounded)

    def test_each_channel_split_at_its_own_shelf_price(self):
        channels = (ResellerChannel("Tại vườn"), shop_channel(), platform_channel())
        sheet = build_price_sheet(tea_sheet(), 110_000, market_price=120_000, channels=channels, shelf_rounding=1000)
        assert [split.consumer_price for split in sheet.channels] == [
            pricing.shelf_price(110_000, channel, 1000) for channel in channels
        ]
        assert sheet.market.market_price == 120_000  # the market is compared, not used as the shelf price

    def test_one_consumer_price_or_shelf_prices_not_both(self):
        with pytest.raises(TypeError, match="not both"):
            build_price_sheet(tea_sheet(), 110_000, consumer_price=120_000, shelf_rounding=500)

    def test_cost_and_profit_of_the_producer(self):
        split = split_consumer_price(120_000, shop_channel())  # the producer keeps 76,500
        assert split.cost_and_profit(78_000) == (76_500, 0.0)
        assert split.cost_and_profit(70_000) == (70_000, pytest.approx(6_500))


class TestPriceSheet:
    def make(self, **options):
        options.setdefault("channels", (shop_channel(), platform_channel()))
        return build_price_sheet(tea_sheet(), 95_000, product="Trà Shan tuyết", market_price=120_000, **options)

    def test_sheet_figures(self):
        sheet = self.make()
        assert sheet.margin == pytest.approx((95_000 - 78_000) / 95_000)
        assert sheet.break_even_units == pytest.approx(30_000_000 / 32_000)
        assert sheet.channels[0].consumer_price == 120_000  # market price by default

    def test_markdown_in_vietnamese(self):
        text = price_sheet_to_markdown(self.make())
        assert text.startswith("## Bảng tính giá: Trà Shan tuyết")
        assert "| **Tổng giá thành đơn vị** | **78.000 ₫** |" in text
        assert "#### Cửa hàng đặc sản" in text
        assert "| Nhà sản xuất | 76.500 ₫ |" in text

    def test_markdown_in_english(self):
        set_language("en")
        text = price_sheet_to_markdown(self.make(channels=()))
        assert "### Market check" in text
        assert "Break-even: 938 units per period (planned: 2,000)." in text
        assert "Sales channels" not in text

    def test_markdown_explains_price_below_variable_cost(self):
        sheet = build_price_sheet(tea_sheet(), 60_000)
        assert "không đủ bù chi phí biến đổi" in price_sheet_to_markdown(sheet)

    def test_csv_has_one_row_per_figure(self, tmp_path):
        path = tmp_path / "price.csv"
        text = price_sheet_to_csv(self.make(), path)
        lines = text.splitlines()
        assert lines[0] == "Phần,Khoản mục,Giá trị"
        assert "Giá thành đơn vị,Tổng giá thành đơn vị,78000.0" in lines
        assert path.read_text(encoding="utf-8-sig") == text


def _msgids(module) -> set[str]:
    """The literal strings a module passes to _()."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
    }


class TestCatalog:
    def test_every_message_is_translated(self):
        with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "tools.po").open("rb") as handle:
            catalog = {m.id: m.string for m in read_po(handle, locale="vi") if m.id}
        for msgid in _msgids(pricing):
            assert catalog.get(msgid), msgid
