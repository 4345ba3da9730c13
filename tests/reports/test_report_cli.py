"""Acceptance: a transcript piped through `dvcbot chat`, then `dvcbot report/export/purge`."""

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from bot.config import load_config
from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.memory import MemoryStore
from tests.conftest import DVCBOT, KbCopy

FLOW = "vneid-dang-nhap"


def dvcbot(kb: KbCopy, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([DVCBOT, "--config", str(kb.config_path), *args], input=stdin,
                          capture_output=True, text=True, timeout=60, check=False,
                          cwd=kb.root)


async def _thumbs_down_number(kb: KbCopy, question: str) -> int:
    """The number a console user types to press 👎 under the answer to `question`."""
    config = load_config(kb.config_path)
    assistant = Assistant(build_brain(config), MemoryStore(), config, Pseudonymizer(b"k" * 16))
    reply = (await assistant.handle(Incoming("console", "x", text=question)))[-1]
    payloads = [b.payload for b in reply.buttons]
    return payloads.index("fb:t:khai-sinh:down") + 1


# What matplotlib may say on a fresh machine: notices, not errors, and not ours to hide.
MATPLOTLIB_NOTICES = ("building the font cache", "created a temporary cache directory")


async def test_transcript_then_json_report(kb_copy: KbCopy,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    question = "làm giấy khai sinh cho con"
    transcript = "\n".join([
        f"/start flow-{FLOW}__to-cntt-1",
        "1",
        "thoát",
        question,
        str(await _thumbs_down_number(kb_copy, question)),
        "thiếu lệ phí, sđt 0912345678",
        "cách nuôi cá cảnh trong bể kính",
        "cach nuoi ca canh trong be kinh a",
    ]) + "\n"
    chat = dvcbot(kb_copy, "chat", stdin=transcript)
    assert chat.returncode == 0, chat.stderr
    assert "Rất tiếc vì chưa giúp được bạn" in chat.stdout  # the 👎 was pressed
    result = dvcbot(kb_copy, "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["totals"]["turns"] == 8 and report["totals"]["users"] == 1
    assert report["totals"]["by_channel"] == {"console": 8}
    assert report["totals"]["answered"] == 1 and report["totals"]["missed"] == 2
    fish = report["misses"][0]
    assert fish["misses"] == 2 and fish["wordings"] == 2
    assert "cách nuôi cá cảnh trong bể kính" in fish["examples"]
    feedback = {(f["kind"], f["id"]): f for f in report["feedback"]}
    assert feedback[("topic", "khai-sinh")]["down"] == 1
    assert feedback[("topic", "khai-sinh")]["comments"] == ["thiếu lệ phí, sđt [số điện thoại]"]
    funnel = next(f for f in report["funnels"] if f["flow"] == FLOW)
    assert (funnel["started"], funnel["cancelled"], funnel["completed"]) == (1, 1, 0)
    assert funnel["steps"][0]["reached"] == 1 and len(funnel["steps"]) == 2
    assert sum(s["cancelled"] for s in funnel["steps"]) == 1
    assert report["referrals"][0]["team"] == "to-cntt-1"
    assert report["referrals"][0]["arrivals"] == 1
    assert report["outreach"][0]["topic"] in {"khai-sinh", FLOW}
    assert b"0912345678" not in kb_copy.db.read_bytes()

    team = json.loads(dvcbot(kb_copy, "report", "--format", "json", "--team", "to-cntt-1").stdout)
    assert team["window"]["team"] == "to-cntt-1" and team["totals"]["turns"] == 8
    other = json.loads(dvcbot(kb_copy, "report", "--format", "json", "--channel", "zalo-bot")
                       .stdout)
    assert other["totals"]["turns"] == 0
    old = json.loads(dvcbot(kb_copy, "report", "--format", "json", "--until", "2020-01-01")
                     .stdout)
    assert old["totals"]["turns"] == 0

    table = dvcbot(kb_copy, "report")
    assert table.returncode == 0 and "NHU CẦU TUYÊN TRUYỀN" in table.stdout
    html_file = kb_copy.root / "r.html"
    # An empty matplotlib cache, as on a fresh machine: the font cache is built now.
    monkeypatch.setenv("MPLCONFIGDIR", str(kb_copy.root / "mpl-cache"))
    made = dvcbot(kb_copy, "report", "--format", "html", "--output", str(html_file))
    assert made.returncode == 0, made.stderr
    others = [line for line in made.stderr.splitlines()
              if not any(notice in line for notice in MATPLOTLIB_NOTICES)]
    assert not [line for line in others if "matplotlib" in line.lower()], others
    assert "<svg" in html_file.read_text(encoding="utf-8")

    export = dvcbot(kb_copy, "export", "--format", "csv", "--feedback")
    assert export.returncode == 0, export.stderr
    rows = list(csv.reader(io.StringIO(export.stdout)))
    assert rows[0][:3] == ["table", "id", "ts"]
    assert sum(1 for r in rows if r and r[0] == "turns") == 8
    assert any(r and r[0] == "feedback" and "[số điện thoại]" in ",".join(r) for r in rows)

    purge = dvcbot(kb_copy, "purge", "--days", "0")
    assert purge.returncode == 0 and "retention is off" in purge.stdout
    purge = dvcbot(kb_copy, "purge", "--days", "30")
    assert purge.returncode == 0 and "turns: 0" in purge.stdout


def test_bad_dates_and_missing_database(kb_copy: KbCopy) -> None:
    missing = dvcbot(kb_copy, "report")
    assert missing.returncode == 1 and "no database" in missing.stderr
    assert not Path(kb_copy.db).exists()
    bad = dvcbot(kb_copy, "report", "--since", "tomorrow")
    assert bad.returncode == 1 and "YYYY-MM-DD" in bad.stderr
