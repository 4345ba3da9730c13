"""Steps between raw scores and candidates: covered procedures folded into their topic,
doubt for partial catalogue matches, and calibration by the lead over the runner-up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.matching.entries import Entry, code_of

# A catalogue procedure that explains less of a question than this is shown with a lower
# confidence (its rank is kept): thousands of names hold almost any word, so a partial match
# becomes "did you mean", never a direct answer (curated topics stay as tuned).
COVERAGE_FLOOR = 0.7
CODE_GAP = 5.0  # points by which another listed code must beat a topic's main one to be shown
Raw = dict[str, tuple[float, float, float]]


def fold_covered(raw: Raw, covered: Mapping[str, str], entries: Mapping[str, Entry]
                 ) -> dict[str, str]:
    """Fold covered procedures into their curated topic (which keeps the better score).

    Args:
        raw: entry id → (score, coverage, fuzzy); changed in place.
        covered: procedure code → the curated topic that lists it.
        entries: every entry by id.

    Returns:
        entry id → the procedure code behind it: a procedure's own code; for a topic its
        main (first listed) code, unless another listed one clearly fits better.
    """
    codes: dict[str, str] = {}
    scores: dict[str, dict[str, float]] = {}
    for tid in [t for t in raw if code_of(t) is not None]:
        code = code_of(tid) or ""
        owner = covered.get(code)
        if owner is None:
            codes[tid] = code
            continue
        score = raw.pop(tid)
        scores.setdefault(owner, {})[code] = score[0]
        if score[0] > raw.get(owner, (-1.0, 0.0, 0.0))[0]:
            raw[owner] = score
    for owner, by_code in scores.items():
        main = entries[owner].codes[0]
        best = max(by_code, key=lambda c: by_code[c])
        clearly = by_code[best] > by_code.get(main, 0.0) + CODE_GAP
        codes[owner] = best if clearly or main not in by_code else main
    return codes


def doubt(entry_id: str, coverage: float) -> float:
    """The confidence factor of a catalogue procedure that leaves words unexplained."""
    if code_of(entry_id) is None or coverage >= COVERAGE_FLOOR:
        return 1.0
    return coverage / COVERAGE_FLOOR


def calibrate(raw: Raw, lead: float) -> Raw:
    """Add to each score a share of its lead over the best other topic (negative if behind).

    A topic far ahead of every other is a safer answer than one that barely wins, so the
    confidence reflects both the absolute score and the margin; the order is unchanged.
    """
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][0])
    top = ranked[0][1][0] if ranked else 0.0
    second = ranked[1][1][0] if len(ranked) > 1 else 0.0
    out = {}
    for tid, (score, cov, fz) in ranked:
        rival = second if score == top and tid == ranked[0][0] else top
        out[tid] = (score + lead * (score - rival), cov, fz)
    return out


def contains(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` occurs in `tokens` as consecutive words."""
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))
