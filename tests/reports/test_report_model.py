"""The report built from a small hand-written log: funnels, miss groups, ranking, teams."""

import datetime as dt
import json

from bot.flows.loader import Flow, Option, Step
from bot.reports.model import build_report
from bot.reports.ranking import WEIGHTS
from bot.reports.render import render
from bot.storage.base import FeedbackRecord, ReferralRecord, ReportQuery, TurnRecord
from bot.storage.memory import MemoryStore

NOW = 1_795_000_000.0
DAY = 86400.0
FLOW = Flow("thu", "Hướng dẫn thử", ("khai-sinh",), "a",
            {"a": Step("a", "A", (Option("tiếp", "b"),)),
             "b": Step("b", "B", (Option("xong", "c"),)),
             "c": Step("c", "C", end=True)},
            (), dt.date(2026, 11, 1), "thu.yaml", 1)
TITLES = {"khai-sinh": "Đăng ký khai sinh", "tam-tru": "Đăng ký tạm trú"}


def t(ts: float, user: str, outcome: str, **kw) -> TurnRecord:
    kw.setdefault("kind", "text")
    kw.setdefault("text", kw.get("normalized"))
    kw.setdefault("normalized", None)
    return TurnRecord(ts=ts, channel=kw.pop("channel", "telegram"), user_key=user,
                      outcome=outcome, **kw)


def flow_run(user: str, start: float, *steps: tuple[str, str]) -> list[TurnRecord]:
    return [t(start + i * 60, user, outcome, flow_id="thu", step_id=step)
            for i, (outcome, step) in enumerate(steps)]


def the_log() -> MemoryStore:
    store = MemoryStore()
    turns = [
        *flow_run("A", NOW - 3 * DAY, ("flow_start", "a"), ("flow_step", "b"), ("flow_end", "c")),
        *flow_run("B", NOW - 3 * DAY, ("flow_start", "a"), ("flow_step", "b")),
        *flow_run("C", NOW - 3 * DAY, ("flow_start", "a"), ("flow_cancel", "a")),
        *flow_run("D", NOW - 3600, ("flow_start", "a"), ("flow_step", "b")),
        *flow_run("E", NOW - 2 * DAY, ("flow_start", "a")),
        t(NOW - 2 * DAY + 100, "E", "flow_start", flow_id="other", step_id="x"),
    ]
    for i in range(3):
        turns.append(t(NOW - DAY + i, f"m{i}", "miss", normalized="xin giay phep xay dung"))
    turns.append(t(NOW - DAY, "m9", "miss", normalized="xin giay phep xay dung o dau",
                   text="xin giấy phép xây dựng ở đâu"))
    turns.append(t(NOW - DAY, "m8", "miss", normalized="doi so do"))
    turns += [t(NOW - DAY + i, "q", "answer", topic="khai-sinh", referral="to-1")
              for i in range(4)]
    turns.append(t(NOW - DAY, "s", "suggest", topic="khai-sinh", normalized="khai sinh muon"))
    turns.append(t(NOW - DAY, "s", "none_of_these", topic="khai-sinh",
                   normalized="khai sinh muon", kind="button"))
    turns.append(t(NOW - DAY, "r", "answer", topic="tam-tru", channel="zalo-bot"))
    store.turns = turns
    store.feedback = [FeedbackRecord(NOW - DAY, "telegram", "q", -1, "khai-sinh"),
                      FeedbackRecord(NOW - DAY + 5, "telegram", "q", 0, "khai-sinh", None,
                                     "thiếu lệ phí"),
                      FeedbackRecord(NOW - DAY, "telegram", "A", 1, None, "thu")]
    store.referrals = [ReferralRecord(NOW - DAY, "telegram", "q", "khai-sinh__to-1", "to-1")]
    return store


async def report(query: ReportQuery = ReportQuery()):
    stats = await the_log().log_stats(query)
    return build_report(stats, query, {"thu": FLOW}, TITLES, NOW, stale_after=DAY)


