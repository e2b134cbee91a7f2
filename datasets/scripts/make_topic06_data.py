"""Make the synthetic datasets of Topic 6 (post-harvest handling), reproducibly.

The files are SYNTHETIC: four supply chains of imagined cooperatives (dragon
fruit, lychee, leafy vegetables and paddy rice), the share lost at each stage
of each chain, and a few ways to cut a stage's loss with what they cost. The
products, provinces and kinds of stage are real; the cooperatives, volumes,
prices, loss rates and costs are invented for teaching.

How the numbers were chosen
---------------------------
- Each chain starts from a loss profile written by hand, so that the whole
  chain loses about what published figures say for such products: fruit and
  vegetables between 10 and 30% (FAO, as reported by freshplaza.com,
  29/01/2018), rice about 10 to 13% (Resolution 48/NQ-CP, 2009). The rice
  profile follows the order of the stage-by-stage figures of a student essay
  on the Mekong Delta (123docz, document 583903), a low-confidence source.
- A fixed seed then moves every rate by -0.5, 0 or +0.5 percentage points, so
  the tables look measured rather than made up.
- A loss rate is the share of what *arrives* at a stage that is lost there,
  so losses compound along the chain.
- Each way to cut a loss names its stage, the rate after the change, the
  investment, the yearly running cost and a useful life. The rate before is
  copied from the chain, so the two tables always agree.

Run from the repository root::

    python datasets/scripts/make_topic06_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211007  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent
NUDGES = (-0.005, 0.0, 0.005)
FRUIT_STAGES = ("Thu hoạch", "Phân loại", "Đóng gói", "Vận chuyển", "Bảo quản", "Bán lẻ")
RICE_STAGES = ("Cắt và gom lúa", "Tuốt lúa", "Phơi sấy", "Bảo quản", "Vận chuyển", "Xay xát")

# (code, product, province, cooperative, yearly harvest in kg, selling price in đồng/kg,
#  stages, loss profile as fractions of what arrives at each stage).
CHAINS = [
    ("TL", "Thanh long ruột đỏ", "Bình Thuận", "HTX thanh long Hàm Minh (giả định)", 50_000, 25_000,
     FRUIT_STAGES, (0.030, 0.060, 0.020, 0.070, 0.090, 0.050)),
    ("VAI", "Vải thiều", "Bắc Giang", "HTX vải thiều Phượng Sơn (giả định)", 30_000, 30_000,
     FRUIT_STAGES, (0.040, 0.050, 0.030, 0.080, 0.120, 0.060)),
    ("RAU", "Rau cải ngọt VietGAP", "Lâm Đồng", "HTX rau an toàn Xuân Thọ (giả định)", 20_000, 15_000,
     FRUIT_STAGES, (0.050, 0.080, 0.020, 0.060, 0.050, 0.100)),
    ("LUA", "Lúa tươi (đến gạo)", "An Giang", "HTX nông nghiệp Tân Hòa (giả định)", 1_200_000, 8_000,
     RICE_STAGES, (0.030, 0.020, 0.025, 0.015, 0.005, 0.020)),
]

# (code, chain, measure, stage, rate after, investment in đồng, yearly running cost in đồng,
#  useful life in years). Costs are rough orders of size for a cooperative, not quotes.
INTERVENTIONS = [
    ("TL1", "TL", "Sọt nhựa có lỗ thông hơi thay bao tải (300 sọt)", "Vận chuyển", 0.025,
     25_500_000, 3_000_000, 5),
    ("TL2", "TL", "Nhà sơ chế có mái che và bàn phân loại", "Phân loại", 0.035,
     60_000_000, 5_000_000, 10),
    ("TL3", "TL", "Kho lạnh nhỏ 30 m³", "Bảo quản", 0.030, 320_000_000, 40_000_000, 10),
    ("TL4", "TL", "Kho lạnh lớn 100 m³", "Bảo quản", 0.020, 900_000_000, 110_000_000, 12),
    ("VAI1", "VAI", "Sọt nhựa có lỗ thông hơi (200 sọt)", "Vận chuyển", 0.030, 17_000_000, 2_000_000, 5),
    ("VAI2", "VAI", "Thu hái sáng sớm, để quả trong bóng râm trước khi đóng gói", "Thu hoạch", 0.020,
     4_000_000, 6_000_000, 3),
    ("VAI3", "VAI", "Kho lạnh nhỏ 20 m³", "Bảo quản", 0.040, 250_000_000, 35_000_000, 10),
    ("RAU1", "RAU", "Sọt nhựa có lỗ thông hơi (150 sọt)", "Vận chuyển", 0.020, 12_000_000, 1_500_000, 5),
    ("RAU2", "RAU", "Phòng làm mát sơ bộ ngay sau thu hoạch", "Bảo quản", 0.020, 90_000_000, 15_000_000, 8),
    ("LUA1", "LUA", "Máy sấy vỉ ngang 8 tấn mỗi mẻ", "Phơi sấy", 0.010, 150_000_000, 20_000_000, 10),
    ("LUA2", "LUA", "Bao kín khí để trữ lúa", "Bảo quản", 0.005, 30_000_000, 10_000_000, 3),
]


def loss_rates(profile, rng):
    """The profile with every rate moved by half a percentage point or not at all."""
    return [round(rate + rng.choice(NUDGES), 3) for rate in profile]


def make_tables(rng):
    """Return the rows of the chains, stages and interventions tables."""
    chains, stages, rates = [], [], {}
    for code, product, province, coop, harvest, price, names, profile in CHAINS:
        chains.append({"ma_chuoi": code, "san_pham": product, "tinh": province, "chu_the": coop,
                       "san_luong_kg": harvest, "gia_ban_dong_kg": price})
        for order, (name, rate) in enumerate(zip(names, loss_rates(profile, rng)), start=1):
            stages.append({"ma_chuoi": code, "thu_tu": order, "cong_doan": name,
                           "ty_le_ton_that": f"{rate:.3f}"})
            rates[code, name] = rate
    measures = [{"ma_bien_phap": code, "ma_chuoi": chain, "bien_phap": measure, "cong_doan": stage,
                 "ty_le_truoc": f"{rates[chain, stage]:.3f}", "ty_le_sau": f"{after:.3f}",
                 "chi_phi_dau_tu": cost, "chi_phi_hang_nam": running, "tuoi_tho_nam": life}
                for code, chain, measure, stage, after, cost, running, life in INTERVENTIONS]
    return chains, stages, measures


def main():
    chains, stages, measures = make_tables(random.Random(SEED))
    write_rows(HERE / "topic06_chains.csv", chains)
    write_rows(HERE / "topic06_chain_stages.csv", stages)
    write_rows(HERE / "topic06_interventions.csv", measures)


if __name__ == "__main__":
    main()
