"""Make the synthetic dataset of Topic 2 (product ideas from local potential), reproducibly.

The file is SYNTHETIC: ten candidate product ideas of an imagined commune in
the northern midlands and mountains, scored 1 to 5 on the six criteria of the
idea-scoring matrix. The product types are typical of that region; the commune
and the scores are invented for teaching.

Each idea starts from a profile written by hand (what such a product usually
looks like: bamboo shoots are plentiful and cheap to dry, a homestay needs
money and new skills); a fixed seed then moves some scores one step up or down
so that the table looks like a real group's scoring, not a textbook.

Run from the repository root::

    python datasets/scripts/make_topic02_data.py
"""

import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20210928  # the day the 2021 training series opened
HERE = Path(__file__).resolve().parent.parent
CRITERIA = ("nguyen_lieu", "truyen_thong", "thi_truong", "ky_nang", "von_dau_tu", "moi_truong")
# Share of scores that move one step, and how far they may move.
NUDGE_SHARE = 0.2

# (code, idea, OCOP product group of Decision 148/QĐ-TTg, short description, profile).
# Dried teas are in the food group, as the 2024 national 5-star list files them
# (vietnam.vn, "Công nhận thêm 28 sản phẩm đạt chứng nhận OCOP 5 sao cấp quốc gia").
# Profile order follows CRITERIA; for von_dau_tu (investment needed) 5 means a lot of money.
IDEAS = [
    ("YT01", "Chè búp khô", "Thực phẩm",
     "Chè xanh sao thủ công từ đồi chè trung du của xã", (5, 5, 4, 5, 3, 4)),
    ("YT02", "Rau an toàn VietGAP", "Thực phẩm",
     "Rau ăn lá trồng theo VietGAP, đóng túi bán cho bếp ăn và siêu thị ở thành phố gần", (5, 1, 5, 4, 2, 4)),
    ("YT03", "Măng khô", "Thực phẩm",
     "Măng tre, măng vầu rừng trồng luộc và phơi, sấy khô", (5, 4, 3, 4, 1, 4)),
    ("YT04", "Miến dong", "Thực phẩm",
     "Miến làm từ tinh bột củ dong riềng trồng ở bãi ven suối", (4, 4, 3, 4, 3, 2)),
    ("YT05", "Mật ong hoa rừng", "Thực phẩm",
     "Mật ong nuôi ven rừng, khai thác theo mùa hoa", (3, 4, 4, 3, 2, 5)),
    ("YT06", "Rượu men lá", "Đồ uống",
     "Rượu gạo nếp ủ men lá rừng theo cách của người Tày", (4, 5, 2, 4, 3, 3)),
    ("YT07", "Thổ cẩm dệt tay", "Thủ công mỹ nghệ",
     "Khăn, túi thổ cẩm do các bà, các mẹ dệt tay", (2, 5, 2, 3, 2, 5)),
    ("YT08", "Tinh dầu quế", "Dược liệu và sản phẩm từ dược liệu",
     "Tinh dầu chưng cất từ lá và cành quế của các hộ trồng quế", (4, 2, 4, 2, 4, 3)),
    ("YT09", "Trà hoa vàng", "Thực phẩm",
     "Trà từ hoa của cây trà hoa vàng mới trồng thử ở vài hộ", (2, 3, 5, 2, 4, 4)),
    ("YT10", "Homestay trải nghiệm làm chè", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
     "Nhà nghỉ tại nhà dân kèm hái chè, sao chè cùng gia đình", (3, 4, 4, 2, 5, 4)),
]


def nudge(score, rng):
    """Move a score one step up or down now and then, staying within 1–5."""
    if rng.random() >= NUDGE_SHARE:
        return score
    return max(1, min(5, score + rng.choice((-1, 1))))


def make_ideas(rng):
    """Return the ten ideas with their scores on the six criteria."""
    rows = []
    for code, name, group, description, profile in IDEAS:
        row = {"ma_y_tuong": code, "ten_y_tuong": name, "nhom_san_pham": group, "mo_ta": description}
        row.update({criterion: nudge(score, rng) for criterion, score in zip(CRITERIA, profile)})
        rows.append(row)
    return rows


def main():
    rng = random.Random(SEED)
    write_rows(HERE / "topic02_candidate_ideas.csv", make_ideas(rng))


if __name__ == "__main__":
    main()