async def test_funnel_counts_completed_cancelled_abandoned_and_open_runs() -> None:
    funnel = next(f for f in (await report()).funnels if f.flow == "thu")
    assert (funnel.started, funnel.completed, funnel.cancelled, funnel.abandoned,
            funnel.in_progress) == (5, 1, 1, 2, 1)
    steps = {s.step: (s.reached, s.abandoned, s.cancelled) for s in funnel.steps}
    # B silent at b for 3 days; E left a for another flow; C typed "thoát" at a; D is recent.
    assert steps == {"a": (5, 1, 1), "b": (3, 1, 0), "c": (1, 0, 0)}
    assert [s.step for s in funnel.steps] == ["a", "b", "c"]


async def test_misses_are_grouped_by_similar_wording_most_frequent_first() -> None:
    groups = (await report()).misses
    first = groups[0]
    assert (first.label, first.misses, first.wordings) == ("xin giay phep xay dung", 4, 2)
    assert "xin giấy phép xây dựng ở đâu" in first.examples
    near = next(g for g in groups if g.label == "khai sinh muon")
    assert (near.suggested, near.rejected, near.suggested_topics) == (1, 1, {"khai-sinh": 1})
    assert any(g.label == "doi so do" for g in groups)


async def test_outreach_ranking_follows_the_documented_formula() -> None:
    needs = {n.topic: n for n in (await report()).outreach}
    ks = needs["khai-sinh"]
    # 4 answers, 2 near-misses, 1 thumbs down, 3 abandoned or cancelled runs of its flow
    assert (ks.questions, ks.near_misses, ks.thumbs_down, ks.abandoned) == (4, 2, 1, 3)
    assert ks.score == 4 * WEIGHTS["questions"] + 2 * WEIGHTS["near_misses"] \
        + 1 * WEIGHTS["thumbs_down"] + 3 * WEIGHTS["abandoned"]
    assert ks.index == 100 and needs["tam-tru"].index == round(100 * 1 / ks.score)


async def test_feedback_teams_weekly_and_totals() -> None:
    rep = await report()
    down = next(f for f in rep.feedback if f.id == "khai-sinh")
    assert (down.down, down.comments) == (1, ["thiếu lệ phí"])
    assert rep.referrals == [{"team": "to-1", "arrivals": 1, "users": 1, "turns": 4,
                              "misses": 0}]
    assert sum(w["questions"] for w in rep.weekly) == rep.totals["questions"] == 4 + 1 + 5 + 1
    assert rep.totals["by_channel"] == {"telegram": len(the_log().turns) - 1, "zalo-bot": 1}


async def test_filters_reach_the_report() -> None:
    rep = await report(ReportQuery(channel="zalo-bot"))
    assert rep.totals["turns"] == 1 and rep.window["channel"] == "zalo-bot"
    rep = await report(ReportQuery(team="to-1"))
    assert rep.totals["turns"] == 4 and [f.down for f in rep.feedback] == []


async def test_every_format_renders_the_same_facts() -> None:
    rep = await report()
    data = json.loads(render(rep, "json"))
    assert data["funnels"][0]["completion_rate"] == 0.2
    assert "xin giay phep xay dung" in render(rep, "table")
    csv_text = render(rep, "csv")
    assert csv_text.splitlines()[0] == "section,item,detail,metric,value"
    assert "funnels,thu,b,reached,3" in csv_text
    page = render(rep, "html")
    assert page.count("<svg") >= 3 and "http://" not in page.replace(
        'http-equiv="Content-Security-Policy"', "")


def test_grouping_joins_rewordings_but_not_different_procedures() -> None:
    from bot.reports.clusters import group_misses

    rows = [("lam cccd cho con", "miss", None, 5, "làm cccd cho con"),
            ("lam cccd", "miss", None, 2, "làm cccd"),
            ("dang ky tam tru", "suggest", "tam-tru", 4, "đăng ký tạm trú"),
            ("dang ky thuong tru", "suggest", "thuong-tru", 3, "đăng ký thường trú")]
    groups = {g.label: g for g in group_misses(rows)}
    assert set(groups) == {"lam cccd cho con", "dang ky tam tru", "dang ky thuong tru"}
    assert groups["lam cccd cho con"].asked == 7
    assert groups["lam cccd cho con"].examples == ["làm cccd cho con", "làm cccd"]
    assert group_misses(rows)[0].label == "lam cccd cho con"
