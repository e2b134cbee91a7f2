"""Make the synthetic datasets of Topic 9 (procedures and the dossier), reproducibly.

The files are SYNTHETIC. The producers, their products and their documents
are invented for teaching, in an imagined province; the kinds of producer,
the product groups and the document codes are the real ones of
``ocop_dossier_items.csv``.

``topic09_dossiers.csv``
    Eight dossiers: who hands it in, the product and its group, whether the
    product is new, already on the market or being re-rated, the date of the
    current certificate (re-rating only) and the points of a self-assessment.
``topic09_dossier_documents.csv``
    The documents already in each dossier, one row per document. Dossier HS01
    is written by hand (the exercise counts on it: it lacks the business plan
    and the samples); the others draw each document with a fixed seed and a
    chance that depends on how far the producer has got.
``topic09_certificates.csv``
    Ten OCOP certificates with their stars, points and date of issue. Dates
    are drawn between July 2022 and June 2025 on days 1 to 28, except four set
    by hand: the tea and the herbal extract carry the dates of dossiers HS06
    and HS08, the honey expired at the end of 2025, and the rice was issued on
    29 February 2024, to show that 36 months later there is no 29 February
    (pandas then gives the 28th).

Run from the repository root::

    python datasets/scripts/make_topic09_data.py
"""

import datetime
import random
from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

SEED = 20211015  # a day of the 2021 training series
HERE = Path(__file__).resolve().parent.parent
MANDATORY = ("phieu_dang_ky_moi", "phieu_dang_ky_da_co", "phuong_an_kinh_doanh", "gioi_thieu_bo_may",
             "dang_ky_kinh_doanh", "san_pham_mau")
EVIDENCE = ("du_dieu_kien_san_xuat", "cong_bo_chat_luong", "tieu_chuan_san_pham", "kiem_nghiem_attp",
            "ma_so_ma_vach", "tem_truy_xuat", "so_huu_tri_tue", "nguon_goc_nguyen_lieu", "lien_ket_chuoi",
            "bao_ve_moi_truong", "quan_ly_chat_luong", "ke_toan", "thi_truong_quang_ba", "cau_chuyen",
            "ke_hoach_kiem_soat_chat_luong", "ho_so_san_xuat", "giai_thuong")

# (code, producer, kind of producer, product, group, status, certificate date, self-assessed points,
#  chance of each mandatory document, chance of each piece of evidence).
DOSSIERS = [
    ("HS01", "HTX Miến dong Nà Khoang", "hop_tac_xa", "Miến dong", 1, "san_pham_moi", None, 58, None, None),
    ("HS02", "Công ty TNHH Nước mắm Hòn Mây", "doanh_nghiep", "Nước mắm cá cơm", 1, "san_pham_da_co", None, 74,
     0.9, 0.7),
    ("HS03", "Tổ hợp tác mây tre đan Thôn Đông", "to_hop_tac", "Giỏ mây tre đan", 4, "san_pham_moi", None, 52,
     0.7, 0.3),
    ("HS04", "Hộ ông Lò Văn Pấng", "ho_san_xuat", "Mật ong bạc hà", 1, "san_pham_da_co", None, 55, 0.6, 0.3),
    ("HS05", "HTX Du lịch cộng đồng Bản Mòng", "hop_tac_xa", "Homestay và trải nghiệm bản", 6, "san_pham_da_co",
     None, 66, 0.9, 0.5),
    ("HS06", "HTX Chè Đồi Sương", "hop_tac_xa", "Chè búp khô", 1, "danh_gia_lai", "2023-05-18", 72, 0.8, 0.6),
    ("HS07", "Hộ kinh doanh Rượu men lá Cao Sơn", "ho_kinh_doanh", "Rượu men lá", 2, "san_pham_da_co", None, 61,
     0.8, 0.4),
    ("HS08", "Công ty CP Dược liệu Núi Xanh", "doanh_nghiep", "Cao cà gai leo", 3, "danh_gia_lai", "2023-09-30",
     83, 0.9, 0.8),
]
HS01_DOCUMENTS = ("phieu_dang_ky_moi", "gioi_thieu_bo_may", "dang_ky_kinh_doanh", "nguon_goc_nguyen_lieu",
                  "cong_bo_chat_luong", "ma_so_ma_vach", "cau_chuyen")

