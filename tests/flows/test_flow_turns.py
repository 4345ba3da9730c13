"""Flows driven through Assistant.handle: buttons, numbers, labels, navigation, resume, expiry."""

from __future__ import annotations

import dataclasses
from collections import deque

import pytest

from bot.core import texts
from bot.core.assistant import Assistant
from bot.flows.engine import (
    BACK_LABEL,
    CANCEL_LABEL,
    CANCELLED,
    RESTART_LABEL,
    RESUME_LABEL,
    FlowEngine,
)
from bot.flows.loader import Flow
from bot.language.normalize import fold
from bot.privacy.pseudonym import Pseudonymizer

FLOW = "vneid-dang-nhap"
KEY = b"flow-turns-test-key-0123456789ab"
CODE = "G22.99-250101-0001"


def route(flow: Flow, goal) -> list[int]:
    """Option numbers (1-based) of a shortest way from start to the first step `goal` accepts."""
    queue: deque[tuple[str, list[int]]] = deque([(flow.start, [])])
    seen = {flow.start}
    while queue:
        sid, moves = queue.popleft()
        if goal(flow.steps[sid]):
            return moves
        for i, option in enumerate(flow.steps[sid].options, 1):
            if option.next not in seen:
                seen.add(option.next)
                queue.append((option.next, [*moves, i]))
    raise AssertionError(f"no step of {flow.id} fits the goal")


def step_after(flow: Flow, *moves: int) -> str:
    sid = flow.start
    for move in moves:
        sid = flow.steps[sid].options[move - 1].next
    return sid


def shows(reply, flow: Flow, step_id: str) -> bool:
    return reply.text.startswith(flow.steps[step_id].text)


async def test_start_press_type_number_and_type_label(assistant, brain, store, say,
                                                      press) -> None:
    flow = brain.flows[FLOW]
    first = (await say(assistant, f"/start flow-{FLOW}"))[-1]
    assert shows(first, flow, flow.start)
    assert [b.label for b in first.buttons] == [*(o.label for o in
                                                  flow.steps[flow.start].options), CANCEL_LABEL]
    turn = store.turns[-1]
    assert (turn.outcome, turn.flow_id, turn.step_id) == ("flow_start", FLOW, flow.start)

    pressed = (await press(assistant, first.buttons[0].payload))[-1]      # a button
    assert shows(pressed, flow, step_after(flow, 1))
    assert pressed.buttons[-2].label == BACK_LABEL

    numbered = (await say(assistant, "1"))[-1]                             # a typed number
    assert shows(numbered, flow, step_after(flow, 1, 1))

    label = flow.steps[step_after(flow, 1, 1)].options[0].label
    typed = (await say(assistant, label))[-1]                              # a typed label
    assert shows(typed, flow, step_after(flow, 1, 1, 1))
    assert store.turns[-1].step_id == step_after(flow, 1, 1, 1)
    assert store.turns[-1].outcome == "flow_step"


def _all_flow_options(brain):
    for flow in brain.flows.values():
        for step in flow.steps.values():
            for i, option in enumerate(step.options, 1):
                yield flow, step, i, option


async def test_every_option_label_can_be_typed_with_or_without_diacritics(brain, config,
                                                                          clock) -> None:
    from bot.storage.memory import MemoryStore

    store = MemoryStore()
    pseudo = Pseudonymizer(KEY)
    assistant = Assistant(brain, store, config, pseudo, clock)
    user = pseudo("test", "typist")
    failures = []
    for flow, step, i, option in _all_flow_options(brain):
        for typed in (option.label, fold(option.label)):
            store.sessions[user] = {"flow": {"id": flow.id, "step": step.id, "history": [],
                                             "started": clock(), "updated": clock()}}
            from bot.core.models import Incoming

            await assistant.handle(Incoming("test", "typist", text=typed))
            got = store.turns[-1].step_id
            if got != option.next:
                failures.append(f"{flow.id}/{step.id}: typing {typed!r} → {got} "
                                f"(wanted option {i} → {option.next})")
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} failures)"


@pytest.mark.parametrize("word", ["quay lại", "quay lai", "Quay lại!", "trở lại"])
async def test_back(assistant, brain, say, word: str) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    await say(assistant, "1")
    back = (await say(assistant, word))[-1]
    assert shows(back, flow, step_after(flow, 1))
    back = (await say(assistant, word))[-1]
    assert shows(back, flow, flow.start)
    again = (await say(assistant, word))[-1]  # at the start: says so, shows the start again
    assert flow.steps[flow.start].text in again.text and "bước đầu tiên" in again.text


