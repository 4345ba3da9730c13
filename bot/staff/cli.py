"""`dvcbot staff add|list|remove`: staff accounts of the web console."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from bot.config import Config
from bot.staff import accounts
from bot.staff.store import staff_store
from bot.storage.factory import open_store


def register(sub: Any) -> None:
    """Add the `staff` subcommand to the `dvcbot` parser."""
    staff = sub.add_parser("staff", help="staff console accounts: add, list, remove")
    actions = staff.add_subparsers(dest="staff_action", required=True)
    add = actions.add_parser("add", help="create an account (password prompted)")
    add.add_argument("name")
    add.add_argument("--role", choices=accounts.ROLES, required=True)
    add.add_argument("--team", help="team code (required for --role team)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (scripts)")
    actions.add_parser("list", help="list accounts")
    remove = actions.add_parser("remove", help="delete an account")
    remove.add_argument("name")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu (password): ")
    if first != getpass.getpass("Nhập lại (again): "):
        raise ValueError("the two passwords differ")
    return first


async def _run(args: argparse.Namespace, config: Config, password: str) -> int:
    store = open_store(config)
    await store.open()
    try:
        staff = staff_store(store)
        if args.staff_action == "add":
            await accounts.create(staff, args.name, args.role, args.team, password)
            await staff.audit("(cli)", "account_add", f"{args.name} ({args.role})")
            print(f"account {args.name} created ({args.role})")
        elif args.staff_action == "list":
            for a in await staff.accounts():
                locked = " locked" if a.locked_until else ""
                print(f"{a.name}\t{a.role}\t{a.team or '-'}{locked}")
        else:
            if not await staff.remove_account(args.name):
                print(f"no account {args.name!r}", file=sys.stderr)
                return 1
            await staff.audit("(cli)", "account_remove", args.name)
            print(f"account {args.name} removed")
        return 0
    finally:
        await store.close()


def cmd_staff(args: argparse.Namespace, config: Config) -> int:
    """Run a `dvcbot staff ...` action."""
    try:
        password = _password(args) if args.staff_action == "add" else ""
        return asyncio.run(_run(args, config, password))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1


def _announce(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def run_console_with_staff(config: Config) -> int:
    """`dvcbot run` with no chat channel but the staff console on: console chat + /staff/."""
    from bot.app import Reloader, open_assistant
    from bot.channels.console import run_console
    from bot.httpserver import HttpServer
    from bot.privacy.retention import daily_purge
    from bot.staff.serve import attach

    async with open_assistant(config) as assistant, \
            daily_purge(assistant.store, config.storage.retention_days):
        http = HttpServer(config.http.host, config.http.port)
        await http.start()
        reloader = Reloader(assistant, config)
        task = asyncio.create_task(reloader.run())
        try:
            await attach(assistant, config, http, reloader.check, _announce)
            return await run_console(assistant)
        finally:
            task.cancel()
            await http.stop()
