"""Make the synthetic dataset of Topic 10 (community-based tourism standards), reproducibly.

``topic10_site_self_check.csv`` is SYNTHETIC: the self-check of an imagined
community-based tourism village against the course's simplified checklist.
The six groups are named after parts of the ASEAN Community Based Tourism
Standard (2016) and TCVN 13259:2020; the 36 indicators are invented examples,
not the standard's own wording. Whether each indicator is met is drawn with a
fixed seed, with a chance set by hand per level and group, then four values are
set by hand so that the exercise has four unmet minimum requirements.

Run from the repository root::

    python datasets/scripts/make_topic10_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211021  # any fixed number: the same seed gives the same file
HERE = Path(__file__).resolve().parent.parent
LEVEL_NUMBER = {"toi_thieu": 1, "trung_binh": 2, "cao": 3}

# (code, group, level, example indicator). Three minimum, two intermediate and one
# high indicator per group, roughly the standard's shares (98, 54 and 36 of 188).
INDICATORS = [
    ("QL1", "quan_ly", "toi_thieu", "Có ban quản lý du lịch cộng đồng do người dân bầu"),
    ("QL2", "quan_ly", "toi_thieu", "Có quy chế hoạt động được cộng đồng thông qua"),
    ("QL3", "quan_ly", "toi_thieu", "Sổ sách thu chi công khai cho các hộ tham gia"),
    ("QL4", "quan_ly", "trung_binh", "Có quỹ cộng đồng trích từ doanh thu du lịch"),
    ("QL5", "quan_ly", "trung_binh", "Họp tổng kết với các hộ ít nhất mỗi năm một lần"),
    ("QL6", "quan_ly", "cao", "Có kế hoạch phát triển du lịch 3–5 năm"),
    ("HD1", "huong_dan", "toi_thieu", "Có điểm đón khách, cung cấp thông tin"),
    ("HD2", "huong_dan", "toi_thieu", "Hướng dẫn viên tại chỗ là người địa phương đã qua tập huấn"),
    ("HD3", "huong_dan", "toi_thieu", "Có bộ quy tắc ứng xử cho khách, được giới thiệu khi đón khách"),
    ("HD4", "huong_dan", "trung_binh", "Tờ giới thiệu, bản đồ điểm đến bằng tiếng Việt và tiếng Anh"),
    ("HD5", "huong_dan", "trung_binh", "Có phiếu lấy ý kiến hài lòng của khách"),
    ("HD6", "huong_dan", "cao", "Hướng dẫn viên nói được một ngoại ngữ"),
    ("TQ1", "tham_quan", "toi_thieu", "Tuyến tham quan có biển chỉ dẫn"),
    ("TQ2", "tham_quan", "toi_thieu", "Hoạt động trải nghiệm giới thiệu nghề, văn hóa của bản"),
    ("TQ3", "tham_quan", "toi_thieu", "Giá dịch vụ niêm yết rõ ràng"),
    ("TQ4", "tham_quan", "trung_binh", "Đội văn nghệ biểu diễn theo lịch"),
    ("TQ5", "tham_quan", "trung_binh", "Có gian bày bán sản phẩm OCOP, thủ công của bản"),
    ("TQ6", "tham_quan", "cao", "Có chương trình trải nghiệm theo mùa vụ"),
    ("AU1", "an_uong", "toi_thieu", "Bếp sạch, thực phẩm có nguồn gốc rõ ràng"),
    ("AU2", "an_uong", "toi_thieu", "Người nấu ăn đã được tập huấn an toàn thực phẩm"),
    ("AU3", "an_uong", "toi_thieu", "Nước uống, nước nấu ăn sạch"),
    ("AU4", "an_uong", "trung_binh", "Thực đơn có món ăn đặc sản địa phương"),
    ("AU5", "an_uong", "trung_binh", "Dùng nông sản của các hộ trong bản"),
    ("AU6", "an_uong", "cao", "Khách được cùng nấu món ăn truyền thống"),
    ("LT1", "luu_tru", "toi_thieu", "Phòng ngủ, chăn màn sạch sẽ"),
    ("LT2", "luu_tru", "toi_thieu", "Nhà vệ sinh sạch, có nước, có khóa cửa"),
    ("LT3", "luu_tru", "toi_thieu", "Khách lưu trú được đăng ký theo quy định"),
    ("LT4", "luu_tru", "trung_binh", "Giữ kiến trúc nhà truyền thống"),
    ("LT5", "luu_tru", "trung_binh", "Có nơi cất giữ đồ đạc của khách"),
    ("LT6", "luu_tru", "cao", "Có phòng riêng cho gia đình có trẻ nhỏ"),
    ("MT1", "moi_truong", "toi_thieu", "Rác được thu gom, phân loại"),
    ("MT2", "moi_truong", "toi_thieu", "Có bình chữa cháy ở nơi đón khách và nơi lưu trú"),
    ("MT3", "moi_truong", "toi_thieu", "Có tủ thuốc sơ cứu và số điện thoại khẩn cấp"),
    ("MT4", "moi_truong", "trung_binh", "Hạn chế đồ nhựa dùng một lần"),
    ("MT5", "moi_truong", "trung_binh", "Có nội quy an ninh trật tự"),
    ("MT6", "moi_truong", "cao", "Có kế hoạch bảo vệ rừng, nguồn nước của bản"),
]
# Chance that the imagined village meets an indicator: higher for minimum
# requirements, lower where small villages often struggle (guiding, safety).
CHANCE = {"toi_thieu": 0.9, "trung_binh": 0.6, "cao": 0.3}
GROUP_FACTOR = {"quan_ly": 1.0, "huong_dan": 0.7, "tham_quan": 1.0, "an_uong": 1.05, "luu_tru": 1.05,
                "moi_truong": 0.75}
# Set by hand: four unmet minimum requirements in three groups, and a village
# that already goes beyond them in food and accommodation.
BY_HAND = {"HD2": 0, "MT2": 0, "MT3": 0, "TQ3": 0, "QL1": 1, "QL2": 1, "QL3": 1, "HD1": 1, "HD3": 1,
           "TQ1": 1, "TQ2": 1, "AU1": 1, "AU2": 1, "AU3": 1, "LT1": 1, "LT2": 1, "LT3": 1, "MT1": 1,
           "AU4": 1, "LT4": 1}


def make_self_check(rng):
    """Draw whether each indicator is met, then apply the values set by hand."""
    rows = []
    for code, group, level, text in INDICATORS:
        met = int(rng.random() < CHANCE[level] * GROUP_FACTOR[group])
        met = BY_HAND.get(code, met)
        rows.append({"ma_chi_so": code, "nhom": group, "chi_so": text, "muc": level,
                     "muc_so": LEVEL_NUMBER[level], "dat": met})
    return rows


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic10_site_self_check.csv", make_self_check(rng))


if __name__ == "__main__":
    main()
