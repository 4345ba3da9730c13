"""`dvcbot run` with a Telegram token serves Telegram and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.core import texts
from tests.fakes.telegram_api import FakeBotAPI

DVCBOT = str(Path(sys.executable).with_name("dvcbot"))
CHAT = 2001


async def test_run_serves_telegram_and_confirms_the_offset_on_sigterm(
        fake: FakeBotAPI, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"log_level: INFO\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n"
        f"http:\n  host: 127.0.0.1\n  port: 0\n"
        f"telegram:\n  base_url: {fake.base_url}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(DVCBOT_TELEGRAM_TOKEN=fake.token,
               DVCBOT_PSEUDONYM_KEY="run-test-pseudonym-key-0123456789")
    process = await asyncio.create_subprocess_exec(
        DVCBOT, "--config", str(config), "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        update = fake.say(CHAT, "/menu")
        await fake.wait_for("sendMessage", chat_id=CHAT, timeout=60)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert fake.texts(CHAT) == [texts.MENU]
    assert "running: telegram" in log
    assert fake.token not in log  # httpx would log request URLs, which contain the token
    last = fake.calls_to("getUpdates")[-1]
    assert last.params["offset"] == update["update_id"] + 1
    assert fake.confirmed_offset == update["update_id"] + 1
