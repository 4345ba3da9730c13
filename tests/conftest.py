"""Shared fixtures: the bundled brain (built once), an assistant on a MemoryStore, helpers."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import Config
from bot.core.assistant import Assistant
from bot.core.brain import Brain, build_brain
from bot.core.models import Incoming, Reply
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.memory import MemoryStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
FLOWS_DIR = PROJECT_ROOT / "flows"
DVCBOT = str(Path(sys.executable).with_name("dvcbot"))  # the installed command
START = 1_795_000_000.0  # a fixed instant in late 2026
TEST_KEY = b"test-pseudonym-key-0123456789abcdef"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 0.0, *, hours: float = 0.0) -> None:
        self.now += seconds + hours * 3600


def bundled_config() -> Config:
    """Defaults, pointed at the bundled knowledge and flows."""
    return Config(knowledge_dir=str(KNOWLEDGE_DIR), flows_dir=str(FLOWS_DIR))


@pytest.fixture(scope="session")
def config() -> Config:
    """The default configuration (do not mutate: it is shared by the whole session)."""
    return bundled_config()


@pytest.fixture(scope="session")
def brain(config: Config) -> Brain:
    """The bundled knowledge, index and flows, built once per test session."""
    return build_brain(config)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def assistant(brain: Brain, store: MemoryStore, config: Config, clock: FakeClock) -> Assistant:
    """An assistant on the bundled brain, an in-memory store and a fake clock."""
    return Assistant(brain, store, config, Pseudonymizer(TEST_KEY), clock)


Send = Callable[..., Awaitable[list[Reply]]]


async def _say(assistant: Assistant, text: str, user: str = "citizen",
               channel: str = "test", update_id: str | None = None) -> list[Reply]:
    return await assistant.handle(Incoming(channel, user, text=text, update_id=update_id))


async def _press(assistant: Assistant, payload: str, user: str = "citizen",
                 channel: str = "test") -> list[Reply]:
    return await assistant.handle(Incoming(channel, user, button=payload))


async def _start(assistant: Assistant, payload: str, user: str = "citizen",
                 channel: str = "test") -> list[Reply]:
    return await assistant.handle(Incoming(channel, user, start_payload=payload))


@pytest.fixture
def say() -> Send:
    """`await say(assistant, text, user=...)`: a typed message; returns the replies."""
    return _say


@pytest.fixture
def press() -> Send:
    """`await press(assistant, payload, user=...)`: a pressed button."""
    return _press


@pytest.fixture
def start() -> Send:
    """`await start(assistant, payload, user=...)`: a `/start PAYLOAD` deep link."""
    return _start


@dataclass
class KbCopy:
    """A writable copy of the bundled knowledge and flows with a config pointing at it."""

    root: Path
    knowledge: Path
    flows: Path
    config_path: Path
    db: Path

    def topic_file(self, name: str) -> Path:
        return self.knowledge / "topics" / name


@pytest.fixture
def kb_copy(tmp_path: Path) -> KbCopy:
    """Copy knowledge/ and flows/ into tmp_path and write a config that uses them."""
    knowledge = tmp_path / "knowledge"
    flows = tmp_path / "flows"
    shutil.copytree(KNOWLEDGE_DIR, knowledge)
    shutil.copytree(FLOWS_DIR, flows)
    db = tmp_path / "data" / "bot.sqlite3"
    config_path = tmp_path / "config.yaml"
    config_path.write_text(
        f"knowledge_dir: {knowledge}\nflows_dir: {flows}\nlog_level: WARNING\n"
        f"storage:\n  path: {db}\n", encoding="utf-8")
    return KbCopy(tmp_path, knowledge, flows, config_path, db)


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the whole session (tests/pgcluster.py)."""
    import os

    from tests import pgcluster
    if os.environ.get(pgcluster.SKIP_ENV) == "1":
        pytest.skip(f"{pgcluster.SKIP_ENV}=1: PostgreSQL tests skipped on request")
    try:
        cluster = pgcluster.start_cluster()
    except pgcluster.PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL could not be started for the tests: {exc}\n"
                    f"(install it with `make postgres`, or set {pgcluster.SKIP_ENV}=1 to skip)",
                    pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture
async def pg_url(pg_cluster) -> str:
    """The URL (with password) of a new, empty database on the session's server."""
    from tests import pgcluster
    return await pgcluster.fresh_database(pg_cluster)
