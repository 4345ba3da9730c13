"""Matching speed and quality: the topic index against plain rapidfuzz WRatio (prints figures)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks.memory import peak_rss_mb, retained_mb
from bot.config import Config
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.language.normalize import fold
from bot.matching.decide import decide
from bot.matching.evaluate import evaluate, load_set
from bot.matching.index import TopicIndex

ROOT = Path(__file__).resolve().parent.parent
SETS = (ROOT / "tests" / "data" / "eval.jsonl", ROOT / "tests" / "data" / "holdout.jsonl")
BUILDS = 5


class WRatioBaseline:
    """The simple alternative: the raw sample question closest by rapidfuzz WRatio wins."""

    def __init__(self, kb: KnowledgeBase, folded: bool = False) -> None:
        self.prepare: Callable[[str], str] = fold if folded else str.lower
        self.texts: list[str] = []
        self.owners: list[str] = []
        for topic in kb.topics.values():
            for text in (topic.title, *topic.questions, *topic.keywords):
                self.texts.append(self.prepare(text))
                self.owners.append(topic.id)

    def ranked(self, question: str) -> list[tuple[str, float]]:
        """Topics by their best WRatio, best first."""
        best: dict[str, float] = {}
        for _, score, i in process.extract(self.prepare(question), self.texts,
                                           scorer=fuzz.WRatio, limit=None):
            owner = self.owners[i]
            best[owner] = max(best.get(owner, 0.0), float(score))
        return sorted(best.items(), key=lambda kv: -kv[1])


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = None
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def _latencies(items: Sequence[dict[str, Any]], fn: Callable[[str], Any]) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item["text"])
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return (f"mean {statistics.fmean(ms):.2f} ms  median {statistics.median(ms):.2f} ms  "
            f"p95 {p95:.2f} ms  max {ordered[-1]:.2f} ms")


def _baseline_quality(base: WRatioBaseline, items: Sequence[dict[str, Any]],
                      threshold: float) -> str:
    pos = [i for i in items if i.get("topic")]
    neg = [i for i in items if not i.get("topic")]
    top1 = top3 = right = wrong = claimed = 0
    for item in items:
        ranked = base.ranked(item["text"])
        ids = [tid for tid, _ in ranked]
        answered = ranked[0][0] if ranked and ranked[0][1] >= threshold else None
        if item.get("topic"):
            top1 += bool(ids) and ids[0] == item["topic"]
            top3 += item["topic"] in ids[:3]
            right += answered == item["topic"]
            wrong += answered not in (None, item["topic"])
        else:
            claimed += answered is not None
    return (f"top-1 {100 * top1 / len(pos):.1f}%  top-3 {100 * top3 / len(pos):.1f}%  "
            f"direct right {100 * right / len(pos):.1f}%  direct wrong "
            f"{100 * wrong / len(pos):.1f}%  rejection {100 * (1 - claimed / len(neg)):.1f}% "
            f"(answers at WRatio >= {threshold:.0f})")




def main() -> None:
    """Print build time, per-question latency and accuracy for both matchers."""
    config = Config()
    load_s, kb = _timed(lambda: load_knowledge(config.knowledge_dir, config.links.allow), 3)
    build_s, index = _timed(lambda: TopicIndex(kb), BUILDS)
    base_s, base = _timed(lambda: WRatioBaseline(kb), BUILDS)
    folded = WRatioBaseline(kb, folded=True)
    items = [item for path in SETS for item in load_set(path)]
    questions = sum(len(t.questions) for t in kb.topics.values())
    print(f"knowledge: {len(kb.topics)} topics, {questions} sample questions; "
          f"{len(items)} labelled questions from {', '.join(p.name for p in SETS)}")
    print(f"load knowledge: {load_s * 1000:.0f} ms")
    print(f"build index:    topic index {build_s * 1000:.0f} ms, WRatio baseline "
          f"{base_s * 1000:.1f} ms (best of {BUILDS})")
    index.match("khởi động")  # warm the caches the way a running bot would be
    cold = _latencies(items, lambda text: decide(index.match(text), config.matching))
    warm = _latencies(items, lambda text: decide(index.match(text), config.matching))
    plain = _latencies(items, base.ranked)
    print(f"topic index, first pass:  {_summary(cold)}")
    print(f"topic index, repeated:    {_summary(warm)}")
    print(f"WRatio baseline:          {_summary(plain)}")
    index_mb, _ = retained_mb(lambda: TopicIndex(kb))
    base_mb, _ = retained_mb(lambda: WRatioBaseline(kb))
    print(f"memory: topic index {index_mb:.1f} MB, WRatio baseline {base_mb:.1f} MB "
          f"(Python heap kept after building, tracemalloc); process peak RSS "
          f"{peak_rss_mb():.0f} MB")
    for path in SETS:
        subset = load_set(path)
        r = evaluate(index, config.matching, subset).overall.rates()
        print(f"{path.name:>14} topic index: top-1 {r['top1']}%  top-3 {r['top3']}%  "
              f"direct right {r['answered_right']}%  direct wrong {r['answered_wrong']}%  "
              f"rejection {r['rejection']}%")
        print(f"{path.name:>14} WRatio:      {_baseline_quality(base, subset, 90)}")
        print(f"{path.name:>14} WRatio, diacritics folded first: "
              f"{_baseline_quality(folded, subset, 90)}")


if __name__ == "__main__":
    main()
