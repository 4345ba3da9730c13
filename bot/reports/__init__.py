"""Staff reports from the question log: outreach needs, misses, funnels, teams (read-only)."""

from bot.reports.model import Report, build_report, load_report
from bot.reports.window import parse_window

__all__ = ["Report", "build_report", "load_report", "parse_window"]
