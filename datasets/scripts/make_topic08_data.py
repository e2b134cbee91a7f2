"""Make the two synthetic datasets of Topic 8 (OCOP criteria), reproducibly.

Both files are SYNTHETIC: invented for teaching, not the scores of any real
producer. Product types and provinces are real; the points are drawn with a
fixed seed inside each criterion's published range.

Run from the repository root::

    python datasets/scripts/make_topic08_data.py
"""

import csv
import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211013  # the day the 2021 training series closed
HERE = Path(__file__).resolve().parent.parent
SHEET = HERE / "ocop_scoring_sheet_fresh_produce_2019.csv"

# Groups follow Decision 148/QĐ-TTg: dried tea and roasted coffee are processed
# foods ("Thực phẩm"), as the ministry filed Ba Chẽ golden camellia tea in 2024;
# "Đồ uống" is for drinks themselves.
PRODUCTS = [
    ("SP01", "Bưởi Phúc Trạch", "Hà Tĩnh", "Thực phẩm"),
    ("SP02", "Mật ong bạc hà", "Hà Giang", "Thực phẩm"),
    ("SP03", "Chè Shan tuyết", "Yên Bái", "Thực phẩm"),
    ("SP04", "Nước mắm truyền thống", "Kiên Giang", "Thực phẩm"),
    ("SP05", "Gạo ST25", "Sóc Trăng", "Thực phẩm"),
    ("SP06", "Cà phê rang xay", "Đắk Lắk", "Thực phẩm"),
    ("SP07", "Miến dong", "Bắc Kạn", "Thực phẩm"),
    ("SP08", "Vải thiều sấy khô", "Bắc Giang", "Thực phẩm"),
    ("SP09", "Nón lá", "Thừa Thiên Huế", "Thủ công mỹ nghệ"),
    ("SP10", "Kẹo dừa", "Bến Tre", "Thực phẩm"),
]
# Maximum points of each part under Decision 148/QĐ-TTg (2023).
PART_MAX = {"diem_a": 40, "diem_b": 25, "diem_c": 35}


def make_self_assessment(rng):
    """Score every item of the 2019 fresh-produce sheet for one pomelo grower."""
    rows = []
    with SHEET.open(encoding="utf-8") as handle:
        for item in csv.DictReader(handle):
            low, high = int(item["min_points"]), int(item["max_points"])
            # Lean towards the upper half: the example is a product near 4 stars.
            points = max(low, min(high, round(rng.uniform(low + (high - low) * 0.4, high))))
            rows.append({"phan": item["part"], "ma_tieu_chi": item["item_code"],
                         "tieu_chi": item["item_vi"], "diem": points, "diem_toi_da": high})
    return rows


def make_products(rng):
    """Give each product part scores spread across all five star bands."""
    rows = []
    for (code, name, province, group), level in zip(PRODUCTS, [0.9, 0.75, 0.6, 0.95, 0.8, 0.55, 0.4, 0.65, 0.3, 0.5]):
        row = {"ma_san_pham": code, "ten_san_pham": name, "tinh": province, "nhom": group}
        for column, maximum in PART_MAX.items():
            share = min(1.0, max(0.0, rng.gauss(level, 0.05)))
            row[column] = round(maximum * share)
        rows.append(row)
    return rows


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic08_self_assessment_pomelo.csv", make_self_assessment(rng))
    write_rows(HERE / "topic08_products_sample.csv", make_products(rng))


if __name__ == "__main__":
    main()
