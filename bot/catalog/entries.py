"""Catalogue procedures as matching entries: name, field, documents and result."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from bot.catalog.model import Procedure
from bot.knowledge.schema import Topic
from bot.matching.entries import Entry, Text, catalog_id

NAME_WEIGHT = 2.0  # the procedure's name counts like a curated topic's title
SHORT_WEIGHT = 1.0  # the name without its parenthesised qualifiers
ALIAS_WEIGHT = 1.0  # a name people use counts like a curated topic's sample question
DETAIL_WEIGHT = 0.3  # field, documents and result: words that help, not names
MAX_DOCUMENTS = 8  # a dossier of forty papers would drown the name
MAX_DETAIL = 2000  # characters of each detail text: a runaway record stays a bounded cost
_PARENS = re.compile(r"\([^()]*\)")


def short_name(name: str) -> str:
    """The name without parenthesised qualifiers ("(thực hiện tại cấp Trung ương)")."""
    return " ".join(_PARENS.sub(" ", name).split())


def procedure_entry(proc: Procedure, aliases: Sequence[str] = ()) -> Entry:
    """One procedure as an entry: its name (whole and short) and the names people use for
    it (knowledge/aliases.yaml) are compared with questions; the field, document names and
    result only lend their words."""
    texts = [Text(proc.name, NAME_WEIGHT, True)]
    short = short_name(proc.name)
    if short and short != proc.name:
        texts.append(Text(short, SHORT_WEIGHT, True))
    texts += [Text(alias, ALIAS_WEIGHT, True) for alias in aliases]
    details = [proc.field, " ".join(d.name for d in proc.documents[:MAX_DOCUMENTS]),
               proc.result]
    texts += [Text(d[:MAX_DETAIL], DETAIL_WEIGHT, False) for d in details if d]
    return Entry(catalog_id(proc.code), tuple(texts), (), (proc.code,), proc.field)


def procedure_entries(procedures: Iterable[Procedure], covered: Collection[str] = (),
                      aliases: Mapping[str, Sequence[str]] | None = None) -> list[Entry]:
    """Entries for every procedure a curated topic does not already cover.

    Args:
        procedures: the catalogue's procedures.
        covered: codes listed by curated topics (the topic stays the answer for them).
        aliases: code → the names people use for it (bot.catalog.aliases).

    Returns:
        The entries, in catalogue order.
    """
    names = aliases or {}
    return [procedure_entry(p, names.get(p.code, ())) for p in procedures
            if p.code not in covered]


def procedure_titles(procedures: Iterable[Procedure]) -> dict[str, str]:
    """Entry id → "code · name": how reports name the catalogue procedures people asked about."""
    return {catalog_id(p.code): f"{p.code} · {p.name}" for p in procedures}


def unknown_codes(topics: Iterable[Topic], known: Collection[str]) -> list[str]:
    """`file:line: topic X: codes: C is not in the catalogue` for every listed code the
    catalogue does not hold (a typo, or a procedure the province filtered out)."""
    return [f"{t.file}:{t.line_of('codes')}: topic {t.id}: codes: {code} is not in the catalogue"
            for t in topics for code in t.codes if code not in known]
