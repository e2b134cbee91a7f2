"""Tests of ocopkit.digital: net revenue per channel, sales data helpers and QR codes."""

import pandas as pd
import pytest

from ocopkit import datasets, digital, pricing
from ocopkit.errors import InputError

URL = "https://ocop.example.vn/san-pham/mat-ong-hoa-nhan-500ml"


@pytest.fixture
def shopee():
    return digital.OnlineChannel("Shopee", fee_rate=0.12, fixed_fee=3_000, shipping=15_000, return_rate=0.05)


class TestChannels:
    def test_net_revenue_after_fees_shipping_and_returns(self, shopee):
        result = digital.channel_net(145_000, shopee, orders=100)
        assert result.returned == pytest.approx(5)
        assert result.gross_sales == pytest.approx(95 * 145_000)
        assert result.platform_fees == pytest.approx(0.12 * 95 * 145_000)
        assert result.fixed_fees == 300_000 and result.shipping == 1_500_000
        assert result.net_revenue == pytest.approx(10_322_000)
        assert result.net_margin == pytest.approx(10_322_000 / 13_775_000)

    def test_without_returns_it_matches_the_pricing_split(self, shopee):
        no_returns = digital.OnlineChannel("Shopee", 0.12, 3_000, 15_000)
        split = pricing.split_consumer_price(145_000, no_returns.platform())
        assert digital.channel_net(145_000, no_returns).net_revenue == pytest.approx(split.producer_net)

    def test_returns_cost_the_shipping_of_orders_that_bring_nothing(self):
        own_page = digital.OnlineChannel("Facebook", 0.0, 8_000, 25_000, return_rate=0.5)
        result = digital.channel_net(150_000, own_page, orders=2)
        assert result.net_revenue == pytest.approx(150_000 - 2 * 33_000)
        assert result.net_per_order == pytest.approx((150_000 - 66_000) / 2)

    def test_no_orders_means_no_money_and_no_division_by_zero(self, shopee):
        result = digital.channel_net(145_000, shopee, orders=0)
        assert result.net_revenue == 0 and result.net_margin == 0 and result.net_per_order == 0

    def test_compare_channels_puts_the_best_margin_first(self):
        channels = digital.channels_from_table(datasets.load("topic11_channel_costs"))
        table = digital.compare_channels(150_000, channels, orders=100)
        assert list(table.index)[0] == "Postmart" and len(table) == 6
        assert table["net_margin"].is_monotonic_decreasing

    @pytest.mark.parametrize(
        "kwargs, field",
        [
            ({"fee_rate": 12}, "fee_rate"),
            ({"fee_rate": 0.1, "shipping": -1}, "shipping"),
            ({"fee_rate": 0.1, "return_rate": 0.8}, "return_rate"),
            ({"fee_rate": "5%"}, "fee_rate"),
        ],
    )
    def test_bad_channel_values_name_the_field(self, kwargs, field):
        with pytest.raises(InputError) as error:
            digital.OnlineChannel("Sàn", **kwargs)
        assert error.value.field == field

    def test_bad_price_orders_and_channel(self, shopee):
        with pytest.raises(InputError, match="Giá bán cho người tiêu dùng|Consumer price|số"):
            digital.channel_net("145.000", shopee)
        with pytest.raises(InputError):
            digital.channel_net(145_000, shopee, orders=-1)
        with pytest.raises(InputError, match="OnlineChannel"):
            digital.channel_net(145_000, shopee.platform())

    def test_english_labels(self, english):
        assert digital.column_labels()["net_revenue"] == "Net revenue"

    def test_vietnamese_labels(self):
        assert digital.column_labels()["net_revenue"] == "Tiền về"


class TestChannelPlan:
    @pytest.fixture
    def plan(self):
        return digital.plan_channels(150_000, digital.example_channels(), orders=100, product="Mật ong")

    def test_channels_keep_their_order_and_the_best_is_named(self, plan):
        assert [item.channel for item in plan.channels] == [
            "Postmart",
            "Voso",
            "Shopee",
            "Lazada",
            "TikTok Shop",
            "Facebook",
        ]
        assert plan.best == "Postmart" == plan.ranked()[0].channel
        margins = [item.net_margin for item in plan.ranked()]
        assert margins == sorted(margins, reverse=True)

    def test_the_same_numbers_as_channel_net(self, plan, shopee):
        assert plan.channels[2].net_revenue == pytest.approx(digital.channel_net(150_000, shopee, 100).net_revenue)
        pd.testing.assert_frame_equal(plan.table(), digital.compare_channels(150_000, digital.example_channels(), 100))

    def test_a_tie_goes_to_the_first_channel(self):
        same = [digital.OnlineChannel(name, 0.05) for name in ("A", "B")]
        assert digital.plan_channels(100_000, same).best == "A"

    def test_csv_and_markdown(self, plan, tmp_path):
        text = digital.channel_plan_to_csv(plan, tmp_path / "kenh.csv")
        assert text.splitlines()[0].startswith("Kênh,Số đơn") and text.splitlines()[1].startswith("Postmart,")
        assert (tmp_path / "kenh.csv").read_text(encoding="utf-8-sig") == text
        markdown = digital.channel_plan_to_markdown(plan)
        assert markdown.startswith("## Kênh bán hàng trực tuyến: Mật ong") and "| Postmart |" in markdown


