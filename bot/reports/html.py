"""The report as ONE self-contained HTML file with inline SVG charts (matplotlib)."""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from bot.reports.model import Report
from bot.reports.render import _window

# Week labels ("11-16") are categories on purpose; its INFO notice only scares staff.
logging.getLogger("matplotlib.category").setLevel(logging.WARNING)

BAR = "#2563eb"
WARN = "#dc2626"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;
color:#111;max-width:960px;margin:auto;line-height:1.4}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.6em;border-bottom:2px solid #e5e7eb}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{background:#f3f4f6;border-radius:8px;
padding:8px 12px;min-width:120px}.card b{display:block;font-size:1.3rem}
.wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e5e7eb;padding:4px 6px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}figure{margin:8px 0}figure svg{width:100%;height:auto}
.muted{color:#6b7280;font-size:.85rem}
"""
_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_STRIP = [re.compile(r"<metadata>.*?</metadata>", re.DOTALL), re.compile(r"<!--.*?-->", re.DOTALL),
          re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')]


def _svg(fig: Figure) -> str:
    """Serialise a figure as inline SVG: text stays text, no XML prolog, no external URIs."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "dvcbot"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = _SVG_START.sub("", buffer.getvalue(), count=1)
    for pattern in _STRIP:
        svg = pattern.sub("", svg)
    return svg.replace("<svg", '<svg role="img"', 1)


TOP_ROWS = 8  # rows shown per section on a phone before "Xem thêm"
OPEN_FUNNELS = 2  # guides shown open; the others collapse under their title


def _clip(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def hbar_chart(labels: Sequence[str], values: Sequence[float], title: str,
               color: str = BAR) -> str:
    """A horizontal bar chart (largest on top) as inline SVG."""
    fig = Figure(figsize=(4.8, 0.42 * len(labels) + 0.8))
    ax = fig.subplots()
    ax.barh([_clip(x, 30) for x in reversed(labels)], list(reversed(values)), color=color)
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=10)
    ax.xaxis.set_visible(False)  # the value is printed at the end of each bar
    for i, value in enumerate(reversed(values)):
        ax.text(value, i, f" {value:g}", va="center", fontsize=10)
    return _svg(fig)


def line_chart(labels: Sequence[str], series: Mapping[str, Sequence[float]], title: str) -> str:
    """A line chart over weeks as inline SVG."""
    fig = Figure(figsize=(4.8, 3.4))
    ax = fig.subplots()
    for name, values in series.items():
        ax.plot(labels, values, marker="o", label=_clip(name, 30))
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(bottom=0)
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3),
                  ncol=1)
    return _svg(fig)


class Markup(str):
    """Cell content that is already escaped HTML."""


def _cell(value: Any) -> str:
    return value if isinstance(value, Markup) else html.escape(str(value))


def _with_note(text: str, note: str) -> Markup:
    """Text with a smaller grey line under it (examples, comments)."""
    if not note:
        return Markup(html.escape(text))
    return Markup(f"{html.escape(text)}<br><span class=muted>{html.escape(note)}</span>")


