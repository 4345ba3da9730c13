"""The staff console's learned.yaml, shared through the database by every instance.

Knowledge and flows are YAML files deployed to every machine, and each instance reloads them
when they change (bot.app.Reloader), so edits made by deploying files reach all instances
without the database. The one file the bot writes itself, knowledge/learned.yaml (staff
console), exists only on the machine that served the staff member: its text goes into the
`kv` table with a version number, and the other instances write it to their own folder, where
their reloader picks it up. Two edits on two machines at once: the later one wins.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from bot.knowledge import learned
from bot.storage.base import Store

log = logging.getLogger(__name__)
KEY = "knowledge.learned"
SYNC_EVERY = 5.0


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class LearnedSync:
    """Publishes local edits of learned.yaml and applies the others' (one instance each)."""

    def __init__(self, store: Store, knowledge_dir: str | Path) -> None:
        self.store = store
        self.directory = Path(knowledge_dir)
        self._synced: str | None = None  # digest of the text last published or applied

    def _local(self) -> tuple[str, float]:
        path = self.directory / learned.FILE_NAME
        if not path.exists():
            return "", 0.0
        return path.read_text(encoding="utf-8"), path.stat().st_mtime

    async def step(self) -> str | None:
        """Compare the local file with the shared copy once.

        Returns:
            "published", "applied" or None (nothing to do).
        """
        local, mtime = await asyncio.to_thread(self._local)
        raw = await self.store.get_value(KEY)
        shared: dict[str, Any] = json.loads(raw) if raw else {
            "version": 0, "sha": _digest(""), "text": "", "ts": 0.0}
        if shared["sha"] == _digest(local):
            self._synced = shared["sha"]
            return None
        # Unchanged here since the last sync (at start: older than the shared copy):
        # another instance changed it.
        theirs = _digest(local) == self._synced if self._synced is not None else \
            float(shared["ts"]) > mtime
        if theirs:
            await asyncio.to_thread(learned.write_atomic, self.directory, shared["text"])
            self._synced = shared["sha"]
            log.info("knowledge: learned.yaml version %d from another instance applied",
                     shared["version"])
            return "applied"
        version = int(shared["version"]) + 1
        await self.store.set_value(KEY, json.dumps(
            {"version": version, "sha": _digest(local), "text": local, "ts": time.time()},
            ensure_ascii=False))
        self._synced = _digest(local)
        return "published"

    async def run(self, every: float = SYNC_EVERY) -> None:
        """Sync forever (a background task)."""
        while True:
            try:
                await self.step()
            except Exception as exc:
                log.warning("knowledge: learned.yaml sync failed (%s)", exc)
            await asyncio.sleep(every)
