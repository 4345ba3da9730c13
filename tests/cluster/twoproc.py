"""Two `dvcbot run` processes in Telegram webhook mode on one database; kill -9 one halfway.

Each citizen sends a short script (half of them walk a guided flow by typing button numbers)
and waits for the answer before the next message, as people do. A message goes to one of the
two instances; when that fails (the instance is dead), the sender delivers it to the other, as
a load balancer would. The texts each chat received are compared with what the same scripts
get from an assistant that was never interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.channels.telegram.render import render_reply
from bot.core.assistant import Assistant
from bot.core.brain import build_brain
from bot.core.models import Incoming
from bot.privacy.pseudonym import Pseudonymizer
from bot.storage.memory import MemoryStore
from tests.conftest import TEST_KEY, bundled_config
from tests.fakes.telegram_api import FakeBotAPI
from tests.reliability.killloop import _start

SECRET = "two-process-webhook-secret"
FIRST_CHAT = 70_000
FLOW_SCRIPT = ["/start flow-khai-sinh-truc-tuyen", "1", "1", "1", "2"]
QUESTION_SCRIPT = ["/menu", "làm căn cước công dân", "2", "lệ phí đăng ký khai sinh"]


@dataclass
class Outcome:
    """What the chats received, against what an uninterrupted assistant answers."""

    citizens: int
    messages: int
    delivered_twice: int = 0  # posts retried on the other instance
    expected: int = 0
    missing: int = 0  # expected texts never received
    repeated: int = 0  # texts received twice in a row (sent again after the kill)
    wrong_order: int = 0  # chats whose texts, repeats removed, differ from the reference
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"citizens: {self.citizens}  messages: {self.messages}  "
                f"retried on the other instance: {self.delivered_twice}",
                f"texts expected: {self.expected}  missing: {self.missing}  "
                f"sent twice: {self.repeated}  chats out of order: {self.wrong_order}",
                *self.problems[:5]]


def script(n: int) -> list[str]:
    return FLOW_SCRIPT if n % 2 == 0 else QUESTION_SCRIPT


async def reference() -> dict[int, list[list[str]]]:
    """For each script, the texts each message gets from an assistant never interrupted."""
    config = bundled_config()
    assistant = Assistant(build_brain(config), MemoryStore(), config, Pseudonymizer(TEST_KEY))
    answers: dict[int, list[list[str]]] = {}
    for kind in (0, 1):
        answers[kind] = []
        for number, text in enumerate(script(kind)):
            start = text.removeprefix("/start ") if text.startswith("/start ") else None
            replies = await assistant.handle(Incoming(
                "telegram", f"ref{kind}", text=None if start else text, start_payload=start,
                update_id=f"{kind}-{number}"))
            answers[kind].append([out.text for r in replies for out in render_reply(r)])
    return answers


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(folder: Path, port: int, storage: str, base_url: str,
                 webhook: bool = True) -> None:
    """An instance's config.yaml: `storage` is the indented body of its `storage:` section;
    without `webhook` the instance polls (the default mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    mode = (f"  mode: webhook\n  webhook_url: http://127.0.0.1:{port}/telegram/webhook\n"
            if webhook else "")
    (folder / "config.yaml").write_text(
        f"log_level: WARNING\nstorage:\n{storage}\nhttp:\n  host: 127.0.0.1\n  port: {port}\n"
        f"telegram:\n  base_url: {base_url}\n{mode}", encoding="utf-8")


async def start_polling(fake: FakeBotAPI, folder: Path, storage: str, base_url: str,
                        env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    """Start a polling `dvcbot run` in a new `folder`; returns it and its /healthz URL."""
    folder.mkdir()
    port = free_port()
    write_config(folder, port, storage, base_url, webhook=False)
    return await _start(fake, folder, env), f"http://127.0.0.1:{port}/healthz"


async def wait_ready(session: aiohttp.ClientSession, url: str, seconds: float = 60,
                     process: asyncio.subprocess.Process | None = None,
                     log: Path | None = None) -> None:
    """Until the webhook route answers (403 without the secret); fails at once, with the end
    of its `log`, when `process` exits instead."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if process is not None and process.returncode is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            raise RuntimeError(f"the instance behind {url} exited ({process.returncode}):\n{tail}")
        with contextlib.suppress(aiohttp.ClientError):
            async with session.post(url, json={}) as response:
                if response.status == 403:
                    return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} never came up")


class Citizens:
    """Plays the citizens and the load balancer; counts the replies each chat received."""

    def __init__(self, fake: FakeBotAPI, urls: list[str], session: aiohttp.ClientSession,
                 answers: dict[int, list[list[str]]], outcome: Outcome) -> None:
        self.fake, self.urls, self.session = fake, urls, session
        self.answers, self.outcome = answers, outcome
        self.sent = 0
        self.half = asyncio.Event()
        self._counts: dict[int, int] = {}
        self._seen = 0

    def tally(self) -> None:
        """Count the sendMessage calls made since the last look, per chat."""
        calls = self.fake.calls
        for call in calls[self._seen:]:
            if call.method == "sendMessage":
                chat = int(call.params.get("chat_id", 0))
                self._counts[chat] = self._counts.get(chat, 0) + 1
        self._seen = len(calls)

    async def post(self, first: int, update: dict[str, object]) -> None:
        """Deliver one update; on failure deliver it to the other instance, until accepted."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for attempt in range(200):
            url = self.urls[(first + attempt) % 2]
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self.session.post(url, json=update, headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=20)) as resp:
                    if resp.status == 200:
                        self.outcome.delivered_twice += attempt > 0
                        return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"update {update['update_id']} was never accepted")

    async def citizen(self, n: int) -> None:
        chat, kind = FIRST_CHAT + n, n % 2
        expected = 0
        for number, text in enumerate(script(n)):
            await self.post(n % 2, self.fake.message_update(chat, text))
            self.sent += 1
            if self.sent >= self.outcome.messages // 2:
                self.half.set()
            expected += len(self.answers[kind][number])
            for _ in range(600):  # a minute at most, then the next message anyway
                if self._counts.get(chat, 0) >= expected:
                    break
                await asyncio.sleep(0.1)

    def compare(self, citizens: int) -> None:
        """Texts received per chat against the uninterrupted reference."""
        out = self.outcome
        for n in range(citizens):
            want = [t for texts in self.answers[n % 2] for t in texts]
            got = self.fake.texts(FIRST_CHAT + n)
            matched, wrong = 0, False
            for text in got:
                if matched < len(want) and text == want[matched]:
                    matched += 1
                elif text in want[:matched]:
                    out.repeated += 1
                else:
                    wrong = True
            out.expected += len(want)
            out.missing += len(want) - matched
            if wrong or matched < len(want):
                out.wrong_order += wrong
                out.problems.append(f"chat {FIRST_CHAT + n}: got {len(got)} texts, "
                                    f"{matched} of {len(want)} in order")


