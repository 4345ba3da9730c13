"""The `dvcbot` command: wiring only; every behaviour lives in the packages."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.catalog import cli as catalog_cli
from bot.channels.console import lenient_stdio
from bot.config import Config, Secrets, load_config
from bot.core.brain import build_brain
from bot.dbtools import cli as db_cli
from bot.knowledge.freshness import add_arguments as freshness_arguments
from bot.knowledge.freshness import report_freshness
from bot.knowledge.loader import KnowledgeError, catalogue_problems
from bot.offices import cli as offices_cli
from bot.privacy.logfilter import install as install_log_redaction
from bot.staff import cli as staff_cli
from bot.storage.base import StoreUnavailable
from bot.yamlio import YamlError

log = logging.getLogger(__name__)
DEFAULT_CONFIG = "config.yaml"


def _config(args: argparse.Namespace) -> Config:
    path = args.config
    if path is None and Path(DEFAULT_CONFIG).exists():
        path = DEFAULT_CONFIG
    return load_config(path)


def cmd_kb_check(args: argparse.Namespace, config: Config) -> int:
    """Validate knowledge and flows; print counts, or every error with file:line."""
    try:
        brain = build_brain(config)
    except KnowledgeError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"{len(exc.errors)} problem(s) found", file=sys.stderr)
        return 1
    kb = brain.kb
    strict = catalogue_problems(kb)
    if strict:
        for error in strict:
            print(error, file=sys.stderr)
        print(f"{len(strict)} problem(s) found", file=sys.stderr)
        return 1
    if report_freshness(kb, args):
        return 1
    from bot.catalog.entries import unknown_codes

    for warning in unknown_codes(kb.topics.values(), brain.catalog.procedures):
        print(f"warning: {warning}", file=sys.stderr)  # the topic still answers its questions
    from bot.catalog.aliases import unknown_alias_codes

    aliases = brain.aliases
    for warning in unknown_alias_codes(config.knowledge_dir, aliases, brain.catalog.procedures):
        print(f"warning: {warning}", file=sys.stderr)
    questions = sum(len(t.questions) for t in kb.topics.values())
    print(f"ok: {len(kb.topics)} topics ({len(kb.required_ids)} required by the catalogue, "
          f"all present), {questions} sample questions, {len(kb.abbreviations)} abbreviations, "
          f"{len(brain.flows)} flows, {sum(map(len, aliases.values()))} common names of "
          f"{len(aliases)} catalogue procedures, version {kb.version}")
    return 0


def cmd_match(args: argparse.Namespace, config: Config) -> int:
    """Read questions from stdin, print what the assistant would do, one JSON per line."""
    from bot.matching.codes import decision_codes
    from bot.matching.decide import Decision, decide
    from bot.matching.overlap import sensible

    brain = build_brain(config)
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        result = brain.index.match(text)
        decision = sensible(decide(result, config.matching), brain.index, brain.kb,
                            result.tokens)
        if brain.index.is_greeting(text) or brain.index.is_thanks(text):
            # The assistant answers these with the main menu, never with a topic.
            decision = Decision("social", None, 0.0, None, ())
        row = {"text": text, "topic": decision.topic, "score": decision.score,
               "facet": decision.facet, "suggestions": list(decision.suggestions),
               "codes": decision_codes(brain.index, result.candidates, decision)}
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            print(f"{decision.outcome:>7} {decision.topic or '-':<20} {decision.score:5.1f} "
                  f"{decision.facet or '-':<9} {','.join(decision.suggestions)}  {text}")
    return 0


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    """Print accuracy figures and errors for a labelled JSON Lines file."""
    from bot.matching.evaluate import evaluate, format_report, load_set
    from bot.safety.cli import print_scam_eval

    items = load_set(args.file)
    if print_scam_eval(items, args.json):  # {"text", "scam"} lines: the scam detector
        return 0
    brain = build_brain(config)
    if any("codes" in item for item in items):  # a catalogue set: hit@1 / hit@3 on codes
        from bot.matching.codes import evaluate_codes, format_codes

        codes = evaluate_codes(brain.index, config.matching, items)
        print(json.dumps({"codes": codes.rates(), "errors": codes.errors}, ensure_ascii=False,
                         indent=2) if args.json else format_codes(codes, args.max_errors))
        return 0
    report = evaluate(brain.index, config.matching, items)
    if args.json:
        print(json.dumps({"all": report.overall.rates(),
                          "with_diacritics": report.with_marks.rates(),
                          "without_diacritics": report.without_marks.rates(),
                          "errors": report.errors}, ensure_ascii=False, indent=2))
    else:
        print(format_report(report, args.max_errors))
    return 0


def cmd_flows(args: argparse.Namespace, config: Config) -> int:
    """check | list | show ID."""
    from bot.flows.render import flow_tree

    if args.action == "check":
        return cmd_kb_check(args, config)
    brain = build_brain(config)
    if args.action == "list":
        for flow in brain.flows.values():
            ends = sum(s.end for s in flow.steps.values())
            print(f"{flow.id:<24} {len(flow.steps):>3} steps {ends:>2} ends  {flow.title}")
        return 0
    chosen = brain.flows.get(args.id or "")
    if chosen is None:
        print(f"unknown flow {args.id!r}; see `dvcbot flows list`", file=sys.stderr)
        return 1
    print(flow_tree(chosen))
    return 0


def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    """Chat in the console (also what `run` does when no channel is configured)."""
    from bot.app import Reloader, open_assistant
    from bot.channels.console import log_to_file, run_console
    from bot.privacy.retention import daily_purge

    log_to_file(Path(config.storage.path).with_name("dvcbot.log"))

    async def main() -> int:
        async with open_assistant(config) as assistant, \
                daily_purge(assistant.store, config.storage.retention_days):
            return await run_console(assistant, reloader=Reloader(assistant, config))

    return asyncio.run(main())


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Start every configured channel; the console when none has a token."""
    from bot.channels.launch import configured_channels
    from bot.runner import run_channels

    channels = configured_channels(config, Secrets.from_env())
    if not channels and config.staff.enabled:  # the console chat, and /staff/ beside it
        return asyncio.run(staff_cli.run_console_with_staff(config))
    if not channels:
        print("Không có kênh nào được cấu hình (chưa có token): chạy trợ lý trên console.\n"
              "No channel token configured: starting the console chat.", file=sys.stderr)
        return cmd_chat(args, config)
    return asyncio.run(run_channels(config, channels))


