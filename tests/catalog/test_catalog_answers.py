"""Answers about catalogue procedures: facet first, code, link, dated source, old names marked;
buttons, thumbs and the log through the assistant."""

from __future__ import annotations

import datetime as dt

from bot.catalog.answers import FIRST_ITEMS, LEGACY_NOTE, procedure_answer
from bot.catalog.model import ChannelTerms, Document, Procedure
from bot.core.models import MAX_PAYLOAD_BYTES

IMPORTED = dt.date(2026, 11, 30)


def _procedure(documents: int = 3, legacy: tuple[str, ...] = ()) -> Procedure:
    return Procedure(
        code="1.004359", name="Cấp, cấp lại Giấy phép khai thác thủy sản", field="Thủy sản",
        levels=("tinh",), agency="Sở Nông nghiệp và Môi trường; UBND cấp huyện",
        applicants="Cá nhân, tổ chức",
        channels=(ChannelTerms("truc_tuyen", "5 Ngày làm việc", 5, "ngày làm việc",
                               "Lệ phí : 40.000 Đồng", 40000),
                  ChannelTerms("truc_tiep", "5 Ngày làm việc", 5, "ngày làm việc",
                               "Lệ phí : 40.000 Đồng", 40000)),
        documents=tuple(Document(f"Giấy tờ số {i}", copies="1 bản chính")
                        for i in range(1, documents + 1)),
        steps=("Nộp hồ sơ", "Thẩm định", "Trả kết quả"), conditions="",
        result="Giấy phép khai thác thủy sản", legal_basis=(),
        url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc", legacy=legacy)


def test_a_facet_answer_names_the_procedure_code_link_and_dated_source() -> None:
    reply = procedure_answer(_procedure(), "fee", IMPORTED)
    lines = reply.text.splitlines()
    assert lines[0] == "📌 Cấp, cấp lại Giấy phép khai thác thủy sản"
    assert lines[1] == "Mã thủ tục: 1.004359"
    assert lines[2] == "Phí, lệ phí:"
    assert "• trực tuyến, trực tiếp: Lệ phí : 40.000 Đồng" in reply.text  # same value: one line
    assert "Cách nộp: trực tuyến, trực tiếp" in reply.text
    assert reply.text.endswith("Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính "
                               "(dữ liệu lấy ngày 30/11/2026)")
    assert [link.url for link in reply.links] == ["https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc"]
    payloads = [b.payload for b in reply.buttons]
    assert "cf:1.004359:documents" in payloads and "cf:1.004359:fee" not in payloads
    assert "fb:c:1.004359:up" in payloads and "fb:c:1.004359:down" in payloads
    assert all(len(p.encode()) <= MAX_PAYLOAD_BYTES for p in payloads)


def test_a_long_document_list_is_cut_with_a_button_for_the_rest() -> None:
    proc = _procedure(documents=12)
    reply = procedure_answer(proc, "documents", IMPORTED)
    assert f"Giấy tờ số {FIRST_ITEMS}" in reply.text
    assert f"Giấy tờ số {FIRST_ITEMS + 1}" not in reply.text
    assert f"… và {12 - FIRST_ITEMS} mục khác" in reply.text
    more = reply.buttons[0]
    assert more.label == "📄 Xem đủ 12 giấy tờ" and more.payload == "cm:1.004359:documents"
    full = procedure_answer(proc, "documents", IMPORTED, full=True)
    assert "Giấy tờ số 12" in full.text and "mục khác" not in full.text


def test_old_names_are_never_presented_as_current() -> None:
    reply = procedure_answer(_procedure(legacy=("cấp huyện",)), "where", IMPORTED)
    assert "UBND cấp huyện (tên cũ)" in reply.text
    assert LEGACY_NOTE in reply.text
    plain = procedure_answer(_procedure(), "where", IMPORTED)
    assert "(tên cũ)" not in plain.text and LEGACY_NOTE not in plain.text


async def test_a_catalogue_answer_its_buttons_and_thumbs(assistant, say, press, store) -> None:
    replies = await say(assistant, "xin giay phep khai thac thuy san le phi bao nhieu")
    reply = replies[-1]
    assert "Mã thủ tục: 1.004359" in reply.text
    assert "Phí, lệ phí:" in reply.text
    assert store.turns[-1].topic == "tthc-1.004359" and store.turns[-1].outcome == "answer"
    steps = (await press(assistant, "cf:1.004359:steps"))[-1]
    assert "Các bước:" in steps.text and store.turns[-1].outcome == "facet"
    await press(assistant, "fb:c:1.004359:down")
    assert store.feedback[-1].topic == "tthc-1.004359" and store.feedback[-1].rating == -1


async def test_forged_or_stale_catalogue_buttons_get_the_menu(assistant, press, store) -> None:
    for payload in ("cf:9.999999:fee", "cm:1.004359:nonsense", "fb:c:9.999999:up", "cp:"):
        await press(assistant, payload)
        assert store.turns[-1].outcome == "stale_button", payload
    assert not store.feedback


async def test_did_you_mean_offers_catalogue_procedures(assistant, say, press, store) -> None:
    reply = (await say(assistant, "dang ky lai khai sinh"))[-1]
    assert store.turns[-1].outcome == "suggest"
    first = reply.buttons[0]
    assert first.payload == "cp:1.004884" and first.label == "Thủ tục đăng ký lại khai sinh"
    chosen = (await press(assistant, first.payload))[-1]
    assert "Mã thủ tục: 1.004884" in chosen.text
    assert store.turns[-1].topic == "tthc-1.004884"


async def test_an_answer_offers_the_variants_it_did_not_name(assistant, say) -> None:
    reply = (await say(assistant, "dang ky khai sinh"))[-1]
    assert reply.text.startswith("📌 Đăng ký khai sinh")
    assert "Mã thủ tục: 1.001193 (Thủ tục đăng ký khai sinh)" in reply.text
    variants = [b for b in reply.buttons if b.label.startswith("Có phải: ")]
    assert variants and all(b.payload.startswith("cp:") for b in variants)


async def test_the_report_counts_catalogue_procedures_by_code(assistant, say, press, store,
                                                              brain, clock) -> None:
    from bot.catalog.entries import procedure_titles
    from bot.reports.model import build_report
    from bot.storage.base import ReportQuery

    for _ in range(2):
        await say(assistant, "xin giay phep khai thac thuy san")
    await press(assistant, "fb:c:1.004359:down")
    titles = procedure_titles(brain.catalog.procedures.values())
    report = build_report(await store.log_stats(ReportQuery()), ReportQuery(), {}, titles,
                          now=clock.now)
    row = next(r for r in report.topics if r.topic == "tthc-1.004359")
    assert row.title == "1.004359 · Cấp, cấp lại Giấy phép khai thác thủy sản"
    assert row.answers == 2 and row.thumbs_down == 1


async def test_a_bare_facet_question_follows_up_on_the_procedure(assistant, say, store) -> None:
    await say(assistant, "xin giay phep khai thac thuy san")
    reply = (await say(assistant, "mất bao lâu?"))[-1]
    assert "Mã thủ tục: 1.004359" in reply.text and "Thời hạn:" in reply.text
    assert store.turns[-1].topic == "tthc-1.004359" and store.turns[-1].facet == "time"


def _channels(*rows: ChannelTerms) -> Procedure:
    import dataclasses

    return dataclasses.replace(_procedure(), channels=rows)


def test_a_time_shows_its_unit_and_a_unitless_number_is_said_to_lack_one() -> None:
    # "Trực tuyến5Miễn phí" with "05 ngày làm việc" in the steps (1.004359) ...
    inferred = ChannelTerms("truc_tuyen", "5", 5.0, "ngày làm việc", "Miễn phí", 0,
                            time_value=5.0)
    # ... and "Trực tiếp1Miễn phí" with no unit anywhere in the record (1.000096)
    unknown = ChannelTerms("truc_tiep", "1", None, "", "Miễn phí", 0, time_value=1.0)
    text = procedure_answer(_channels(inferred, unknown), "time", IMPORTED).text
    assert "• trực tuyến: 5 ngày làm việc" in text
    assert "• trực tiếp: 1 (trang thủ tục không ghi là ngày hay giờ)" in text
    assert "1 ngày" not in text and "1 giờ" not in text  # no unit is made up


def test_free_with_a_stated_amount_is_shown_as_written_with_a_warning() -> None:
    from bot.catalog.wording import UNCLEAR_FEE

    row = ChannelTerms("truc_tuyen", "5 Ngày làm việc", 5.0, "ngày làm việc",
                       "Miễn phí(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 "
                       "đồng/lần.)", None, time_value=5.0)
    text = procedure_answer(_channels(row), "fee", IMPORTED).text
    assert "• trực tuyến: Miễn phí (Lệ phí cấp mới 40.000đồng/lần;" in text
    assert UNCLEAR_FEE in text
    free = ChannelTerms("truc_tuyen", "5 Ngày", 5.0, "ngày", "Miễn phí", 0, time_value=5.0)
    assert UNCLEAR_FEE not in procedure_answer(_channels(free), "fee", IMPORTED).text


def test_list_items_lose_stray_bullets_and_get_spaced_copies() -> None:
    import dataclasses

    proc = dataclasses.replace(
        _procedure(), steps=("- Nếu lựa chọn hình thức nộp hồ sơ trực tiếp", "+ Bước hai"),
        documents=(Document("Giấy đăng ký cấp Chứng thư", copies="1 bản chính,1 bản sao"),))
    steps = procedure_answer(proc, "steps", IMPORTED).text
    assert "1. Nếu lựa chọn hình thức" in steps and "2. Bước hai" in steps
    docs = procedure_answer(proc, "documents", IMPORTED).text
    assert "• Giấy đăng ký cấp Chứng thư (1 bản chính, 1 bản sao)" in docs


def test_a_former_township_is_marked_as_an_old_name() -> None:
    import dataclasses

    proc = dataclasses.replace(_procedure(legacy=("thị trấn",)),
                               agency="Ủy ban nhân dân xã, phường, thị trấn")
    text = procedure_answer(proc, "where", IMPORTED).text
    assert "thị trấn (tên cũ)" in text and LEGACY_NOTE in text


def test_a_province_set_fee_is_never_called_free() -> None:
    from bot.catalog.wording import PROVINCE_FEE, UNCLEAR_FEE

    row = ChannelTerms("truc_tuyen", "1", None, "", "Miễn phí(Mức lệ phí (nếu có) theo quy "
                       "định của Hội đồng nhân dân cấp tỉnh.)", None, time_value=1.0)
    text = procedure_answer(_channels(row), "fee", IMPORTED).text
    assert PROVINCE_FEE in text and UNCLEAR_FEE not in text


def test_an_old_name_in_the_procedure_title_is_marked_too() -> None:
    import dataclasses

    proc = dataclasses.replace(_procedure(legacy=("cấp huyện",)),
                               name="Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp huyện)")
    first = procedure_answer(proc, None, IMPORTED).text.splitlines()[0]
    assert first == "📌 Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp huyện (tên cũ))"


def test_did_you_mean_marks_an_old_level_in_a_procedure_name(brain) -> None:
    from bot.catalog.routing import suggestions

    reply = suggestions(brain.kb, brain, ["tthc-1.010385", "tthc-1.001193"], None)
    labels = [b.label for b in reply.buttons]
    assert "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp huyện (tên cũ))" in labels
