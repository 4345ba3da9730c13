"""Team deep links and QR posters: payload rules, the t.me link, the referral log."""

from __future__ import annotations

import subprocess

import pytest

from bot.referrals import LinkError, make_payload, save_qr, telegram_link
from tests.conftest import DVCBOT


def test_payload_joins_target_and_team() -> None:
    assert make_payload("khai-sinh", "to-cns-ap-3") == "khai-sinh__to-cns-ap-3"
    assert make_payload("flow-vneid-dang-nhap") == "flow-vneid-dang-nhap"
    assert make_payload("", "to-1") == "__to-1"


@pytest.mark.parametrize("team", ["Bad Team", "to_1", "-x", "a" * 31, "tổ-1"])
def test_bad_team_codes_are_refused(team: str) -> None:
    with pytest.raises(LinkError):
        make_payload("khai-sinh", team)


def test_payload_over_64_characters_is_refused() -> None:
    with pytest.raises(LinkError):
        make_payload("flow-" + "x" * 40, "t" * 25)


def test_telegram_link_and_qr(tmp_path) -> None:
    url = telegram_link("@dvc_bot", "khai-sinh__to-1")
    assert url == "https://t.me/dvc_bot?start=khai-sinh__to-1"
    png = save_qr(url, tmp_path / "poster.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save_qr(url, tmp_path / "poster.svg").read_text()
    assert "<svg" in svg
    with pytest.raises(LinkError):
        save_qr(url, tmp_path / "poster.jpg")


async def test_team_deep_link_opens_topic_and_logs_referral(assistant, store, start) -> None:
    replies = await start(assistant, "khai-sinh__to-cns-ap-3")
    assert "khai sinh" in replies[-1].text.lower()
    assert [(r.code, r.team) for r in store.referrals] == [("khai-sinh__to-cns-ap-3",
                                                           "to-cns-ap-3")]
    assert store.turns[-1].referral == "to-cns-ap-3"
    assert store.turns[-1].topic == "khai-sinh"


def test_link_command_prints_link_and_writes_qr(kb_copy) -> None:
    config = kb_copy.config_path
    config.write_text(config.read_text() + "telegram:\n  username: dvc_test_bot\n")
    qr = kb_copy.root / "qr.svg"
    out = subprocess.run([DVCBOT, "--config", str(config), "link", "--flow", "buu-chinh",
                          "--team", "to-1", "--qr", str(qr)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "https://t.me/dvc_test_bot?start=flow-buu-chinh__to-1" in out.stdout
    assert qr.exists()
    bad = subprocess.run([DVCBOT, "--config", str(config), "link", "--topic", "khong-co"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "unknown topic" in bad.stderr


def test_link_command_refuses_a_qr_code_without_a_telegram_username(kb_copy) -> None:
    qr = kb_copy.root / "poster.png"
    out = subprocess.run([DVCBOT, "--config", str(kb_copy.config_path), "link", "--topic",
                          "khai-sinh", "--qr", str(qr)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "telegram.username" in out.stderr
    assert "khai-sinh" in out.stdout  # the payload to type is still printed
    assert not qr.exists()