def cmd_link(args: argparse.Namespace, config: Config) -> int:
    """Print a deep link (and write a QR poster) for a topic or flow, tagged with a team."""
    from bot.referrals import LinkError, make_payload, save_qr, telegram_link

    brain = build_brain(config)
    if args.topic and args.topic not in brain.kb.topics:
        print(f"unknown topic {args.topic!r}", file=sys.stderr)
        return 1
    if args.flow and args.flow not in brain.flows:
        print(f"unknown flow {args.flow!r}; see `dvcbot flows list`", file=sys.stderr)
        return 1
    target = args.topic or (f"flow-{args.flow}" if args.flow else "")
    if args.code:  # a catalogue procedure: 1.001193 -> tthc-1_001193
        from bot.catalog.links import procedure_target

        target, problem = procedure_target(brain.catalog, args.code)
        if problem:
            print(problem, file=sys.stderr)
            return 1
    try:
        payload = make_payload(target, args.team or "")
    except LinkError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"payload: {payload or '(none: main menu)'}")
    print(f"console: /start {payload}".rstrip())
    if not config.telegram.username:
        print("telegram: set telegram.username in the config to print the t.me link")
        if args.qr:  # the QR code opens the t.me link: there is nothing to encode
            print("no QR code written: it needs telegram.username in the config",
                  file=sys.stderr)
            return 1
        return 0
    url = telegram_link(config.telegram.username, payload)
    print(f"telegram: {url}")
    if args.qr:
        try:
            print(f"qr: {save_qr(url, args.qr)}")
        except LinkError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


