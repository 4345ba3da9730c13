"""Redaction of what people type about themselves in words: names, addresses, plates..."""

import pytest

from bot.privacy.redact import redact, without_placeholders

PERSONAL = [
    # (message, the raw values that must disappear, kind)
    ("Tôi tên là Nguyễn Văn An, muốn làm lại căn cước", ["Nguyễn Văn An"], "name"),
    ("toi ten la nguyen van binh lam cccd o dau", ["nguyen van binh"], "name"),
    ("họ tên: Trần Thị Mai, sinh năm 1985", ["Trần Thị Mai"], "name"),
    ("ho ten: tran thi mai", ["tran thi mai"], "name"),
    ("họ và tên Phạm Văn Đồng bị ghi sai", ["Phạm Văn Đồng"], "name"),
    ("con tôi là Lê Minh Khang, 6 tuổi, làm căn cước được không", ["Lê Minh Khang"], "name"),
    ("tên cháu là Hoàng Anh, mất giấy khai sinh", ["Hoàng Anh"], "name"),
    ("mình tên Hoa, muốn hỏi thủ tục tạm trú", ["Hoa"], "name"),
    ("tên con tôi là Bùi Gia Bảo", ["Bùi Gia Bảo"], "name"),
    ("em ở số nhà 12 ngõ 34 đường Láng, phường Láng Thượng", ["12", "34", "Láng,"],
     "address"),
    ("dia chi so 123/4 hem 56 duong Le Loi quan 1", ["123/4", "56", "Le Loi"], "address"),
    ("nhà ở tổ 5 khu phố 3 phường Tân Định", ["tổ 5", "phố 3"], "address"),
    ("ấp Tân Hòa xã Long Phước làm tạm trú", ["Tân Hòa"], "address"),
    ("thôn Đông Xuân, xã Hòa Bình", ["Đông Xuân"], "address"),
    ("tdp 7 phường Quang Trung", ["tdp 7"], "address"),
    ("sinh ngày 12/05/1990 làm lại cccd", ["12/05/1990"], "birth"),
    ("con sinh ngay 1/7/2025 can giay to gi", ["1/7/2025"], "birth"),
    ("ngày sinh của tôi: 03-11-1962", ["03-11-1962"], "birth"),
    ("bé sinh 5 tháng 3 năm 2025 chưa làm khai sinh", ["5 tháng 3 năm 2025"], "birth"),
    ("xe biển 29A-123.45 bị phạt nguội", ["29A-123.45"], "plate"),
    ("bien so 51F1-234.56 sang ten", ["51F1-234.56"], "plate"),
    ("biển số 59-X1 123.45 đăng ký lại", ["59-X1 123.45"], "plate"),
    ("xe 30e12345 mat giay dang ky", ["30e12345"], "plate"),
    ("mật khẩu là hoamai", ["hoamai"], "password"),
    ("mk la abc", ["abc"], "password"),
    ("mat khau vneid cua toi la conmeo, dang nhap khong duoc", ["conmeo"], "password"),
    ("password là sunflower", ["sunflower"], "password"),
    ("mã hồ sơ HS2099XYZ999 đến đâu rồi", ["HS2099XYZ999"], "dossier"),
    ("số hồ sơ HS2099XYZ999", ["HS2099XYZ999"], "dossier"),
    ("tra cứu HS2099XYZ999 giúp em", ["HS2099XYZ999"], "dossier"),
    ("hồ sơ của tôi là AB1234 chưa có kết quả", ["AB1234"], "code"),
    ("mã số thuế của tôi là 8012345678", ["8012345678"], "bank"),  # any 10 digits
    ("ma bhxh 7912345678 tra cuu o dau", ["7912345678"], "bank"),
    ("TÔI TÊN LÀ NGUYỄN VĂN AN", ["NGUYỄN VĂN AN"], "name"),
    ("👎 thiếu chỗ ghi, tôi tên Lê Thị Hồng ở thôn Bắc Sơn", ["Lê Thị Hồng", "Bắc Sơn"],
     "name"),
]


@pytest.mark.parametrize(("message", "raws", "kind"), PERSONAL)
def test_personal_details_are_replaced(message: str, raws: list[str], kind: str) -> None:
    result = redact(message)
    for raw in raws:
        assert raw not in result.text, result.text
    assert kind in result.kinds
    assert "[" in result.text


KEPT = [
    # Topic words after the cues keep the question's meaning.
    "họ tên viết sai thì sửa thế nào",
    "sửa họ tên trong giấy khai sinh",
    "đặt tên con theo họ mẹ được không",
    "tên con là gì cũng được à",
    "con toi la con nuoi co lam khai sinh duoc khong",
    "tôi là người dân tộc thiểu số có được miễn phí không",
    "mật khẩu là gì vậy",
    "mat khau la so hay chu",
    "mk la sinh vien co duoc giam phi khong",
    "mã số thuế là gì",
    "ma so thue ca nhan tra cuu o dau",
    "mã thủ tục 1.001234 là gì",
    "hồ sơ nộp năm 2024 chưa có kết quả",
    "hồ sơ lệ phí 200.000đ đóng ở đâu",
    "mã QR trên căn cước để làm gì",
    # Places the bot needs to say where: communes, districts, provinces; common phrases.
    "đăng ký thường trú ở phường Bến Nghé quận 1",
    "xã Tân Hòa huyện Châu Thành làm khai sinh ở đâu",
    "thành phố Hồ Chí Minh làm hộ chiếu ở đâu",
    "gửi qua đường bưu điện được không",
    "đường dây nóng 1900 1234",
    "tổ chức có phải nộp không",
    "ap dung cho ca nguoi nuoc ngoai khong",
    "giay to 2 ban photo",
    "tổ công nghệ số cộng đồng ở đâu",
    # Years, fees, non-birth dates.
    "sinh năm 2024 làm giấy khai sinh",
    "ngày 15-03-2024 nộp hồ sơ",
    "phí 20k một lần",
    "tiền phạt phát sinh trước ngày 01/7/2007 có được xóa không",
    "giấy phép lái xe hạng B2 đổi ở đâu",
    # Typed in capitals: capitals say nothing about names then.
    "SỬA HỌ TÊN TRONG GIẤY KHAI SINH",
    "GỬI QUA ĐƯỜNG BƯU ĐIỆN ĐƯỢC KHÔNG",
    "em là Việt kiều về nước làm căn cước được không",
]


@pytest.mark.parametrize("message", KEPT)
def test_topic_words_places_years_and_fees_survive(message: str) -> None:
    result = redact(message)
    assert result.text == message
    assert not result.kinds


def test_placeholders_do_not_reach_matching() -> None:
    text = redact("tôi tên Nguyễn Văn An ở số nhà 12 đường Láng").text
    assert "[họ tên]" in text and "[địa chỉ]" in text
    assert "[" not in without_placeholders(text)
