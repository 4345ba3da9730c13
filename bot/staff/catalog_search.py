"""Catalogue procedures for the knowledge browser: names ranked against a citizen's question."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalog.store import Catalog
from bot.language.normalize import fold

MIN_SCORE = 60.0


@dataclass(frozen=True)
class Hit:
    """One procedure of the catalogue with its similarity to the question (0-100)."""

    code: str
    name: str
    field: str
    agency: str
    levels: tuple[str, ...]
    url: str
    score: float


class CatalogSearch:
    """Folded procedure names, built once per catalogue version."""

    def __init__(self) -> None:
        self._version = ""
        self._codes: list[str] = []
        self._names: list[str] = []

    def search(self, catalog: Catalog, text: str, limit: int = 5) -> list[Hit]:
        """The procedures whose names best cover the question's words."""
        if catalog.version != self._version:
            self._codes = list(catalog.procedures)
            self._names = [fold(catalog.procedures[c].name).lower() for c in self._codes]
            self._version = catalog.version
        found = process.extract(fold(text).lower(), self._names, scorer=fuzz.token_set_ratio,
                                limit=limit, score_cutoff=MIN_SCORE)
        hits = []
        for _, score, i in found:
            p = catalog.procedures[self._codes[i]]
            hits.append(Hit(p.code, p.name, p.field, p.agency, p.levels, p.url, float(score)))
        return hits
