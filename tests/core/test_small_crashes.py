"""Regressions: forged buttons with odd digits, and undecodable bytes on the console's stdin."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.core.models import Incoming
from tests.conftest import DVCBOT


@pytest.mark.parametrize("payload", [
    "st:x:y:²",  # '²'.isdigit() is True but int('²') raises
    "st:vneid-dang-nhap:start:①",
    "st:vneid-dang-nhap:start:" + "9" * 50,
    "st:vneid-dang-nhap:start:-1",
    "st:vneid-dang-nhap:start:٣",  # an Arabic-Indic three: a digit to Python, not to us
])
async def test_forged_step_buttons_get_the_stale_button_reply(assistant, store, payload) -> None:
    replies = await assistant.handle(Incoming("telegram", "u", button=payload))
    assert replies and replies[-1].buttons
    assert store.turns[-1].outcome == "stale_button"  # not "error"


@pytest.mark.parametrize("typed", ["²", "①", "٣"])
async def test_odd_digits_typed_under_a_menu_do_not_crash(assistant, store, typed) -> None:
    await assistant.handle(Incoming("telegram", "u", text="/menu"))
    await assistant.handle(Incoming("telegram", "u", text=typed))
    assert store.turns[-1].outcome != "error"


@pytest.mark.parametrize("command", [["match", "--json"], ["chat"]])
def test_undecodable_stdin_is_replaced_not_fatal(tmp_path: Path, command: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}
    env["PYTHONIOENCODING"] = "utf-8"  # what a UTF-8 server locale gives: strict decoding
    done = subprocess.run([DVCBOT, *command], input=b"lam cccd\n\xff\xfe la gi\n",
                          capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"UnicodeDecodeError" not in done.stderr
    out = done.stdout.decode("utf-8")
    if command[0] == "match":
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows[0]["topic"] == "can-cuoc" and len(rows) == 2
        assert "\ufffd" in rows[1]["text"]
    else:
        assert out.count("Bạn: ") == 2  # both lines were answered
