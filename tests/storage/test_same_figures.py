"""One realistic transcript through the real Assistant on SQLite and on PostgreSQL: the JSON
report, the CSV export, the staff console's figures and the purge counts are identical."""

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain
from bot.core.models import Incoming, Reply
from bot.privacy.pseudonym import Pseudonymizer
from bot.reports import commands
from bot.reports.model import load_report
from bot.reports.render import render
from bot.staff.store import staff_store
from bot.storage.base import ReportQuery, Store
from bot.storage.factory import open_store
from bot.storage.postgres import PostgresStore
from bot.storage.queries import EXPORT_COLUMNS
from bot.storage.sqlite import SQLiteStore
from tests.conftest import START, TEST_KEY, FakeClock

FLOW = "vneid-dang-nhap"
LATENCY = EXPORT_COLUMNS["turns"].index("latency_ms")
# (user, channel, action, argument, hours to wait before): `pick` presses the first button of
# the user's last reply whose payload starts with the argument.
TRANSCRIPT = [
    ("u1", "telegram", "start", f"flow-{FLOW}__to-cntt-1", 0),
    ("u1", "telegram", "pick", "st:", 0.01),
    ("u1", "telegram", "say", "thoát", 0.01),
    ("u1", "telegram", "say", "làm giấy khai sinh cho con", 2),
    ("u1", "telegram", "press", "fb:t:khai-sinh:down", 0.01),
    ("u1", "telegram", "say", "thiếu lệ phí, sđt 0912345678", 0.01),
    ("u2", "zalo-bot", "say", "cách nuôi cá cảnh trong bể kính", 5),
    ("u2", "zalo-bot", "say", "cach nuoi ca canh trong be kinh a", 0.1),
    ("u2", "zalo-bot", "say", "đăng ký tạm trú", 0.1),
    ("u2", "zalo-bot", "press", "fb:t:tam-tru:up", 0.01),
    ("u3", "zalo-bot", "start", "khai-sinh__doan-thanh-nien", 30),
    ("u3", "zalo-bot", "say", "cấp lại căn cước bị mất", 0.2),
    ("u3", "zalo-bot", "say", "xyz abc qwe zzz", 0.2),
    ("u3", "zalo-bot", "press", "menu", 0.1),
    ("u4", "telegram", "press", f"flow:{FLOW}", 100),
    *[("u4", "telegram", "pick", "st:", 0.05)] * 6,
    ("u5", "console", "say", "xin chào", 200),
    ("u5", "console", "say", "hộ chiếu", 0.1),
    ("u5", "console", "say", "lam cccd cho con duoi 14 tuoi", 0.1),
    ("u5", "console", "say", "Lam cccd cho con duoi 14 tuoi!", 0.1),
    ("u1", "telegram", "say", "đăng ký kết hôn", 300),
    ("u1", "telegram", "press", "fb:t:ket-hon:up", 0.01),
    ("u6", "telegram", "start", "tam-tru__to-cntt-1", 400),
    ("u6", "telegram", "say", "nuôi cá cảnh", 1),
]


async def play(store: Store, brain: Brain, config: Config) -> int:
    """Run TRANSCRIPT on `store`; returns how many replies the citizens got."""
    clock = FakeClock(START)
    assistant = Assistant(brain, store, config, Pseudonymizer(TEST_KEY), clock)
    last: dict[str, list[Reply]] = {}
    count = 0
    for number, (user, channel, action, arg, wait) in enumerate(TRANSCRIPT):
        clock.advance(hours=wait)
        if action == "pick":
            found = [b.payload for r in last.get(user, []) for b in r.buttons
                     if b.payload.startswith(arg)]
            if not found:
                continue  # the flow ended: nothing left to press
            arg = found[0]
        kwargs = {"say": "text", "press": "button", "pick": "button", "start": "start_payload"}
        incoming = Incoming(channel, user, update_id=str(number), **{kwargs[action]: arg})
        last[user] = await assistant.handle(incoming)
        count += len(last[user])
    return count


async def figures(store: Store, config: Config, brain: Brain) -> dict:
    """Everything staff read from a store, as plain JSON-able values."""
    titles = {k: t.title for k, t in brain.kb.topics.items()}
    out: dict = {}
    for name, query in (("all", ReportQuery()), ("team", ReportQuery(team="to-cntt-1")),
                        ("zalo", ReportQuery(channel="zalo-bot", since=START + 3600))):
        report = await load_report(store, query, brain.flows, titles, now=START + 90 * 86400)
        out[name] = json.loads(render(report, "json"))
    for table in ("turns", "feedback"):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        async for row in store.export_rows(table, ReportQuery()):
            writer.writerow(row[:LATENCY] if table == "turns" else row)  # latency: wall clock
        out[f"export_{table}"] = buffer.getvalue()
    staff = staff_store(store)
    out["staff_summary"] = dataclasses.asdict(await staff.summary(ReportQuery()))
    out["staff_wordings"] = await staff.wordings(ReportQuery())
    out["staff_daily"] = sorted(await staff.daily(ReportQuery()))
    out["staff_arrivals"] = await staff.arrivals(ReportQuery())
    out["staff_feedback"] = sorted(await staff.feedback(ReportQuery()), key=repr)
    out["staff_users"] = await staff.users(ReportQuery())
    return out


async def test_one_transcript_gives_the_same_figures_on_sqlite_and_postgresql(
        tmp_path: Path, pg_url: str, brain: Brain, config: Config,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_config = dataclasses.replace(
        config, storage=dataclasses.replace(config.storage, path=str(tmp_path / "t.sqlite3")))
    results = {}
    for kind in ("sqlite", "postgres"):
        if kind == "postgres":
            monkeypatch.setenv("DVCBOT_DATABASE_URL", pg_url)  # the factory's override
        store = open_store(sqlite_config)
        assert isinstance(store, PostgresStore if kind == "postgres" else SQLiteStore)
        await store.open()
        try:
            replies = await play(store, brain, config)
            before = await figures(store, config, brain)
            purged = await store.purge(START + 40 * 3600)
            after = await figures(store, config, brain)
        finally:
            await store.close()
        results[kind] = (replies, before, purged, after)
    sqlite, postgres = results["sqlite"], results["postgres"]
    report = sqlite[1]["all"]
    assert report["totals"]["users"] == 6 and report["totals"]["missed"] >= 3
    assert report["referrals"] and report["funnels"] and report["feedback"]
    assert sqlite[2]["turns"] > 0 and sqlite[3]["all"]["totals"]["turns"] > 0
    assert set(postgres[1]) == set(sqlite[1])
    for key in sorted(sqlite[1]):
        assert postgres[1][key] == sqlite[1][key], key
        assert postgres[3][key] == sqlite[3][key], key
    assert postgres[0] == sqlite[0]
    assert postgres[2] == sqlite[2]  # purge counts per table

    # `dvcbot export` / `dvcbot purge` through the commands, on PostgreSQL via the factory.
    out = io.StringIO()
    assert await commands.export(sqlite_config, ReportQuery(), out, feedback=True) > 0
    assert "0912345678" not in out.getvalue()
