"""Suspected wrong answers: confident answers that citizens did not seem satisfied with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.flows.loader import Flow
from bot.staff.records import SUSPECT_WINDOW

QUESTION_OUTCOMES = ("answer", "suggest", "miss")


@dataclass
class Suspect:
    """One answer that looks wrong, with the reason and what the citizen typed."""

    reason: str  # rephrase | thumbs_down | abandoned
    topic: str
    asked: str
    then: str
    ts: float


def find_suspects(turns: Sequence[tuple[Any, ...]], thumbs: Sequence[tuple[Any, ...]],
                  flows: Mapping[str, Flow], limit: int = 100) -> list[Suspect]:
    """Scan turns ordered by user then time (see SQLiteStaff.recent_turns).

    A direct answer is suspect when the same citizen asks again within SUSPECT_WINDOW
    seconds (a rephrase), or gives a thumbs down on it within that time; a flow run is
    suspect when it stops at its first step (the next turn is not a step of that flow).
    """
    downs: dict[str, list[tuple[float, str | None, str | None]]] = {}
    for user, ts, topic, comment in thumbs:
        downs.setdefault(user, []).append((ts, topic, comment))
    found: list[Suspect] = []
    for i, (user, ts, kind, outcome, topic, flow, step, text) in enumerate(turns):
        nxt = turns[i + 1] if i + 1 < len(turns) and turns[i + 1][0] == user else None
        if outcome == "answer" and topic and kind == "text":
            found.extend(_after_answer(ts, topic, text or "", nxt, downs.get(user, [])))
        elif outcome == "flow_start" and flow in flows \
                and step in (None, flows[flow].start) and (nxt is None or nxt[5] != flow):
            found.append(Suspect("abandoned", flow, text or "", "", ts))
    found.sort(key=lambda s: -s.ts)
    return found[:limit]


def _after_answer(ts: float, topic: str, text: str, nxt: tuple[Any, ...] | None,
                  downs: list[tuple[float, str | None, str | None]]) -> list[Suspect]:
    if nxt is not None and nxt[2] == "text" and nxt[3] in QUESTION_OUTCOMES \
            and 0 <= nxt[1] - ts <= SUSPECT_WINDOW:
        return [Suspect("rephrase", topic, text, nxt[7] or "", ts)]
    for down_ts, down_topic, comment in downs:
        if down_topic == topic and 0 <= down_ts - ts <= SUSPECT_WINDOW:
            return [Suspect("thumbs_down", topic, text, comment or "", ts)]
    return []
