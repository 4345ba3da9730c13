"""Render a report as a terminal table, tidy CSV or JSON (HTML lives in html.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from bot.reports.model import Report

FORMATS = ("table", "csv", "json", "html")
TOP = 15  # rows per section in the table format (CSV and JSON carry everything)


def render(report: Report, fmt: str) -> str:
    """Render `report` in one of FORMATS.

    Args:
        report: the report.
        fmt: table | csv | json | html.

    Returns:
        The text to print or write.
    """
    if fmt == "json":
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        from bot.reports.html import to_html  # matplotlib is imported only for HTML

        return to_html(report)
    return to_table(report)


def _window(report: Report) -> str:
    w = report.window
    parts = [f"từ {w['since'] or report.totals['first'] or '…'}",
             f"đến {w['until'] or report.totals['last'] or '…'}"]
    if w["channel"]:
        parts.append(f"kênh {w['channel']}")
    if w["team"]:
        parts.append(f"tổ {w['team']}")
    return ", ".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_table(report: Report) -> str:
    """Plain text for a terminal: the top rows of each section."""
    t = report.totals
    out = [f"BÁO CÁO TRỢ LÝ DỊCH VỤ CÔNG ({_window(report)})",
           f"Lượt tin: {t['turns']} · Người dùng: {t['users']} · Câu hỏi: {t['questions']} · "
           f"Trả lời ngay: {t['answered']} ({t['answer_rate']:.0%}) · Gợi ý: {t['suggested']} · "
           f"Chưa trả lời được: {t['missed']} · 👍 {t['thumbs_up']} · 👎 {t['thumbs_down']}",
           "", "NHU CẦU TUYÊN TRUYỀN (outreach needs)",
           _table(["#", "chỉ số", "điểm", "thủ tục", "hỏi", "gần trượt", "👎", "bỏ dở"],
                  [[i, n.index, n.score, n.title, n.questions, n.near_misses, n.thumbs_down,
                    n.abandoned] for i, n in enumerate(report.outreach[:TOP], 1)]),
           "", "CÂU HỎI THEO THỦ TỤC",
           _table(["thủ tục", "câu hỏi", "trả lời", "gợi ý", "không phải", "👍", "👎"],
                  [[r.title, r.questions, r.answers, r.suggested, r.rejected, r.thumbs_up,
                    r.thumbs_down] for r in report.topics[:TOP]]),
           "", "XU HƯỚNG THEO TUẦN",
           _table(["tuần từ", "câu hỏi"], [[w["week"], w["questions"]] for w in report.weekly]),
           "", "CÂU HỎI CHƯA TRẢ LỜI ĐƯỢC (nhóm theo cách hỏi)",
           _table(["lượt", "trượt", "gợi ý", "không phải", "cách hỏi", "ví dụ"],
                  [[g.asked + g.rejected, g.misses, g.suggested, g.rejected, g.shown,
                    " | ".join(g.examples[1:3])] for g in report.misses[:TOP]]),
           "", "PHẢN HỒI 👎 VÀ GÓP Ý",
           _table(["loại", "mục", "👍", "👎", "góp ý"],
                  [[r.kind, r.title, r.up, r.down, " | ".join(r.comments[:2])]
                   for r in report.feedback[:TOP]]),
           "", "HƯỚNG DẪN TỪNG BƯỚC (funnel)"]
    for f in report.funnels:
        out.append(f"{f.title} [{f.flow}]: bắt đầu {f.started}, hoàn thành {f.completed} "
                   f"({f.completion_rate:.0%}), thoát {f.cancelled}, bỏ dở {f.abandoned}, "
                   f"đang làm {f.in_progress}")
        out.append(_table(["bước", "đến", "bỏ dở tại đây", "thoát tại đây"],
                          [[s.step, s.reached, s.abandoned, s.cancelled] for s in f.steps]))
    out += ["", "GIỚI THIỆU THEO TỔ (referrals)",
            _table(["tổ", "lượt vào", "người", "lượt tin", "trượt"],
                   [[r["team"], r["arrivals"], r["users"], r["turns"], r["misses"]]
                    for r in report.referrals])]
    return "\n".join(out) + "\n"


def _csv_rows(report: Report) -> Iterator[list[Any]]:
    for key, value in report.totals.items():
        if isinstance(value, dict):
            for k, v in value.items():
                yield ["totals", key, k, "turns", v]
        else:
            yield ["totals", key, "", "value", value]
    for n in report.outreach:
        for metric in ("index", "score", "questions", "near_misses", "thumbs_down", "abandoned"):
            yield ["outreach", n.topic, n.title, metric, getattr(n, metric)]
    for r in report.topics:
        for metric in ("questions", "answers", "suggested", "rejected", "details", "thumbs_up",
                       "thumbs_down"):
            yield ["topics", r.topic, r.title, metric, getattr(r, metric)]
    for w in report.weekly:
        yield ["weekly", w["week"], "", "questions", w["questions"]]
        for topic, n in sorted(w["by_topic"].items()):
            yield ["weekly", w["week"], topic, "questions", n]
    for g in report.misses:
        for metric in ("asked", "misses", "suggested", "rejected", "wordings"):
            yield ["misses", g.label, " | ".join(g.examples), metric, getattr(g, metric)]
    for fb in report.feedback:
        yield ["feedback", f"{fb.kind}:{fb.id}", fb.title, "up", fb.up]
        yield ["feedback", f"{fb.kind}:{fb.id}", fb.title, "down", fb.down]
    for c in report.comments:
        yield ["comments", c["topic"] or c["flow"] or "", c["day"], "comment", c["comment"]]
    for f in report.funnels:
        for metric in ("started", "completed", "cancelled", "abandoned", "in_progress"):
            yield ["funnels", f.flow, "", metric, getattr(f, metric)]
        for s in f.steps:
            for metric in ("reached", "abandoned", "cancelled"):
                yield ["funnels", f.flow, s.step, metric, getattr(s, metric)]
    for ref in report.referrals:
        for metric in ("arrivals", "users", "turns", "misses"):
            yield ["referrals", ref["team"], "", metric, ref[metric]]


def to_csv(report: Report) -> str:
    """One tidy table (section, item, detail, metric, value): easy to pivot in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "item", "detail", "metric", "value"])
    writer.writerows(_csv_rows(report))
    return buffer.getvalue()
