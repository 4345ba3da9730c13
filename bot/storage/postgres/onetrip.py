"""A turn's whole commit as one SQL statement: one round trip, its own transaction."""
# Table and column names come from our own dataclasses; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
from dataclasses import astuple, fields
from functools import cache
from typing import Any

from bot.storage.base import CLAIM_SECONDS, Commit, FeedbackRecord, ReferralRecord, TurnRecord
from bot.storage.postgres import cluster

COLUMNS = {"turns": [f.name for f in fields(TurnRecord)],
           "feedback": [f.name for f in fields(FeedbackRecord)],
           "referrals": [f.name for f in fields(ReferralRecord)]}


@cache
def _statement(tables: tuple[str, ...], update: bool, replies: bool) -> str:
    """The statement for one combination of parts (at most 32, each prepared once)."""
    parts = ["s AS (INSERT INTO sessions (user_key, channel, data, updated_at)"
             " VALUES ($1, $2, $3, $4) ON CONFLICT (user_key) DO UPDATE SET"
             " data = EXCLUDED.data, channel = EXCLUDED.channel,"
             " updated_at = EXCLUDED.updated_at)"]
    number = 4
    for table in tables:
        cols = COLUMNS[table]
        marks = ", ".join(f"${number + i}" for i in range(1, len(cols) + 1))
        number += len(cols)
        parts.append(f"{table} AS (INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks}))")
    if update:
        number += 1
        parts.append("u AS (INSERT INTO processed_updates (channel, update_id, ts)"
                     f" VALUES ($2, ${number}, $4) ON CONFLICT DO NOTHING)")
        if replies:
            # Claimed by this instance no longer than its inbox rows (cluster.py).
            until = cluster.outbox_claim_until("$2", f"${number + 2}", f"${number + 3}")
            parts.append("o AS (INSERT INTO outbox (channel, update_id, replies, created_at,"
                         " claimed_by, claimed_until)"
                         f" VALUES ($2, ${number}, ${number + 1}, $4, ${number + 2},"
                         f" {until})"
                         " ON CONFLICT (channel, update_id) DO UPDATE SET"
                         " replies = EXCLUDED.replies, created_at = EXCLUDED.created_at,"
                         " attempts = 0, claimed_by = EXCLUDED.claimed_by,"
                         " claimed_until = EXCLUDED.claimed_until)")
    return "WITH " + ",\n".join(parts) + "\nSELECT 1"


def commit_statement(commit: Commit, now: float, holder: str = "local"
                     ) -> tuple[str, list[Any]]:
    """(SQL, arguments) writing everything `commit` holds, as SQLiteStore._commit does."""
    args: list[Any] = [commit.user_key, commit.channel,
                       json.dumps(commit.session, ensure_ascii=False), now]
    tables = []
    for table, record in (("turns", commit.turn), ("feedback", commit.feedback),
                          ("referrals", commit.referral)):
        if record is not None:
            tables.append(table)
            args.extend(astuple(record))
    update = bool(commit.update_id)
    replies = update and commit.replies is not None
    if update:
        args.append(commit.update_id)
        if replies:
            args.extend([commit.replies, holder, CLAIM_SECONDS])
    return _statement(tuple(tables), update, replies), args