async def test_back_button_retraces_a_long_walk(assistant, brain, say, press) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    visited = [flow.start]
    for _ in range(4):
        reply = (await say(assistant, "1"))[-1]
        visited.append(step_after(flow, *([1] * (len(visited)))))
        assert shows(reply, flow, visited[-1])
    for expected in reversed(visited[:-1]):
        assert shows((await press(assistant, "nav:back"))[-1], flow, expected)


@pytest.mark.parametrize("word", ["làm lại", "lam lai", "bắt đầu lại"])
async def test_restart(assistant, brain, store, say, word: str) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    await say(assistant, "1")
    reply = (await say(assistant, word))[-1]
    assert shows(reply, flow, flow.start)
    assert store.turns[-1].outcome == "flow_restart"
    assert CANCEL_LABEL in [b.label for b in reply.buttons]
    assert BACK_LABEL not in [b.label for b in reply.buttons]  # history is cleared


@pytest.mark.parametrize("word", ["thoát", "thoat", "hủy", "huy", "Hủy bỏ", "dừng lại"])
async def test_cancel(assistant, store, say, word: str) -> None:
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    reply = (await say(assistant, word))[-1]
    assert reply.text == CANCELLED
    assert store.turns[-1].outcome == "flow_cancel"
    session = next(iter(store.sessions.values()))
    assert "flow" not in session
    # With no flow active, "1" now presses the cancel reply's only button: the menu.
    assert (await say(assistant, "1"))[-1].text == texts.MENU


async def test_cancel_button(assistant, store, say, press) -> None:
    await say(assistant, f"/start flow-{FLOW}")
    assert (await press(assistant, "nav:cancel"))[-1].text == CANCELLED
    assert (await press(assistant, "nav:back"))[-1].text == texts.STALE_BUTTON