def _report_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="first day, YYYY-MM-DD (Vietnam time)")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--channel", help="only this channel (console, telegram, zalo-bot...)")
    parser.add_argument("--team", help="only citizens who came through this team's links")
    parser.add_argument("--output", "-o", help="write to this file instead of stdout")


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    """Staff report from the question log."""
    from bot.reports import commands

    try:
        query = commands.make_query(args.since, args.until, args.channel, args.team)
        text = asyncio.run(commands.report(config, query, args.format))
    except commands.CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    commands.write_output(text, args.output)
    return 0


def cmd_purge(args: argparse.Namespace, config: Config) -> int:
    """Delete log rows older than storage.retention_days (or --days) now."""
    from bot.reports import commands

    try:
        deleted = asyncio.run(commands.purge(config, args.days))
    except commands.CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(", ".join(f"{table}: {n}" for table, n in deleted.items()) or "retention is off")
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    """Turns (and optionally feedback) as CSV for analysts."""
    from bot.reports import commands

    try:
        query = commands.make_query(args.since, args.until, args.channel, args.team)
        out = commands.open_output(args.output)
        try:
            count = asyncio.run(commands.export(config, query, out, args.feedback))
        finally:
            if args.output:
                out.close()
    except commands.CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{count} rows exported", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="dvcbot", description="Trợ lý Dịch vụ công")
    parser.add_argument("--config", help=f"config file (default: ./{DEFAULT_CONFIG} if present)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the configured channels (console if none)")
    sub.add_parser("chat", help="chat in the console; pipe a transcript through stdin")
    kb = sub.add_parser("kb", help="knowledge base tools")
    kb.add_argument("action", choices=["check"])
    freshness_arguments(kb)
    match = sub.add_parser("match", help="show what the bot would do with questions on stdin")
    match.add_argument("--json", action="store_true", help="one JSON object per line")
    ev = sub.add_parser("eval", help="measure matching on a labelled JSON Lines file")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--max-errors", type=int, default=50)
    link = sub.add_parser("link", help="deep link and QR poster: topic, flow or procedure")
    target = link.add_mutually_exclusive_group()
    target.add_argument("--topic", help="topic id the link opens")
    target.add_argument("--flow", help="flow id the link starts")
    target.add_argument("--code", help="national procedure code the link opens (1.001193)")
    link.add_argument("--team", help="community team code, counted in reports")
    link.add_argument("--qr", help="write a QR code to this .svg or .png file")
    report = sub.add_parser("report", help="staff report: topics, misses, feedback, funnels")
    report.add_argument("--format", choices=["table", "csv", "json", "html"], default="table")
    _report_filters(report)
    purge = sub.add_parser("purge", help="delete log rows older than storage.retention_days")
    purge.add_argument("--days", type=int, help="keep this many days instead")
    export = sub.add_parser("export", help="turns (and feedback) as CSV for analysts")
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--feedback", action="store_true", help="also export feedback rows")
    _report_filters(export)
    flows = sub.add_parser("flows", help="guided flow tools")
    flows.add_argument("action", choices=["check", "list", "show"])
    flows.add_argument("id", nargs="?")
    catalog_cli.register(sub)
    offices_cli.register(sub)
    staff_cli.register(sub)
    db_cli.register(sub)
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "run": cmd_run, "chat": cmd_chat, "kb": cmd_kb_check, "match": cmd_match,
    "eval": cmd_eval, "flows": cmd_flows, "link": cmd_link,
    "report": cmd_report, "purge": cmd_purge, "export": cmd_export, "catalog": catalog_cli.run,
    "offices": offices_cli.run, "staff": staff_cli.cmd_staff, "db": db_cli.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dvcbot` command."""
    args = build_parser().parse_args(argv)
    try:
        config = _config(args)
    except YamlError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction(dataclasses.astuple(Secrets.from_env()))
    lenient_stdio()  # undecodable bytes on stdin become U+FFFD instead of a crash
    try:
        return COMMANDS[args.command](args, config)
    except KnowledgeError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return 1
    except YamlError as exc:  # a setting only checked when a channel is built
        print(f"{exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:  # the database cannot be reached or opened
        print(f"{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `dvcbot export | head`: the reader left; stop quietly like other Unix tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
