"""The knowledge loader, link allow-list and line-aware YAML, on small files and the bundle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import LinksConfig
from bot.knowledge.links import link_allowed
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.schema import KINDS
from bot.language.facets import FACETS
from bot.yamlio import LineDict, YamlError, load_file, load_text

ALLOW = LinksConfig().allow

TOPIC = """\
topics:
  - id: khai-sinh
    title: "  Đăng ký khai sinh  "
    kind: procedure
    summary: >-
      Cha mẹ đăng ký khai sinh
      cho con.
    questions:
      - làm giấy khai sinh cho con
      - dk ks
    keywords: [khai sinh]
    facets:
      fee: |
        Miễn lệ phí.
    online:
      level: toan-trinh
      channels: [dichvucong, vneid]
    agency: UBND cấp xã
    legal_basis: [Luật Hộ tịch 2014]
    links:
      - title: Cổng Dịch vụ công quốc gia
        url: https://dichvucong.gov.vn
    sources:
      - url: https://dichvucong.gov.vn
        title: Cổng
        date: 2025-09-09
    reviewed: 2026-11-22
    related: [khai-tu]
  - id: khai-tu
    title: Đăng ký khai tử
    kind: procedure
    summary: Khai tử.
    questions: [khai tử ở đâu]
    sources: [{url: "https://dichvucong.gov.vn", title: Cổng}]
    reviewed: 2026-11-22
