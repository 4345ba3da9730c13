"""Issue 10 acceptance: hit@1 / hit@3 on national codes over the blind catalogue set.

tests/data/catalog_eval.jsonl was written apart, from the national portal's records, by a writer
who did not see the matcher; the matcher was tuned only on tests/data/catalog_tune.jsonl (written
from the records too) and the curated sets. Lines with "codes": [] ask about procedures outside
the catalogue: nothing may answer them directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching.codes import evaluate_codes, format_codes
from bot.matching.evaluate import load_set

DATA = Path(__file__).resolve().parents[1] / "data"
TARGETS = {"hit1": 70.0, "hit3": 90.0}
REJECTION = 95.0  # as for the curated sets: questions outside the catalogue are not claimed
# Scored once, blind, when the set was merged (2026-12-04): hit@1 59.1%, hit@3 77.3%, rejection
# 89.1% (494 + 46 questions); 58.3% / 77.3% / 89.1% once main's five new topics were merged.
# 58.5% / 77.3% / 89.1% with catalogue siblings preferred (bot/matching/distinct.py, tuned on
# tests/data/catalog_tune2.jsonl and the curated sets only).
# 61.1% / 78.5% / 89.1% (2026-12-04) with siblings compared on words and phrases: a topic whose
# keywords name a sibling answers with the sibling's code, other siblings go before the topic
# (tuned on catalog_tune.jsonl, catalog_tune2.jsonl, catalog_tune3.jsonl and the curated sets).
# 62.6% / 80.4% / 89.1% once a named variant goes before a curated topic from far behind, a
# nationality stands for "nước ngoài" and works grades read "cấp III" as "cấp 3" (same tuning).
# Below target and NOT tuned on: most misses are situational
# questions about a variant ("bố là người Hàn Quốc" for khai sinh có yếu tố nước ngoài, "sang tên
# xe") that a curated topic's sample questions win, and fields the curated topics only touch.
# strict=True: the marker must go as soon as the targets are met.
BELOW_TARGET = pytest.mark.xfail(strict=True, reason="blind set below target, not tuned on: "
                                 "hit@1 62.6% < 70%, hit@3 80.4% < 90%, rejection 89.1% < 95%")


@BELOW_TARGET
def test_catalogue_questions_find_their_procedure(brain, config, capsys) -> None:
    report = evaluate_codes(brain.index, config.matching, load_set(DATA / "catalog_eval.jsonl"))
    with capsys.disabled():
        print("\ncatalog_eval.jsonl:\n" + format_codes(report, max_errors=0))
    rates = report.rates()
    assert int(rates["positives"] or 0) >= 300
    for metric, floor in TARGETS.items():
        value = rates[metric]
        assert value is not None and value >= floor, f"{metric} {value} < {floor}"


@BELOW_TARGET
def test_procedures_outside_the_catalogue_are_not_claimed(brain, config) -> None:
    report = evaluate_codes(brain.index, config.matching, load_set(DATA / "catalog_eval.jsonl"))
    rates = report.rates()
    assert int(rates["negatives"] or 0) >= 20
    assert float(rates["rejection"] or 0) >= REJECTION, [e for e in report.errors
                                                         if e["error"] == "claimed"]
