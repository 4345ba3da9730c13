"""Detect which facet of a topic a question asks about: fee, documents, time, where, steps..."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FACETS = ("documents", "fee", "time", "where", "steps", "conditions")

FACET_LABELS = {
    "documents": "Giấy tờ cần có",
    "fee": "Phí, lệ phí",
    "time": "Thời hạn",
    "where": "Nộp ở đâu",
    "steps": "Các bước",
    "conditions": "Điều kiện",
}

BLOCKER = "!"  # a cue written "!quoc gia" under fee means: "quoc gia" is not a fee cue
KEEP = "~"  # a cue written "~can giay" tells the facet but its words still name the topic
WILDCARD = "*"  # in a cue, stands for any one word: "qua * duoc khong" (qua momo duoc khong)


class FacetDetector:
    """Finds facet cue phrases in normalised text; the earliest cue wins.

    A cue list may hold blockers, phrases prefixed with "!": wherever a blocker of a facet
    occurs, the facet's cues inside it do not count ("mai tang phi" is a benefit, not the fee
    cue "phi"). A cue prefixed with "~" detects its facet but is not removed before matching,
    because its words also name the topic ("~can hop dong": a contract is a document).
    """

    def __init__(self, cues: Mapping[str, Sequence[str]]) -> None:
        """Create a detector.

        Args:
            cues: facet name → folded cue phrases ("bao nhieu tien", "o dau", "!gia han").
        """
        self._cues: list[tuple[tuple[str, ...], str]] = []
        self._blockers: list[tuple[tuple[str, ...], str]] = []
        self._kept: set[tuple[str, ...]] = set()
        for facet, phrases in cues.items():
            for phrase in phrases:
                blocker = phrase.startswith(BLOCKER)
                words = tuple(phrase.lstrip(BLOCKER + KEEP).split())
                if not words:
                    continue
                (self._blockers if blocker else self._cues).append((words, facet))
                if phrase.startswith(KEEP):
                    self._kept.add(words)
        # Longer cues first, so "bao lau" is not read as a shorter cue inside it.
        self._cues.sort(key=lambda item: -len(item[0]))
        # Cues and blockers by first word: a text is scanned once, not once per cue (the
        # index runs this over every text of a catalogue of thousands of procedures).
        self._cues_by_first = _by_first(self._cues)
        self._blockers_by_first = _by_first(self._blockers)
        # Asked on every question (follow-up detection): computed once here.
        self._cue_words = frozenset(w for words, _ in self._cues for w in words
                                    if w != WILDCARD)

    def cue_words(self) -> frozenset[str]:
        """Every word that appears in some cue (blockers and wildcards excluded)."""
        return self._cue_words

    def _blocked(self, tokens: Sequence[str]) -> dict[str, set[int]]:
        """Facet → token positions covered by one of its blockers."""
        out: dict[str, set[int]] = {}
        for i, words, facet in _found(tokens, self._blockers_by_first):
            out.setdefault(facet, set()).update(range(i, i + len(words)))
        return out

    def spans(self, tokens: Sequence[str]) -> list[tuple[int, int, str]]:
        """Every cue occurrence as (start, end, facet), earliest first, longest first.

        Args:
            tokens: normalised tokens of the question.

        Returns:
            Non-blocked cue occurrences; overlapping ones are all listed.
        """
        blocked = self._blocked(tokens) if self._blockers else {}
        found = []
        for i, words, facet in _found(tokens, self._cues_by_first):
            masked = blocked.get(facet)
            if not masked or not masked.intersection(range(i, i + len(words))):
                found.append((i, i + len(words), facet))
        found.sort(key=lambda s: (s[0], s[0] - s[1]))
        return found

    def detect(self, tokens: Sequence[str]) -> str | None:
        """Return the facet whose cue appears first in `tokens`, or None.

        Args:
            tokens: normalised tokens of the question.

        Returns:
            A facet name from FACETS, or None when the question asks no facet.
        """
        found = self.spans(tokens)
        return found[0][2] if found else None

    def without_cues(self, tokens: Sequence[str]) -> list[str]:
        """Drop the multi-word cue phrases, keeping single words that may name a topic.

        Args:
            tokens: normalised tokens of the question.

        Returns:
            The tokens outside any cue phrase of two words or more ("o dau" goes, "online"
            and "ho so" stay).
        """
        return self.without_spans(tokens, self.spans(tokens))

    def without_spans(self, tokens: Sequence[str], spans: list[tuple[int, int, str]]
                      ) -> list[str]:
        """`without_cues` for spans already found by `spans(tokens)`."""
        drop: set[int] = set()
        for start, end, _ in spans:
            if end - start >= 2 and tuple(tokens[start:end]) not in self._kept:
                drop.update(range(start, end))
        return [t for i, t in enumerate(tokens) if i not in drop]


def _by_first(cues: list[tuple[tuple[str, ...], str]]
              ) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Cues keyed by their first word (in their given order)."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, facet in cues:
        out.setdefault(words[0], []).append((words, facet))
    return out


def _found(tokens: Sequence[str], by_first: dict[str, list[tuple[tuple[str, ...], str]]]
           ) -> list[tuple[int, tuple[str, ...], str]]:
    """(start, cue words, facet) of every cue occurrence, by position."""
    out = []
    n_tokens = len(tokens)
    anywhere = by_first.get(WILDCARD, [])
    for i, token in enumerate(tokens):
        starting = by_first.get(token)
        if starting is None and not anywhere:
            continue
        for words, facet in (*(starting or ()), *anywhere):
            n = len(words)
            if i + n > n_tokens:
                continue
            if WILDCARD not in words:
                if tuple(tokens[i:i + n]) == words:
                    out.append((i, words, facet))
            elif all(w in (WILDCARD, t) for w, t in zip(words, tokens[i:i + n], strict=True)):
                out.append((i, words, facet))
    return out
