"""The console channel: chat in a terminal, or pipe a transcript through stdin."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.core.assistant import Assistant
from bot.core.models import Incoming, Reply, numbered_text

if TYPE_CHECKING:
    from bot.app import Reloader

CHANNEL = "console"
PROMPT = "Bạn: "
log = logging.getLogger(__name__)


def lenient_stdio() -> None:
    """Read and write the standard streams with `errors="replace"`.

    A UTF-8 locale (or PYTHONIOENCODING=utf-8) makes Python decode stdin strictly, so one
    byte of another encoding in a piped transcript would end `dvcbot chat` or `dvcbot match`
    with UnicodeDecodeError; it becomes U+FFFD instead, and the line is still answered.
    """
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # closed or detached: nothing to read or write
                continue


def render(replies: list[Reply]) -> str:
    """Replies as console text: buttons become a numbered list (typed numbers press them)."""
    return "\n\n".join(numbered_text(r) for r in replies)


def log_to_file(path: Path) -> None:
    """Keep the chat clean: INFO lines go to `path`, the terminal only shows warnings."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler):
            handler.setLevel(max(handler.level, logging.WARNING))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def _pump(stdin: TextIO, deliver: Callable[[str], None]) -> None:
    """Read lines in a daemon thread, so Ctrl-C never waits for one to arrive.

    A real file descriptor is read unbuffered: a daemon thread blocked inside sys.stdin's
    buffered reader would hold its lock while the interpreter shuts down.
    """
    try:
        fd = stdin.fileno()
    except (OSError, ValueError, AttributeError):
        fd = -1
    if fd < 0:
        while line := stdin.readline():
            deliver(line)
        deliver("")
        return
    pending = b""
    while chunk := os.read(fd, 4096):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            deliver(raw.decode("utf-8", "replace") + "\n")
    if pending:
        deliver(pending.decode("utf-8", "replace"))
    deliver("")


def _start_reader(stdin: TextIO) -> asyncio.Queue[str]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def deliver(line: str) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: the chat is over
            loop.call_soon_threadsafe(queue.put_nowait, line)

    threading.Thread(target=_pump, args=(stdin, deliver), name="console-stdin",
                     daemon=True).start()
    return queue


async def run_console(assistant: Assistant, stdin: TextIO | None = None,
                      stdout: TextIO | None = None, user: str = "local",
                      reloader: Reloader | None = None) -> int:
    """Chat until end of input. Interactive on a terminal; line by line when piped.

    Args:
        assistant: the core.
        stdin: input stream (default sys.stdin).
        stdout: output stream (default sys.stdout).
        user: the console user's id (one person per console).
        reloader: when given, knowledge edits are picked up before each message.

    Returns:
        The exit code (0).
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    if interactive:
        first = await assistant.handle(Incoming(CHANNEL, user, start_payload=""))
        stdout.write(render(first) + "\n\n")
    lines = _start_reader(stdin)
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await lines.get()
        if not line:
            break
        text = line.rstrip("\n")
        if not text.strip() and not interactive:
            continue
        if reloader is not None:
            await asyncio.to_thread(reloader.check)
        replies = await assistant.handle(Incoming(CHANNEL, user, text=text))
        if not interactive:
            stdout.write(f"{PROMPT}{text}\n")
        stdout.write(render(replies) + "\n\n")
        stdout.flush()
    return 0
