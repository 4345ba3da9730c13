"""The staff console on PostgreSQL: the same page, loop and security tests as on SQLite, and
the overview's figures equal `dvcbot report`'s there too."""

import functools

import pytest

from benchmarks.synth import generate
from bot.reports.model import load_report
from bot.staff.pages import Pages
from bot.staff.store import staff_store
from bot.storage.base import ReportQuery
from bot.storage.postgres import PostgresStore
from tests.conftest import START
from tests.staff import test_loop, test_pages, test_security


def on_postgres(test):
    """A copy of a console test (the original keeps running on SQLite) run on PostgreSQL."""
    @pytest.mark.parametrize("console", ["postgres"], indirect=True)
    @functools.wraps(test)
    async def run(*args, **kwargs):
        return await test(*args, **kwargs)
    return run


test_editor_creates_a_team_and_downloads_its_poster = on_postgres(
    test_pages.test_editor_creates_a_team_and_downloads_its_poster)
test_assigned_group_is_answered_directly_and_audited = on_postgres(
    test_loop.test_assigned_group_is_answered_directly_and_audited)
test_a_new_miss_reaches_an_inbox_already_on_screen = on_postgres(
    test_loop.test_a_new_miss_reaches_an_inbox_already_on_screen)
test_a_team_account_cannot_read_another_teams_data = on_postgres(
    test_security.test_a_team_account_cannot_read_another_teams_data)
test_repeated_wrong_passwords_lock_the_account = on_postgres(
    test_security.test_repeated_wrong_passwords_lock_the_account)


async def test_overview_shows_the_figures_of_dvcbot_report(pg_url, brain) -> None:
    log = generate(4000, seed=3, start=START - 30 * 86400, days=30)
    store = PostgresStore(pg_url)
    await store.open()
    try:
        await store.append_log(log.turns, log.feedback, log.referrals)
        titles = {t: v.title for t, v in brain.kb.topics.items()}
        for query in (ReportQuery(), ReportQuery(team="to-cntt-xa-2")):
            report = await load_report(store, query, brain.flows, titles)
            overview = await Pages(store, staff_store(store)).overview(query, brain.flows,
                                                                       titles)
            for key in ("turns", "users", "questions", "answered", "suggested", "missed",
                        "thumbs_up", "thumbs_down", "flows_started", "flows_completed"):
                assert overview.totals[key] == report.totals[key], key
            assert overview.by_channel == report.totals["by_channel"]
            assert [(n.topic, n.score) for n in overview.outreach] == \
                [(n.topic, n.score) for n in report.outreach]
    finally:
        await store.close()
