"""Wiring: build the store, brain and assistant from a Config; hot-reload YAML edits."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from bot.config import Config, Secrets
from bot.core.assistant import Assistant
from bot.core.brain import Brain, build_brain, source_stamp
from bot.knowledge.loader import KnowledgeError
from bot.privacy.pseudonym import Pseudonymizer, load_or_create_key
from bot.storage.factory import open_store

log = logging.getLogger(__name__)
RELOAD_EVERY_SECONDS = 5.0


def key_file_for(db_path: str) -> Path:
    """The installation's pseudonym key lives beside the database, never inside it."""
    return Path(db_path + ".key") if db_path != ":memory:" else Path("data/pseudonym.key")


@contextlib.asynccontextmanager
async def open_assistant(config: Config, secrets: Secrets | None = None
                         ) -> AsyncIterator[Assistant]:
    """Open the configured store (SQLite, or PostgreSQL) and yield a ready Assistant.

    Raises:
        KnowledgeError: the bundled or configured YAML is invalid.
    """
    secrets = secrets or Secrets.from_env()
    brain = build_brain(config)
    store = open_store(config, secrets)
    await store.open()
    try:
        key = load_or_create_key(secrets.pseudonym_key, key_file_for(config.storage.path))
        yield Assistant(brain, store, config, Pseudonymizer(key))
    finally:
        await store.close()


class Reloader:
    """Polls YAML modification times; on a change, swaps in a new brain if it is valid."""

    def __init__(self, assistant: Assistant, config: Config) -> None:
        self.assistant = assistant
        self.config = config
        self._stamp = source_stamp(config)

    def check(self) -> Brain | None:
        """Reload if files changed; keep the last good version when the new one is broken.

        Returns:
            The new brain when one was swapped in, else None.
        """
        stamp = source_stamp(self.config)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        try:
            brain = build_brain(self.config)
        except KnowledgeError as exc:
            log.error("knowledge reload failed, keeping the last good version:\n%s", exc)
            return None
        self.assistant.swap_brain(brain)
        log.info("knowledge reloaded: %d topics, %d flows (version %s)",
                 len(brain.kb.topics), len(brain.flows), brain.kb.version)
        return brain

    async def run(self, every: float = RELOAD_EVERY_SECONDS) -> None:
        """Check forever, every `every` seconds (run it as a background task)."""
        while True:
            await asyncio.sleep(every)
            await asyncio.to_thread(self.check)
