"""`dvcbot kb check` on broken copies of the knowledge base: exit 1 and `file:line: problem`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.helpers.yamledit import edit_line, insert_line, kb_check, line_of

TOPICS = "ho-tich-cu-tru.yaml"


def assert_reported(errors: list[str], path: Path, line: int, fragment: str) -> None:
    wanted = f"{path}:{line}: "
    hits = [e for e in errors if e.startswith(wanted) and fragment in e]
    assert hits, f"expected {wanted}…{fragment}… in:\n" + "\n".join(errors)


def test_bundled_knowledge_passes(kb_copy, capsys) -> None:
    code = main(["--config", str(kb_copy.config_path), "kb", "check"])
    out = capsys.readouterr().out
    assert code == 0
    assert re.match(r"ok: \d+ topics \(\d+ required by the catalogue, all present\), .*"
                    r"7 flows", out)


def test_yaml_syntax_error(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    line = line_of(path, r"^    title: Đăng ký khai sinh")
    edit_line(path, line, "    title: [Đăng ký khai sinh")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    hits = [e for e in errors if e.startswith(f"{path}:") and "YAML syntax" in e]
    assert hits, errors
    reported = int(hits[0].split(":")[1])
    assert line <= reported <= line + 3
    assert errors[-1] == "1 problem(s) found"  # the file's topics are not reported missing


def test_missing_required_field(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    edit_line(path, line_of(path, r"^    title:", after=start), None)
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, start, "topic khai-sinh: missing required field 'title'")
    # The topic's id still counts: menus, catalogue and related lists do not cascade.
    assert errors[-1] == "1 problem(s) found"


def test_wrong_type(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    reviewed = line_of(path, r"^    reviewed:", after=start)
    edit_line(path, reviewed, "    reviewed: last week")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, reviewed, "reviewed: expected a date")


def test_duplicate_id(kb_copy, capsys) -> None:
    path = kb_copy.topic_file("thu-tuc-khac.yaml")
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    duplicate_line = len(text.splitlines()) + 1
    path.write_text(text + (
        "  - id: khai-sinh\n    title: Bản sao\n    kind: procedure\n    summary: Bản sao.\n"
        "    questions: [khai sinh lần nữa]\n    sources:\n"
        "      - url: https://dichvucong.gov.vn\n        title: Cổng\n"
        "    reviewed: 2026-11-22\n"), encoding="utf-8")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, duplicate_line, "duplicate topic id 'khai-sinh'")
    first = kb_copy.topic_file(TOPICS)
    assert f"first at {first}:{line_of(first, r'^  - id: khai-sinh$')}" in "\n".join(errors)


def test_unknown_related_id(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    related = line_of(path, r"^    related:", after=start)
    edit_line(path, related, "    related: [thuong-tru, khong-ton-tai]")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, related,
                    "topic khai-sinh: related: unknown topic id 'khong-ton-tai'")
    assert errors[-1] == "1 problem(s) found"


def test_unknown_key(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    insert_line(path, start + 1, "    colour: red")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, start + 1, "topic khai-sinh: unknown key 'colour'")


def test_link_outside_the_allow_list(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    links = line_of(path, r"^    links:", after=start)
    url = line_of(path, r"^        url: ", after=links)
    edit_line(path, url, "        url: https://dichvucong-gov.vn.example.com/khai-sinh")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, links, "is not on the allow-list")


def test_http_link_is_refused(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    url = line_of(path, r"^        url: https://", after=line_of(path, "^    links:", start))
    edit_line(path, url, "        url: http://dichvucong.gov.vn")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1 and any("http://dichvucong.gov.vn is not on the allow-list" in e
                             for e in errors)


def test_missing_catalogue_id(kb_copy, capsys) -> None:
    path = kb_copy.knowledge / "catalog.yaml"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    line = len(text.splitlines()) + 1
    path.write_text(text + "  - id: chu-de-bat-buoc-moi\n    title: Mới\n", encoding="utf-8")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, line, "catalogue topic 'chu-de-bat-buoc-moi' is missing")


def test_unknown_topic_in_the_menu(kb_copy, capsys) -> None:
    path = kb_copy.knowledge / "menu.yaml"
    line = line_of(path, r"^  - lua-dao")
    edit_line(path, line, "  - chu-de-la")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, line, "unknown group or topic 'chu-de-la'")


def test_unknown_flow_reference(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    flow = line_of(path, r"^    flow:", after=start)
    edit_line(path, flow, "    flow: khong-co-huong-dan")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, flow, "flow: unknown flow 'khong-co-huong-dan'")


def test_every_problem_is_reported_not_just_the_first(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    insert_line(path, start + 1, "    colour: red")
    other = kb_copy.topic_file("thu-tuc-khac.yaml")
    first = line_of(other, r"^  - id: ")
    insert_line(other, first + 1, "    shape: round")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, start + 1, "unknown key 'colour'")
    assert_reported(errors, other, first + 1, "unknown key 'shape'")
    assert errors[-1] == "2 problem(s) found"


@pytest.mark.parametrize("name", ["synonyms.yaml", "menu.yaml"])
def test_syntax_error_in_other_knowledge_files(kb_copy, capsys, name: str) -> None:
    path = kb_copy.knowledge / name
    insert_line(path, 3, "broken: [unclosed")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert any(e.startswith(f"{path}:") and "YAML syntax" in e for e in errors), errors


def test_topic_codes_are_national_procedure_codes(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    codes = line_of(path, r"^    codes:", after=start)
    edit_line(path, codes, "    codes: [1.001193, khai-sinh, 12.5]")
    code, errors = kb_check(kb_copy, capsys)
    assert code == 1
    assert_reported(errors, path, codes,
                    "topic khai-sinh: codes: expected a list of procedure codes like 1.001193")


def test_codes_written_as_yaml_numbers_keep_their_zeros(kb_copy) -> None:
    from bot.config import load_config
    from bot.knowledge.loader import load_knowledge

    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    edit_line(path, line_of(path, r"^    codes:", after=start),
              "    codes: [1.000110, \"2.000200\", 1.001193]")
    config = load_config(str(kb_copy.config_path))
    kb = load_knowledge(config.knowledge_dir, config.links.allow)
    assert kb.topics["khai-sinh"].codes == ("1.000110", "2.000200", "1.001193")


def test_a_code_the_catalogue_does_not_hold_is_named(kb_copy, capsys) -> None:
    path = kb_copy.topic_file(TOPICS)
    start = line_of(path, r"^  - id: khai-sinh$")
    codes = line_of(path, r"^    codes:", after=start)
    edit_line(path, codes, "    codes: [1.001193, 9.999999]")
    assert main(["--config", str(kb_copy.config_path), "kb", "check"]) == 0
    err = capsys.readouterr().err
    assert (f"warning: {path}:{codes}: topic khai-sinh: codes: 9.999999 is not in the "
            "catalogue") in err
