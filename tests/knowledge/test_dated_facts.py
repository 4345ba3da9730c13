"""Facts with dates: the rate in force on the day of the question, and kb check's date rules."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli import main
from bot.knowledge.clock import vietnam_today
from bot.knowledge.freshness import findings
from tests.helpers.yamledit import edit_line, kb_check, line_of

LAST_SECOND_OF_CUT = dt.datetime(2026, 12, 31, 16, 59, 59, tzinfo=dt.UTC).timestamp()


async def test_fee_switches_at_midnight_vietnam_time(assistant, say, clock) -> None:
    clock.now = LAST_SECOND_OF_CUT  # 23:59:59 on 31/12/2026 in Vietnam
    before = (await say(assistant, "phí làm căn cước bao nhiêu"))[-1].text
    clock.now = LAST_SECOND_OF_CUT + 1  # 00:00:00 on 1/1/2027 in Vietnam, 17:00 UTC
    after = (await say(assistant, "phí làm căn cước bao nhiêu"))[-1].text
    assert "25.000 đồng" in before and "31/12/2026" in before
    assert "Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính" in before
    assert "50.000 đồng" in after and "25.000" not in after and "31/12/2026" not in after


async def test_environment_override_sets_the_day(assistant, say, monkeypatch) -> None:
    monkeypatch.setenv("DVCBOT_TODAY", "2027-01-01")
    text = (await say(assistant, "phí làm căn cước bao nhiêu"))[-1].text
    assert "Cấp đổi thẻ: 50.000 đồng" in text
    monkeypatch.setenv("DVCBOT_TODAY", "2026-12-04")
    text = (await say(assistant, "phí làm căn cước bao nhiêu"))[-1].text
    assert "25.000 đồng" in text


@pytest.mark.parametrize(("question", "figure"), [
    ("phí làm căn cước bao nhiêu", "25.000 đồng"),
    ("lam ho chieu mat bao lau", "8 ngày làm việc"),
    ("giay xac nhan doc than co gia tri bao lau", "6 tháng"),
    ("le phi doi bang lai xe bao nhieu", "135.000 đồng"),
])
async def test_figures_with_their_source(assistant, say, clock, question, figure) -> None:
    clock.now = dt.datetime(2026, 12, 4, 3, tzinfo=dt.UTC).timestamp()
    text = (await say(assistant, question))[-1].text
    assert figure in text
    assert "Nguồn:" in text


def test_kb_check_warns_about_facts_ending_within_the_window(kb_copy, capsys,
                                                              monkeypatch) -> None:
    monkeypatch.setenv("DVCBOT_TODAY", "2026-12-04")
    code = main(["--config", str(kb_copy.config_path), "kb", "check", "--warn-days", "60"])
    err = capsys.readouterr().err
    assert code == 0
    assert "topic can-cuoc: fee: expires on 31/12/2026" in err
    code = main(["--config", str(kb_copy.config_path), "kb", "check"])  # 27 days: inside 30
    assert "expires on 31/12/2026" in capsys.readouterr().err
    monkeypatch.setenv("DVCBOT_TODAY", "2026-11-01")  # 60 days before: outside 30
    main(["--config", str(kb_copy.config_path), "kb", "check"])
    assert "expires on" not in capsys.readouterr().err


def test_kb_check_fails_on_an_expired_fact_with_no_successor(kb_copy, capsys,
                                                             monkeypatch) -> None:
    path = kb_copy.topic_file("ho-tich-cu-tru.yaml")
    line = line_of(path, r"valid_from: 2027-01-01")
    edit_line(path, line, "          valid_from: 2027-02-01")  # a gap in January
    monkeypatch.setenv("DVCBOT_TODAY", "2027-01-10")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert any("expired on 31/12/2026 and nothing is in force after it" in e for e in errors)
    assert all(e.startswith(str(path)) for e in errors if "expired on" in e)


def test_old_reviews_are_listed(brain) -> None:
    late = dt.date(2027, 12, 1)
    found = findings(brain.kb, late, warn_days=0, review_days=180)
    assert any("reviewed 2026-11-22" in f.message for f in found)
    assert not any("reviewed" in f.message for f in findings(brain.kb, dt.date(2026, 12, 4),
                                                             0, 180))


@pytest.mark.parametrize(("replacement", "problem"), [
    ("          valid_until: 2025-06-30", "is before valid_from"),
    ("          valid_until: someday", "expected a date YYYY-MM-DD"),
    ("          valid_untill: 2026-12-31", "unknown key 'valid_untill'"),
])
def test_bad_dated_fact_is_reported_with_its_line(kb_copy, capsys, replacement,
                                                  problem) -> None:
    path = kb_copy.topic_file("ho-tich-cu-tru.yaml")
    line = line_of(path, r"valid_until: 2026-12-31")
    edit_line(path, line, replacement)
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert any(e.startswith(f"{path}:{line}:") and problem in e for e in errors), errors


def test_vietnam_day_starts_at_17_utc() -> None:
    assert vietnam_today(LAST_SECOND_OF_CUT) == dt.date(2026, 12, 31)
    assert vietnam_today(LAST_SECOND_OF_CUT + 1) == dt.date(2027, 1, 1)
