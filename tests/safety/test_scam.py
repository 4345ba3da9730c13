"""Issue 15 item 4: scams that never say "OTP" get the warning first, then the topic."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.matching.evaluate import load_set
from bot.safety.evaluate import evaluate_scams
from bot.safety.texts import SCAM_WARNING
from tests.conftest import DVCBOT, PROJECT_ROOT

SCAM_SET = Path(__file__).resolve().parents[1] / "data" / "scam.jsonl"


def test_the_labelled_set_is_large_enough_and_meets_the_targets() -> None:
    items = load_set(SCAM_SET)
    report = evaluate_scams(items)
    assert report.scams >= 30 and report.ordinary >= 30
    rates = report.rates()
    assert rates["scams_warned"] >= 95.0, report.errors
    assert rates["ordinary_warned"] <= 3.0, report.errors


def test_ordinary_eval_sets_are_not_warned() -> None:
    data = SCAM_SET.parent
    items = [dict(item, scam=item.get("topic") == "lua-dao")
             for name in ("eval.jsonl", "holdout.jsonl", "fresh.jsonl")
             for item in load_set(data / name)]
    ordinary = [item for item in items if not item["scam"]]
    report = evaluate_scams(ordinary)
    assert report.rates()["ordinary_warned"] <= 1.0, report.errors


@pytest.mark.parametrize(("message", "topic"), [
    ("nhân viên bảo hiểm gọi bảo chuyển 500k để làm lại thẻ bhyt", "bhyt"),
    ("tin nhắn báo tài khoản vneid bị khóa, bấm vào link để mở", None),
    ("bên điện lực gọi bảo nợ tiền điện phải chuyển khoản ngay không là cắt điện", "lua-dao"),
])
async def test_scam_warning_comes_first_then_the_topic(assistant, store, say, message,
                                                       topic) -> None:
    replies = await say(assistant, message)
    assert replies[0].text == SCAM_WARNING
    assert len(replies) >= 2 and replies[1].text != SCAM_WARNING
    if topic is not None:
        assert store.turns[-1].topic == topic
    else:
        assert store.turns[-1].topic is not None


@pytest.mark.parametrize("message", [
    "phí làm căn cước bao nhiêu", "chuyển khoản nộp lệ phí trên cổng dịch vụ công được không",
    "công an xã gọi lên làm căn cước", "quen passcode vneid",
])
async def test_hard_ordinary_questions_get_no_scam_warning(assistant, say, message) -> None:
    replies = await say(assistant, message)
    assert all(r.text != SCAM_WARNING for r in replies)


def test_the_warning_says_what_to_do_and_where_to_report() -> None:
    for needed in ("Không chuyển tiền", "không bấm link", "Tắt máy", "Công an xã", "113"):
        assert needed in SCAM_WARNING


def test_dvcbot_eval_prints_the_scam_figures() -> None:
    done = subprocess.run([DVCBOT, "eval", str(SCAM_SET), "--json"], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, timeout=60, check=True)
    figures = json.loads(done.stdout)
    assert figures["scams_warned"] >= 95.0 and figures["ordinary_warned"] <= 3.0
