"""`dvcbot offices import FILE` and `dvcbot offices list`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.offices import store
from bot.offices.loader import OfficesError, load_offices


def register(subparsers: Any) -> None:
    """Add the `offices` subcommand to the dvcbot parser."""
    parser = subparsers.add_parser("offices", help="the province's commune offices")
    parser.add_argument("action", choices=["import", "list"])
    parser.add_argument("file", nargs="?", help="YAML or CSV file to import")
    parser.add_argument("--province", default="", help="province name for a CSV file")


def run(args: argparse.Namespace, config: Any) -> int:
    """Import (validate, then store beside the database) or list the offices."""
    if args.action == "list":
        directory = store.load(config.storage.path)
        if directory is None:
            print("no offices imported (dvcbot offices import FILE)", file=sys.stderr)
            return 1
        for office in directory.offices:
            olds = f" (trước 1/7/2025: {', '.join(office.old_units)})" if office.old_units else ""
            print(f"{office.name}{olds}")
        return 0
    if not args.file:
        print("offices import: FILE is required", file=sys.stderr)
        return 2
    try:
        directory = load_offices(args.file, args.province)
    except OfficesError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) found; nothing imported", file=sys.stderr)
        return 1
    path = store.save(directory, config.storage.path)
    mapped = sum(len(o.old_units) for o in directory.offices)
    note = " (example data: addresses and phones to be filled by the province)" \
        if directory.example else ""
    print(f"ok: {len(directory.offices)} communes/wards of {directory.province}, {mapped} old "
          f"names mapped, saved to {path}{note}")
    return 0
