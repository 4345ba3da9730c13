"""The channel-agnostic core: message types and the Assistant that decides every reply."""

from bot.core.models import Button, Incoming, Link, Reply

__all__ = ["Button", "Incoming", "Link", "Reply"]
