"""Make the synthetic datasets of Topic 11 (digital conversion in the OCOP programme), reproducibly.

Both files are SYNTHETIC. ``topic11_channel_costs.csv`` holds the exercise's
ASSUMPTIONS about what each online channel costs a seller (fee as a share of
the order value, a fixed fee per order, shipping paid by the seller, the share
of orders returned). They are round figures set by hand for teaching, NOT the
tariff of any platform: platforms change their fees often, so a cooperative
must read the current terms of each platform before it signs up.

``topic11_sales.csv`` holds twelve months (2025) of online sales of one
imagined product, a 500 ml bottle of longan-flower honey of an imagined
cooperative, on six channels. Orders are drawn with a fixed seed around a
level set by hand per channel, a season set by hand (Tết, mid-year sales,
the year-end sales days) and a trend per channel (TikTok Shop grows fastest).
Returned orders are drawn around each channel's assumed return rate.

Run from the repository root::

    python datasets/scripts/make_topic11_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211111  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent

# (channel, fee rate, fixed fee per order, shipping per order, return rate, price per order, note)
CHANNELS = [
    ("Postmart", 0.05, 0, 20_000, 0.02, 150_000,
     "Sàn của Bưu điện Việt Nam; giả định của bài, không phải biểu phí thật"),
    ("Voso", 0.06, 0, 22_000, 0.03, 150_000,
     "Sàn của Viettel Post; giả định của bài, không phải biểu phí thật"),
    ("Shopee", 0.12, 3_000, 15_000, 0.05, 145_000,
     "Giả định của bài, không phải biểu phí thật"),
    ("Lazada", 0.11, 3_000, 16_000, 0.06, 145_000,
     "Giả định của bài, không phải biểu phí thật"),
    ("TikTok Shop", 0.10, 3_000, 15_000, 0.08, 140_000,
     "Giả định của bài, không phải biểu phí thật"),
    ("Facebook", 0.0, 8_000, 25_000, 0.04, 150_000,
     "Trang bán hàng riêng: không có phí sàn; phí cố định là tiền quảng cáo cho mỗi đơn (giả định)"),
]
# Orders in an ordinary month at the start of the year, and growth per month.
LEVEL = {"Postmart": 40, "Voso": 30, "Shopee": 110, "Lazada": 45, "TikTok Shop": 35, "Facebook": 70}
TREND = {"Postmart": 0.02, "Voso": 0.02, "Shopee": 0.01, "Lazada": -0.01, "TikTok Shop": 0.09,
         "Facebook": 0.0}
# Honey sells before Tết (late January 2025), in the mid-year and year-end sales days, less in summer.
SEASON = [1.6, 0.8, 0.9, 0.9, 0.9, 1.0, 0.8, 0.8, 1.0, 1.0, 1.2, 1.5]


def main() -> None:
    rng = random.Random(SEED)
    write_rows(HERE / "topic11_channel_costs.csv", CHANNELS,
               ["kenh", "phi_san", "phi_co_dinh", "van_chuyen", "ty_le_hoan", "gia_don", "ghi_chu"])
    sales = []
    for month in range(1, 13):
        for name, _fee, _fixed, _ship, returns, price, _note in CHANNELS:
            expected = LEVEL[name] * SEASON[month - 1] * (1 + TREND[name]) ** (month - 1)
            orders = max(1, round(expected * rng.uniform(0.9, 1.1)))
            returned = min(orders, round(orders * returns * rng.uniform(0.6, 1.4)))
            sales.append([f"2025-{month:02d}", name, orders, returned, (orders - returned) * price])
    write_rows(HERE / "topic11_sales.csv", sales, ["thang", "kenh", "so_don", "don_hoan", "doanh_so"])


if __name__ == "__main__":
    main()
