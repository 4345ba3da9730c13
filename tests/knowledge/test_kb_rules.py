"""The rules `dvcbot kb check` enforces: catalogue ids, sources, dates, links, phrasings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.config import LinksConfig
from bot.knowledge.links import link_allowed
from bot.knowledge.loader import MIN_CATALOGUE_QUESTIONS, catalogue_problems, load_knowledge
from bot.yamlio import load_file
from tests.helpers.yamledit import edit_line, kb_check, line_of

HOTICH = "ho-tich-cu-tru.yaml"


def reported(errors: list[str], path: Path, line: int, fragment: str) -> bool:
    return any(e.startswith(f"{path}:{line}: ") and fragment in e for e in errors)


# --- the bundled knowledge base itself ---------------------------------------------------------

def test_every_catalogue_topic_is_present_with_enough_phrasings(brain) -> None:
    catalogue = [t["id"] for t in load_file(Path(brain.kb.files[0]).parent.parent
                                            / "catalog.yaml")["topics"]]
    assert len(catalogue) == 32 and catalogue == brain.kb.required_ids
    for tid in catalogue:
        topic = brain.kb.topics[tid]
        assert len(topic.questions) >= MIN_CATALOGUE_QUESTIONS, tid
        assert len(set(topic.questions)) == len(topic.questions), f"{tid}: duplicate question"
    assert catalogue_problems(brain.kb) == []


def test_every_topic_has_web_sources_a_reviewed_date_and_allowed_links(brain, config) -> None:
    for topic in brain.kb.topics.values():
        assert topic.sources, topic.id
        for source in topic.sources:
            parts = urlsplit(source.url)
            assert parts.scheme in ("http", "https") and parts.netloc, (topic.id, source.url)
            assert source.title.strip(), topic.id
        assert 2025 <= topic.reviewed.year <= 2026, (topic.id, topic.reviewed)
        for link in topic.links:
            assert link_allowed(link.url, config.links.allow), (topic.id, link.url)


# --- kb check on broken copies ------------------------------------------------------------------

def test_a_missing_catalogue_topic_is_reported_at_the_catalogue(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(HOTICH)
    edit_line(path, line_of(path, r"^  - id: luu-tru$"), "  - id: luu-tru-cu")
    code, errors = kb_check(kb_copy, capsys)
    catalog = kb_copy.knowledge / "catalog.yaml"
    assert code == 1
    assert reported(errors, catalog, line_of(catalog, r"id: luu-tru$"),
                    "catalogue topic 'luu-tru' is missing from the knowledge base")


@pytest.mark.parametrize(("field", "fragment"), [
    ("sources", "missing required field 'sources'"),
    ("reviewed", "missing required field 'reviewed'"),
])
def test_a_topic_without_sources_or_reviewed_date_fails(kb_copy, capsys, field: str,
                                                        fragment: str) -> None:
    path = kb_copy.topic_file(HOTICH)
    start = line_of(path, r"^  - id: ket-hon$")
    key = line_of(path, rf"^    {field}:", after=start)
    if field == "sources":  # drop the whole list, up to the next key of the topic
        end = line_of(path, r"^    reviewed:", after=key)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        del lines[key - 1:end - 1]
        path.write_text("".join(lines), encoding="utf-8")
    else:
        edit_line(path, key, None)
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert reported(errors, path, start, f"topic ket-hon: {fragment}")


def test_a_reviewed_value_that_is_not_a_date_fails(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(HOTICH)
    line = line_of(path, r"^    reviewed:", after=line_of(path, r"^  - id: tam-tru$"))
    edit_line(path, line, "    reviewed: last year")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert reported(errors, path, line, "topic tam-tru: reviewed: expected a date")


@pytest.mark.parametrize("url", ["dichvucong.gov.vn/thu-tuc", "ftp://example.org/x",
                                 "https://"])
def test_a_source_must_be_a_web_address(kb_copy, capsys, url: str) -> None:
    path = kb_copy.topic_file(HOTICH)
    start = line_of(path, r"^  - id: khai-tu$")
    line = line_of(path, r"^      - url: ", after=line_of(path, r"^    sources:", after=start))
    edit_line(path, line, f"      - url: {url}")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert reported(errors, path, line, "topic khai-tu: sources[0].url: expected an http(s)")


def test_a_link_outside_the_allow_list_fails(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(HOTICH)
    start = line_of(path, r"^  - id: ho-chieu$")
    line = line_of(path, r"^        url: ", after=line_of(path, r"^    links:", after=start))
    edit_line(path, line, "        url: https://dichvucong-gov.vn.example.com")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert any("topic ho-chieu: link https://dichvucong-gov.vn.example.com is not on the "
               "allow-list" in e for e in errors), errors


def test_too_few_sample_questions_fail_kb_check_but_not_loading(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(HOTICH)
    start = line_of(path, r"^  - id: luu-tru$")
    first = line_of(path, r"^    questions:", after=start) + 1
    end = line_of(path, r"^    keywords:", after=first)
    keep = MIN_CATALOGUE_QUESTIONS - 1
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[first - 1 + keep:end - 1]
    path.write_text("".join(lines), encoding="utf-8")
    kb = load_knowledge(kb_copy.knowledge, LinksConfig().allow, flow_ids=None)
    assert len(kb.topics["luu-tru"].questions) == keep  # a running bot still loads it
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert reported(errors, path, first - 1,
                    f"topic luu-tru: questions: {keep} sample questions, a catalogue topic "
                    f"needs at least {MIN_CATALOGUE_QUESTIONS}")
    assert errors[-1] == "1 problem(s) found"


def test_only_catalogue_topics_need_the_minimum(brain) -> None:
    kb = brain.kb
    topic = kb.topics["luu-tru"]
    short = type(topic)(**{**topic.__dict__, "questions": topic.questions[:3]})
    fewer = type(kb)(**{**kb.__dict__, "topics": {**kb.topics, "luu-tru": short}})
    problems = catalogue_problems(fewer)
    assert [(p.path, p.line) for p in problems] == [(topic.file, topic.line_of("questions"))]
    assert "3 sample questions" in problems[0].problem
    outside_catalogue = type(kb)(**{**fewer.__dict__, "required_ids": [
        t for t in kb.required_ids if t != "luu-tru"]})
    assert catalogue_problems(outside_catalogue) == []
