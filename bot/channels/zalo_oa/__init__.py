"""Zalo Official Account channel (OA Open API v3, signed webhook, rotating tokens)."""

from bot.channels.zalo_oa.channel import ZaloOAChannel
from bot.channels.zalo_oa.events import CHANNEL

__all__ = ["CHANNEL", "ZaloOAChannel"]