# (code, product, producer, stars, fixed date of issue or None).
CERTIFICATES = [
    ("C01", "Miến dong", "HTX Miến dong Bình Minh", 3, None),
    ("C02", "Bưởi đường", "HTX Bưởi Suối Ngọc", 4, None),
    ("C03", "Mật ong rừng", "HTX Ong mật Khe Mơ", 3, datetime.date(2022, 12, 20)),
    ("C04", "Chè búp khô", "HTX Chè Đồi Sương", 4, datetime.date(2023, 5, 18)),
    ("C05", "Nước mắm cá cơm", "Công ty TNHH Nước mắm Hòn Mây", 5, None),
    ("C06", "Gạo thơm", "HTX Nông nghiệp Đồng Xanh", 3, datetime.date(2024, 2, 29)),
    ("C07", "Tỏi tía", "HTX Tỏi Núi Đá", 3, None),
    ("C08", "Cao cà gai leo", "Công ty CP Dược liệu Núi Xanh", 4, datetime.date(2023, 9, 30)),
    ("C09", "Giỏ mây tre đan", "HTX Mây tre Thôn Đông", 3, None),
    ("C10", "Rượu men lá", "Hộ kinh doanh Rượu men lá Cao Sơn", 3, None),
]
BANDS = {3: (50, 69), 4: (70, 89), 5: (90, 100)}
FIRST_MONTH, LAST_MONTH = (2022, 7), (2025, 6)


def needed(code, kind, group, status):
    """The mandatory documents a dossier is drawn from (the form that fits, samples unless a service)."""
    form = "phieu_dang_ky_moi" if status == "san_pham_moi" else "phieu_dang_ky_da_co"
    skip = {"phieu_dang_ky_moi", "phieu_dang_ky_da_co"} - {form}
    if group == 6:
        skip.add("san_pham_mau")
    if kind in ("to_hop_tac", "ho_san_xuat"):
        skip.add("dang_ky_kinh_doanh")
    return [item for item in MANDATORY if item not in skip]


def make_dossiers(rng):
    """Return the dossiers and their documents."""
    dossiers, documents = [], []
    for code, producer, kind, product, group, status, issued, points, p_mandatory, p_evidence in DOSSIERS:
        dossiers.append({"ma_ho_so": code, "chu_the": producer, "loai_chu_the": kind, "san_pham": product,
                         "nhom": group, "tinh_trang": status, "ngay_cap_giay": issued or "",
                         "diem_tu_cham": points})
        if code == "HS01":
            have = list(HS01_DOCUMENTS)
        else:
            have = [i for i in needed(code, kind, group, status) if rng.random() < p_mandatory]
            have += [i for i in EVIDENCE if rng.random() < p_evidence]
            if status == "danh_gia_lai" and rng.random() < 0.5:
                have.append("bao_cao_danh_gia_lai")
        documents += [{"ma_ho_so": code, "ma_muc": item} for item in have]
    return dossiers, documents


def months():
    """Every (year, month) from FIRST_MONTH to LAST_MONTH."""
    year, month = FIRST_MONTH
    while (year, month) <= LAST_MONTH:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def make_certificates(rng):
    """Return the certificates, each with points within its star band and a date of issue."""
    choices = list(months())
    rows = []
    for code, product, producer, stars, fixed in CERTIFICATES:
        year, month = rng.choice(choices)
        issued = fixed or datetime.date(year, month, rng.randint(1, 28))
        rows.append({"ma_giay": code, "san_pham": product, "chu_the": producer, "so_sao": stars,
                     "diem": rng.randint(*BANDS[stars]), "ngay_cap": issued.isoformat()})
    return rows


def main():
    rng = random.Random(SEED)
    dossiers, documents = make_dossiers(rng)
    write_rows(HERE / "topic09_dossiers.csv", dossiers)
    write_rows(HERE / "topic09_dossier_documents.csv", documents)
    write_rows(HERE / "topic09_certificates.csv", make_certificates(rng))


if __name__ == "__main__":
    main()
