"""Issue 3 acceptance: matching quality on the labelled sets, sample questions, answer size.

tests/data/eval.jsonl is the tuning set; tests/data/holdout.jsonl was written apart and stands
for questions never seen: it is only measured here, never tuned on. tests/data/fresh.jsonl was
written last, by a writer who saw neither the knowledge base nor the other sets, and was scored
once before any change (top-1 97.4, top-3 99.5, facet 91.1, rejection 97.9; facet without
diacritics 87.0 against 96.4 with them); after it, only general facet cue changes were made
(a one-word wildcard, asking phrases for 'giấy tờ').
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.core.answers import FIRST_MESSAGE_LIMIT, topic_answer
from bot.knowledge.links import link_allowed
from bot.language.facets import FACETS
from bot.language.normalize import has_diacritics, tokenize
from bot.matching.decide import decide
from bot.matching.evaluate import Report, evaluate, format_report, load_set

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = ("eval.jsonl", "holdout.jsonl", "fresh.jsonl")
TARGETS = {"top1": 92.0, "top3": 97.0, "facet": 85.0, "rejection": 95.0}
DIACRITICS_GAP = 3.0  # points: questions typed without diacritics may trail by at most this
# Direct answers: the share of questions answered at once with the right topic, and the share
# answered at once with a wrong one (the rest get "did you mean" or the fallback).
DIRECT = {"eval.jsonl": (90.0, 1.0), "holdout.jsonl": (85.0, 2.5), "fresh.jsonl": (85.0, 2.5)}
# Known shortfall, kept visible: on the fresh set, facets of questions typed without diacritics
# trail by more than 3 points (yes/no questions about a channel, cues far apart). strict=True:
# the test fails as soon as the gap closes, so the marker is removed then.
KNOWN_GAPS = {("fresh.jsonl", "facet")}


# Services the sets label "must not claim" because they were out of scope when the sets were
# written, and that issue 11 brought in scope with a curated topic. The files stay as written;
# a must-not-claim question that names one of these services counts as handled when the bot
# answers it with that service's topic (it still counts as handled when the bot does not claim
# it). Any other claim, e.g. a retirement-age question taken by the pension-account topic, still
# counts as a failure.
RESCOPED = {"ly hon": "ly-hon", "ho ngheo": "ho-ngheo", "nop phat": "nop-phat-giao-thong"}


def _credit_rescoped(report: Report, brain, config, items) -> Report:
    for item in items:
        if item.get("topic") is not None:
            continue
        folded = " ".join(tokenize(item["text"]))
        topics = {tid for words, tid in RESCOPED.items() if words in folded}
        decision = decide(brain.index.match(item["text"]), config.matching)
        if decision.topic is not None and decision.topic in topics:
            side = report.with_marks if has_diacritics(item["text"]) else report.without_marks
            for split in (report.overall, side):
                split.rejected += 1
    return report


@pytest.fixture(scope="module")
def reports(brain, config) -> dict[str, Report]:
    sets = {name: load_set(DATA / name) for name in SETS}
    return {name: _credit_rescoped(evaluate(brain.index, config.matching, items), brain,
                                   config, items)
            for name, items in sets.items()}


@pytest.mark.parametrize("name", SETS)
def test_targets_are_met(reports, capsys, name: str) -> None:
    report = reports[name]
    with capsys.disabled():
        print(f"\n{name}:\n" + format_report(report, max_errors=0))
    rates = report.overall.rates()
    assert rates["positives"] >= 190 and rates["negatives"] >= 48
    for metric, floor in TARGETS.items():
        value = rates[metric]
        assert value is not None and value >= floor, f"{name}: {metric} {value} < {floor}"


@pytest.mark.parametrize(("name", "metric"), [
    pytest.param(name, metric, marks=pytest.mark.xfail(strict=True, reason="known gap"))
    if (name, metric) in KNOWN_GAPS else (name, metric)
    for name in SETS for metric in TARGETS])
def test_questions_without_diacritics_do_as_well(reports, name: str, metric: str) -> None:
    with_marks = reports[name].with_marks.rates()
    without = reports[name].without_marks.rates()
    count = without["negatives"] if metric == "rejection" else without["positives"]
    assert isinstance(count, int) and count >= 20
    # One question of the slice is worth 100/count points; with ~30 must-not-claim
    # questions that exceeds 3 points, so a one-question difference is always allowed.
    allowed = max(DIACRITICS_GAP, 100 / count + 0.05)
    gap = float(with_marks[metric] or 0) - float(without[metric] or 0)
    assert gap <= allowed, f"{name}: {metric} without diacritics trails by {gap:.1f}"


@pytest.mark.parametrize("name", SETS)
def test_most_questions_are_answered_directly_and_rarely_wrongly(reports, name: str) -> None:
    rates = reports[name].overall.rates()
    right, wrong = DIRECT[name]
    assert float(rates["answered_right"] or 0) >= right
    assert float(rates["answered_wrong"] or 0) <= wrong


def test_every_sample_question_is_answered_with_its_own_topic(brain, config) -> None:
    misses = []
    for topic in brain.kb.topics.values():
        for question in topic.questions:
            result = brain.index.match(question)
            decision = decide(result, config.matching)
            best = result.best.topic_id if result.best else None
            if best != topic.id or decision.topic != topic.id:
                misses.append(f"{topic.id}: {question!r} → best {best}, "
                              f"{decision.outcome} {decision.topic}")
    assert not misses, "\n".join(misses)


def test_first_answer_fits_a_phone_and_links_only_to_official_sites(brain, config) -> None:
    allow = config.links.allow
    for topic in brain.kb.topics.values():
        for facet in (None, *FACETS):
            reply = topic_answer(topic, facet, allow)
            assert len(reply.text) <= FIRST_MESSAGE_LIMIT, (topic.id, facet, len(reply.text))
            if facet in topic.facets:  # the asked facet is shown whole, not cut off
                assert "…" not in reply.text, (topic.id, facet)
            assert all(link_allowed(link.url, allow) for link in reply.links), topic.id
        assert all(link_allowed(link.url, allow) for link in topic.links), topic.id


def test_sample_questions_never_name_an_outside_service(brain) -> None:
    index = brain.index
    clashes = [(t.id, q) for t in brain.kb.topics.values()
               for q in (t.title, *t.questions, *t.keywords) if index.names_outside_service(q)]
    assert not clashes


def test_out_of_scope_services_are_not_answered(brain, config) -> None:
    for question in ("kết quả xổ số hôm nay", "xin giấy phép kinh doanh karaoke",
                     "thu tuc nhap quoc tich", "vay tin chap bang cccd"):
        result = brain.index.match(question)
        assert result.outside
        assert decide(result, config.matching).topic is None, question


def test_the_labelled_sets_are_not_copied_into_the_knowledge_base(brain) -> None:
    asked = [" ".join(tokenize(item["text"])) for name in SETS
             for item in load_set(DATA / name)]
    copied = []
    for topic in brain.kb.topics.values():
        for question in topic.questions:
            mine = " ".join(tokenize(question))
            if any(fuzz.ratio(mine, other) >= 95 for other in asked):
                copied.append(f"{topic.id}: {question}")
    assert not copied, "\n".join(copied)
