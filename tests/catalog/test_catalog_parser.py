"""The parser on real rows of the national portal sample (tests/catalog/data/real_rows.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalog.channels import parse_channels
from bot.catalog.model import Procedure
from bot.catalog.parser import RecordError, check_record, parse_levels, parse_record
from bot.catalog.tables import parse_documents, parse_legal_basis, parse_result, parse_steps

ROWS = {json.loads(line)["ma_thu_tuc"]: json.loads(line) for line in
        (Path(__file__).parent / "data" / "real_rows.jsonl").read_text("utf-8").splitlines()}


def proc(code: str) -> Procedure:
    return parse_record(ROWS[code])


def by_channel(p: Procedure) -> dict[str, tuple]:
    return {c.channel: (c.time_value, c.time_unit, c.time_days, c.fee_vnd) for c in p.channels}


def test_every_fixture_row_parses_with_its_code_name_and_link() -> None:
    for code, row in ROWS.items():
        p = parse_record(row)
        assert p.code == code and p.name and p.url.startswith("https://dichvucong.gov.vn/")
        assert p.channels, code  # every real row names at least one channel


def test_complaint_row_no_fee_information_and_a_year_glued_to_a_law_number() -> None:
    p = proc("1.000178")
    assert p.levels == ("bo",)
    assert p.agency == "Thanh tra Bộ"
    assert by_channel(p) == {"buu_chinh": (60.0, "ngày làm việc", 60.0, None),
                             "truc_tiep": (60.0, "ngày làm việc", 60.0, None)}
    assert all(c.fee_text == "" for c in p.channels)  # "Không có thông tin" is no fee text
    assert p.channels[0].note.startswith("Thời hạn giải quyết khiếu nại lần đầu")
    assert [(b.title, b.number) for b in p.legal_basis][1:] == [
        ("Luật Khiếu nại  năm 2011", "02/2011/QH13"),  # "năm 201102/2011/QH13"
        ("Quy định quy trình giải quyết khiếu nại trong công an nhân dân", "11/2015/TT-BCA"),
        ("Nghị định 05/2012/NĐ-CP", "05/2012/NĐ-CP")]
    assert p.legal_basis[0].number == "68/2013/TT-BCA"  # "...68/2013/TT-BCALuật Khiếu nại"
    assert len(p.documents) == 8 and p.documents[0].copies == "1 bản chính"
    assert p.result == "Quyết định giải quyết khiếu nại lần 1, lần 2"  # code "Mã: KQ..." cut
    assert p.steps[0].startswith("Bước 1: Thụ lý") and p.steps[1].startswith("Bước 2:")


def test_a_fee_in_vietnam_dong_with_its_explanation_kept() -> None:
    p = proc("1.002613")
    assert {c.fee_vnd for c in p.channels} == {2_500_000}
    assert p.channels[0].fee_text.startswith("2,500,000 Việt Nam Đồng(Phí : Đồng (Từ ngày")
    assert p.channels[0].note == "20 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ."
    numbers = [b.number for b in p.legal_basis]
    assert numbers[:2] == ["44/2016/NĐ-CP", "110/2017/TT-BTC"]  # "NĐ-CPTHÔNG TƯ..." split
    assert p.legal_basis[1].title.startswith("THÔNG TƯ SỬA ĐỔI")


def test_a_time_without_unit_keeps_its_number_and_no_days() -> None:
    p = proc("1.008331")  # "Trực tuyến1Miễn phí..."
    assert by_channel(p) == {k: (1.0, "", None, 0) for k in ("truc_tuyen", "buu_chinh",
                                                             "truc_tiep")}


def test_a_time_without_unit_takes_the_unit_its_own_steps_give_the_same_number() -> None:
    # "Trực tiếp1Miễn phí"; the steps say "Trong thời hạn 01 (một) ngày làm việc".
    (row,) = proc("1.000025").channels
    assert (row.time_text, row.time_unit, row.time_days) == ("1", "ngày làm việc", 1.0)


def test_no_time_information_then_free() -> None:
    p = proc("1.003519")  # "Dịch vụ bưu chínhKhông có thông tinMiễn phítrước ngày 30/11..."
    assert [(c.channel, c.time_text, c.time_value, c.fee_text, c.fee_vnd, c.note)
            for c in p.channels] == [
        ("buu_chinh", "", None, "Miễn phí", 0, "trước ngày 30/11"),
        ("truc_tiep", "", None, "Miễn phí", 0, "trước ngày 30/11")]


def test_hours_are_hours() -> None:
    p = proc("1.010047")
    assert p.channels[0].time_text == "1 Giờ" and p.channels[0].time_unit == "giờ"
    assert p.channels[0].time_days == pytest.approx(1 / 24)


def test_a_glued_time_and_amount_is_split_only_when_the_record_explains_it() -> None:
    # "Trực tuyến120 VNĐ": 1 + 20 or 12 + 0? Nothing says: both numbers stay unknown.
    (ambiguous,) = proc("1.006429").channels
    assert (ambiguous.time_value, ambiguous.fee_vnd) == (None, None)
    assert ambiguous.fee_text == "120 VNĐ"
    # "Trực tuyến1200 VNĐ(200.000 vnđ / tờ khai...)": the note gives 200.000 đồng.
    (explained,) = proc("1.007740").channels
    assert (explained.time_value, explained.fee_vnd) == (1.0, 200_000)
    assert explained.fee_text.startswith("200 VNĐ(200.000 vnđ")


def test_a_time_cell_in_words() -> None:
    p = proc("1.007689")  # "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phí..."
    assert [c.channel for c in p.channels] == ["truc_tuyen", "buu_chinh", "truc_tiep"]
    first = p.channels[0]
    assert first.time_text == "Không phải trả kết quả cho người nộp thuế"
    assert (first.time_value, first.fee_vnd) == (None, 0)


def test_free_with_a_stated_amount_is_not_called_free() -> None:
    (row,) = proc("1.013424").channels  # "Miễn phí(- Dưới 5 tấn: 50.000 đồng/giấy; ...)"
    assert row.fee_vnd is None and row.fee_text.startswith("Miễn phí(- Dưới 5 tấn: 50.000")
    several = proc("1.004306").channels[0]  # "Miễn phí(15000000/lần Đồng (Đối với ...)"
    assert several.fee_vnd is None and "15000000/lần" in several.fee_text


def test_a_fee_in_dollars_is_kept_as_text_only() -> None:
    p = proc("1.000771")
    assert {(c.fee_text, c.fee_vnd) for c in p.channels} == {("10 USD(/lần)", None)}
    assert {c.fee_usd for c in p.channels} == {10.0}  # the amount, in its own currency


def test_dollar_fees_with_and_without_a_note_and_after_an_unknown_time() -> None:
    from bot.catalog.channels import parse_channels

    head = "Hình thức nộpThời gianPhí, lệ phíMô tả"
    # 1.001146, 1.003460 and 2.000975 as the sample has them
    bare = parse_channels(head + "Trực tuyến5 Ngày làm việc10 USDDịch vụ bưu chính5 Ngày làm "
                                 "việc10 USDTrực tiếp5 Ngày làm việc10 USD")
    assert [(c.fee_usd, c.time_value, c.time_unit) for c in bare] == \
        [(10.0, 5.0, "ngày làm việc")] * 3
    (card,) = parse_channels(head + "Trực tuyến5 Ngày làm việc145 USD(Thẻ tạm trú có thời hạn "
                                    "không quá 02 năm: 145 USD/thẻ.)")
    assert card.fee_usd == 145.0 and card.fee_vnd is None
    (copy,) = parse_channels(head + "Trực tiếpKhông có thông tin10 USD(/bản)")
    assert (copy.time_value, copy.fee_usd) == (None, 10.0)
    (dong,) = parse_channels(head + "Trực tiếp5 Ngày làm việc50.000 Đồng")
    assert (dong.fee_vnd, dong.fee_usd) == (50000, None)


def test_legacy_wording_is_flagged() -> None:
    assert "cấp huyện" in proc("1.010385").legacy  # "(thực hiện tại cấp huyện)"
    assert "thị trấn" in proc("1.000253").legacy
    assert proc("1.000178").legacy == ()


def test_documents_in_groups_with_both_copies() -> None:
    docs = proc("1.012836").documents
    assert docs[0].name == "Danh sách gia súc đã được phối giống nhân tạo"
    assert docs[0].copies == "1 bản chính,1 bản sao"
    assert docs[0].group.startswith("Hồ sơ người làm dịch vụ phối giống")
    assert docs[1].group.startswith("Hồ sơ tổ chức được giao nhiệm vụ")
    assert docs[1].name.startswith("Biên bản nghiệm thu")  # the "- " bullet is dropped


def test_form_file_names_are_split_from_document_names() -> None:
    docs = proc("1.000823").documents
    assert docs[0].form == "Mus08.docx"
    assert docs[0].name.endswith("ngày 27/12/2021")
    assert docs[2].form == "" and docs[2].copies == "1 bản chính"


def test_a_form_file_glued_to_a_law_number_in_capitals() -> None:
    first = proc("1.011470").documents[0]  # "...26/2025/TT-BNNMTMẫu số 07.docx1 bản chính"
    assert first.name.endswith("Thông tư số 26/2025/TT-BNNMT")
    assert (first.form, first.copies) == ("Mẫu số 07.docx", "1 bản chính")


def test_empty_legal_basis_and_a_photo_count_that_is_not_copies() -> None:
    p = proc("2.000769")
    assert p.legal_basis == ()  # "Không có thông tin"
    assert p.documents[0].name == "03 ảnh màu kích thước 2x3 cm chụp không quá 06 tháng"
    assert p.conditions == ""


def test_a_record_without_a_documents_table() -> None:
    assert proc("3.000364").documents == ()


def test_law_numbers_glued_to_lowercase_titles_and_to_each_other() -> None:
    numbers = [b.number for b in proc("1.000194").legal_basis]
    assert "61/2025/TT-NHNN" in numbers  # "...TT-NHNNsố 61/2025..." keeps its last N
    p = proc("1.007906")  # "Luật 78/2006/QH1178/2006/QH11", "PL-UBTVQH1038/2001/..."
    assert ("Luật 78/2006/QH11", "78/2006/QH11") in [(b.title, b.number) for b in p.legal_basis]
    assert p.legal_basis[-1].number == "38/2001/PL-UBTVQH10"
    quoted = proc("1.014373").legal_basis[0]  # "...bởi Nghị định số 232/2025/NĐ-CP34/2025/..."
    assert quoted.number == "34/2025/TT-NHNN" and quoted.title.endswith("232/2025/NĐ-CP")


def test_levels() -> None:
    assert parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác") == ("bo", "tinh", "xa", "khac")
    assert parse_levels("Cấp tỉnh") == ("tinh",)
    assert parse_levels("") == ()


def test_small_texts_by_hand() -> None:
    assert parse_channels("") == ()
    assert parse_documents("Không có thông tin") == ()
    assert parse_legal_basis("Không có thông tin") == ()
    assert parse_steps("Không có thông tin") == ()
    assert parse_result("Giấy phépMã: KQ.G19.000181Văn bản từ chốiMã: G19-KQ0060102Từ khóa"
                        "Không có thông tin") == ("Giấy phép", "Văn bản từ chối")
    (row,) = parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày"
                            "Lệ phí : 50.000 ĐồngNộp tại xã")
    assert row.time_days == 15 and row.fee_vnd is None  # an unknown shape stays unparsed


@pytest.mark.parametrize(("record", "problem"), [
    ({"ten_thu_tuc": "Đăng ký khai sinh"}, "no ma_thu_tuc"),
    ({"ma_thu_tuc": "1.001193", "ten_thu_tuc": 12}, "ten_thu_tuc: expected text, got a number"),
    ({"ma_thu_tuc": 1.001193, "ten_thu_tuc": "x"}, "ma_thu_tuc: expected text, got a number"),
    ({"ma_thu_tuc": "1.001193"}, "no ten_thu_tuc"),
    ({"ma_thu_tuc": "1.0 01", "ten_thu_tuc": "x"}, "not a procedure code"),
    (["1.001193"], "expected an object"),
])
def test_bad_records_are_refused_with_the_reason(record: object, problem: str) -> None:
    with pytest.raises(RecordError, match=problem):
        check_record(record)


def test_free_but_set_by_the_province_council_is_not_free() -> None:
    from bot.catalog.channels import parse_channels

    head = "Hình thức nộpThời gianPhí, lệ phíMô tả"
    # 1.001266 and 1.000656 (khai tử) as the sample has them: "Miễn phí" in the fee cell, the
    # note saying each province sets the fee. Called free, 61 records were wrong.
    council = parse_channels(head + "Trực tuyến1Miễn phí(Mức lệ phí (nếu có) theo quy định của "
                                    "Hội đồng nhân dân cấp tỉnh.)Dịch vụ bưu chính1Miễn phí(Mức "
                                    "lệ phí (nếu có) theo quy định của Hội đồng nhân dân cấp "
                                    "tỉnh.)")
    assert [c.fee_vnd for c in council] == [None, None]
    assert council[0].fee_text.startswith("Miễn phí(Mức lệ phí (nếu có)")
    assert (council[0].time_value, council[0].time_unit) == (1.0, "")  # no unit anywhere
    (death,) = parse_channels(head + "Trực tuyến1Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân "
                                     "dân tỉnh, thành phố trực thuộc Trung ương quyết định. Miễn "
                                     "lệ phí đối với trường hợp đăng ký khai tử đúng hạn, người "
                                     "thuộc hộ nghèo; người khuyết tật.)")
    assert death.fee_vnd is None
    (free,) = parse_channels(head + "Trực tiếp1 Ngày làm việcMiễn phí(Không có)")
    assert free.fee_vnd == 0  # truly free stays free
