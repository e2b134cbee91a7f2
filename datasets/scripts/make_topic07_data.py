"""Make the synthetic datasets of Topic 7 (a sustainable tourism cooperative), reproducibly.

Both files are SYNTHETIC. They describe an invented community-tourism
cooperative, *HTX Du lịch cộng đồng Bản Mây*, in a village of Lào Cai
province: ten member households, and one year of the cooperative's own
accounts month by month. Lào Cai is real and has community-tourism OCOP
products; the village, the cooperative, the households, the names and every
figure are invented for teaching and describe no real producer or place.

topic07_members.csv
    Each household's capital contribution and the value of the services it
    provided to guests through the cooperative in the year (rooms, meals,
    guiding, performances, brocade workshops, transport). Written by hand;
    the seed moves each figure by at most 10 %, rounded to 500,000 đồng.
topic07_monthly.csv
    Visitors per month and on the busiest day of the month, the
    cooperative's revenue, fixed costs and variable costs. The shape of the
    year is written by hand (busy at Tết and in spring, at the 30 April
    holidays and when the rice terraces ripen in September and October;
    quiet in the cold and rainy months); the seed moves the visitors by at
    most 6 %, and draws the revenue and variable cost per visitor and the
    busiest day's share of the month.

Run from the repository root::

    python datasets/scripts/make_topic07_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211019  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent
ROUND_MONEY = 500_000       # members' figures are rounded to this many đồng
ROUND_ACCOUNTS = 100_000    # monthly accounts are rounded to this many đồng

# (code, household, main service, capital contribution, value of services through the cooperative), đồng.
MEMBERS = [
    ("TV01", "Hộ Lý Văn Phúc", "Homestay", 60_000_000, 310_000_000),
    ("TV02", "Hộ Vàng Thị Mai", "Homestay", 50_000_000, 260_000_000),
    ("TV03", "Hộ Giàng A Chính", "Homestay", 40_000_000, 205_000_000),
    ("TV04", "Hộ Tẩn Thị Xuân", "Homestay và tắm lá thuốc", 40_000_000, 180_000_000),
    ("TV05", "Hộ Lò Văn Thắng", "Ẩm thực", 30_000_000, 150_000_000),
    ("TV06", "Hộ Hoàng Thị Lan", "Ẩm thực", 20_000_000, 95_000_000),
    ("TV07", "Hộ Sùng A Páo", "Hướng dẫn viên", 10_000_000, 120_000_000),
    ("TV08", "Hộ Đặng Văn Quý", "Văn nghệ dân gian", 10_000_000, 45_000_000),
    ("TV09", "Hộ Ma Thị Hoa", "Dệt thổ cẩm", 20_000_000, 60_000_000),
    ("TV10", "Hộ Nguyễn Văn Hùng", "Vận chuyển khách", 20_000_000, 75_000_000),
]

# Visitors in each month, January to December: the invented shape of the year.
VISITORS = [1150, 3550, 2450, 2700, 2050, 1650, 1250, 1200, 3900, 3350, 1500, 1100]
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
FIXED_COSTS = 68_000_000  # a month: managers' pay, upkeep of paths and toilets, marketing, depreciation
EXTRA_FIXED = {3: 12_000_000, 10: 8_000_000}  # repairing the path after Tết; a tourism fair
REVENUE_PER_VISITOR = (88_000, 96_000)        # tickets, guiding fees, commissions, OCOP products sold
VARIABLE_PER_VISITOR = (36_000, 41_000)       # cleaning, water, guides paid per group, community fee
BUSIEST_DAY_FACTOR = (1.9, 2.3)               # the busiest day against an average day of the month


def rounded(amount, step):
    """Round an amount to the nearest multiple of step."""
    return int(round(amount / step)) * step


def make_members(rng):
    """The ten member households, with figures moved by at most 10 %."""
    rows = []
    for code, household, service, capital, patronage in MEMBERS:
        rows.append({"ma_thanh_vien": code, "ho_thanh_vien": household, "dich_vu_chinh": service,
                     "von_gop": rounded(capital * rng.uniform(0.9, 1.1), ROUND_MONEY),
                     "gia_tri_giao_dich": rounded(patronage * rng.uniform(0.9, 1.1), ROUND_MONEY)})
    return rows


def make_month(rng, month):
    """One month of the cooperative's accounts."""
    visitors = rounded(VISITORS[month - 1] * rng.uniform(0.94, 1.06), 10)
    busiest = round(visitors / DAYS[month - 1] * rng.uniform(*BUSIEST_DAY_FACTOR))
    revenue = rounded(visitors * rng.uniform(*REVENUE_PER_VISITOR), ROUND_ACCOUNTS)
    variable = rounded(visitors * rng.uniform(*VARIABLE_PER_VISITOR), ROUND_ACCOUNTS)
    return {"thang": month, "so_khach": visitors, "khach_ngay_cao_nhat": busiest, "doanh_thu": revenue,
            "chi_phi_co_dinh": FIXED_COSTS + EXTRA_FIXED.get(month, 0), "chi_phi_bien_doi": variable}


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic07_members.csv", make_members(rng))
    write_rows(HERE / "topic07_monthly.csv", [make_month(rng, month) for month in range(1, 13)])


if __name__ == "__main__":
    main()
