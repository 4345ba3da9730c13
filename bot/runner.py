"""Run the configured channels together until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from bot.app import Reloader, open_assistant
from bot.channels.launch import Channel
from bot.cluster.health import database_check
from bot.cluster.tasks import start_background
from bot.config import Config
from bot.httpserver import HttpServer
from bot.staff.serve import attach as attach_staff
from bot.supervise.starter import keep_starting

log = logging.getLogger(__name__)
STARTUP_WAIT_SECONDS = 60.0  # then "running" is logged even if a channel is still retrying


async def run_channels(config: Config, channels: Sequence[Channel]) -> int:
    """Start channels and the shared HTTP server; stop them cleanly on a signal.

    Returns:
        The exit code.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with open_assistant(config) as assistant:
        http = HttpServer(config.http.host, config.http.port)
        http.checks["database"] = database_check(assistant.store)
        await http.start()
        # A channel that cannot start is retried with backoff; the others serve meanwhile.
        starters = [asyncio.create_task(keep_starting(c, assistant, http)) for c in channels]
        await asyncio.wait(starters, timeout=STARTUP_WAIT_SECONDS)
        watch = Reloader(assistant, config)
        reloader = asyncio.create_task(watch.run())
        await attach_staff(assistant, config, http, watch.check)
        background = start_background(assistant.store, config)  # purge, claims, learned.yaml
        log.info("running: %s", ", ".join(c.name for c in channels))
        await stop.wait()
        log.info("stopping")
        reloader.cancel()
        for task in background:
            task.cancel()
        for starter in starters:
            starter.cancel()
        await asyncio.gather(*starters, return_exceptions=True)
        await _stop_all([c for c in channels if http.channels.get(c.name) == "up"])
        await http.stop()
    return 0


async def _stop_all(channels: Sequence[Channel]) -> None:
    for channel in channels:
        try:
            await channel.stop()
        except Exception:
            log.exception("channel %s did not stop cleanly", channel.name)
