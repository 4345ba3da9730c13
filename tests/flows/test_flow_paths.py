"""Every path of every bundled flow reaches an end step, walked through the real engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core import texts
from bot.core.models import MAX_PAYLOAD_BYTES
from bot.flows.engine import FlowEngine
from bot.flows.loader import Flow
from bot.language.normalize import tokenize

REQUIRED_FLOWS = ["vneid-dang-nhap", "nop-ho-so-truc-tuyen", "khai-sinh-truc-tuyen",
                  "thanh-toan", "tra-cuu-ho-so", "buu-chinh", "vneid-su-co"]
# Typed answers used to walk input steps: the first one a step's pattern accepts is used.
SAMPLE_ANSWERS = ["G22.99-250101-0001", "000.00.00.H29-250101-0001", "H01.1-251122-0042",
                  "123456789012", "0912345678", "123456", "ABC-12345"]
INPUT = -1  # a move that types an answer instead of pressing an option

Move = tuple[str, int]  # (step id, option number or INPUT)


def edges(flow: Flow, step_id: str) -> list[tuple[int, str]]:
    step = flow.steps[step_id]
    out = [(i, o.next) for i, o in enumerate(step.options, 1)]
    if step.input is not None:
        out.append((INPUT, step.input.next))
    return out


def paths(flow: Flow) -> Iterator[tuple[list[Move], str, str]]:
    """Depth-first over every path from start, each step at most once per path.

    Yields:
        (moves, last step, "end" | "loop"): "loop" when the next step is already on the path.
    """
    def walk(step_id: str, moves: list[Move], on_path: set[str]):
        if flow.steps[step_id].end:
            yield moves, step_id, "end"
            return
        for choice, target in edges(flow, step_id):
            move = [*moves, (step_id, choice)]
            if target in on_path:
                yield move, target, "loop"
            else:
                yield from walk(target, move, on_path | {target})

    yield from walk(flow.start, [], {flow.start})


def can_end(flow: Flow) -> set[str]:
    """Steps from which some end step is reachable (computed independently of the loader)."""
    good = {sid for sid, step in flow.steps.items() if step.end}
    changed = True
    while changed:
        changed = False
        for sid in flow.steps:
            if sid not in good and any(t in good for _, t in edges(flow, sid)):
                good.add(sid)
                changed = True
    return good


def sample_answer(flow: Flow, step_id: str) -> str:
    step = flow.steps[step_id]
    assert step.input is not None
    for answer in SAMPLE_ANSWERS:
        if step.input.pattern.fullmatch(answer):
            return answer
    raise AssertionError(f"{flow.id}/{step_id}: no sample answer fits {step.input.pattern}; "
                         "add one to SAMPLE_ANSWERS")


def test_every_required_flow_exists_and_is_offered(brain) -> None:
    assert sorted(brain.flows) == sorted(REQUIRED_FLOWS)
    offered = {t.flow for t in brain.kb.topics.values() if t.flow}
    assert offered == set(REQUIRED_FLOWS)


@pytest.mark.parametrize("flow_id", REQUIRED_FLOWS)
def test_every_path_reaches_an_end_step(brain, flow_id: str) -> None:
    flow = brain.flows[flow_id]
    engine = FlowEngine(brain.flows, 24 * 3600)
    ending = can_end(flow)
    assert set(flow.steps) == ending, "every step can still reach an end"
    ends_seen: set[str] = set()
    count = 0
    for moves, last, kind in paths(flow):
        count += 1
        if kind == "loop":
            assert last in ending  # going round again is allowed; an exit stays reachable
            continue
        session: dict = {}
        first = engine.start(session, flow.id, 0.0)
        assert first is not None and first.step_id == flow.start
        for n, (step_id, choice) in enumerate(moves):
            assert session["flow"]["step"] == step_id
            if choice == INPUT:
                answer = sample_answer(flow, step_id)
                turn = engine.on_text(session, answer, " ".join(tokenize(answer)), float(n))
            else:
                turn = engine.press(session, flow.id, step_id, choice, float(n))
            assert turn is not None, (flow.id, moves[:n + 1])
        assert turn.step_id == last and turn.outcome == "flow_end"
        assert "flow" not in session, "an ended flow is no longer active"
        reply = turn.replies[-1]
        assert reply.text.endswith(texts.FEEDBACK_ASK)
        assert [b.payload for b in reply.buttons] == [f"fb:f:{flow.id}:up",
                                                      f"fb:f:{flow.id}:down", "menu"]
        ends_seen.add(last)
    assert count > 0
    assert ends_seen == {sid for sid, s in flow.steps.items() if s.end}, "every end is reached"


@pytest.mark.parametrize("flow_id", REQUIRED_FLOWS)
def test_every_step_renders_within_channel_limits(brain, flow_id: str) -> None:
    flow = brain.flows[flow_id]
    for step in flow.steps.values():
        reply = brain.engine.render(flow, step, has_history=True)
        assert 0 < len(reply.text) <= 1500, (flow_id, step.id, len(reply.text))
        assert len(reply.buttons) <= 10
        for button in reply.buttons:
            assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES
            assert 0 < len(button.label) <= 40
        if not step.end:
            assert reply.buttons[-1].payload == "nav:cancel"
            assert reply.buttons[-2].payload == "nav:back"
        labels = [o.label for o in step.options]
        assert len(set(labels)) == len(labels), (flow_id, step.id, "duplicate labels")


@pytest.mark.parametrize("flow_id", REQUIRED_FLOWS)
def test_flows_are_sourced_and_linked_to_existing_topics(brain, flow_id: str) -> None:
    flow = brain.flows[flow_id]
    assert flow.sources and flow.topics
    for topic_id in flow.topics:
        assert brain.kb.topics[topic_id].flow == flow.id, (
            f"topic {topic_id} is listed by flow {flow.id} but does not offer it")
