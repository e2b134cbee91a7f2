"""Make the synthetic dataset of Topic 5 (building and protecting brands), reproducibly.

The file is SYNTHETIC: ten applications to protect a mark, filed with the
Intellectual Property Office of Viet Nam by OCOP producers of an imagined
province. The kinds of applicant and of mark are the usual ones (a household
business or a cooperative files an ordinary trademark, a farmers' union or an
association a collective mark, a state body a certification mark); the
province, the names and the dates are invented for teaching.

Filing dates are drawn with a fixed seed between March 2025 and June 2026,
on days 1 to 28 so that adding months never lands on a month's end. One
application keeps a date written by hand (15 January 2026): with the
exercise's OCOP evaluation on 15 March 2027, its certificate is due on that
very day, to teach "on or before".

Run from the repository root::

    python datasets/scripts/make_topic05_data.py
"""

import datetime
import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211001  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent
FIRST_DAY = datetime.date(2025, 3, 1)
LAST_MONTH = (2026, 6)
LAST_DAY_DRAWN = 28

# (code, mark, product, applicant, kind of applicant, kind of protection, fixed filing date or None).
APPLICATIONS = [
    ("D01", "Miến Làng Mới", "Miến dong", "Cơ sở miến dong Hoa Sơn", "hộ kinh doanh", "nhan_hieu", None),
    ("D02", "Chè Đồi Sương", "Chè búp khô", "HTX Chè Đồi Sương", "hợp tác xã", "nhan_hieu", None),
    ("D03", "Bưởi Suối Ngọc", "Bưởi", "Hội Nông dân xã Suối Ngọc", "hội nông dân",
     "nhan_hieu_tap_the", None),
    ("D04", "Mật ong Khe Mơ", "Mật ong", "HTX Ong mật Khe Mơ", "hợp tác xã", "nhan_hieu",
     datetime.date(2026, 1, 15)),
    ("D05", "Gạo sinh thái Đồng Vàng", "Gạo", "Trung tâm Dịch vụ nông nghiệp tỉnh", "cơ quan nhà nước",
     "nhan_hieu_chung_nhan", None),
    ("D06", "Cam Bản Lìm", "Cam", "Hiệp hội Cam Bản Lìm", "hiệp hội", "nhan_hieu_tap_the", None),
    ("D07", "Nấm Xanh Lam", "Nấm sò", "Công ty TNHH Nông sản Xanh Lam", "doanh nghiệp", "nhan_hieu", None),
    ("D08", "Tỏi tía Núi Đá", "Tỏi", "HTX Tỏi Núi Đá", "hợp tác xã", "nhan_hieu_tap_the", None),
    ("D09", "Rau an toàn Bãi Bồi", "Rau ăn lá", "Chi cục Trồng trọt và Bảo vệ thực vật tỉnh",
     "cơ quan nhà nước", "nhan_hieu_chung_nhan", None),
    ("D10", "Dưa lưới Hòa Phong", "Dưa lưới", "HTX Nông nghiệp công nghệ cao Hòa Phong", "hợp tác xã",
     "nhan_hieu", None),
]


def months_available():
    """Every (year, month) from FIRST_DAY's month to LAST_MONTH."""
    year, month = FIRST_DAY.year, FIRST_DAY.month
    while (year, month) <= LAST_MONTH:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def draw_date(rng, months):
    """A filing date on day 1–28 of a month drawn at random."""
    year, month = rng.choice(months)
    return datetime.date(year, month, rng.randint(1, LAST_DAY_DRAWN))


def make_applications(rng):
    """Return the ten applications, each with its filing date."""
    months = list(months_available())
    rows = []
    for code, mark, product, applicant, applicant_kind, kind, fixed in APPLICATIONS:
        filed = fixed or draw_date(rng, months)
        rows.append({"ma_don": code, "ten_nhan_hieu": mark, "san_pham": product, "chu_the": applicant,
                     "loai_chu_the": applicant_kind, "loai_bao_ho": kind, "ngay_nop": filed.isoformat()})
    return rows


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic05_brand_applications.csv", make_applications(rng))


if __name__ == "__main__":
    main()
