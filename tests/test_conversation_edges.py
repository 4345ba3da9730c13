"""Conversation edges: follow-ups that match nothing, numbers out of range, stray navigation."""

from __future__ import annotations

import subprocess

from bot.core import texts
from tests.conftest import DVCBOT


async def test_unmatched_facet_question_after_an_answer_uses_that_topic(assistant, say,
                                                                         store) -> None:
    await say(assistant, "lam lai cccd bi mat")
    assert store.turns[-1].topic == "can-cuoc"
    await say(assistant, "the con phi bao nhieu")
    assert (store.turns[-1].topic, store.turns[-1].facet) == ("can-cuoc", "fee")


async def test_out_of_catalogue_facet_question_is_not_a_follow_up(assistant, say,
                                                                  store) -> None:
    await say(assistant, "lam lai cccd bi mat")
    await say(assistant, "ve so hom nay bao nhieu tien")
    assert store.turns[-1].topic is None


async def test_a_number_without_a_button_repeats_the_choices(assistant, say, store) -> None:
    first = (await say(assistant, "xin chao"))[-1]
    count = len(first.buttons)
    reply = (await say(assistant, str(count + 1)))[-1]
    assert reply.text == texts.BAD_NUMBER.format(count=count)
    assert reply.buttons == first.buttons
    assert store.turns[-1].outcome == "bad_number"
    # and the choices still work afterwards
    await say(assistant, "1")
    assert store.turns[-1].outcome == "menu"


async def test_navigation_words_without_a_flow_open_the_menu(assistant, say, store) -> None:
    for word in ("quay lại", "thoat", "lam lai"):
        reply = (await say(assistant, word))[-1]
        assert reply.text == texts.MENU
        assert store.turns[-1].outcome == "menu"


def test_export_into_a_closed_pipe_exits_quietly(kb_copy) -> None:
    chat = subprocess.run([DVCBOT, "--config", str(kb_copy.config_path), "chat"],
                          input="xin chao\n" * 400, capture_output=True, text=True, timeout=120)
    assert chat.returncode == 0
    out = subprocess.run(f"'{DVCBOT}' --config '{kb_copy.config_path}' export --format csv "
                         "| head -n 2", shell=True, capture_output=True, text=True, timeout=60)
    assert len(out.stdout.splitlines()) == 2
    assert "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr


async def test_a_question_naming_a_branch_opens_the_guide_there(assistant, brain, say,
                                                               store) -> None:
    flow = brain.flows["vneid-su-co"]
    first = flow.steps[flow.start]
    target = next(o.next for o in first.options if o.label == "Quên mật khẩu")
    reply = (await say(assistant, "quen mat khau vneid"))[-1]
    assert reply.text.startswith("📌 Sự cố tài khoản VNeID\n")
    assert flow.steps[target].text in reply.text
    turn = store.turns[-1]
    assert (turn.outcome, turn.topic, turn.flow_id, turn.step_id) == (
        "answer", "vneid-su-co", "vneid-su-co", target)
    back = (await say(assistant, "quay lại"))[-1]  # back leads to the first screen
    assert first.text in back.text


async def test_a_general_question_still_gets_the_summary(assistant, say, store) -> None:
    reply = (await say(assistant, "su co tai khoan vneid"))[-1]
    assert store.turns[-1].flow_id is None
    assert reply.buttons[0].payload == "flow:vneid-su-co"


async def test_a_guide_opened_by_a_question_counts_as_started_in_funnels(
        assistant, brain, say, store, clock) -> None:
    from bot.reports.funnels import build_funnels
    from bot.storage.base import ReportQuery

    await say(assistant, "quen mat khau vneid")
    await say(assistant, "1")
    stats = await store.log_stats(ReportQuery())
    funnels = build_funnels(stats.flow_events, brain.flows, clock.now, 3600)
    assert [(f.flow, f.started) for f in funnels] == [("vneid-su-co", 1)]


async def test_where_button_reads_naturally_for_guides_and_procedures(assistant, say) -> None:
    guide = (await say(assistant, "muon tra cuu ho so da nop", user="g"))[-1]
    procedure = (await say(assistant, "dang ky tam tru", user="p"))[-1]
    labels = {b.payload: b.label for b in (*guide.buttons, *procedure.buttons)}
    assert labels["fac:tra-cuu-ho-so:where"] == "Làm ở đâu"
    assert labels["fac:tam-tru:where"] == "Nộp ở đâu"
