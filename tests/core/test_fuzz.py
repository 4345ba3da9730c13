"""Fuzz: 20,000 hostile inputs through Assistant.handle, with no exception and no failed turn.

A seeded generator (the same inputs on every run, so a failure can be replayed): random
Unicode from every awkward block, mutated real questions, forged buttons and deep links, odd
digits, huge and empty messages, personal data, staff commands, redelivered update ids.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.models import Incoming

SEED = 20261204
COUNT = 20_000
USERS = 40
DATA = Path(__file__).resolve().parents[1] / "data"
# Control characters, lone surrogates, combining marks, RTL and zero-width marks, emoji and
# their modifiers, full-width and superscript digits, private use, non-characters.
AWKWARD = ("\x00\x01\x07\x1b\x7f\u0085\u00a0\u00ad\u0300\u0301\u0323\u0309\u200b\u200d"
           "\u200e\u202e\u2066\ufeff\ufffd\ufffe\uffff\ud800\udfff²³¹①⑨٣۷０９\ue000"
           "👍👎🏿🇻🇳🧑‍🌾𝔸𝟘\U0010ffff")
KINDS = ("st", "nav", "fb", "top", "fac", "grp", "flow", "none", "skip", "menu", "", "x")
PERSONAL = ["tôi tên là Nguyễn Văn An", "cccd 001099012345", "sdt 0912345678",
            "mật khẩu là hoamai", "mk: Abc@123", "số nhà 12 ngõ 34 đường Láng", "sinh 1/2/1990",
            "biển số 29A-123.45", "mã hồ sơ HS2099XYZ999", "a@b.vn", "otp 482913"]


def _questions() -> list[str]:
    lines = (DATA / "eval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _noise(rng: random.Random, size: int) -> str:
    pool = AWKWARD + "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ0123456789 /:_-.@#%{}[]\\\"'\n\t"
    return "".join(rng.choice(pool) for _ in range(size))


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4:
            chars.insert(where, rng.choice(AWKWARD))
        elif action < 0.7 and chars:
            del chars[min(where, len(chars) - 1)]
        elif chars:
            chars[min(where, len(chars) - 1)] = rng.choice(AWKWARD)
    return "".join(chars)


def _button(rng: random.Random) -> str:
    parts = [rng.choice(["vneid-dang-nhap", "khai-sinh", "x", "", "start", "t", "f", "down",
                         "up", "fee", rng.choice(AWKWARD), str(rng.randint(-5, 10**6))])
             for _ in range(rng.randint(0, 4))]
    return ":".join([rng.choice(KINDS), *parts])


def hostile(rng: random.Random, questions: list[str]) -> Iterator[Incoming]:
    """Endless hostile events from a few dozen users."""
    while True:
        user = f"user{rng.randrange(USERS)}"
        update = rng.choice([None, str(rng.randrange(50)), _noise(rng, 5)])
        staff = rng.random() < 0.05
        roll = rng.random()
        # Matching a real question costs the most: a smaller share keeps the test short.
        if roll < 0.3:
            text = _noise(rng, rng.choice([0, 1, 3, 12, 40, 200]))
        elif roll < 0.42:
            text = _mutate(rng, rng.choice(questions))
        elif roll < 0.55:
            text = rng.choice(["1", "2", "9", "99", "0", "-1", "²", "①", "٣", "１", " 1 ", "1.5"])
        elif roll < 0.62:
            text = rng.choice(["/start ", "/stats ", "/misses ", "/menu@x ", "/", "/help "]) \
                + rng.choice(["", "99999999999999999999999", "²", _noise(rng, 10), "-3"])
        elif roll < 0.68:
            text = " ".join(rng.sample(PERSONAL, 2)) + " " + rng.choice(questions[:50])
        elif roll < 0.685:
            text = _noise(rng, rng.choice([5000, 12_000]))
        elif roll < 0.85:
            yield Incoming("telegram", user, button=_button(rng), update_id=update,
                           is_staff=staff)
            continue
        else:
            payload = rng.choice(["", "khai-sinh", "flow-vneid-dang-nhap", "flow-", "__",
                                  "khai-sinh__to-1", _noise(rng, rng.choice([3, 64, 3000]))])
            yield Incoming("telegram", user, start_payload=payload, update_id=update)
            continue
        yield Incoming(rng.choice(["telegram", "zalo-bot", "console"]), user, text=text,
                       update_id=update, is_staff=staff)


@pytest.mark.timeout(600)
async def test_twenty_thousand_hostile_inputs_raise_nothing(assistant, store, clock,
                                                            caplog) -> None:
    rng = random.Random(SEED)
    events = hostile(rng, _questions())
    handled = 0
    with caplog.at_level(logging.ERROR):
        for _ in range(COUNT):
            incoming = next(events)
            replies = await assistant.handle(incoming)  # an exception fails the test here
            assert isinstance(replies, list)
            assert all(r.text.strip() for r in replies)
            handled += 1
            if rng.random() < 0.01:
                clock.advance(hours=rng.choice([0.5, 3, 30]))  # follow-ups and expired flows
    assert handled == COUNT
    failed = [t for t in store.turns if t.outcome == "error"]
    assert not failed, failed[:3]  # a route that raised was answered with the fallback
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
