"""What `dvcbot report`, `dvcbot purge` and `dvcbot export` do (bot/cli.py only wires them)."""

from __future__ import annotations

import contextlib
import csv
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.catalog.entries import procedure_titles
from bot.config import Config
from bot.core.brain import build_brain
from bot.knowledge.loader import KnowledgeError
from bot.privacy.retention import purge_once
from bot.reports.model import load_report
from bot.reports.render import render
from bot.reports.times import iso_times
from bot.reports.window import parse_window
from bot.storage.base import ReportQuery, Store
from bot.storage.factory import database_url, open_store
from bot.storage.queries import EXPORT_COLUMNS

log = logging.getLogger(__name__)


class CommandError(Exception):
    """A problem to show the user as one line (exit code 1 or 2)."""


def make_query(since: str | None, until: str | None, channel: str | None,
               team: str | None) -> ReportQuery:
    """Build the filters from command-line values.

    Raises:
        CommandError: a malformed date.
    """
    try:
        start, end = parse_window(since, until)
    except ValueError as exc:
        raise CommandError(f"bad date: {exc} (use YYYY-MM-DD)") from exc
    return ReportQuery(since=start, until=end, channel=channel or None, team=team or None)


async def _open(config: Config) -> Store:
    path = config.storage.path
    if not database_url(config) and path != ":memory:" and not Path(path).exists():
        raise CommandError(f"no database at {path}: nothing has been logged yet")
    store = open_store(config)
    await store.open()
    return store


async def report(config: Config, query: ReportQuery, fmt: str) -> str:
    """Read the log and render the report.

    Args:
        config: the configuration (storage path, knowledge for titles, flow expiry).
        query: filters.
        fmt: table | csv | json | html.

    Returns:
        The rendered report.
    """
    try:
        brain = build_brain(config)
        flows, titles = brain.flows, {k: t.title for k, t in brain.kb.topics.items()}
        titles.update(procedure_titles(brain.catalog.procedures.values()))  # logged by code
    except KnowledgeError:
        log.warning("knowledge does not load: the report shows ids instead of titles")
        flows, titles = {}, {}
    store = await _open(config)
    try:
        result = await load_report(store, query, flows, titles,
                                   stale_after=config.flows.expiry_hours * 3600)
    finally:
        await store.close()
    return render(result, fmt)


async def purge(config: Config, days: int | None) -> dict[str, int]:
    """Delete everything older than the retention period (or `days`) now."""
    store = await _open(config)
    try:
        return await purge_once(store, config.storage.retention_days if days is None else days)
    finally:
        await store.close()


async def export(config: Config, query: ReportQuery, out: TextIO, feedback: bool) -> int:
    """Write turns (and optionally feedback) as CSV for analysts.

    Args:
        config: the configuration.
        query: filters.
        out: where to write.
        feedback: also write the feedback rows, after a blank line, with their own header.

    Returns:
        The number of rows written.
    """
    store = await _open(config)
    writer = csv.writer(out)
    count = 0
    try:
        for table in ("turns", "feedback") if feedback else ("turns",):
            if table == "feedback":
                out.write("\n")
            writer.writerow(["table", *EXPORT_COLUMNS[table]])
            # aclosing: if the reader goes away mid-export (BrokenPipeError), the row cursor
            # is closed here, before the store, not later on a closed database.
            async with contextlib.aclosing(store.export_rows(table, query)) as rows:
                async for row in rows:
                    writer.writerow([table, *iso_times(row)])
                    count += 1
    finally:
        await store.close()
    return count


def write_output(text: str, output: str | None) -> None:
    """Print, or write to a file (UTF-8)."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def open_output(output: str | None) -> TextIO:
    """A text stream for CSV: the file (UTF-8, newline-safe) or stdout."""
    if output:
        return open(output, "w", encoding="utf-8", newline="")
    return sys.stdout
