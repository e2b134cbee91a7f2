"""Write the sample product stories of Topic 4 (OCOP product stories), reproducibly.

The file is SYNTHETIC: eight short product stories written by hand for the
course. The product types and the places are real; the producers, the people,
the events and the evidence are invented. None of them is, or claims to be,
the story of a real producer. Nothing is drawn at random: the stories are the
data below, and running this script writes the same bytes every time.

The eight stories are written to show, between them, what the 2019 OCOP
scoring sheet rewards and the usual gaps: a complete story with checkable
evidence (CC01); a story without history or uniqueness (CC02); a full story
whose only evidence cannot be checked (CC03); a story that lacks its
commitments and is not on a website (CC04); and three stories that all say
the same stock phrases about different products (CC05 to CC07), the failure
the press calls "na ná nhau". CC08 is a first draft of three elements.

The columns ``kiem_chung_duoc`` (evidence can be verified) and ``ban_sac``
(local wisdom and identity, 0 to 3) are a trainer's judgement of each story,
as a council member would make it.

Run from the repository root::

    python datasets/scripts/make_topic04_data.py
"""

from pathlib import Path

from csvout import write_rows  # the shared CSV form of every course dataset

HERE = Path(__file__).resolve().parent.parent
COLUMNS = ("ma", "san_pham", "dia_phuong", "vung_dat", "con_nguoi", "lich_su", "nguyen_lieu",
           "quy_trinh", "diem_doc_dao", "cam_ket", "bang_chung", "loai_bang_chung",
           "nguon_kiem_chung", "kiem_chung_duoc", "co_cot_truyen", "tren_nhan", "tren_website",
           "co_hinh_anh", "ban_sac")

# Where the story is told, in the order of the columns co_cot_truyen, tren_nhan,
# tren_website, co_hinh_anh.
EVERYWHERE = (True, True, True, True)


def stock_story(product: str, place: str, method: str, **changes: str) -> dict:
    """A story made of stock phrases: it could be told of any product, anywhere.

    Only the product, the place, a few words of the process and a sentence or
    two (``changes``) differ, the way stories copied from one dossier to the
    next do.
    """
    return {
        "vung_dat": f"Được thiên nhiên ưu đãi, {place} có khí hậu trong lành, đất đai màu mỡ.",
        "con_nguoi": f"Người dân {place} cần cù, chịu khó, luôn tâm huyết với nghề.",
        "lich_su": f"{product} là đặc sản lâu đời, niềm tự hào của quê hương {place}.",
        "nguyen_lieu": "Nguyên liệu sạch, được chọn lọc kỹ lưỡng.",
        "quy_trinh": f"Sản phẩm được {method} theo bí quyết gia truyền, kết hợp với công nghệ hiện đại.",
        "diem_doc_dao": f"{product} mang hương vị đặc trưng của quê hương, không lẫn với nơi khác.",
        "cam_ket": "Chúng tôi cam kết mang đến cho người tiêu dùng sản phẩm chất lượng cao, "
                   "an toàn cho sức khỏe.",
    } | changes


def row(code, product, place, elements, evidence, told, identity):
    """One story as a CSV row; ``evidence`` is (description, kind, where to check, verifiable)."""
    description, kind, source, verifiable = evidence
    has_plot, on_label, on_website, has_images = told
    values = {"ma": code, "san_pham": product, "dia_phuong": place}
    values.update({name: elements.get(name, "") for name in COLUMNS[3:10]})
    values.update({"bang_chung": description, "loai_bang_chung": kind, "nguon_kiem_chung": source,
                   "kiem_chung_duoc": verifiable, "co_cot_truyen": has_plot, "tren_nhan": on_label,
                   "tren_website": on_website, "co_hinh_anh": has_images, "ban_sac": identity})
    return values


NO_EVIDENCE = ("", "", "", False)

