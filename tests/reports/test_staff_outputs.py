"""Issue 15 item 10: misses show the redacted original, the HTML collapses, CSV times are ISO."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re

from bot.reports.html import to_html
from bot.reports.model import build_report
from bot.reports.render import render
from bot.storage.base import ReportQuery
from tests.conftest import KbCopy
from tests.reports.test_report_cli import dvcbot
from tests.reports.test_report_model import DAY, FLOW, NOW, TITLES, t, the_log

ORIGINAL = "Xin giấy phép nuôi chim yến ở đâu [số điện thoại]"
FOLDED = "xin giay phep nuoi chim yen o dau"


async def _report(extra_misses: int = 0):
    store = the_log()
    store.turns.append(t(NOW - DAY, "y", "miss", normalized=FOLDED, text=ORIGINAL))
    for i in range(extra_misses):
        word = hashlib.sha256(str(i).encode()).hexdigest()[:12]  # wordings that never group
        store.turns.append(t(NOW - DAY, f"z{i}", "miss", normalized=word, text=word))
    query = ReportQuery()
    return build_report(await store.log_stats(query), query, {"thu": FLOW}, TITLES, NOW,
                        stale_after=DAY)


async def test_misses_show_the_redacted_original_not_the_folded_text() -> None:
    report = await _report()
    page = to_html(report)
    assert f"<b>{FOLDED}" not in page and FOLDED not in page
    assert "Xin giấy phép nuôi chim yến ở đâu [số điện thoại]" in page
    table = render(report, "table")
    assert ORIGINAL in table and FOLDED not in table


async def test_long_html_sections_collapse_after_their_top_rows() -> None:
    page = to_html(await _report(extra_misses=40))
    misses = page.split("<h2>Câu hỏi chưa trả lời được</h2>")[1].split("<h2>")[0]
    assert "<details>" in misses and "<summary>" in misses
    visible = misses.split("<details>")[0]
    assert 5 <= visible.count("<tr>") - 1 <= 10  # header row excluded
    assert page.count("<tr>") >= 40  # the rest is still there, one tap away


def test_csv_export_times_are_iso_8601_in_vietnam_time(kb_copy: KbCopy) -> None:
    chat = dvcbot(kb_copy, "chat", stdin="lam giay khai sinh cho con\n")
    assert chat.returncode == 0, chat.stderr
    export = dvcbot(kb_copy, "export", "--format", "csv")
    assert export.returncode == 0, export.stderr
    rows = list(csv.reader(io.StringIO(export.stdout)))
    ts = rows[1][rows[0].index("ts")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", ts), ts
    assert dt.datetime.fromisoformat(ts).utcoffset() == dt.timedelta(hours=7)


async def test_guides_after_the_first_two_collapse_under_their_titles() -> None:
    import dataclasses

    report = await _report()
    funnel = report.funnels[0]
    many = [dataclasses.replace(funnel, flow=f"f{i}", title=f"Hướng dẫn {i}") for i in range(5)]
    page = to_html(dataclasses.replace(report, funnels=many))
    guides = page.split("<h2>Hướng dẫn từng bước</h2>")[1].split("<h2>")[0]
    assert guides.count("<details><summary>Hướng dẫn") == 3
    assert guides.index("<h3>Hướng dẫn 1</h3>") < guides.index("<details>")
