"""Citizens walking guided flows through the kill loop: each waits for the bot's step, then
presses the next button (or "Quay lại"), at most once per round of kills.

The expected step after every action is computed in-process by the same FlowEngine on the
bundled flows, so a position reset by a crash (session lost, history lost) or skipped (an
update processed twice) shows as a reply that differs from the expected one.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from typing import Any

from bot.config import Config
from bot.flows.engine import FlowEngine
from bot.flows.loader import load_flows
from tests.fakes.telegram_api import FakeBotAPI

FIRST_WALKER_CHAT = 90_000
BACK = "nav:back"


@dataclass
class Walker:
    """One citizen: the actions to send and the step fingerprint each should produce."""

    chat: int
    actions: list[str]  # "/start flow-<id>" first, then button data
    expected: list[tuple[str, tuple[str, ...]]]
    sent: int = 0
    last_round: int = -1
    update_ids: list[int] = field(default_factory=list)


def _fingerprint(text: str, data: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return text.strip()[:40], data


def plan_walk(engine: FlowEngine, flow_id: str, length: int,
              rng: random.Random) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """`length` actions through `flow_id` (never to an end step, never back on the first
    screen, never an action that would repeat the screen shown) and the expected screens."""
    session: dict[str, Any] = {}
    turn = engine.start(session, flow_id, 0.0)
    assert turn is not None
    actions, expected = [f"/start flow-{flow_id}"], [_screen(turn.replies[0])]
    while len(actions) < length:
        flow, step = engine.flows[flow_id], engine.flows[flow_id].steps[session["flow"]["step"]]
        choices = [f"st:{flow_id}:{step.id}:{i}" for i, o in enumerate(step.options, 1)
                   if not flow.steps[o.next].end and o.next != step.id]
        if session["flow"]["history"] and (not choices or rng.random() < 0.35):
            choices = [BACK]
        if not choices:
            break
        action = rng.choice(choices)
        if action == BACK:
            turn = engine.navigate(session, "back", float(len(actions)))
        else:
            turn = engine.press(session, flow_id, step.id, int(action.rsplit(":", 1)[1]),
                                float(len(actions)))
        assert turn is not None
        actions.append(action)
        expected.append(_screen(turn.replies[0]))
    return actions, expected


def _screen(reply: Any) -> tuple[str, tuple[str, ...]]:
    return _fingerprint(reply.text, tuple(b.payload for b in reply.buttons))


def make_walkers(count: int, length: int, rng: random.Random) -> list[Walker]:
    """`count` citizens, each on a flow of the bundled set with at least two screens."""
    config = Config()
    flows = load_flows(config.flows_dir, config.links.allow)
    engine = FlowEngine(flows, config.flows.expiry_hours * 3600)
    names = sorted(flows)
    walkers = []
    for n in range(count):
        actions, expected = plan_walk(engine, names[n % len(names)], length, rng)
        walkers.append(Walker(FIRST_WALKER_CHAT + n, actions, expected))
    return walkers


def screens(fake: FakeBotAPI, chat: int) -> list[tuple[str, tuple[str, ...]]]:
    """The screens with buttons the bot sent to `chat`, a repeated one counted once (a
    reply the outbox sent again after a kill)."""
    seen: list[tuple[str, tuple[str, ...]]] = []
    for call in fake.calls_to("sendMessage", chat):
        markup = call.params.get("reply_markup") or {}
        data = tuple(b["callback_data"] for row in markup.get("inline_keyboard", [])
                     for b in row if "callback_data" in b)
        if not data:
            continue
        screen = _fingerprint(call.params.get("text") or "", data)
        if not seen or seen[-1] != screen:
            seen.append(screen)
    return seen


def _act(fake: FakeBotAPI, walker: Walker) -> None:
    action = walker.actions[walker.sent]
    if action.startswith("/"):
        update = fake.say(walker.chat, action)
    else:
        last = max(m["message_id"] for m in fake.sent(walker.chat) if m.get("reply_markup"))
        update = fake.push(fake.callback_update(walker.chat, action, last))
    walker.update_ids.append(int(update["update_id"]))
    walker.sent += 1


async def walk(fake: FakeBotAPI, walkers: list[Walker], round_of: Any) -> None:
    """Forever (cancel it): a walker whose last action was answered acts once per round."""
    while True:
        current = round_of()
        for walker in walkers:
            if walker.sent >= len(walker.actions) or walker.last_round == current:
                continue
            if len(screens(fake, walker.chat)) >= walker.sent:
                with contextlib.suppress(ValueError, KeyError):  # no screen yet
                    _act(fake, walker)
                    walker.last_round = current
        await asyncio.sleep(0.05)


@dataclass
class FlowReport:
    """Flow positions compared after the kills."""

    walkers: int
    checked: int
    lost: int
    unanswered: int

    def line(self) -> str:
        return (f"flow positions checked: {self.checked} ({self.walkers} citizens in guided "
                f"flows)  lost: {self.lost}  unanswered: {self.unanswered}")


def check(fake: FakeBotAPI, walkers: list[Walker]) -> FlowReport:
    """Compare every screen each walker got with the one its actions should give."""
    checked = lost = unanswered = 0
    for walker in walkers:
        got = screens(fake, walker.chat)
        for i, want in enumerate(walker.expected[:walker.sent]):
            if i >= len(got):
                unanswered += 1
                continue
            checked += 1
            lost += got[i] != want
        lost += max(0, len(got) - walker.sent)  # a screen nobody asked for
    return FlowReport(len(walkers), checked, lost, unanswered)