"""


def make_kb(root: Path, topics: str = TOPIC, catalog: str = "topics:\n  - id: khai-sinh\n",
            menu: str = "groups:\n  - id: ho-tich\n    title: Hộ tịch\n    topics: [khai-sinh]\n"
                        "main: [procedures, khai-tu]\nprocedure_groups: [ho-tich]\n",
            synonyms: str = "abbreviations:\n  ks: khai sinh\nfacets:\n  fee: [phi]\n"
                            "greetings: [xin chao]\nthanks: [cam on]\nstopwords: [cho]\n") -> Path:
    (root / "topics").mkdir(parents=True)
    (root / "topics" / "a.yaml").write_text(topics, encoding="utf-8")
    (root / "catalog.yaml").write_text(catalog, encoding="utf-8")
    (root / "menu.yaml").write_text(menu, encoding="utf-8")
    (root / "synonyms.yaml").write_text(synonyms, encoding="utf-8")
    return root


def test_a_small_knowledge_base_loads(tmp_path: Path) -> None:
    kb = load_knowledge(make_kb(tmp_path / "kb"), ALLOW)
    assert list(kb.topics) == ["khai-sinh", "khai-tu"]
    topic = kb.topics["khai-sinh"]
    assert topic.title == "Đăng ký khai sinh"
    assert topic.summary == "Cha mẹ đăng ký khai sinh cho con."
    assert topic.questions == ("làm giấy khai sinh cho con", "dk ks")
    assert topic.facets == {"fee": "Miễn lệ phí."}
    assert topic.online is not None and topic.online.channels == ("dichvucong", "vneid")
    assert topic.reviewed == dt.date(2026, 11, 22)
    assert topic.sources[0].date == "2025-09-09"
    assert topic.related == ("khai-tu",)
    assert (topic.line, topic.line_of("related")) == (2, 28)
    assert kb.abbreviations == {"ks": "khai sinh"} and kb.facet_cues == {"fee": ["phi"]}
    assert kb.required_ids == ["khai-sinh"]
    assert kb.main_menu == ["procedures", "khai-tu"] and kb.procedure_groups == ["ho-tich"]
    assert kb.groups["ho-tich"].topics == ("khai-sinh",)


def test_the_version_changes_with_the_content(tmp_path: Path) -> None:
    first = load_knowledge(make_kb(tmp_path / "a"), ALLOW).version
    again = load_knowledge(make_kb(tmp_path / "b"), ALLOW).version
    changed = load_knowledge(make_kb(tmp_path / "c", TOPIC.replace("Khai tử.", "Khai tử!")),
                             ALLOW).version
    assert first == again != changed


def problems(tmp_path: Path, **files: str) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(make_kb(tmp_path / "kb", **files), ALLOW, flow_ids=set())
    return [f"{e.line}: {e.problem}" for e in info.value.errors]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    kind: procedure\n    summary: >-", "    kind: recipe\n    summary: >-",
     "4: topic khai-sinh: kind: must be one of"),
    ("  - id: khai-sinh\n", "  - id: Khai_Sinh\n", "2: topic Khai_Sinh: id: must be a kebab"),
    ("    reviewed: 2026-11-22\n    related", "    reviewed: soon\n    related",
     "27: topic khai-sinh: reviewed: expected a date"),
    ("      fee: |", "      price: |", "13: topic khai-sinh: facets: unknown facet 'price'"),
    ("      level: toan-trinh", "      level: sometimes", "16: topic khai-sinh: online.level"),
    ("    questions:\n      - làm", "    questions: làm\n    x:\n      - làm",
     "8: topic khai-sinh: questions: expected a list of text items"),
    ("    sources: [{url", "    sources: [{link", "34: topic khai-tu: sources[0]"),
    ("    related: [khai-tu]", "    related: [khai-tu, bhyt]",
     "28: topic khai-sinh: related: unknown topic id 'bhyt'"),
    ("    related: [khai-tu]", "    flow: khong-co",
     "28: topic khai-sinh: flow: unknown flow 'khong-co'"),
    ("        url: https://dichvucong.gov.vn\n    sources", "        url: https://evil.example\n"
     "    sources", "20: topic khai-sinh: link https://evil.example is not on the allow-list"),
])
def test_topic_problems_name_the_line(tmp_path: Path, old: str, new: str,
                                      expected: str) -> None:
    assert old in TOPIC
    found = problems(tmp_path, topics=TOPIC.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_missing_required_fields_are_each_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, topics="topics:\n  - id: khai-sinh\n    colour: red\n",
                     catalog="topics: []\n", menu="main: []\n")
    for field in ("title", "kind", "summary", "questions", "sources", "reviewed"):
        assert f"2: topic khai-sinh: missing required field {field!r}" in found
    assert "3: topic khai-sinh: unknown key 'colour'" in found


def test_summary_length_is_limited(tmp_path: Path) -> None:
    found = problems(tmp_path, topics=TOPIC.replace("      cho con.", "      " + "x" * 700))
    assert any("summary: " in p and "keep it under" in p for p in found)


def test_menu_and_catalogue_references(tmp_path: Path) -> None:
    found = problems(tmp_path, catalog="topics:\n  - id: khai-sinh\n  - id: ket-hon\n",
                     menu="groups:\n  - id: g\n    title: G\n    topics: [khai-sinh, bhyt]\n"
                          "main: [g, nope]\nprocedure_groups: [g, h]\n")
    assert "3: catalogue topic 'ket-hon' is missing from the knowledge base" in found
    assert "4: group g: unknown topic id 'bhyt'" in found
    assert "5: main: unknown group or topic 'nope'" in found
    assert "6: unknown group 'h'" in found


def test_synonyms_are_checked(tmp_path: Path) -> None:
    found = problems(tmp_path, synonyms="abbreviations:\n  ks: ''\nfacets:\n  price: [gia]\n"
                                        "colour: red\ngreetings: hello\n")
    assert "2: abbreviation 'ks': no text" in found
    assert "4: unknown facet 'price'" in found
    assert any(p.startswith("5: unknown key 'colour'") for p in found)
    assert "6: greetings: expected a list" in found


def test_no_topic_files(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(tmp_path / "kb", ALLOW)
    assert "no topic files" in str(info.value)


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://dichvucong.gov.vn", True),
    ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", True),
    ("https://gov.vn", True),
    ("https://DVC.HANOI.GOV.VN/x", True),
    ("https://apps.apple.com/vn/app/vneid/id1582750311", True),
    ("https://play.google.com/store/apps/details?id=com.vnid", True),
    ("https://play.google.com/store/apps/details?id=com.fake.vneid", False),
    ("http://dichvucong.gov.vn", False),
    ("https://dichvucong.gov.vn.evil.com", False),
    ("https://evilgov.vn", False),
    ("https://gov.vn@evil.com/", False),
    ("javascript:alert(1)", False),
    ("dichvucong.gov.vn", False),
    ("", False),
])
def test_link_allow_list(url: str, allowed: bool) -> None:
    assert link_allowed(url, ALLOW) is allowed


def test_yaml_keeps_line_numbers_and_refuses_duplicates(tmp_path: Path) -> None:
    data = load_text("a: 1\nb:\n  c: [x, y]\n  d:\n    - 1\n    - 2\n", "f.yaml")
    assert isinstance(data, LineDict)
    assert (data.line_of("a"), data.line_of("b"), data["b"].line_of("d")) == (1, 2, 4)
    assert data["b"]["d"].line_of(1) == 6
    with pytest.raises(YamlError) as info:
        load_text("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert str(info.value).startswith("f.yaml:3: ") and "duplicate key 'a'" in str(info.value)
    with pytest.raises(YamlError) as info:
        load_text("a: !!python/object:os.system ls\n", "f.yaml")  # safe loading only
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("title: Đăng ký".encode("utf-16"))
    with pytest.raises(YamlError) as info:
        load_file(bad)
    assert str(info.value).startswith(f"{bad}:0: cannot read file")


def test_bundled_knowledge_is_complete(brain) -> None:
    kb = brain.kb
    assert len(kb.topics) >= 32
    assert set(kb.required_ids) <= set(kb.topics)
    for topic in kb.topics.values():
        assert topic.kind in KINDS, topic.id
        assert len(topic.questions) >= 12, topic.id
        assert topic.sources and topic.reviewed <= dt.date(2026, 12, 31), topic.id
        assert set(topic.facets) <= set(FACETS), topic.id
        assert all(link_allowed(link.url, ALLOW) for link in topic.links), topic.id
    menu_topics = {t for g in kb.groups.values() for t in g.topics}
    assert menu_topics <= set(kb.topics)
