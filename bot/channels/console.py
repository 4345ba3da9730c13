"""The console channel: chat in a terminal, or pipe a transcript through stdin."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.core.assistant import Assistant
from bot.core.models import Incoming, Reply, numbered_text

CHANNEL = "console"
PROMPT = "Bạn: "


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


async def run_console(assistant: Assistant, stdin: TextIO | None = None,
                      stdout: TextIO | None = None, user: str = "local") -> int:
    """Chat until end of input. Interactive on a terminal; line by line when piped.

    Args:
        assistant: the core.
        stdin: input stream (default sys.stdin).
        stdout: output stream (default sys.stdout).
        user: the console user's id (one person per console).

    Returns:
        The exit code (0).
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    if interactive:
        first = await assistant.handle(Incoming(CHANNEL, user, start_payload=""))
        stdout.write(render(first) + "\n\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\n")
        if not text.strip() and not interactive:
            continue
        replies = await assistant.handle(Incoming(CHANNEL, user, text=text))
        if not interactive:
            stdout.write(f"{PROMPT}{text}\n")
        stdout.write(render(replies) + "\n\n")
        stdout.flush()
    return 0
