"""Daily aggregates kept by triggers, the memory twin, suspected wrong answers, posters, CLI."""

from __future__ import annotations

import subprocess
from collections import Counter

from benchmarks.synth import generate
from bot.reports.window import day_of, parse_window
from bot.staff.memstore import MemoryStaff
from bot.staff.poster import PosterSpec, render_poster
from bot.staff.store import staff_store
from bot.staff.suspects import find_suspects
from bot.storage.base import ReportQuery, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore
from tests.conftest import DVCBOT, START


def _by_outcome(daily) -> Counter:
    counts: Counter = Counter()
    for _, _, _, outcome, _, n in daily:
        counts[outcome] += n
    return +counts


async def test_daily_aggregates_follow_every_insert_and_purge(tmp_path):
    log = generate(3000, seed=7, start=START - 40 * 86400, days=40)
    sqlite = SQLiteStore(tmp_path / "db.sqlite3")
    await sqlite.open()
    memory = MemoryStore()
    try:
        for store in (sqlite, memory):
            await store.append_log(log.turns, log.feedback, log.referrals)
        since, until = parse_window(day_of(START - 20 * 86400), day_of(START - 5 * 86400))
        query = ReportQuery(since=since, until=until, channel="telegram")  # whole days
        for q in (ReportQuery(), query):
            stats = await sqlite.log_stats(q)
            daily = await staff_store(sqlite).daily(q)
            assert _by_outcome(daily) == Counter(stats.outcomes)
            assert sorted(await staff_store(sqlite).daily(q)) == \
                sorted(await MemoryStaff(memory).daily(q))
            assert await staff_store(sqlite).wordings(q) == await MemoryStaff(memory).wordings(q)
            fast, slow = await staff_store(sqlite).summary(q), await MemoryStaff(memory).summary(q)
            assert sorted(fast.channel_outcomes) == sorted(slow.channel_outcomes)
            assert (fast.topics, fast.weeks) == (slow.topics, slow.weeks)
        await sqlite.purge(START - 10 * 86400)
        stats = await sqlite.log_stats(ReportQuery())
        assert _by_outcome(await staff_store(sqlite).daily(ReportQuery())) == \
            Counter(stats.outcomes)
    finally:
        await sqlite.close()


def _turn(user, ts, outcome, topic=None, text="", kind="text", flow=None, step=None):
    return (user, ts, kind, outcome, topic, flow, step, text)


def test_suspected_wrong_answers(brain):
    flow = next(iter(brain.flows.values()))
    turns = [
        _turn("a", 100, "answer", "khai-sinh", "giay khai sinh"),
        _turn("a", 160, "miss", None, "khong phai, toi hoi ban sao"),  # rephrase in 60 s
        _turn("b", 100, "answer", "ket-hon", "dang ky ket hon"),
        _turn("b", 400, "miss", None, "cau khac"),  # 5 minutes later: not a rephrase
        _turn("c", 100, "answer", "can-cuoc", "lam cccd"),
        _turn("d", 100, "flow_start", None, "", "button", flow.id, flow.start),
        _turn("d", 130, "answer", "ket-hon", "hoi chuyen khac", "text"),
    ]
    thumbs = [("c", 150, "can-cuoc", "sai roi")]
    found = {(s.reason, s.topic) for s in find_suspects(turns, thumbs, brain.flows)}
    assert found == {("rephrase", "khai-sinh"), ("thumbs_down", "can-cuoc"),
                     ("abandoned", flow.id)}


def test_poster_is_a_pdf_or_png_and_needs_somewhere_to_point():
    spec = PosterSpec("Trợ lý Dịch vụ công", "Đăng ký khai sinh", "khai-sinh", "to-cns-ap-3",
                      "tro_ly_dvc_bot", "https://zalo.me/123456")
    assert render_poster(spec, "pdf").startswith(b"%PDF")
    assert render_poster(spec, "png").startswith(b"\x89PNG")
    bare = PosterSpec("Trợ lý", "Đăng ký khai sinh", "khai-sinh", "to-cns-ap-3")
    try:
        render_poster(bare, "pdf")
    except ValueError as exc:
        assert "telegram.username" in str(exc)
    else:
        raise AssertionError("a poster without any link was drawn")