def _rows(rows: list[list[Any]], numeric_from: int) -> str:
    return "".join(
        "<tr>" + "".join(
            f'<td{" class=n" if i >= numeric_from and isinstance(c, int | float) else ""}>'
            f"{_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows)


def _table(headers: list[str], rows: list[list[Any]], numeric_from: int = 1) -> str:
    """A table showing its TOP_ROWS first rows; the rest one tap away under <details>."""
    head = "".join(f'<th{" class=n" if i >= numeric_from else ""}>{html.escape(h)}</th>'
                   for i, h in enumerate(headers))
    body = _rows(rows[:TOP_ROWS], numeric_from)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="muted">Chưa có dữ liệu</td></tr>'
    table = f'<div class="wrap"><table><tr>{head}</tr>{body}</table></div>'
    rest = rows[TOP_ROWS:]
    if rest:
        table += (f"<details><summary>Xem thêm {len(rest)} dòng</summary>"
                  f'<div class="wrap"><table><tr>{head}</tr>{_rows(rest, numeric_from)}'
                  "</table></div></details>")
    return table


def _charts(report: Report) -> dict[str, str]:
    charts: dict[str, str] = {}
    needs = report.outreach[:10]
    if needs:
        charts["outreach"] = hbar_chart([n.title for n in needs], [n.index for n in needs],
                                        "Chỉ số nhu cầu tuyên truyền (0-100)", WARN)
    topics = report.topics[:10]
    if topics:
        charts["topics"] = hbar_chart([r.title for r in topics], [r.questions for r in topics],
                                      "Câu hỏi theo thủ tục")
    if report.weekly:
        weeks = [w["week"][5:] for w in report.weekly]
        series = {"Tất cả câu hỏi": [w["questions"] for w in report.weekly]}
        for r in topics[:3]:
            series[r.title] = [w["by_topic"].get(r.topic, 0) for w in report.weekly]
        charts["weekly"] = line_chart(weeks, series, "Câu hỏi mỗi tuần")
    for funnel in report.funnels[:6]:
        if funnel.steps:
            charts[f"funnel:{funnel.flow}"] = hbar_chart(
                [s.step for s in funnel.steps], [s.reached for s in funnel.steps],
                f"{funnel.title}: số lượt đến từng bước")
    return charts


def to_html(report: Report) -> str:
    """The whole report as one HTML page: no scripts, no external files, phone-friendly."""
    t = report.totals
    charts = _charts(report)
    cards = [("Lượt tin", t["turns"]), ("Người dùng", t["users"]), ("Câu hỏi", t["questions"]),
             ("Trả lời ngay", f"{t['answer_rate']:.0%}"), ("Chưa trả lời được", t["missed"]),
             ("Hữu ích / chưa hữu ích", f"{t['thumbs_up']} / {t['thumbs_down']}"),
             ("Hướng dẫn hoàn thành", f"{t['flows_completed']} / {t['flows_started']}")]
    parts = [
        f"<h1>Báo cáo Trợ lý Dịch vụ công</h1><p class=muted>{html.escape(_window(report))}"
        f" · lập ngày {html.escape(report.generated_at)}</p>",
        '<div class="cards">' + "".join(f"<div class=card>{html.escape(k)}<b>{html.escape(str(v))}"
                                       "</b></div>" for k, v in cards) + "</div>",
        "<h2>Nhu cầu tuyên truyền</h2>", _figure(charts.get("outreach")),
        "<p class=muted>Điểm = câu hỏi + 2 × gần trượt + 3 × chưa hữu ích + 2 × bỏ dở; "
        "chỉ số = 100 × điểm / điểm cao nhất.</p>",
        _table(["Thủ tục", "Chỉ số", "Điểm", "Hỏi", "Gần trượt", "Chưa hữu ích", "Bỏ dở"],
               [[n.title, n.index, n.score, n.questions, n.near_misses, n.thumbs_down,
                 n.abandoned] for n in report.outreach]),
        "<h2>Câu hỏi theo thủ tục</h2>", _figure(charts.get("topics")),
        _table(["Thủ tục", "Câu hỏi", "Trả lời", "Gợi ý", "Không phải", "Hữu ích",
                "Chưa hữu ích"],
               [[r.title, r.questions, r.answers, r.suggested, r.rejected, r.thumbs_up,
                 r.thumbs_down] for r in report.topics]),
        "<h2>Xu hướng theo tuần</h2>", _figure(charts.get("weekly")),
        "<h2>Câu hỏi chưa trả lời được</h2>",
        "<p class=muted>Nhóm theo cách hỏi giống nhau; dòng xám là ví dụ (đã che thông tin "
        "cá nhân).</p>",
        _table(["Cách hỏi", "Lượt", "Trượt", "Gợi ý", "Không phải"],
               [[_with_note(g.shown, " · ".join(g.examples[1:])), g.asked + g.rejected, g.misses,
                 g.suggested, g.rejected] for g in report.misses[:100]]),
        "<h2>Phản hồi và góp ý</h2>",
        _table(["Mục", "Hữu ích", "Chưa hữu ích"],
               [[_with_note(f.title, " · ".join(f.comments[:5])), f.up, f.down]
                for f in report.feedback]),
        "<h2>Hướng dẫn từng bước</h2>"]
    for i, f in enumerate(report.funnels):
        # The first guides open; each further one is a tap away, so a phone page stays short.
        head = (f"<h3>{html.escape(f.title)}</h3><p class=muted>bắt đầu {f.started} · "
                f"hoàn thành {f.completed} ({f.completion_rate:.0%}) · thoát {f.cancelled}"
                f" · bỏ dở {f.abandoned} · đang làm {f.in_progress}</p>")
        body = _figure(charts.get(f"funnel:{f.flow}")) + _table(
            ["Bước", "Đến", "Bỏ dở tại đây", "Thoát tại đây"],
            [[s.step, s.reached, s.abandoned, s.cancelled] for s in f.steps])
        if i < OPEN_FUNNELS:
            parts += [head, body]
        else:
            parts.append(f"<details><summary>{html.escape(f.title)}</summary>{head}{body}"
                         "</details>")
    parts += ["<h2>Giới thiệu theo tổ</h2>",
              _table(["Tổ", "Lượt vào", "Người", "Lượt tin", "Trượt"],
                     [[r["team"], r["arrivals"], r["users"], r["turns"], r["misses"]]
                      for r in report.referrals])]
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Báo cáo Trợ lý Dịch vụ công</title><style>{STYLE}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def _figure(svg: str | None) -> str:
    return f"<figure>{svg}</figure>" if svg else ""
