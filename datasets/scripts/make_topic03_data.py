"""Make the three synthetic datasets of Topic 3 (production and business plans), reproducibly.

All three files are SYNTHETIC: invented for teaching, not the accounts of any
real cooperative. The five products are typical OCOP products of the regions
named; each cost item starts from a plausible amount written by hand (in đồng
per unit, or per month for costs that do not change with volume) and the seed
moves it up or down by at most 5 %, rounded to 500 đồng per unit or to
500,000 đồng per month. Volumes, prices, investments and the seasonal
profiles are written by hand; each profile averages 1 over the twelve months,
so that twelve ordinary months sell as much as the year.

Run from the repository root::

    python datasets/scripts/make_topic03_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211004  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent
SPREAD = 0.05  # largest change the seed makes to a hand-written amount
UNIT_STEP, MONTH_STEP = 500, 500_000

# (code, product, region, unit of sale, units sold in an ordinary month, price the
#  cooperative receives per unit, initial investment), all amounts in đồng.
PRODUCTS = [
    ("SP01", "Mật ong hoa nhãn", "Hưng Yên", "chai 500 ml", 1000, 135_000, 180_000_000),
    ("SP02", "Xoài sấy dẻo", "Sơn La", "túi 200 g", 3000, 52_000, 250_000_000),
    ("SP03", "Gạo thơm", "Sóc Trăng", "túi 5 kg", 4000, 112_000, 300_000_000),
    ("SP04", "Nước mắm cá cơm", "Kiên Giang", "chai 500 ml", 2500, 68_000, 220_000_000),
    ("SP05", "Chè búp khô", "Thái Nguyên", "hộp 200 g", 1500, 85_000, 200_000_000),
]

# Cost items: (product, item, category, amount). Categories other than
# "chi_phi_chung" are variable costs, written per unit; "chi_phi_chung"
# (overheads) are fixed costs, written per month.
COSTS = [
    ("SP01", "Mật ong nguyên liệu mua của hộ nuôi ong (khoảng 0,7 kg mỗi chai)", "nguyen_lieu", 84_000),
    ("SP01", "Lọc, hạ thủy phần, chiết chai (trả công theo sản phẩm)", "nhan_cong", 5000),
    ("SP01", "Chai thủy tinh, nắp, nhãn, tem truy xuất nguồn gốc", "bao_bi", 12_000),
    ("SP01", "Vận chuyển đến đại lý, cửa hàng", "van_chuyen", 4000),
    ("SP01", "Thuê xưởng, điện, nước", "chi_phi_chung", 5_000_000),
    ("SP01", "Lương quản lý, kế toán", "chi_phi_chung", 12_000_000),
    ("SP01", "Kiểm nghiệm chất lượng, quảng bá, hội chợ", "chi_phi_chung", 3_000_000),
    ("SP02", "Xoài tươi (khoảng 1,2 kg mỗi túi)", "nguyen_lieu", 18_000),
    ("SP02", "Đường, điện chạy máy sấy", "nguyen_lieu", 5000),
    ("SP02", "Gọt, thái, xếp khay, sấy (trả công theo sản phẩm)", "nhan_cong", 8000),
    ("SP02", "Túi zip in nhãn, gói hút ẩm", "bao_bi", 4000),
    ("SP02", "Vận chuyển đến đại lý, cửa hàng", "van_chuyen", 3000),
    ("SP02", "Thuê xưởng, bảo dưỡng máy sấy", "chi_phi_chung", 8_000_000),
    ("SP02", "Lương quản lý, kế toán, thủ kho", "chi_phi_chung", 15_000_000),
    ("SP02", "Kiểm nghiệm, chứng nhận, quảng bá", "chi_phi_chung", 4_000_000),
    ("SP03", "Lúa thơm mua theo hợp đồng liên kết (khoảng 8 kg lúa mỗi túi)", "nguyen_lieu", 80_000),
    ("SP03", "Sấy, xay xát, đánh bóng, đóng túi (công và điện)", "nhan_cong", 8000),
    ("SP03", "Túi hút chân không, thùng carton", "bao_bi", 6000),
    ("SP03", "Vận chuyển đến đại lý, siêu thị", "van_chuyen", 6000),
    ("SP03", "Thuê kho, bảo dưỡng máy xay", "chi_phi_chung", 15_000_000),
    ("SP03", "Lương quản lý, kế toán, thủ kho", "chi_phi_chung", 20_000_000),
    ("SP03", "Kiểm nghiệm, chứng nhận, quảng bá", "chi_phi_chung", 5_000_000),
    ("SP04", "Cá cơm và muối để ủ chượp", "nguyen_lieu", 30_000),
    ("SP04", "Kéo rút, lọc, đóng chai (trả công theo sản phẩm)", "nhan_cong", 5000),
    ("SP04", "Chai thủy tinh, nắp, nhãn", "bao_bi", 9000),
    ("SP04", "Vận chuyển đến đại lý, cửa hàng", "van_chuyen", 6000),
    ("SP04", "Thuê nhà thùng, bảo dưỡng thùng ủ", "chi_phi_chung", 10_000_000),
    ("SP04", "Lương quản lý, kế toán", "chi_phi_chung", 14_000_000),
    ("SP04", "Kiểm nghiệm, quảng bá, hội chợ", "chi_phi_chung", 4_000_000),
    ("SP05", "Búp chè tươi (khoảng 1 kg mỗi hộp)", "nguyen_lieu", 26_000),
    ("SP05", "Củi, điện để sao chè", "nguyen_lieu", 4000),
    ("SP05", "Hái, sao, vò chè (trả công theo sản phẩm)", "nhan_cong", 15_000),
    ("SP05", "Hộp giấy, túi hút chân không", "bao_bi", 8000),
    ("SP05", "Vận chuyển đến đại lý, cửa hàng", "van_chuyen", 3000),
    ("SP05", "Thuê xưởng, bảo dưỡng máy sao, máy vò", "chi_phi_chung", 6_000_000),
    ("SP05", "Lương quản lý, kế toán", "chi_phi_chung", 20_000_000),
    ("SP05", "Kiểm nghiệm, chứng nhận, quảng bá", "chi_phi_chung", 4_000_000),
]

# Sales in each calendar month (January first) compared with an ordinary month.
# Gift products sell most before Tết (January–February) and least in summer;
# rice sells evenly. Each profile sums to 12.
SEASONS = {
    "SP01": [1.5, 1.2, 0.8, 0.8, 0.9, 0.8, 0.7, 0.8, 0.9, 1.0, 1.1, 1.5],
    "SP02": [1.6, 1.2, 0.8, 0.8, 0.9, 1.0, 1.0, 0.9, 0.8, 0.8, 0.9, 1.3],
    "SP03": [1.2, 1.0, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 1.1],
    "SP04": [1.5, 1.1, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.3],
    "SP05": [1.6, 1.2, 0.8, 0.9, 0.9, 0.8, 0.7, 0.8, 0.8, 0.9, 1.0, 1.6],
}


def nudge(rng, amount, step):
    """Move an amount by at most SPREAD either way, rounded to a multiple of step."""
    return round(amount * rng.uniform(1 - SPREAD, 1 + SPREAD) / step) * step


def make_products():
    """One row per product."""
    return [{"ma_san_pham": code, "san_pham": name, "vung": region, "don_vi": unit,
             "san_luong_thang": units, "gia_ban": price, "von_dau_tu": investment}
            for code, name, region, unit, units, price, investment in PRODUCTS]


def make_costs(rng):
    """One row per cost item, as the amount spent in an ordinary month."""
    units = {code: volume for code, _name, _region, _unit, volume, _price, _inv in PRODUCTS}
    rows = []
    for code, item, category, amount in COSTS:
        fixed = category == "chi_phi_chung"
        if fixed:
            per_month = nudge(rng, amount, MONTH_STEP)
        else:
            per_month = nudge(rng, amount, UNIT_STEP) * units[code]
        rows.append({"ma_san_pham": code, "khoan_muc": item, "nhom": category,
                     "loai": "co_dinh" if fixed else "bien_doi", "so_tien_thang": per_month})
    return rows


def make_seasons():
    """One row per product and calendar month."""
    rows = []
    for code, factors in SEASONS.items():
        assert round(sum(factors), 9) == 12, code
        rows += [{"ma_san_pham": code, "thang": month, "he_so_mua_vu": factor}
                 for month, factor in enumerate(factors, start=1)]
    return rows


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic03_products.csv", make_products())
    write_rows(HERE / "topic03_cost_sheets.csv", make_costs(rng))
    write_rows(HERE / "topic03_seasonality.csv", make_seasons())


if __name__ == "__main__":
    main()
