"""Redaction of personal data in realistic Vietnamese messages."""

import pytest

from bot.privacy.redact import redact, scrub

PERSONAL = [
    # (message, the raw value that must disappear, kind)
    ("Số CCCD của tôi là 001099012345 em muốn đổi thẻ", "001099012345", "id"),
    ("cccd 001 099 012 345 bi sai ngay sinh", "001 099 012 345", "id"),
    ("cccd 001.099.012.345 het han chua", "001.099.012.345", "id"),
    ("cccd079090001234 con dung duoc ko", "079090001234", "id"),
    ("CMND cũ 025123456 có cần mang theo không", "025123456", "old_id"),
    ("sdt 0912345678 gọi lại giúp em", "0912345678", "phone"),
    ("so dien thoai cua em: 0912.345.678", "0912.345.678", "phone"),
    ("số em 0912 345 678, cảm ơn", "0912 345 678", "phone"),
    ("liên hệ +84 912 345 678 nhé", "912 345 678", "phone"),
    ("zalo 84912345678 nha ad", "84912345678", "phone"),
    ("goi 024 3825 1234 khong ai nghe may", "024 3825 1234", "phone"),
    ("email em la nguyen.van.a@gmail.com", "nguyen.van.a@gmail.com", "email"),
    ("gửi về Tran_Thi-B+dvc@yahoo.com.vn giúp em", "Tran_Thi-B+dvc@yahoo.com.vn", "email"),
    ("mã hồ sơ G22.99-250101-0001 sao chưa có kết quả", "G22.99-250101-0001", "dossier"),
    ("ho so 000.00.19.H29-250101-0001 bi tra lai", "000.00.19.H29-250101-0001", "dossier"),
    ("tra cuu h29.99-240315-0012 o dau", "h29.99-240315-0012", "dossier"),
    ("ma ho so 240315-0012 chua thay", "240315-0012", "dossier"),
    ("mã biên nhận: 2501010001", "2501010001", "dossier"),
    ("stk vietcombank 0011004123456 chuyen tien le phi", "0011004123456", "bank"),
    ("số tài khoản: 1903 3456 7890 12", "1903 3456 7890 12", "bank"),
    ("the visa 4111 1111 1111 1111 thanh toan loi", "4111 1111 1111 1111", "card"),
    ("thẻ 9704-0000-1234-5678 bị trừ tiền 2 lần", "9704-0000-1234-5678", "card"),
    ("ma otp la 482913", "482913", "code"),
    ("OTP:482913.", "482913", "code"),
    ("mã xác thực 4829 13", "4829 13", "code"),
    ("em nhan duoc ma 7315, nhap vao dau", "7315", "code"),
    ("mat khau vneid cua toi la Hoang@2024", "Hoang@2024", "password"),
    ("mk: abcdef", "abcdef", "password"),
    ("passcode vneid 654321", "654321", "password"),
]


@pytest.mark.parametrize(("message", "raw", "kind"), PERSONAL)
def test_personal_data_is_replaced(message: str, raw: str, kind: str) -> None:
    result = redact(message)
    assert raw not in result.text
    assert kind in result.kinds
    assert "[" in result.text  # a readable placeholder stands where the value was


KEPT = [
    "quên mật khẩu vneid thì làm sao",
    "mật khẩu là gì vậy",
    "mat khau phai co bao nhieu ky tu",
    "sinh năm 2024 làm giấy khai sinh",
    "ban sinh nam 1945 cap cccd duoc khong",
    "ngày 15-03-2024 nộp hồ sơ",
    "lệ phí 200.000đ có đúng không",
    "le phi 1.500.000 dong",
    "phi 25000 dong",
    "phí 50000",
    "nop 2.000.000.000 dong tien su dung dat",
    "thu tuc 1.001234 la gi",
    "thủ tục 2.002326 ở xã nào",
    "tong dai 18001096 khong goi duoc",
    "goi 1900 1234 hỗ trợ",
    "nghi dinh 123/2023/ND-CP",
    "quyet dinh 1234/QD-UBND",
    "toi 35 tuoi, o nha so huu chung",
    "8:30 sang mo cua khong",
    "mau CT01 o dau",
]


@pytest.mark.parametrize("message", KEPT)
def test_years_dates_money_and_procedure_codes_survive(message: str) -> None:
    result = redact(message)
    assert result.text == message
    assert not result.kinds


def test_a_message_with_everything_keeps_its_question() -> None:
    message = ("Tôi tên Nguyễn Văn A, sinh 12/05/1990, CCCD 079090001234, ĐT 0987 654 321, "
               "email a.nguyen@yahoo.com.vn, hồ sơ G22.99-250101-0001 nộp lệ phí 50.000đ")
    result = redact(message)
    for raw in ("079090001234", "0987 654 321", "a.nguyen@yahoo.com.vn", "G22.99-250101-0001"):
        assert raw not in result.text
    assert "Nguyễn Văn A" not in result.text and "12/05/1990" not in result.text
    assert "Tôi tên [họ tên], sinh [ngày sinh]" in result.text and "50.000đ" in result.text
    assert result.kinds == {"name", "birth", "id", "phone", "email", "dossier"}


@pytest.mark.parametrize(("message", "sensitive"), [
    ("ma otp la 482913", True),
    ("mat khau la Abc@12345", True),
    ("cccd 001099012345", True),
    ("cmnd 025123456", True),
    ("stk 0011004123456", True),
    ("sdt 0912345678", False),
    ("email a@b.vn", False),
    ("quên mật khẩu vneid", False),
])
def test_secrets_and_identity_numbers_are_sensitive(message: str, sensitive: bool) -> None:
    assert redact(message).sensitive is sensitive


def test_scrub_redacts_every_string_in_a_session() -> None:
    session = {"flow": {"id": "tra-cuu", "answers": ["0912345678", {"x": "a@b.vn"}]},
               "buttons": ["st:tra-cuu:buoc-1:1"], "updated": 12.5}
    clean = scrub(session)
    assert clean == {"flow": {"id": "tra-cuu", "answers": ["[số điện thoại]", {"x": "[email]"}]},
                     "buttons": ["st:tra-cuu:buoc-1:1"], "updated": 12.5}
