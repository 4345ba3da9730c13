"""Wiring and hot reload: edited YAML is swapped in; a broken edit keeps the last good version."""

from __future__ import annotations

import os
from pathlib import Path

from bot.app import Reloader, open_assistant
from bot.config import Secrets, load_config
from bot.core.models import Incoming

SECRETS = Secrets(pseudonym_key="reload-test-key-0123456789")


def touch_later(path: Path, seconds: float) -> None:
    """Move the file's mtime forward so the change is seen even within one clock tick."""
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + seconds))


async def ask(assistant, text: str, user: str = "u") -> str:
    replies = await assistant.handle(Incoming("test", user, text=text))
    return replies[-1].text


async def test_reload_swaps_valid_edits_and_keeps_the_last_good_version(kb_copy) -> None:
    config = load_config(kb_copy.config_path)
    topics = kb_copy.topic_file("ho-tich-cu-tru.yaml")
    original = topics.read_text(encoding="utf-8")
    async with open_assistant(config, SECRETS) as assistant:
        reloader = Reloader(assistant, config)
        assert reloader.check() is None  # nothing changed
        good = assistant.brain
        assert "📌 Đăng ký khai sinh" in await ask(assistant, "lam giay khai sinh cho con")

        topics.write_text(original + "\n  - id: [broken\n", encoding="utf-8")
        touch_later(topics, 10)
        assert reloader.check() is None
        assert assistant.brain is good  # the broken edit is not used
        assert "📌 Đăng ký khai sinh" in await ask(assistant, "lam giay khai sinh cho con")

        flow = next(kb_copy.flows.glob("*.yaml"))
        flow.write_text(flow.read_text(encoding="utf-8") + "\nunknown_key: 1\n",
                        encoding="utf-8")
        touch_later(flow, 20)
        assert reloader.check() is None and assistant.brain is good

        flow.write_text(flow.read_text(encoding="utf-8").replace("\nunknown_key: 1\n", ""),
                        encoding="utf-8")
        topics.write_text(original.replace("title: Đăng ký khai sinh",
                                           "title: Đăng ký khai sinh cho trẻ", 1),
                          encoding="utf-8")
        touch_later(topics, 30)
        touch_later(flow, 30)
        new = reloader.check()
        assert new is not None and assistant.brain is new
        assert new.kb.version != good.kb.version
        assert "📌 Đăng ký khai sinh cho trẻ" in await ask(assistant,
                                                          "lam giay khai sinh cho con")


async def test_open_assistant_uses_the_configured_database(kb_copy) -> None:
    config = load_config(kb_copy.config_path)
    async with open_assistant(config, SECRETS) as assistant:
        assert await ask(assistant, "xin chao")
    assert kb_copy.db.exists()
    async with open_assistant(config, SECRETS) as assistant:
        # The same citizen's session is there after reopening (buttons of the last reply).
        session = await assistant.store.load_session(assistant.pseudonymize("test", "u"))
        assert session.get("buttons")
