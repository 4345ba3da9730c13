"""The flow validator: every problem as `file:line: problem`, on small broken flows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import LinksConfig
from bot.flows.loader import FlowError, load_flows

ALLOW = LinksConfig().allow

GOOD = """\
id: demo
title: Hướng dẫn thử
topics: [khai-sinh]
start: mot
reviewed: 2026-11-22
sources:
  - url: https://dichvucong.gov.vn
    title: Cổng
steps:
  mot:
    text: Bước một
    links:
      - title: Cổng
        url: https://dichvucong.gov.vn
    options:
      - label: Sang bước hai
        next: hai
      - label: Xong luôn
        next: xong
  hai:
    text: Nhập mã
    input:
      pattern: '[A-Z0-9]{6}'
      invalid: Mã gồm 6 chữ hoặc số.
      next: xong
    options:
      - label: Quay về bước một
        next: mot
  xong:
    text: Hết.
    end: true
"""


def write(tmp_path: Path, text: str, name: str = "demo") -> Path:
    folder = tmp_path / "flows"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = write(tmp_path, text)
    with pytest.raises(FlowError) as info:
        load_flows(path.parent, ALLOW)
    assert all(e.path == str(path) for e in info.value.errors)
    return path, [f"{e.line}: {e.problem}" for e in info.value.errors]


def test_a_good_flow_loads(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    flow = load_flows(path.parent, ALLOW, topic_ids={"khai-sinh"})["demo"]
    assert (flow.start, flow.topics, list(flow.steps)) == ("mot", ("khai-sinh",),
                                                           ["mot", "hai", "xong"])
    assert [o.label for o in flow.steps["mot"].options] == ["Sang bước hai", "Xong luôn"]
    assert flow.steps["hai"].input is not None
    assert flow.steps["hai"].input.pattern.fullmatch("AB12CD")
    assert flow.steps["mot"].links == (("Cổng", "https://dichvucong.gov.vn"),)
    assert flow.steps["xong"].end and flow.steps["mot"].line == 10


def test_unknown_step_reference(tmp_path: Path) -> None:
    _, found = problems(tmp_path, GOOD.replace("        next: hai", "        next: ba"))
    assert "10: step mot: next: unknown step 'ba'" in found


def test_unknown_input_reference(tmp_path: Path) -> None:
    _, found = problems(tmp_path, GOOD.replace("      next: xong\n    options",
                                               "      next: bon\n    options"))
    assert "20: step hai: next: unknown step 'bon'" in found


def test_unknown_start(tmp_path: Path) -> None:
    _, found = problems(tmp_path, GOOD.replace("start: mot", "start: khong"))
    assert "1: start: unknown step 'khong'" in found


def test_unreachable_step(tmp_path: Path) -> None:
    text = GOOD + "  le-loi:\n    text: Không ai tới đây.\n    end: true\n"
    _, found = problems(tmp_path, text)
    assert found == ["32: step le-loi: unreachable from start"]


def test_dead_end(tmp_path: Path) -> None:
    text = GOOD.replace("        next: xong\n  hai", "        next: cut\n  hai") + (
        "  cut:\n    text: Cụt đường.\n")
    _, found = problems(tmp_path, text)
    assert "32: step cut: dead end (no options, no input, not an end step)" in found


def test_cycle_without_an_exit(tmp_path: Path) -> None:
    text = GOOD.replace("        next: xong\n  hai", "        next: vong-a\n  hai") + (
        "  vong-a:\n    text: A\n    options:\n      - label: Sang B\n        next: vong-b\n"
        "  vong-b:\n    text: B\n    options:\n      - label: Về A\n        next: vong-a\n")
    _, found = problems(tmp_path, text)
    assert sorted(found) == [
        "32: step vong-a: cycle without an exit (no end step can be reached from here)",
        "37: step vong-b: cycle without an exit (no end step can be reached from here)"]


def test_cycles_with_an_exit_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)  # mot → hai → mot is a cycle, but hai can reach xong
    assert "demo" in load_flows(path.parent, ALLOW)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("title: Hướng dẫn thử\n", "", "1: missing required field 'title'"),
    ("reviewed: 2026-11-22", "reviewed: hôm qua", "5: reviewed: expected a date"),
    ("topics: [khai-sinh]", "topics: [khai-sinh]\ncolour: red", "4: unknown key 'colour'"),
    ("    text: Bước một\n", "    text: Bước một\n    color: red\n",
     "12: step mot: unknown key 'color'"),
    ("    text: Hết.\n", "", "30: step xong: missing required field 'text'"),
    ("      - label: Xong luôn\n        next: xong\n", "      - label: Xong luôn\n",
     "18: step mot: option 2 needs exactly 'label' and 'next'"),
    ("label: Xong luôn", "label: " + "Rất dài " * 6, "18: step mot: option label over 40"),
    ("pattern: '[A-Z0-9]{6}'", "pattern: '[A-Z'", "23: step hai: bad pattern"),
    ("      invalid: Mã gồm 6 chữ hoặc số.\n", "", "22: step hai: input needs exactly"),
    ("        url: https://dichvucong.gov.vn\n    options",
     "        url: https://example.com/dvc\n    options",
     "13: step mot: link https://example.com/dvc is not on the allow-list"),
    ("id: demo", "id: khac", "1: id 'khac' must match the file name"),
    ("id: demo", "id: Demo_Flow", "1: id: must be kebab-case"),
    ("  hai:\n", "  Hai_Buoc:\n", "20: step id 'Hai_Buoc': must be kebab-case"),
    ("    end: true", "    end: yes please", "31: step xong: end: expected true or false"),
    ("sources:\n  - url: https://dichvucong.gov.vn\n    title: Cổng\n", "sources: []\n",
     "6: sources: at least one"),
])
def test_schema_problems_name_the_line(tmp_path: Path, old: str, new: str,
                                       expected: str) -> None:
    assert old in GOOD
    _, found = problems(tmp_path, GOOD.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_duplicate_step_id_is_a_yaml_error(tmp_path: Path) -> None:
    _, found = problems(tmp_path, GOOD + "  mot:\n    text: Lại bước một\n    end: true\n")
    assert any(p.startswith("32: YAML syntax: duplicate key 'mot'") for p in found), found


def test_too_many_options(tmp_path: Path) -> None:
    many = "".join(f"      - label: Lựa chọn {i}\n        next: xong\n" for i in range(9))
    _, found = problems(tmp_path, GOOD.replace(
        "      - label: Sang bước hai\n", many + "      - label: Sang bước hai\n"))
    assert any("more than 8 options" in p for p in found)


def test_unknown_topic_and_duplicate_flow_id(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("id: demo", "id: demo-2"), name="demo-2")
    with pytest.raises(FlowError) as info:
        load_flows(tmp_path / "flows", ALLOW, topic_ids={"ket-hon"})
    assert any("topics: unknown topic id 'khai-sinh'" in str(e) for e in info.value.errors)


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("        next: hai", "        next: ba") + (
        "  le-loi:\n    text: X\n    end: true\n")
    _, found = problems(tmp_path, text)
    assert "10: step mot: next: unknown step 'ba'" in found
    assert any("unreachable" in p for p in found)


def test_flows_check_and_kb_check_report_broken_flows(kb_copy, capsys) -> None:
    path = kb_copy.flows / "vneid-dang-nhap.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("next:"))
    lines[number - 1] = lines[number - 1].split("next:")[0] + "next: buoc-khong-co"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["flows", "check"], ["kb", "check"]):
        assert main(["--config", str(kb_copy.config_path), *command]) == 1
        err = capsys.readouterr().err
        assert f"{path}:" in err and "unknown step 'buoc-khong-co'" in err
