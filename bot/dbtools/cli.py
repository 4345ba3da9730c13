"""`dvcbot db migrate-to URL`: move a SQLite installation to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import Config
from bot.storage.dburl import safe_url
from bot.storage.factory import database_url, mask_password


def register(subparsers: Any) -> None:
    """Add the `db` subcommand to the dvcbot parser."""
    parser = subparsers.add_parser("db", help="database tools (move SQLite to PostgreSQL)")
    sub = parser.add_subparsers(dest="db_action", required=True)
    move = sub.add_parser("migrate-to", help="copy the SQLite database into an empty "
                          "PostgreSQL database and verify the row counts")
    move.add_argument("url", nargs="?", default="",
                      help="postgresql://user@host/db (default: DVCBOT_DATABASE_URL, then "
                      "storage.url); put the password in PGPASSWORD or ~/.pgpass")
    move.add_argument("--from", dest="source", help="the SQLite file "
                      "(default: storage.path of the config)")
    move.add_argument("--replace", action="store_true",
                      help="empty a target that already holds data instead of refusing")
    move.add_argument("--batch-size", type=int, default=5000, help="rows per COPY")


def _progress(table: str, rows: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{table}: {rows} rows", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, config: Config) -> int:
    """Run the copy and print the per-table counts; exit 1 with the reason when refused."""
    from bot.dbtools.copy import migrate_to
    from bot.dbtools.schema import CopyError

    url = args.url or database_url(config)
    if not url.startswith(("postgresql://", "postgres://")):
        print("db migrate-to: give a postgresql:// URL (or set DVCBOT_DATABASE_URL)",
              file=sys.stderr)
        return 2
    mask_password(url)
    source = args.source or config.storage.path
    try:
        copied = asyncio.run(migrate_to(source, url, replace=args.replace,
                                        batch=max(1, args.batch_size), progress=_progress))
    except CopyError as exc:
        print(f"\ndb migrate-to: {exc}", file=sys.stderr)
        return 1
    if sys.stderr.isatty():
        print(file=sys.stderr)
    width = max(len(c.table) for c in copied)
    print(f"{'table':<{width}}  {'sqlite':>10}  {'postgresql':>10}")
    for c in copied:
        print(f"{c.table:<{width}}  {c.source:>10}  {c.target:>10}")
    total = sum(c.target for c in copied)
    print(f"ok: {total} rows in {len(copied)} tables copied from {source} to {safe_url(url)};"
          " the counts match")
    print(f"next: give every instance the pseudonym key of this installation "
          f"({source}.key, or DVCBOT_PSEUDONYM_KEY if you set one) as DVCBOT_PSEUDONYM_KEY, "
          "so citizens keep their sessions and the reports count them once", file=sys.stderr)
    return 0
