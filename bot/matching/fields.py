"""Catalogue procedures of a curated topic's own fields go right behind it, before other topics."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from bot.matching.entries import Entry, catalog_id, code_of
from bot.matching.ranking import COVERAGE_FLOOR

FIELD_TOP = 30  # the procedures considered are among the best few candidates
SECONDS = 2  # how many of them go right behind the topic
FAR = 0.8  # the second of them passes only curated topics below this share of the first
NEAR = 0.7  # a third curated topic yields its place to a procedure at least this share of it
STEP = 0.001  # share of the runner-up's score by which a procedure is put ahead of it
Raw = dict[str, tuple[float, float, float]]


class Fields:
    """A curated topic answers for a few procedures of a field ("Hộ tịch", "Đất đai"); when
    it comes first, the best other procedure of those fields is the likeliest alternative (a
    variant, the next step of the same matter), more than another curated topic."""

    def __init__(self, entries: Mapping[str, Entry], curated: Iterable[str]) -> None:
        """Args:
            entries: every entry by id (procedures carry their field).
            curated: ids of the curated topics.
        """
        self._fields: dict[str, frozenset[str]] = {}
        for tid in curated:
            listed = (entries.get(catalog_id(code)) for code in entries[tid].codes)
            fields = frozenset(e.field for e in listed if e is not None and e.field)
            if fields:
                self._fields[tid] = fields
        self._entries = entries

    def fields_of(self, entry_id: str) -> frozenset[str]:
        """The fields of a curated topic's listed procedures, or a procedure's own field."""
        if code_of(entry_id) is None:
            return self._fields.get(entry_id, frozenset())
        entry = self._entries.get(entry_id)
        return frozenset((entry.field,)) if entry is not None and entry.field else frozenset()

    def second(self, raw: Raw) -> str | None:
        """Put the best procedures of the first topic's fields second and third (scores are
        raised just above those they pass; the first keeps its lead).

        Args:
            raw: entry id → (score, coverage, fuzzy); changed in place.

        Returns:
            The id of the procedure moved, None when nothing moved.
        """
        ranked = heapq.nlargest(FIELD_TOP, raw, key=lambda t: raw[t][0])
        if len(ranked) < 3 or ranked[0] not in self._fields:
            return None
        fields = self._fields[ranked[0]]
        found = [t for t in ranked[1:] if code_of(t) is not None
                 and self._entries[t].field in fields][:SECONDS]
        moved = None
        for place, tid in enumerate(found, 1):
            if tid in ranked[1:place + 1]:
                continue
            passed = ranked[place]
            ahead, cov = raw[passed][:2]
            if place > 1 and code_of(passed) is None and ahead >= FAR * raw[ranked[0]][0]:
                break  # a curated topic close to the first keeps the third place
            # Shown with the confidence of the one it passes (a topic is never doubted).
            cov = max(raw[tid][1], cov if code_of(passed) is not None else COVERAGE_FLOOR)
            raw[tid] = (ahead * (1 + STEP) + STEP, cov, raw[tid][2])
            ranked = heapq.nlargest(FIELD_TOP, raw, key=lambda t: raw[t][0])
            moved = moved or tid
        return moved

    def diverse(self, raw: Raw) -> str | None:
        """When the first three are all curated topics, the best catalogue procedure among
        the candidates goes third if it scores close to the third topic: a procedure is a
        likelier alternative than a third topic only loosely related.

        Args:
            raw: entry id → (score, coverage, fuzzy); changed in place.

        Returns:
            The id of the procedure moved, None when nothing moved.
        """
        ranked = heapq.nlargest(FIELD_TOP, raw, key=lambda t: raw[t][0])
        if len(ranked) < 4 or any(code_of(t) is not None for t in ranked[:3]):
            return None
        tid = next((t for t in ranked[3:] if code_of(t) is not None), None)
        if tid is None:
            return None
        ahead = raw[ranked[2]][0]
        if raw[tid][0] < NEAR * ahead:
            return None  # a topic far ahead of every procedure keeps its place
        raw[tid] = (ahead * (1 + STEP) + STEP, max(raw[tid][1], COVERAGE_FLOOR), raw[tid][2])
        return tid
