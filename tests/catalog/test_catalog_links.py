"""Deep links and QR posters that open a catalogue procedure, with the team attribution."""

from __future__ import annotations

import subprocess

import pytest

from bot.catalog.links import code_target, procedure_target, target_code
from bot.core.router import PAYLOAD_RE
from bot.referrals import make_payload, telegram_link
from tests.conftest import DVCBOT


@pytest.mark.parametrize("code", ["1.001193", "2.000528", "1.000080.000.00.00.H56",
                                  "BTP-HNO-277234"])
def test_a_code_round_trips_through_a_telegram_safe_payload(code: str) -> None:
    target = code_target(code)
    assert target is not None and "." not in target
    payload = make_payload(target, "to-cns-ap-3")
    assert PAYLOAD_RE.match(payload) and len(payload) <= 64
    assert target_code(payload.partition("__")[0]) == code


@pytest.mark.parametrize("code", ["1_001193", "1..2", "1.001193.", "mã 1", "", "a/b"])
def test_codes_that_would_not_decode_back_get_no_link(code: str) -> None:
    assert code_target(code) is None


def test_only_procedures_of_the_loaded_catalogue_are_linked(brain) -> None:
    assert procedure_target(brain.catalog, "1.004359") == ("tthc-1_004359", "")
    target, problem = procedure_target(brain.catalog, "9.999999")
    assert target == "" and "unknown procedure code" in problem


async def test_a_team_link_opens_the_procedure_and_logs_the_team(assistant, store,
                                                                 start) -> None:
    replies = await start(assistant, "tthc-1_004359__to-cns-ap-3")
    assert "Mã thủ tục: 1.004359" in replies[-1].text
    assert "Cấp, cấp lại Giấy phép khai thác thủy sản" in replies[-1].text
    assert [(r.code, r.team) for r in store.referrals] == [("tthc-1_004359__to-cns-ap-3",
                                                           "to-cns-ap-3")]
    turn = store.turns[-1]
    assert (turn.topic, turn.referral, turn.outcome) == ("tthc-1.004359", "to-cns-ap-3",
                                                         "answer")


async def test_an_unknown_procedure_link_shows_the_menu_and_keeps_the_team(assistant, store,
                                                                          start) -> None:
    await start(assistant, "tthc-9_999999__to-1")
    assert store.turns[-1].outcome == "start" and store.turns[-1].topic is None
    assert store.referrals[-1].team == "to-1"


async def test_personal_data_in_the_team_part_is_still_refused(assistant, store, start) -> None:
    await start(assistant, "tthc-1_004359__0912345678")
    assert store.turns[-1].outcome == "start" and not store.referrals


def test_link_command_for_a_procedure_code(kb_copy) -> None:
    config = kb_copy.config_path
    config.write_text(config.read_text() + "telegram:\n  username: dvc_test_bot\n")
    out = subprocess.run([DVCBOT, "--config", str(config), "link", "--code", "1.004359",
                          "--team", "to-1"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert telegram_link("dvc_test_bot", "tthc-1_004359__to-1") in out.stdout
    assert "console: /start tthc-1_004359__to-1" in out.stdout
    bad = subprocess.run([DVCBOT, "--config", str(config), "link", "--code", "9.999999"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "unknown procedure code" in bad.stderr


def test_a_long_procedure_name_fits_the_poster_on_two_lines() -> None:
    from bot.staff.poster import _lines

    name = ("Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài tại khu vực biên giới "
            "và các trường hợp khác theo quy định của pháp luật hiện hành")
    lines = _lines(name, 56).split("\n")
    assert len(lines) == 2 and all(len(x) <= 56 for x in lines)
    assert lines[0].startswith("Thủ tục đăng ký") and lines[1].endswith("…")
    assert _lines("Đăng ký khai sinh", 56) == "Đăng ký khai sinh"
