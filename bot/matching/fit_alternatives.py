"""Fit the alternatives model (bot/matching/alternatives.json) on the catalogue tuning sets.

Run from the repository: `python -m bot.matching.fit_alternatives`. It reads only
tests/data/catalog_tune*.jsonl and the curated tuning set tests/data/eval.jsonl (never the
blind tests/data/catalog_eval.jsonl, nor the curated holdout and fresh sets), prints how
well a model fitted on one half of the sets orders the other half, and writes the model
fitted on all of them. numpy (installed with matplotlib) is needed here only, not to answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.core.brain import build_brain
from bot.matching.alternatives import FEATURES, MODEL, Pool
from bot.matching.evaluate import load_set
from bot.matching.index import TopicIndex

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
L2 = 1e-3
STEPS = 6000
RATE = 0.5
# (gold, head's keys, pool features, each pool entry's keys); keys: entry id and codes
Sample = tuple[set[str], set[str], list[list[float]], list[set[str]]]


def samples(index: TopicIndex, items: list[dict[str, Any]]) -> list[Sample]:
    """Every tuning question as (gold, head keys, pool features, pool keys); the gold is
    the codes of a catalogue question, the topic of a curated one."""
    seen: list[tuple[str, Pool, frozenset[str]]] = []
    alt = index.alternatives
    weights, alt.weights = alt.weights, None
    alt.recorder = lambda head, pool, asked: seen.append((head, list(pool), asked))
    out = []
    try:
        for item in items:
            gold = _gold(item)
            if not gold:
                continue
            seen.clear()
            result = index.match(item["text"])
            if not seen or result.best is None:
                continue
            head, pool, asked = seen[-1]
            keys = [_keys(index, tid) for tid, *_ in pool]
            head_keys = _keys(index, head) | ({result.best.code} if result.best.code else set())
            out.append((gold, head_keys, alt.features(head, pool, asked), keys))
    finally:
        alt.weights, alt.recorder = weights, None
    return out


def _keys(index: TopicIndex, entry_id: str) -> set[str]:
    entry = index.entries.get(entry_id)
    return {entry_id, *(entry.codes if entry is not None else ())}


def fit(data: Sequence[Sample]) -> list[float]:
    """Class-weighted logistic regression (gradient descent, L2) on pool rows."""
    import numpy as np  # only for fitting

    x = np.array([row for _, _, rows, _ in data for row in rows], dtype=float)
    y = np.array([float(bool(gold & codes)) for gold, _, _, pool in data for codes in pool])
    w = np.zeros(x.shape[1])
    balance = np.where(y > 0, (len(y) - y.sum()) / max(y.sum(), 1.0), 1.0)
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w)))
        w -= RATE * (x.T @ ((p - y) * balance) / len(y) + L2 * w)
    return [round(float(v), 4) for v in w]


def hit3(index: TopicIndex, items: list[dict[str, Any]], weights: Sequence[float] | None
         ) -> float:
    """hit@3 of the real ranking with `weights` (None: the hand-made order behind the best):
    a catalogue question's codes, or a curated question's topic, among the first three."""
    alt = index.alternatives
    saved, alt.weights = alt.weights, (list(weights) if weights is not None else None)
    hits = total = 0
    try:
        for item in items:
            gold = _gold(item)
            if gold:
                top = index.match(item["text"]).candidates[:3]
                total += 1
                hits += any(gold & (_keys(index, c.topic_id) | {c.code or ""}) for c in top)
    finally:
        alt.weights = saved
    return round(100 * hits / (total or 1), 1)


def _gold(item: dict[str, Any]) -> set[str]:
    """A catalogue question's codes, or a curated question's topic (empty: must not claim)."""
    return set(item.get("codes") or ()) or ({item["topic"]} if item.get("topic") else set())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    config = Config(knowledge_dir=str(ROOT / "knowledge"), flows_dir=str(ROOT / "flows"))
    index = build_brain(config).index
    sets = [DATA / "eval.jsonl", *sorted(DATA.glob("catalog_tune*.jsonl"))]
    items = {p.name: load_set(p) for p in sets}
    by_set = {name: samples(index, got) for name, got in items.items()}
    last = sets[-1].name  # the newest set, written blind, checks the model fitted on the others
    early = [s for name, data in by_set.items() if name != last for s in data]
    weights = fit([s for data in by_set.values() for s in data])
    figures = {f"{last} (fitted on the others)": [hit3(index, items[last], None),
                                                 hit3(index, items[last], fit(early))]}
    for name, got in items.items():
        figures[f"{name} (fitted on all)"] = [hit3(index, got, None), hit3(index, got, weights)]
    for name, (before, after) in figures.items():
        print(f"hit@3 {name}: {before}% → {after}%")
    model = {"weights": dict(zip(FEATURES, weights, strict=True)), "fitted_on": list(by_set),
             "fitted": dt.date.today().isoformat(), "hit3_before_after": figures}
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
