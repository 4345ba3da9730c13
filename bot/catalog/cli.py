"""`dvcbot catalog import|list|show|stats`: the national procedure catalogue from the shell."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any

from bot.catalog.effective import effective_catalog, store_path
from bot.catalog.importer import import_files
from bot.catalog.model import Procedure
from bot.catalog.stats import coverage, format_coverage
from bot.catalog.store import Catalog, CatalogError
from bot.config import Config
from bot.language.normalize import fold


def register(sub: Any) -> None:
    """Add the `catalog` subcommand to the `dvcbot` argument parser's subparsers."""
    parser = sub.add_parser("catalog", help="the national procedure catalogue: import, list, "
                                            "show, stats")
    actions = parser.add_subparsers(dest="catalog_action", required=True)
    imp = actions.add_parser("import", help="import JSON Lines, JSON array or CSV (.gz too)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--replace", action="store_true",
                     help="remove procedures that are not in these files")
    imp.add_argument("--dry-run", action="store_true",
                     help="print what would change and the bad rows; write nothing")
    imp.add_argument("--date", help="import date cited in answers, YYYY-MM-DD (default today)")
    imp.add_argument("--note", help="what the data is, e.g. 'Cổng DVC quốc gia, tháng 6/2026'")
    lst = actions.add_parser("list", help="one line per procedure")
    lst.add_argument("--field", action="append", default=[], help="field (lĩnh vực), repeatable")
    lst.add_argument("--level", action="append", default=[], help="bo|tinh|xa|khac, repeatable")
    show = actions.add_parser("show", help="everything parsed from one procedure")
    show.add_argument("code")
    stats = actions.add_parser("stats", help="parse coverage and legacy wording")
    stats.add_argument("--all", action="store_true", help="list every legacy record")


def run(args: argparse.Namespace, config: Config) -> int:
    """Dispatch `dvcbot catalog ACTION`."""
    action = {"import": _import, "list": _list, "show": _show, "stats": _stats}
    try:
        return action[args.catalog_action](args, config)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        return 2


def _import(args: argparse.Namespace, config: Config) -> int:
    store = store_path(config)
    if store is None:
        print("the database is in memory: set catalog.path in the config", file=sys.stderr)
        return 2
    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"--date: expected YYYY-MM-DD, got {args.date!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = import_files(args.files, store, replace=args.replace, today=day, note=args.note,
                          dry_run=args.dry_run)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary(args.replace))
    total = len(report.catalog) if report.catalog else 0
    if args.dry_run:
        print(f"dry run: nothing written; {store} holds {total} procedures")
    else:
        print(f"{total} procedures in {store} ({time.perf_counter() - started:.1f} s)")
    if report.problems:
        print(f"{len(report.problems)} bad row(s) skipped", file=sys.stderr)
        return 1
    return 0


def _catalog(config: Config) -> Catalog:
    catalog = effective_catalog(config)
    print(f"# {catalog.source} · {len(catalog)} procedures · imported {catalog.imported_at}",
          file=sys.stderr)
    return catalog


def _list(args: argparse.Namespace, config: Config) -> int:
    from bot.catalog.effective import level_key

    catalog = _catalog(config)
    levels = set()
    for name in args.level:
        key = level_key(name)
        if key is None:
            print(f"--level: {name!r} is not one of bo, tinh, xa, khac", file=sys.stderr)
            return 2
        levels.add(key)
    fields = [fold(f) for f in args.field]
    for proc in sorted(catalog.procedures.values(), key=lambda p: (p.field, p.code)):
        if levels and not levels.intersection(proc.levels):
            continue
        if fields and not any(f in fold(proc.field) for f in fields):
            continue
        print(f"{proc.code:<10} {'+'.join(proc.levels):<13} {proc.field[:28]:<28} {proc.name}")
    return 0


def _show(args: argparse.Namespace, config: Config) -> int:
    catalog = _catalog(config)
    proc = catalog.procedures.get(args.code.strip())
    if proc is None:
        print(f"unknown procedure code {args.code!r}; see `dvcbot catalog list`",
              file=sys.stderr)
        return 1
    print("\n".join(describe(proc)))
    return 0


def describe(proc: Procedure) -> list[str]:
    """A plain-text view of everything parsed from one procedure, for reviewers."""
    lines = [f"{proc.code}  {proc.name}", f"field: {proc.field}",
             f"levels: {', '.join(proc.levels) or '-'}", f"agency: {proc.agency or '-'}",
             f"who: {proc.applicants or '-'}", f"link: {proc.url}"]
    if proc.address:
        lines.append(f"address: {proc.address}")
    lines.append("channels:")
    for ch in proc.channels:
        days = "?" if ch.time_days is None else f"{ch.time_days:g} d"
        fee = "?" if ch.fee_vnd is None else f"{ch.fee_vnd:,} đ"
        lines.append(f"  - {ch.channel}: time {ch.time_text or '-'} [{days}]; "
                     f"fee {ch.fee_text[:120] or '-'} [{fee}]")
        if ch.note:
            lines.append(f"      note: {ch.note[:200]}")
    lines.append(f"documents ({len(proc.documents)}):")
    for doc in proc.documents:
        group = f"[{doc.group[:40]}] " if doc.group else ""
        form = f" (form: {doc.form})" if doc.form else ""
        lines.append(f"  - {group}{doc.name[:160]}{form} · {doc.copies or '-'}")
    lines.append(f"steps ({len(proc.steps)}):")
    lines += [f"  {i}. {' '.join(step.split())[:200]}"
              for i, step in enumerate(proc.steps, start=1)]
    lines.append(f"conditions: {proc.conditions[:300] or '-'}")
    lines.append(f"result: {proc.result or '-'}")
    lines.append("legal basis:")
    lines += [f"  - {b.number or '?'}: {b.title[:150]}" for b in proc.legal_basis]
    if proc.legacy:
        lines.append(f"legacy wording: {', '.join(proc.legacy)}")
    return lines


def _stats(args: argparse.Namespace, config: Config) -> int:
    catalog = _catalog(config)
    cov = coverage(catalog.procedures.values())
    print(format_coverage(cov, max_legacy=len(cov.legacy) if args.all else 20))
    return 0