class TestSalesData:
    @pytest.fixture
    def sales(self):
        return datasets.load("topic11_sales")

    def test_monthly_totals(self, sales):
        totals = digital.monthly_totals(sales)
        assert len(totals) == 12 and totals.sum() == sales["doanh_so"].sum()
        wide = digital.monthly_totals(sales, "so_don", by_channel=True)
        assert wide.shape == (12, 6) and wide.to_numpy().sum() == sales["so_don"].sum()

    def test_growth_is_pct_change(self, sales):
        totals = digital.monthly_totals(sales)
        change = digital.growth(totals)
        assert pd.isna(change.iloc[0])
        assert change.iloc[1] == pytest.approx(totals.iloc[1] / totals.iloc[0] - 1)

    def test_net_revenue_and_summary(self, sales):
        table = digital.net_revenue_table(sales, datasets.load("topic11_channel_costs"))
        row = table.iloc[0]
        assert row["tien_ve"] == pytest.approx(
            row["doanh_so"] * (1 - row["phi_san"]) - row["so_don"] * (row["phi_co_dinh"] + row["van_chuyen"])
        )
        summary = digital.channel_summary(table)
        assert summary.index[0] == "Postmart"  # best margin
        assert summary["tien_ve"].idxmax() == "Shopee"  # most money: another question

    def test_rows_and_channels_agree_with_channel_net(self, sales):
        """Per row, the table's formula is channel_net with the row's realised return rate."""
        costs = datasets.load("topic11_channel_costs").set_index("kenh")
        row = sales.iloc[7]
        cost = costs.loc[row["kenh"]]
        channel = digital.OnlineChannel(
            row["kenh"], cost["phi_san"], cost["phi_co_dinh"], cost["van_chuyen"], row["don_hoan"] / row["so_don"]
        )
        expected = digital.channel_net(cost["gia_don"], channel, row["so_don"]).net_revenue
        table = digital.net_revenue_table(sales, costs.reset_index())
        assert table.iloc[7]["tien_ve"] == pytest.approx(expected)

    def test_missing_columns_and_channels_are_explained(self, sales):
        with pytest.raises(InputError, match="doanh_so"):
            digital.monthly_totals(sales.drop(columns="doanh_so"))
        costs = datasets.load("topic11_channel_costs")
        with pytest.raises(InputError, match="Shopee"):
            digital.net_revenue_table(sales, costs[costs["kenh"] != "Shopee"])
        with pytest.raises(InputError):
            digital.growth([1, 2, 3])

    def test_the_season_shows_in_the_data(self, sales):
        totals = digital.monthly_totals(sales)
        assert totals.idxmax() == "2025-12" and digital.growth(totals).idxmax() == "2025-12"


class TestQrCode:
    def test_the_matrix_is_made_for_the_url(self):
        code = digital.product_qr(URL)
        width, height = code.symbol_size(border=0)
        assert width == height == len(code.matrix) == len(code.matrix[0])
        assert code.error == "Q" and code.mode == "byte"
        assert {value for row in code.matrix for value in row} == {0, 1}
        assert digital.product_qr(URL).matrix == code.matrix  # the same page, the same code
        assert digital.product_qr(URL + "-2").matrix != code.matrix  # another page, another code

    def test_png_is_a_valid_image_of_the_expected_size(self):
        import struct

        data = digital.qr_png(URL, scale=4)
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
        width, height = struct.unpack(">II", data[16:24])
        modules = digital.product_qr(URL).symbol_size(border=4)[0]
        assert width == height == modules * 4

    def test_png_opens_in_matplotlib(self):
        import io

        import matplotlib.image as mpimg

        image = mpimg.imread(io.BytesIO(digital.qr_png(URL)), format="png")
        assert image.shape[0] == image.shape[1] > 100

    @pytest.mark.parametrize("bad", ["ocop.example.vn/san-pham", "https://ocop example.vn", "", "ftp://x.vn/a", 42])
    def test_bad_addresses_say_what_to_write(self, bad):
        with pytest.raises(InputError, match="https://|ngoặc kép"):
            digital.product_qr(bad)

    def test_bad_scale(self):
        with pytest.raises(InputError):
            digital.qr_png(URL, scale=0)
        with pytest.raises(InputError, match="1 đến 50"):
            digital.qr_png(URL, scale=2.5)

    def test_english_message(self, english):
        with pytest.raises(InputError, match="not a web address"):
            digital.product_qr("ocop.example.vn")
