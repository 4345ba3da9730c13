"""Start one channel, retrying with backoff while it cannot; the others keep serving."""

from __future__ import annotations

import asyncio
import logging

from bot.channels.launch import Channel
from bot.core.assistant import Assistant
from bot.httpserver import HttpServer

log = logging.getLogger(__name__)
FIRST_DELAY = 5.0
MAX_DELAY = 300.0


async def keep_starting(channel: Channel, assistant: Assistant, http: HttpServer,
                        first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY) -> None:
    """Try `channel.start()` until it succeeds, doubling the wait up to `max_delay`.

    The state is kept in `http.channels` for /healthz ("up", or why the channel is down).
    """
    delay = first_delay
    while True:
        try:
            await channel.start(assistant, http)
        except asyncio.CancelledError:
            await _stop_quietly(channel)  # shutting down while it was starting
            raise
        except Exception as exc:
            http.channels[channel.name] = f"down: {type(exc).__name__}: {exc}"[:200]
            log.error("channel %s could not start (%s); retrying in %.0f s", channel.name, exc,
                      delay)
            await _stop_quietly(channel)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            continue
        http.channels[channel.name] = "up"
        log.info("channel %s started", channel.name)
        return


async def _stop_quietly(channel: Channel) -> None:
    try:
        await channel.stop()
    except Exception as exc:
        log.debug("channel %s: stop after a failed start: %s", channel.name, exc)