async def test_menu_mid_flow_then_resume(assistant, brain, store, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    menu = (await say(assistant, "/menu"))[-1]
    assert menu.text.startswith(texts.MENU)
    answer = (await say(assistant, "lam giay khai sinh cho con"))[-1]
    assert answer.buttons[-1].label == RESUME_LABEL  # last: the other numbers never move
    resumed = (await say(assistant, str(len(answer.buttons))))[-1]
    assert shows(resumed, flow, step_after(flow, 1))


async def test_question_mid_flow_is_answered_and_offers_the_way_back(assistant, brain, store,
                                                                     say, press) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    here = step_after(flow, 1)
    replies = await say(assistant, "lam giay khai sinh cho con")
    assert replies[-1].text.startswith("📌 Đăng ký khai sinh")
    assert store.turns[-1].topic == "khai-sinh"
    resume = replies[-1].buttons[-1]
    assert (resume.label, resume.payload) == (RESUME_LABEL, "nav:resume")
    back = (await press(assistant, "nav:resume"))[-1]
    assert shows(back, flow, here)
    assert store.turns[-1].step_id == here
    nxt = (await say(assistant, "1"))[-1]  # and the flow continues from there
    assert shows(nxt, flow, step_after(flow, 1, 1))


async def test_expired_flow_asks_whether_to_continue(assistant, brain, store, clock, say,
                                                     press) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    here = step_after(flow, 1)
    clock.advance(hours=25)
    prompt = (await say(assistant, "chào bạn, tôi quay lại rồi"))[-1]
    assert flow.title in prompt.text
    assert [b.label for b in prompt.buttons] == [RESUME_LABEL, RESTART_LABEL, CANCEL_LABEL]
    assert store.turns[-1].outcome == "flow_resume_ask"
    assert shows((await press(assistant, "nav:resume"))[-1], flow, here)


async def test_expired_flow_restart_from_the_prompt(assistant, brain, clock, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    clock.advance(hours=30)
    await say(assistant, "có ai không")
    assert shows((await say(assistant, "2"))[-1], flow, flow.start)  # 2 = restart


async def test_within_the_expiry_there_is_no_prompt(assistant, brain, clock, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    clock.advance(hours=23)
    assert shows((await say(assistant, "1"))[-1], flow, step_after(flow, 1))


async def test_expiry_is_configurable(brain, store, config, clock, say) -> None:
    short = dataclasses.replace(brain, engine=FlowEngine(brain.flows, 3600))
    assistant = Assistant(short, store, config, Pseudonymizer(KEY), clock)
    await say(assistant, f"/start flow-{FLOW}")
    clock.advance(hours=2)
    assert store.turns[-1].outcome == "flow_start"
    await say(assistant, "tôi quay lại rồi")
    assert store.turns[-1].outcome == "flow_resume_ask"


async def test_typed_answer_is_validated_and_never_stored(assistant, brain, store, say,
                                                          press) -> None:
    flow = brain.flows["tra-cuu-ho-so"]
    moves = route(flow, lambda step: step.input is not None)
    await say(assistant, "/start flow-tra-cuu-ho-so")
    for move in moves:
        await say(assistant, str(move))
    step = flow.steps[step_after(flow, *moves)]
    assert step.input is not None
    bad = (await say(assistant, "12ab"))[-1]
    assert bad.text == step.input.invalid
    assert store.turns[-1].outcome == "flow_input_invalid"
    assert store.turns[-1].step_id == step.id
    good = (await say(assistant, CODE))[-1]
    assert shows(good, flow, step.input.next)
    assert store.turns[-1].step_id == step.input.next
    stored = repr(store.turns) + repr(store.sessions) + repr(store.feedback)
    assert CODE not in stored and "12ab" not in stored
    assert store.turns[-1].text == "[câu trả lời trong hướng dẫn]"


async def test_deep_link_starts_every_flow(assistant, brain, store, start, say) -> None:
    for flow in brain.flows.values():
        for reply in ((await start(assistant, f"flow-{flow.id}"))[-1],
                      (await say(assistant, f"/start flow-{flow.id}"))[-1]):
            assert shows(reply, flow, flow.start)
            assert (store.turns[-1].flow_id, store.turns[-1].step_id) == (flow.id, flow.start)


async def test_a_topic_answer_offers_its_flow(assistant, brain, press) -> None:
    for topic in brain.kb.topics.values():
        reply = (await press(assistant, f"top:{topic.id}"))[-1]
        offered = [b for b in reply.buttons if b.payload.startswith("flow:")]
        if topic.flow:
            assert [(b.label, b.payload) for b in offered] == [(texts.FLOW_BUTTON,
                                                                f"flow:{topic.flow}")]
            started = (await press(assistant, f"flow:{topic.flow}"))[-1]
            flow = brain.flows[topic.flow]
            assert shows(started, flow, flow.start)
        else:
            assert not offered, topic.id


async def test_end_step_asks_for_feedback(assistant, brain, store, say, press) -> None:
    flow = brain.flows[FLOW]
    moves = route(flow, lambda step: step.end)
    await say(assistant, f"/start flow-{FLOW}")
    for move in moves:
        reply = (await say(assistant, str(move)))[-1]
    assert reply.text.endswith(texts.FEEDBACK_ASK)
    assert store.turns[-1].outcome == "flow_end"
    thanks = (await press(assistant, f"fb:f:{FLOW}:down"))[-1]
    assert thanks.text == texts.FEEDBACK_WHAT
    await say(assistant, "thiếu hướng dẫn cho người già")
    assert [(f.rating, f.flow_id) for f in store.feedback] == [(-1, FLOW), (0, FLOW)]


async def test_an_old_step_button_is_stale(assistant, brain, say, press) -> None:
    flow = brain.flows[FLOW]
    first = (await say(assistant, f"/start flow-{FLOW}"))[-1]
    await press(assistant, first.buttons[0].payload)
    stale = (await press(assistant, first.buttons[1].payload))[-1]
    assert stale.text == texts.STALE_BUTTON
    # The flow itself is untouched: "1" still presses... the stale reply's menu button now.
    assert flow.start


async def test_start_without_payload_mid_flow_offers_to_continue(assistant, brain, say,
                                                                 start) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    welcome = (await start(assistant, ""))[-1]
    assert welcome.text.startswith(texts.WELCOME)
    assert welcome.buttons[-1].label == RESUME_LABEL
    number = str(len(welcome.buttons))
    assert shows((await say(assistant, number))[-1], flow, step_after(flow, 1))


async def test_a_terminal_restarted_mid_flow_continues(assistant, brain, say) -> None:
    import io

    from bot.channels.console import run_console

    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}", user="local", channel="console")
    await say(assistant, "1", user="local", channel="console")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from bot.core.answers import main_menu

    resume = len(main_menu(brain.kb).buttons) + 1  # the way back comes after the menu
    out = io.StringIO()
    await run_console(assistant, Terminal(f"{resume}\n1\n"), out)  # a new console: welcome
    text = out.getvalue()                        # first, then the last number resumes, "1" on
    assert text.startswith(texts.WELCOME) and f"{resume}. {RESUME_LABEL}" in text
    resumed = text.index(flow.steps[step_after(flow, 1)].text)
    assert text.index(flow.steps[step_after(flow, 1, 1)].text) > resumed
