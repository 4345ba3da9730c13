"""Zalo Bot Platform channel (bot token, Telegram-like API, text only)."""

from bot.channels.zalo_bot.channel import ZaloBotChannel
from bot.channels.zalo_bot.updates import CHANNEL

__all__ = ["CHANNEL", "ZaloBotChannel"]
