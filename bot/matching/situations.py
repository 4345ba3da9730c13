"""Situational words citizens use, lent to questions as the words procedure names use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import yaml

from bot.language.normalize import tokenize
from bot.matching.ranking import contains

DATA = Path(__file__).with_name("situations.yaml")
Rule = tuple[tuple[str, ...], tuple[str, ...]]  # (trigger phrase, terms it lends)


class SituationError(ValueError):
    """The situations file is malformed (named with its problem)."""


class Situations:
    """Rules "citizen phrase → procedure-name words" (bot/matching/situations.yaml): "bị mất
    sổ" lends "cấp lại", "ghi sai tên" lends "cải chính" to the catalogue's ranking."""

    def __init__(self, path: Path = DATA) -> None:
        """Load and fold the rules (phrases compared without diacritics, as whole words)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self._rules: dict[str, list[Rule]] = defaultdict(list)
        for n, rule in enumerate(data.get("rules") or (), 1):
            if not isinstance(rule, dict) or not rule.get("when") or not rule.get("add"):
                raise SituationError(f"{path}: rule {n}: needs 'when' and 'add' lists")
            lent = tuple(dict.fromkeys(t for phrase in rule["add"]
                                       for t in _terms(tokenize(str(phrase)))))
            for phrase in rule["when"]:
                words = tuple(tokenize(str(phrase)))
                if words:
                    self._rules[words[0]].append((words, lent))

    def __len__(self) -> int:
        return sum(len(rules) for rules in self._rules.values())

    def triggers(self) -> set[str]:
        """The words and two-word phrases of every trigger ("bị mất" → "bi", "mat", "bi mat")."""
        return {t for rules in self._rules.values() for words, _ in rules
                for t in _terms(list(words))}

    def lent(self, tokens: Sequence[str]) -> list[str]:
        """The terms (words and two-word phrases) the question's situations lend it, without
        the terms it already holds.

        Args:
            tokens: the question's normalised tokens.

        Returns:
            The lent terms, in rule order, without duplicates.
        """
        held = set(tokens) | {f"{a} {b}" for a, b in pairwise(tokens)}
        out: dict[str, None] = {}
        for first in dict.fromkeys(tokens):
            for words, lent in self._rules.get(first, ()):
                if contains(tokens, words):
                    out.update((t, None) for t in lent if t not in held)
        return list(out)


def _terms(words: list[str]) -> list[str]:
    return [*words, *(f"{a} {b}" for a, b in pairwise(words))]
