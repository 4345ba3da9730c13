"""The `dvcbot` command: kb check, config errors, match --json, flows, chat (real processes)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import texts
from bot.core.assistant import Assistant
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.memory import MemoryStore

DVCBOT = str(Path(sys.executable).with_name("dvcbot"))


def run(args: list[str], stdin: str = "", cwd: Path | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}
    return subprocess.run([DVCBOT, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout, check=False)


def test_kb_check_passes_on_the_bundled_knowledge(tmp_path: Path) -> None:
    result = run(["kb", "check"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.match(r"ok: \d+ topics \(\d+ required by the catalogue, all present\)",
                    result.stdout)


def test_python_dash_m_bot_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "flows", "list"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "vneid-dang-nhap" in result.stdout


def test_chat_answers_birth_registration(kb_copy) -> None:
    result = run(["--config", str(kb_copy.config_path), "chat"],
                 stdin="lam giay khai sinh cho con\n", cwd=kb_copy.root)
    assert result.returncode == 0, result.stderr
    assert "Bạn: lam giay khai sinh cho con" in result.stdout
    assert "📌 Đăng ký khai sinh" in result.stdout
    assert kb_copy.db.exists(), "the conversation goes to the configured SQLite file"
    assert "Traceback" not in result.stderr


def test_invalid_config_exits_2_with_file_line_key_problem(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("log_level: INFO\nmatching:\n  margin: lots\n", encoding="utf-8")
    result = run(["--config", str(config), "kb", "check"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{config}:3: matching.margin: expected float, "
                                      "got 'lots'")


def test_config_yaml_in_the_working_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("colour: red\n", encoding="utf-8")
    result = run(["kb", "check"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "config.yaml:1: colour: unknown key"


@pytest.mark.parametrize("text", ["telegram:\n  mode: pigeon\n", "storage: [a]\n",
                                  "flows:\n  expiry_hours: -x\n", "a: [\n"])
def test_every_invalid_config_exits_2(tmp_path: Path, capsys, text: str) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(text, encoding="utf-8")
    assert main(["--config", str(config), "kb", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert re.match(rf"{re.escape(str(config))}:\d+: \S", err), err


def test_broken_knowledge_exits_1_from_any_command(kb_copy, capsys) -> None:
    (kb_copy.knowledge / "menu.yaml").write_text("main: [nope]\n", encoding="utf-8")
    for command in (["kb", "check"], ["flows", "check"], ["flows", "list"], ["match"]):
        assert main(["--config", str(kb_copy.config_path), *command]) == 1, command
        assert f"{kb_copy.knowledge / 'menu.yaml'}:1: " in capsys.readouterr().err


MATCH_INPUT = [
    "lam giay khai sinh cho con",
    "Đăng ký tạm trú ở đâu?",
    "phí làm hộ chiếu bao nhiêu",
    "bảo hiểm",
    "xin chào",
    "cảm ơn",
    "asdkjh qwe zxcv",
    "😀😀",
    "'; DROP TABLE turns; --",
    "dk ks cho be ko co giay chung sinh",
]


@pytest.fixture
def prebuilt(monkeypatch, brain) -> None:
    """In-process commands reuse the session's brain instead of loading YAML again."""
    monkeypatch.setattr("bot.cli.build_brain", lambda config: brain)


def match_json(monkeypatch, capsys, lines: list[str], *extra: str) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{x}\n" for x in lines)))
    assert main([*extra, "match", "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_match_json_contract(monkeypatch, capsys, brain, prebuilt) -> None:
    rows = match_json(monkeypatch, capsys, [*MATCH_INPUT[:3], "", "   ", *MATCH_INPUT[3:]])
    assert [r["text"] for r in rows] == MATCH_INPUT  # one object per (non-blank) line
    known = {*brain.kb.topics, *(f"tthc-{code}" for code in brain.catalog.procedures)}
    for row in rows:
        assert set(row) == {"text", "topic", "score", "facet", "suggestions", "codes"}
        assert isinstance(row["score"], int | float) and 0 <= row["score"] <= 100
        assert row["topic"] is None or row["topic"] in known
        assert row["facet"] in (None, "documents", "fee", "time", "where", "steps")
        assert isinstance(row["suggestions"], list) and len(row["suggestions"]) <= 3
        assert all(s in known for s in row["suggestions"])
        assert not (row["topic"] and row["suggestions"])
        assert isinstance(row["codes"], list) and len(row["codes"]) <= 5
        assert all(code in brain.catalog.procedures for code in row["codes"])
        if row["topic"] in brain.kb.topics:  # a curated topic reports the codes it lists,
            # after the sibling procedure its keywords name when the question is about one
            assert set(row["codes"][1:]) <= set(brain.kb.topics[row["topic"]].codes)
    by_text = {r["text"]: r for r in rows}
    assert by_text["lam giay khai sinh cho con"]["topic"] == "khai-sinh"
    assert by_text["lam giay khai sinh cho con"]["codes"][0] == "1.001193"  # the main code
    assert by_text["Đăng ký tạm trú ở đâu?"]["facet"] == "where"
    for social in ("xin chào", "cảm ơn", "😀😀", "asdkjh qwe zxcv"):
        assert by_text[social]["topic"] is None and by_text[social]["suggestions"] == []
        assert by_text[social]["codes"] == []


async def test_match_json_says_what_the_assistant_does(monkeypatch, capsys, brain, config,
                                                       clock, prebuilt) -> None:
    inputs = [*MATCH_INPUT, "làm căn cước cho con", "đổi bằng lái xe ô tô", "thủ tục",
              "giấy tờ", "mất căn cước", "đăng ký", "hộ khẩu", "vneid"]
    rows = match_json(monkeypatch, capsys, inputs)
    store = MemoryStore()
    assistant = Assistant(brain, store, config, Pseudonymizer(b"m" * 32), clock)
    for i, row in enumerate(rows):
        replies = await assistant.handle(Incoming("test", f"user-{i}", text=row["text"]))
        turn = store.turns[-1]
        if row["topic"] is not None:
            assert (turn.outcome, turn.topic) == ("answer", row["topic"]), row
            assert replies[-1].text.startswith(f"📌 {brain.kb.topics[row['topic']].title}")
        else:
            assert turn.outcome != "answer", row
        shown = [b.payload.split(":")[1] for b in replies[-1].buttons
                 if b.payload.startswith("top:")]
        if row["suggestions"]:
            assert replies[-1].text == texts.SUGGEST and shown == row["suggestions"], row
        else:
            assert replies[-1].text != texts.SUGGEST, row


def test_match_plain_text(monkeypatch, capsys, prebuilt) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("lam giay khai sinh cho con\n"))
    assert main(["match"]) == 0
    out = capsys.readouterr().out
    assert "answer" in out and "khai-sinh" in out


def test_flows_list_and_show(capsys, brain, prebuilt) -> None:
    assert main(["flows", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert sorted(line.split()[0] for line in listed) == sorted(brain.flows)
    for flow in brain.flows.values():
        assert main(["flows", "show", flow.id]) == 0
        tree = capsys.readouterr().out
        assert tree.startswith(f"{flow.id}: {flow.title}")
        for step_id in flow.steps:  # every step appears in the reviewer's tree
            assert f"[{step_id}]" in tree or f"({step_id}, see above)" in tree
        assert "[END]" in tree
    assert main(["flows", "show", "khong-co"]) == 1
    assert "unknown flow 'khong-co'" in capsys.readouterr().err
    assert main(["flows", "check"]) == 0
