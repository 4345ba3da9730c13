"""Short reports for staff in the chat: `/stats [days]` and `/misses [days]`."""

from __future__ import annotations

from collections.abc import Mapping

from bot.flows.loader import Flow
from bot.reports.model import Report, load_report
from bot.storage.base import ReportQuery, Store

DEFAULT_DAYS = 7
MAX_DAYS = 366
TOP = 5


def _days(arg: str) -> int:
    try:
        days = int(arg.split()[0]) if arg.strip() else DEFAULT_DAYS
    except ValueError:
        return DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


async def staff_reply(store: Store, command: str, arg: str, now: float,
                      flows: Mapping[str, Flow], titles: Mapping[str, str]) -> str:
    """The text of a staff command's reply, over the last N days (default 7).

    Args:
        store: the log (read only).
        command: "stats" or "misses".
        arg: what followed the command (a number of days, or nothing).
        now: the current time.
        flows: flows by id.
        titles: topic titles.

    Returns:
        Vietnamese text for a chat message.
    """
    days = _days(arg)
    report = await load_report(store, ReportQuery(since=now - days * 86400),
                               flows, titles, now)
    if command == "misses":
        return misses_text(report, days)
    return stats_text(report, days)


def stats_text(report: Report, days: int) -> str:
    """Totals, top topics and top outreach needs."""
    t = report.totals
    lines = [f"📊 Thống kê {days} ngày qua",
             f"Lượt tin: {t['turns']} · người dùng: {t['users']}",
             f"Câu hỏi: {t['questions']} · trả lời ngay {t['answer_rate']:.0%} · "
             f"gợi ý {t['suggested']} · chưa trả lời được {t['missed']}",
             f"Phản hồi: 👍 {t['thumbs_up']} · 👎 {t['thumbs_down']}",
             f"Hướng dẫn: bắt đầu {t['flows_started']} · hoàn thành {t['flows_completed']}"]
    if report.topics:
        lines.append("\nHỏi nhiều nhất:")
        lines += [f"{i}. {r.title}: {r.questions}" for i, r in
                  enumerate(report.topics[:TOP], 1)]
    if report.outreach:
        lines.append("\nCần tuyên truyền thêm:")
        lines += [f"{i}. {n.title} (chỉ số {n.index})" for i, n in
                  enumerate(report.outreach[:TOP], 1)]
    lines.append("\nBáo cáo đầy đủ: dvcbot report --format html")
    return "\n".join(lines)


def misses_text(report: Report, days: int, top: int = 10) -> str:
    """The most frequent groups of questions the bot missed or only guessed at."""
    if not report.misses:
        return f"✅ {days} ngày qua không có câu hỏi nào bị trượt."
    lines = [f"❓ Câu hỏi chưa trả lời được ({days} ngày qua), nhiều nhất trước:"]
    for i, group in enumerate(report.misses[:top], 1):
        example = group.examples[0] if group.examples else group.label
        lines.append(f"{i}. \"{example}\" — {group.asked + group.rejected} lượt"
                     + (f", {group.wordings} cách hỏi" if group.wordings > 1 else ""))
    return "\n".join(lines)