def test_staff_cli_add_list_remove(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"storage:\n  path: {tmp_path / 'db.sqlite3'}\n", encoding="utf-8")
    base = [DVCBOT, "--config", str(cfg), "staff"]
    add = subprocess.run([*base, "add", "lan", "--role", "editor", "--password-stdin"],
                         input="mat-khau-dai-1\n", capture_output=True, text=True, timeout=60)
    assert add.returncode == 0, add.stderr
    team = subprocess.run([*base, "add", "to1", "--role", "team", "--password-stdin"],
                          input="mat-khau-dai-1\n", capture_output=True, text=True, timeout=60)
    assert team.returncode == 1 and "--team" in team.stderr
    short = subprocess.run([*base, "add", "ngan", "--role", "viewer", "--password-stdin"],
                           input="abc\n", capture_output=True, text=True, timeout=60)
    assert short.returncode == 1 and "password" in short.stderr
    listed = subprocess.run([*base, "list"], capture_output=True, text=True, timeout=60)
    assert listed.stdout.split() == ["lan", "editor", "-"]
    removed = subprocess.run([*base, "remove", "lan"], capture_output=True, text=True,
                             timeout=60)
    assert removed.returncode == 0
    again = subprocess.run([*base, "remove", "lan"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 1
    assert "mat-khau" not in (tmp_path / "db.sqlite3").read_bytes().decode("latin-1")


async def test_turn_logging_updates_the_aggregates_in_its_transaction(tmp_path):
    from bot.storage.base import Commit
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    try:
        turn = TurnRecord(START, "console", "k1", "text", "abc", "abc", "miss")
        await store.commit(Commit("k1", "console", {}, turn=turn))
        staff = staff_store(store)
        assert _by_outcome(await staff.daily(ReportQuery())) == Counter({"miss": 1})
        assert (await staff.wordings(ReportQuery()))[0][:4] == ("abc", "miss", None, 1)
    finally:
        await store.close()


async def test_migration_builds_the_aggregates_of_an_existing_log(tmp_path):
    import sqlite3

    from bot.storage.migrations import MIGRATIONS
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        for number, sql in MIGRATIONS:
            if number < 3:
                db.executescript(sql)
        db.executemany("INSERT INTO turns (ts, channel, user_key, kind, text, normalized,"
                       " outcome, topic) VALUES (?, 'zalo-oa', 'k', 'text', ?, ?, ?, ?)",
                       [(START, "abc", "abc", "miss", None),
                        (START + 1, "abc", "abc", "miss", None),
                        (START + 2, "khai sinh", "khai sinh", "answer", "khai-sinh")])
        db.execute("PRAGMA user_version = 2")
    store = SQLiteStore(path)
    await store.open()
    try:
        staff = staff_store(store)
        assert _by_outcome(await staff.daily(ReportQuery())) == Counter(miss=2, answer=1)
        assert (await staff.wordings(ReportQuery()))[0][:4] == ("abc", "miss", None, 2)
    finally:
        await store.close()


async def test_overview_shows_the_figures_of_dvcbot_report(tmp_path, brain):
    from bot.reports.model import load_report
    from bot.staff.pages import Pages
    log = generate(4000, seed=3, start=START - 30 * 86400, days=30)
    store = SQLiteStore(tmp_path / "db.sqlite3")
    await store.open()
    try:
        await store.append_log(log.turns, log.feedback, log.referrals)
        titles = {t: v.title for t, v in brain.kb.topics.items()}
        for query in (ReportQuery(), ReportQuery(team="to-cntt-xa-2")):
            report = await load_report(store, query, brain.flows, titles)
            pages = Pages(store, staff_store(store))
            overview = await pages.overview(query, brain.flows, titles)
            for key in ("turns", "users", "questions", "answered", "suggested", "missed",
                        "thumbs_up", "thumbs_down", "flows_started", "flows_completed"):
                assert overview.totals[key] == report.totals[key], key
            assert overview.by_channel == report.totals["by_channel"]
            assert [(n.topic, n.score) for n in overview.outreach] == \
                [(n.topic, n.score) for n in report.outreach]
    finally:
        await store.close()
