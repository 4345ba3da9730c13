"""Pseudonymous user keys: a keyed hash with a per-installation secret."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)


class Pseudonymizer:
    """Maps (channel, user id) to a stable key that cannot be reversed without the secret."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must be at least 16 bytes")
        self._key = key

    def __call__(self, channel: str, user_id: str) -> str:
        """Return the pseudonymous key for a channel user.

        Args:
            channel: the channel name.
            user_id: the channel's own id for the person.

        Returns:
            20 hex characters, stable for this installation.
        """
        message = f"{channel}:{user_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:20]


def load_or_create_key(env_value: str, key_file: str | Path) -> bytes:
    """Return the installation secret: from the environment, else a file created once.

    Args:
        env_value: DVCBOT_PSEUDONYM_KEY, possibly empty.
        key_file: where a generated key is kept (mode 0600), beside the database.

    Returns:
        The key bytes.
    """
    if env_value:
        return env_value.encode()
    path = Path(key_file)
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    log.info("created a new pseudonym key at %s", path)
    return key
