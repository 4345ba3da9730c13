"""Group miss and near-miss wordings that are alike (rapidfuzz), most frequent first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

# rapidfuzz WRatio at or above this puts two wordings in one group: "lam cccd" joins
# "lam cccd cho con" (90) while "dang ky tam tru" / "dang ky thuong tru" (80) stay apart.
SIMILARITY = 88
MAX_EXAMPLES = 3


@dataclass
class MissGroup:
    """Citizens' questions the bot missed or only guessed at, grouped by similar wording.

    `asked` counts the questions (misses + suggestions); `rejected` counts "none of these".
    """

    label: str
    asked: int = 0
    misses: int = 0
    suggested: int = 0
    rejected: int = 0
    wordings: int = 0
    examples: list[str] = field(default_factory=list)
    suggested_topics: dict[str, int] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """What staff read: a citizen's own (redacted) wording, not the folded grouping key."""
        return self.examples[0] if self.examples else self.label


def group_misses(rows: list[tuple[str, str, str | None, int, str]],
                 similarity: float = SIMILARITY) -> list[MissGroup]:
    """Cluster (normalized, outcome, topic, count, example) rows greedily by wording.

    Each distinct wording, most frequent first, joins the first group whose leading wording
    is at least `similarity` alike, or starts a new group.

    Args:
        rows: LogStats.wordings.
        similarity: the rapidfuzz WRatio cut-off (0-100).

    Returns:
        Groups, most asked first.
    """
    totals: Counter[str] = Counter()
    examples: dict[str, str] = {}
    outcomes: dict[str, Counter[str]] = {}
    topics: dict[str, Counter[str]] = {}
    for normalized, outcome, topic, count, example in rows:
        totals[normalized] += count
        examples.setdefault(normalized, example)
        outcomes.setdefault(normalized, Counter())[outcome] += count
        if topic and outcome == "suggest":
            topics.setdefault(normalized, Counter())[topic] += count
    order = sorted(totals, key=lambda w: (-totals[w], w))
    leaders: list[str] = []
    groups: list[MissGroup] = []
    for wording in order:
        found = process.extractOne(wording, leaders, scorer=fuzz.WRatio,
                                   score_cutoff=similarity) if leaders else None
        if found is None:
            leaders.append(wording)
            groups.append(MissGroup(wording))
            group = groups[-1]
        else:
            group = groups[found[2]]
        counts = outcomes[wording]
        group.misses += counts["miss"]
        group.suggested += counts["suggest"]
        group.rejected += counts["none_of_these"]
        group.asked = group.misses + group.suggested
        group.wordings += 1
        example = examples[wording]
        if example and len(group.examples) < MAX_EXAMPLES and example not in group.examples:
            group.examples.append(example)
        for topic, n in topics.get(wording, Counter()).items():
            group.suggested_topics[topic] = group.suggested_topics.get(topic, 0) + n
    groups.sort(key=lambda g: (-(g.asked + g.rejected), g.label))
    return groups
