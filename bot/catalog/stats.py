"""Parse coverage of a catalogue: how much of each record the parser turned into values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.catalog.channels import NO_INFO
from bot.catalog.model import CHANNELS, ChannelTerms, Procedure

CHANNEL_NAMES = {"truc_tuyen": "online (trực tuyến)", "buu_chinh": "by post (bưu chính)",
                 "truc_tiep": "in person (trực tiếp)"}


@dataclass
class Coverage:
    """Counts behind `catalog stats`."""

    total: int = 0
    with_channels: int = 0
    with_time: int = 0            # a number with its unit
    with_bare_time: int = 0       # only a number without unit ("Trực tuyến5Miễn phí")
    with_fee: int = 0
    time_unparsed: int = 0        # a time cell is filled but gave no number with a unit
    time_unstated: int = 0        # every time cell empty, "Không có thông tin", "Không ..."
    fee_unparsed: int = 0         # a fee cell is filled but gave no amount in đồng nor "free"
    fee_unstated: int = 0         # every fee cell empty or "Không có thông tin"
    with_documents: int = 0
    with_steps: int = 0
    with_legal: int = 0
    with_result: int = 0
    legacy: list[Procedure] = field(default_factory=list)
    channel_rows: Counter[str] = field(default_factory=Counter)
    channel_time: Counter[str] = field(default_factory=Counter)
    channel_fee: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)


def coverage(procedures: Iterable[Procedure]) -> Coverage:
    """Count what was parsed; a channel counts once per procedure that offers it."""
    cov = Coverage()
    for proc in procedures:
        cov.total += 1
        cov.with_channels += bool(proc.channels)
        timed = any(_has_time(c) for c in proc.channels)
        cov.with_time += timed
        cov.with_bare_time += not timed and any(c.time_value is not None for c in proc.channels)
        fee = any(_has_fee(c) for c in proc.channels)
        cov.with_fee += fee
        stated_time = any(_stated(c.time_text, time=True) for c in proc.channels)
        cov.time_unparsed += not timed and stated_time
        cov.time_unstated += not timed and not stated_time
        stated_fee = any(_stated(c.fee_text) for c in proc.channels)
        cov.fee_unparsed += not fee and stated_fee
        cov.fee_unstated += not fee and not stated_fee
        cov.with_documents += bool(proc.documents)
        cov.with_steps += bool(proc.steps)
        cov.with_legal += bool(proc.legal_basis)
        cov.with_result += bool(proc.result)
        cov.levels.update(proc.levels)
        cov.fields[proc.field or "(none)"] += 1
        if proc.legacy:
            cov.legacy.append(proc)
        for key in CHANNELS:
            rows = [c for c in proc.channels if c.channel == key]
            if not rows:
                continue
            cov.channel_rows[key] += 1
            cov.channel_time[key] += any(_has_time(c) for c in rows)
            cov.channel_fee[key] += any(_has_fee(c) for c in rows)
    return cov


def _has_time(terms: ChannelTerms) -> bool:
    return terms.time_value is not None and bool(terms.time_unit)


def _has_fee(terms: ChannelTerms) -> bool:
    return terms.fee_vnd is not None or terms.fee_usd is not None


def _stated(cell: str, *, time: bool = False) -> bool:
    """Whether a cell states something: not empty, not "Không có thông tin" nor, for a time
    limit, a "Không ..." (none set) or a bare 0 (the portal's unset cell)."""
    text = " ".join(cell.split())
    if not text or text.startswith(NO_INFO):
        return False
    return not (time and (text.startswith("Không") or text == "0"))


def _share(part: int, whole: int) -> str:
    return f"{part:>5} / {whole:<5} {100 * part / whole:5.1f}%" if whole else f"{part:>5} / 0"


def format_coverage(cov: Coverage, max_legacy: int = 20) -> str:
    """The human-readable report printed by `dvcbot catalog stats`."""
    lines = [f"procedures: {cov.total}",
             "levels: " + ", ".join(f"{k} {v}" for k, v in sorted(cov.levels.items())),
             f"fields: {len(cov.fields)}", "", "parse coverage (records with a parsed value):"]
    for label, count in (("submission channels", cov.with_channels),
                         ("time limit (+ unit)", cov.with_time),
                         ("time, number only", cov.with_bare_time),
                         ("fee (amount or free)", cov.with_fee),
                         ("documents list", cov.with_documents),
                         ("steps", cov.with_steps),
                         ("legal basis list", cov.with_legal),
                         ("result", cov.with_result)):
        lines.append(f"  {label:<22} {_share(count, cov.total)}")
    lines += ["", "records without a parsed value (stated but not parsed / not stated):"]
    lines.append(f"  {'no time limit parsed':<22} {_share(cov.time_unparsed, cov.total)}   "
                 f"{_share(cov.time_unstated, cov.total)}")
    lines.append(f"  {'no fee parsed':<22} {_share(cov.fee_unparsed, cov.total)}   "
                 f"{_share(cov.fee_unstated, cov.total)}")
    lines += ["", "per channel (records offering it: with a time limit, with a fee):"]
    for key in CHANNELS:
        rows = cov.channel_rows[key]
        lines.append(f"  {CHANNEL_NAMES[key]:<22} {rows:>5} records   time "
                     f"{_share(cov.channel_time[key], rows)}   fee "
                     f"{_share(cov.channel_fee[key], rows)}")
    lines += ["", f"legacy wording (pre-reform 'cấp huyện', 'thị trấn'...): "
                  f"{len(cov.legacy)} records"]
    for proc in cov.legacy[:max_legacy]:
        lines.append(f"  {proc.code:<10} {', '.join(proc.legacy)}: {proc.name[:70]}")
    if len(cov.legacy) > max_legacy:
        lines.append(f"  ... and {len(cov.legacy) - max_legacy} more (--all lists them)")
    return "\n".join(lines)
