"""Persistence behind one narrow interface: sessions, the turn log, feedback, referrals, kv."""

from bot.storage.base import FeedbackRecord, ReferralRecord, Store, TurnRecord
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SQLiteStore

__all__ = ["FeedbackRecord", "MemoryStore", "ReferralRecord", "SQLiteStore", "Store",
           "TurnRecord"]