STORIES = [
    row("CC01", "Gà đồi", "Yên Thế, Bắc Giang", {
        "vung_dat": "Những quả đồi thấp ở huyện Yên Thế, xen vườn vải và rừng keo; gà được thả trên "
                    "đồi cả ngày, tự tìm sâu, cỏ.",
        "con_nguoi": "Tổ hợp tác gà đồi của một thôn, 12 hộ; anh Tâm, tổ trưởng, đi làm công nhân ở "
                     "Bình Dương tám năm rồi về quê nuôi gà.",
        "lich_su": "Nhà nào trong thôn cũng nuôi gà thả đồi từ thời ông bà. Năm 2012 anh Tâm rủ các "
                   "hộ nuôi chung một quy trình để bán chung một tên, thay vì mỗi nhà bán lẻ cho "
                   "thương lái.",
        "nguyen_lieu": "Gà ri lai nở tại thôn, ăn thóc, ngô do các hộ tự trồng, thêm sâu, cỏ trên đồi.",
        "quy_trinh": "Gà nuôi ít nhất 5 tháng, ngày thả đồi, đêm về chuồng; mỗi lô được ghi sổ ngày "
                     "nở, ngày tiêm phòng, ngày xuất bán.",
        "diem_doc_dao": "Gà chạy đồi nên thịt săn, da vàng, ít mỡ; khách được lên tận đồi xem đàn gà "
                        "trước khi mua.",
        "cam_ket": "Không dùng thức ăn tăng trọng; mỗi con gà có tem truy xuất ghi lô nuôi và hộ nuôi.",
    }, ("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm của tổ hợp tác", "certificate",
        "Số giấy, ngày cấp và cơ quan cấp ghi trên giấy chứng nhận", True), EVERYWHERE, 3),
    row("CC02", "Vải thiều", "Lục Ngạn, Bắc Giang", {
        "vung_dat": "Vườn vải trên đồi ở huyện Lục Ngạn.",
        "con_nguoi": "Gia đình chị Hoa có hai héc-ta vải, cả nhà cùng chăm vườn.",
        "nguyen_lieu": "Vải thiều trồng tại vườn nhà.",
        "quy_trinh": "Hái vào sáng sớm, bó thành chùm, đóng thùng xốp có đá lạnh.",
        "cam_ket": "Hái đến đâu bán đến đó, không để quả qua đêm.",
    }, ("Ảnh vườn vải mùa quả chín", "photo", "", False), (False, True, False, True), 1),
    row("CC03", "Chè Shan tuyết", "Suối Giàng, Văn Chấn, Yên Bái", {
        "vung_dat": "Xã vùng cao Suối Giàng, trên núi cao, sáng nào cũng có sương mù.",
        "con_nguoi": "Một tổ hợp tác 20 hộ người Mông, mỗi hộ hái chè trên những cây chè của "
                     "gia đình mình.",
        "lich_su": "Nhiều cây chè do các thế hệ trước trồng và chăm; nhà nào cũng biết từng gốc chè "
                   "của nhà mình. Khi giá chè búp tươi xuống thấp, các hộ rủ nhau tự sao chè để "
                   "giữ giá.",
        "nguyen_lieu": "Búp một tôm hai lá hái từ cây chè Shan tuyết cổ thụ, không bón phân hóa học.",
        "quy_trinh": "Chè được sao bằng chảo gang trên bếp củi ngay trong ngày hái, vò tay rồi sao "
                     "lại cho khô.",
        "diem_doc_dao": "Búp chè phủ lớp lông tơ trắng như tuyết; nước chè vàng sánh, chát dịu rồi "
                        "ngọt hậu.",
        "cam_ket": "Chỉ hái búp từ những cây có trong danh sách của tổ; mỗi gói ghi tên hộ hái.",
    }, ("Ảnh cây chè cổ thụ của tổ hợp tác", "photo", "", False), EVERYWHERE, 3),
    row("CC04", "Cà phê rang xay", "Buôn Ma Thuột, Đắk Lắk", {
        "vung_dat": "Vườn cà phê trên đất đỏ ba-dan ven thành phố Buôn Ma Thuột.",
        "con_nguoi": "Hợp tác xã của 30 hộ trồng cà phê; chị Hạnh, giám đốc, học nghề rang từ cha.",
        "lich_su": "Cha chị Hạnh lên Đắk Lắk trồng cà phê từ năm 1986. Năm 2018, khi giá cà phê "
                   "nhân xuống thấp, hợp tác xã bắt đầu tự rang thay vì bán nhân xanh cho thương lái.",
        "nguyen_lieu": "Chỉ dùng quả chín đỏ của vườn thành viên, hái bằng tay.",
        "quy_trinh": "Phơi cả quả trên giàn tre ba đến bốn tuần, xay bỏ vỏ, rang từng mẻ nhỏ 10 kg.",
        "diem_doc_dao": "Mỗi túi ghi tên vườn và ngày rang; khách được mời đến xem phơi và rang.",
    }, ("Phiếu kết quả kiểm nghiệm an toàn thực phẩm của sản phẩm", "document",
        "Tên phòng kiểm nghiệm, số phiếu và ngày ghi trên phiếu", True),
        (True, True, False, True), 2),
    row("CC05", "Mật ong bạc hà", "Đồng Văn, Hà Giang",
        stock_story("Mật ong bạc hà", "Đồng Văn", "khai thác"),
        ("Phiếu kết quả kiểm nghiệm chất lượng mật ong", "document",
         "Tên phòng kiểm nghiệm, số phiếu và ngày ghi trên phiếu", True),
        (False, True, True, True), 0),
    row("CC06", "Bưởi", "Phúc Trạch, Hương Khê, Hà Tĩnh",
        stock_story("Bưởi Phúc Trạch", "Phúc Trạch", "chăm sóc",
                    nguyen_lieu="Bưởi được tuyển chọn kỹ lưỡng từ những vườn bưởi lâu năm."),
        NO_EVIDENCE, (False, True, False, False), 0),
    row("CC07", "Kẹo dừa", "Mỏ Cày, Bến Tre",
        stock_story("Kẹo dừa", "Mỏ Cày", "nấu",
                    cam_ket="Cơ sở cam kết mang đến sản phẩm chất lượng cao, an toàn cho sức khỏe "
                            "người tiêu dùng."),
        ("Ảnh xưởng làm kẹo", "photo", "", False), (False, True, True, True), 0),
    row("CC08", "Nón lá", "Thừa Thiên Huế", {
        "vung_dat": "Một làng nghề nón ven sông ở Thừa Thiên Huế.",
        "con_nguoi": "Bà Lài và hai con gái chằm nón tại nhà.",
        "quy_trinh": "Lá nón được phơi, là phẳng, xếp lên khung tre rồi chằm bằng tay từng mũi.",
    }, NO_EVIDENCE, (False, False, False, False), 1),
]


def main():
    write_rows(HERE / "topic04_sample_stories.csv", STORIES, COLUMNS)


if __name__ == "__main__":
    main()
