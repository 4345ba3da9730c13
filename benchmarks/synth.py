"""A generator of synthetic, realistic-looking question logs (already redacted)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.storage.base import FeedbackRecord, ReferralRecord, TurnRecord

TOPICS = ["khai-sinh", "can-cuoc", "tam-tru", "thuong-tru", "vneid-dang-nhap", "ket-hon",
          "gplx-doi", "ly-lich-tu-phap", "thanh-toan", "buu-chinh", "tra-cuu-ho-so", "ho-tro"]
FLOWS = {"vneid-dang-nhap": ["chon-cach", "qr-mo-trang", "qr-quet", "xong"],
         "tra-cuu-ho-so": ["chon-cong", "dvc-ma", "nhap-ma", "ket-qua"],
         "khai-sinh-truc-tuyen": ["bat-dau", "chuan-bi", "nop", "hoan-tat"]}
MISS_WORDINGS = ["xin giay phep xay dung", "lam the bhyt cho con", "doi so do", "dang ky xe may",
                 "cap giay xac nhan tinh trang hon nhan", "ho ngheo", "tro cap that nghiep",
                 "sang ten xe", "cap ho chieu", "dang ky kinh doanh ho ca the",
                 "mat giay to xe", "chuyen truong cho con", "lam lai bang tot nghiep"]
VARIANTS = ["", " o dau", " can gi", " online duoc khong", " bao lau", " het bao nhieu tien"]
CHANNELS = ["telegram", "zalo-bot", "zalo-oa", "console"]
TEAMS = [None, None, None, "to-cntt-phuong-1", "to-cntt-xa-2", "doan-thanh-nien"]


@dataclass
class SyntheticLog:
    """Turns, feedback and referrals in time order."""

    turns: list[TurnRecord]
    feedback: list[FeedbackRecord]
    referrals: list[ReferralRecord]


def _miss_text(rng: random.Random) -> str:
    return rng.choice(MISS_WORDINGS) + rng.choice(VARIANTS)


def _session(rng: random.Random, user: str, channel: str, team: str | None, ts: float
             ) -> Iterator[TurnRecord | FeedbackRecord | ReferralRecord]:
    """One citizen's visit: a few questions, maybe a flow, maybe feedback."""
    def turn(outcome: str, **kw: Any) -> TurnRecord:
        nonlocal ts
        ts += rng.uniform(5, 90)
        kw.setdefault("kind", "text")
        kw.setdefault("normalized", None)
        return TurnRecord(ts=ts, channel=channel, user_key=user, outcome=outcome,
                          referral=team, latency_ms=round(rng.uniform(0.5, 8), 3), **kw)

    if team and rng.random() < 0.5:
        yield ReferralRecord(ts, channel, user, f"{rng.choice(TOPICS)}__{team}", team)
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        topic = rng.choices(TOPICS, weights=range(len(TOPICS), 0, -1))[0]
        if roll < 0.55:
            t = turn("answer", text=f"hoi ve {topic}", normalized=f"hoi ve {topic}", topic=topic,
                     score=rng.uniform(62, 100))
            yield t
            if rng.random() < 0.15:
                rating = 1 if rng.random() < 0.6 else -1
                yield FeedbackRecord(t.ts + 3, channel, user, rating, topic, None, None, team)
                if rating < 0 and rng.random() < 0.5:
                    yield FeedbackRecord(t.ts + 20, channel, user, 0, topic, None,
                                         "thieu thong tin le phi", team)
        elif roll < 0.75:
            text = _miss_text(rng)
            yield turn("suggest", text=text, normalized=text, topic=topic, score=50.0)
            if rng.random() < 0.3:
                yield turn("none_of_these", kind="button", text=text, normalized=text,
                           topic=topic)
        elif roll < 0.9:
            text = _miss_text(rng)
            yield turn("miss", text=text, normalized=text, score=20.0)
        else:
            yield from _flow(rng, turn)


def _flow(rng: random.Random, make: Callable[..., TurnRecord]) -> Iterator[TurnRecord]:
    """One run of a flow: completed, cancelled ("thoát") or left silently at some step."""
    flow = rng.choice(list(FLOWS))
    steps = FLOWS[flow]
    yield make("flow_start", kind="button", text="[nút] flow", flow_id=flow, step_id=steps[0])
    for step in steps[1:]:
        roll = rng.random()
        if roll < 0.12:
            return  # abandoned silently
        if roll < 0.17:
            yield make("flow_cancel", text="thoat", flow_id=flow, step_id=step)
            return
        outcome = "flow_end" if step == steps[-1] else "flow_step"
        yield make(outcome, kind="button", text="[nút] st", flow_id=flow, step_id=step)


def stream(turns: int, seed: int = 7, start: float = 1_780_000_000.0, days: float = 120.0
           ) -> Iterator[TurnRecord | FeedbackRecord | ReferralRecord]:
    """The rows of `generate`, one at a time (logs too big to hold in memory)."""
    rng = random.Random(seed)
    users = max(10, turns // 8)
    visits = max(1, turns // 4)
    step = days * 86400 / visits
    count = 0
    for i in range(visits):
        if count >= turns:
            break
        user = f"{rng.randrange(users):020x}"
        team = rng.choice(TEAMS)
        for row in _session(rng, user, rng.choice(CHANNELS), team, start + i * step):
            count += isinstance(row, TurnRecord)
            yield row


def chunks(turns: int, size: int = 100_000, **kw: Any) -> Iterator[SyntheticLog]:
    """`stream` cut into logs of about `size` rows."""
    log = SyntheticLog([], [], [])
    for row in stream(turns, **kw):
        _add(log, row)
        if len(log.turns) + len(log.feedback) + len(log.referrals) >= size:
            yield log
            log = SyntheticLog([], [], [])
    yield log


def _add(log: SyntheticLog, row: TurnRecord | FeedbackRecord | ReferralRecord) -> None:
    if isinstance(row, TurnRecord):
        log.turns.append(row)
    elif isinstance(row, FeedbackRecord):
        log.feedback.append(row)
    else:
        log.referrals.append(row)


def generate(turns: int, seed: int = 7, start: float = 1_780_000_000.0,
             days: float = 120.0) -> SyntheticLog:
    """About `turns` turns from many citizens over `days` days, deterministic for a seed.

    Args:
        turns: how many turns to produce (the last visit may add a few more).
        seed: random seed.
        start: epoch seconds of the first visit.
        days: time span the visits spread over.

    Returns:
        The log, each list in time order.
    """
    log = SyntheticLog([], [], [])
    for row in stream(turns, seed, start, days):
        _add(log, row)
    return log
