"""Catalogue-scale matching: the index against rapidfuzz WRatio and BM25 (bm25s), one run."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from benchmarks.catalog_synth import synth_catalog, synth_questions
from benchmarks.memory import peak_rss_mb, retained_mb
from bot.catalog.aliases import Aliases, load_aliases
from bot.catalog.entries import procedure_entries
from bot.catalog.model import Procedure
from bot.config import Config
from bot.knowledge.loader import KnowledgeBase, load_knowledge
from bot.language.normalize import fold
from bot.matching.codes import entry_codes
from bot.matching.index import TopicIndex

ROOT = Path(__file__).resolve().parent.parent
TUNE = ROOT / "tests" / "data" / "catalog_tune.jsonl"
BLIND = ROOT / "tests" / "data" / "catalog_eval.jsonl"
Ranker = Callable[[str], list[list[str]]]  # question → codes of the ranked entries


def _texts(kb: KnowledgeBase, procs: Sequence[Procedure]) -> list[tuple[list[str], str]]:
    """(codes, folded text): what both baselines search, the same texts the index holds."""
    out = [(list(t.codes), fold(x)) for t in kb.topics.values()
           for x in (t.title, *t.keywords, *t.questions)]
    return out + [([p.code], fold(p.name)) for p in procs]


class WRatioBaseline:
    """The closest text by rapidfuzz WRatio (`process.extract`) wins."""

    def __init__(self, texts: list[tuple[list[str], str]]) -> None:
        self.codes = [c for c, _ in texts]
        self.texts = [t for _, t in texts]

    def ranked(self, question: str) -> list[list[str]]:
        hits = process.extract(fold(question), self.texts, scorer=fuzz.WRatio, limit=10)
        return [self.codes[i] for _, _, i in hits]


class BM25Baseline:
    """BM25 (bm25s, sparse matrices) over the same folded texts."""

    def __init__(self, texts: list[tuple[list[str], str]]) -> None:
        import bm25s

        self.bm25s = bm25s
        self.codes = [c for c, _ in texts]
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize([t for _, t in texts], stopwords=None,
                                            show_progress=False), show_progress=False)

    def ranked(self, question: str) -> list[list[str]]:
        tokens = self.bm25s.tokenize([fold(question)], stopwords=None, show_progress=False)
        docs, _ = self.retriever.retrieve(tokens, k=10, show_progress=False)
        return [self.codes[int(i)] for i in docs[0]]


def _index_ranker(index: TopicIndex) -> Ranker:
    def ranked(question: str) -> list[list[str]]:
        result = index.match(question)
        return [entry_codes(index, c, c.topic_id) for c in result.candidates]
    return ranked


def _measure(name: str, build: Callable[[], Any], ranker: Callable[[Any], Ranker],
             questions: list[tuple[str, frozenset[str]]]) -> str:
    gc.collect()
    start = time.perf_counter()
    built = build()
    build_s = time.perf_counter() - start
    rank = ranker(built)
    rank(questions[0][0])  # warm caches the way a running bot would be
    ms, cpu, hit1, hit3 = [], [], 0, 0
    for text, gold in questions:  # any listed code is a hit
        start, start_cpu = time.perf_counter(), time.process_time()
        codes = rank(text)
        ms.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        hit1 += bool(codes) and bool(gold & set(codes[0]))
        hit3 += any(gold & set(c) for c in codes[:3])
    # The same questions again: the per-entry caches the first pass filled (names as words)
    # are warm, as in a bot that has been answering for a while.
    again = []
    for text, _ in questions:
        start_cpu = time.process_time()
        rank(text)
        again.append((time.process_time() - start_cpu) * 1000)
    again.sort()
    del built
    gc.collect()
    mem, kept = retained_mb(build)
    del kept
    ms.sort()
    cpu.sort()
    n = len(ms)

    def pct(p: float, values: list[float] = ms) -> float:
        return values[min(n - 1, int(p * n))]
    # CPU time beside wall time: on a machine shared with other jobs the wall time also
    # counts the time the process waited for a core.
    return (f"  {name:<8} build {build_s:6.2f} s  heap {mem:6.1f} MB  p50 {pct(.5):6.2f} ms  "
            f"p95 {pct(.95):6.2f} ms  p99 {pct(.99):6.2f} ms  (CPU p50 {pct(.5, cpu):5.2f} "
            f"p99 {pct(.99, cpu):5.2f}; again p50 {pct(.5, again):5.2f} p99 "
            f"{pct(.99, again):5.2f})  hit@1 {100 * hit1 / n:5.1f}%  "
            f"hit@3 {100 * hit3 / n:5.1f}%  ({n} questions)")


def _compare(title: str, kb: KnowledgeBase, procs: list[Procedure],
             questions: list[tuple[str, frozenset[str]]], aliases: Aliases | None = None
             ) -> None:
    print(f"{title}: {len(procs)} procedures + {len(kb.topics)} curated topics", flush=True)
    print(_measure("index", lambda: TopicIndex(kb, extra=procedure_entries(
        procs, aliases=aliases)),
                   _index_ranker, questions), flush=True)
    print(_measure("WRatio", lambda: WRatioBaseline(_texts(kb, procs)),
                   lambda b: b.ranked, questions), flush=True)
    try:
        print(_measure("BM25", lambda: BM25Baseline(_texts(kb, procs)),
                       lambda b: b.ranked, questions), flush=True)
    except ImportError:
        print("  BM25     skipped: bm25s is not installed (make bench installs it)")


def _bundled(config: Config) -> list[Procedure]:
    from bot.catalog.effective import effective_catalog

    return list(effective_catalog(config).procedures.values())


def main() -> None:
    """Print build time, memory, latency and accuracy at three scales."""
    config = Config()
    kb = load_knowledge(config.knowledge_dir, config.links.allow)
    bundled = _bundled(config)
    for name, path in (("tuning", TUNE), ("blind evaluation", BLIND)):
        if bundled and path.exists():
            lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
            questions = [(i["text"], frozenset(i["codes"])) for i in lines if i.get("codes")]
            _compare(f"bundled catalogue, {name} questions ({path.name})", kb, bundled,
                     questions, load_aliases(config.knowledge_dir)[0])
    for size in (1_000, 10_000):
        procs = synth_catalog(size)
        questions = [(q, frozenset([code])) for q, code in synth_questions(procs, 300)]
        _compare(f"synthetic catalogue of {size:,}", kb, procs, questions)
    print(f"process peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
