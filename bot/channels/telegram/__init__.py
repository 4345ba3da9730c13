"""Telegram channel: python-telegram-bot v22 over any Bot API-compatible server."""

from bot.channels.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