async def kill_one_of_two(workdir: Path, storage: str, citizens: int = 200,
                          env: dict[str, str] | None = None) -> Outcome:
    """Run the scenario; `storage` is the indented body of the config's `storage:` section.

    Args:
        workdir: a folder for the two instances' configs.
        storage: e.g. "  path: /tmp/x.sqlite3" or "  url: postgresql://...".
        citizens: how many chats.
        env: more environment for both processes (DVCBOT_DATABASE_URL).
    """
    answers = await reference()
    outcome = Outcome(citizens, sum(len(script(n)) for n in range(citizens)))
    fake = FakeBotAPI()
    await fake.start()
    processes: list[asyncio.subprocess.Process] = []
    try:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            write_config(workdir / name, port, storage, fake.base_url)
            urls.append(f"http://127.0.0.1:{port}/telegram/webhook")
            processes.append(await _start(fake, workdir / name, {
                "DVCBOT_INSTANCE": name, "DVCBOT_TELEGRAM_WEBHOOK_SECRET": SECRET,
                **(env or {})}))
        async with aiohttp.ClientSession() as session:
            for url, process, name in zip(urls, processes, ("a", "b"), strict=True):
                await wait_ready(session, url, process=process,
                                 log=workdir / name / "stderr.log")
            play = Citizens(fake, urls, session, answers, outcome)
            await play_and_kill(play, citizens, lambda: kill_now(processes[0]))
        play.compare(citizens)
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
                await process.wait()
        await fake.close()
    return outcome


async def play_and_kill(play: Citizens, citizens: int, kill: Callable[[], Awaitable[None]]
                        ) -> None:
    """Let the citizens talk; halfway through run `kill`; wait for them all to finish."""
    async def tally() -> None:
        while True:
            play.tally()
            await asyncio.sleep(0.05)

    counter = asyncio.create_task(tally())
    crowd = asyncio.gather(*(play.citizen(n) for n in range(citizens)))
    try:
        await play.half.wait()
        await kill()
        await crowd
        await asyncio.sleep(3.0)  # replies sent again late would show up by now
    finally:
        counter.cancel()
        if not crowd.done():
            crowd.cancel()


async def kill_now(process: asyncio.subprocess.Process) -> None:
    """SIGKILL, and wait until the process is gone."""
    process.kill()
    await process.wait()
