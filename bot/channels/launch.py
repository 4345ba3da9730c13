"""Which channels `dvcbot run` starts: every one whose token is configured."""

from __future__ import annotations

from typing import Protocol

from bot.config import Config, ConfigError, Secrets
from bot.core.assistant import Assistant
from bot.httpserver import HttpServer


class Channel(Protocol):
    """A running channel adapter."""

    name: str

    async def start(self, assistant: Assistant, http: HttpServer) -> None:
        """Start receiving (polling task or webhook routes on `http`)."""

    async def stop(self) -> None:
        """Stop cleanly (confirm offsets, close sessions)."""


def configured_channels(config: Config, secrets: Secrets) -> list[Channel]:
    """Build an adapter for every channel that has its secrets set.

    Args:
        config: the configuration.
        secrets: tokens from the environment.

    Returns:
        The adapters to start; empty means `dvcbot run` falls back to the console chat.
    """
    channels: list[Channel] = []
    if secrets.telegram_token and config.telegram.enabled:
        from bot.channels.telegram import TelegramChannel  # imports PTB only when used

        try:
            channels.append(TelegramChannel(config.telegram, secrets.telegram_token,
                                            secrets.telegram_webhook_secret))
        except ValueError as exc:
            raise ConfigError(config.source, 0, f"telegram: {exc}") from exc
    if secrets.zalo_bot_token and config.zalo_bot.enabled:
        from bot.channels.zalo_bot import ZaloBotChannel

        try:
            channels.append(ZaloBotChannel(config.zalo_bot, secrets.zalo_bot_token,
                                           secrets.zalo_bot_webhook_secret))
        except ValueError as exc:
            raise ConfigError(config.source, 0, str(exc)) from exc
    if config.zalo_oa.app_id and secrets.zalo_oa_secret_key and config.zalo_oa.enabled:
        from bot.channels.zalo_oa import ZaloOAChannel

        channels.append(ZaloOAChannel(config.zalo_oa, secrets))
    return channels
