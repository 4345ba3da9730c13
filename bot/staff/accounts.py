"""Staff accounts: roles, argon2 password hashes, login with lockout per account and address."""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.staff.records import Account

ROLES = ("admin", "editor", "viewer", "team")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
TEAM_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_PASSWORD = 8
MAX_FAILURES = 5  # wrong passwords in a row lock the account
LOCK_SECONDS = 15 * 60
ADDRESS_ATTEMPTS = 20  # login attempts per address per window
ADDRESS_WINDOW = 15 * 60
_hasher = PasswordHasher()


def can_edit(account: Account) -> bool:
    """Editors and admins change knowledge and teams; viewers and teams only read."""
    return account.role in ("admin", "editor")


def check_new(name: str, role: str, team: str | None, password: str) -> str | None:
    """The problem with a new account's fields, or None when they are fine."""
    if not NAME_RE.fullmatch(name):
        return "name: 2-32 lower-case letters, digits, '.', '_' or '-'"
    if role not in ROLES:
        return f"role: one of {', '.join(ROLES)}"
    if role == "team" and not team:
        return "a team account needs --team CODE"
    if team and not (TEAM_RE.fullmatch(team) and len(team) <= 30):
        return "team: 1-30 lower-case letters, digits and dashes"
    if len(password) < MIN_PASSWORD:
        return f"password: at least {MIN_PASSWORD} characters"
    return None


async def create(staff: Any, name: str, role: str, team: str | None, password: str) -> None:
    """Add an account with a hashed password.

    Raises:
        ValueError: a field is invalid or the name is taken.
    """
    problem = check_new(name, role, team, password)
    if problem:
        raise ValueError(problem)
    if await staff.account(name) is not None:
        raise ValueError(f"account {name!r} already exists")
    await staff.add_account(name, role, team if role == "team" else team or None,
                            _hasher.hash(password))


class AddressLimiter:
    """A sliding window of login attempts per client address (kept in memory)."""

    def __init__(self, attempts: int = ADDRESS_ATTEMPTS, window: float = ADDRESS_WINDOW) -> None:
        self.attempts = attempts
        self.window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, address: str, now: float | None = None) -> bool:
        """Record an attempt; False when the address has used up its window."""
        now = time.time() if now is None else now
        seen = self._seen[address]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.attempts:
            return False
        seen.append(now)
        return True


async def authenticate(staff: Any, name: str, password: str,
                       now: float | None = None) -> tuple[Account | None, str]:
    """Check a password; count failures and lock the account after MAX_FAILURES.

    Returns:
        (account, "") on success, else (None, reason): "bad" or "locked".
    """
    now = time.time() if now is None else now
    account = await staff.account(name)
    if account is None:
        _hasher.hash(password)  # same cost whether or not the name exists
        return None, "bad"
    if account.locked_until > now:
        return None, "locked"
    try:
        _hasher.verify(account.pw_hash, password)
    except (VerificationError, InvalidHashError):
        failed = account.failed + 1
        locked = now + LOCK_SECONDS if failed >= MAX_FAILURES else 0.0
        await staff.set_failures(name, 0 if locked else failed, locked)
        return None, "locked" if locked else "bad"
    if account.failed:
        await staff.set_failures(name, 0, 0.0)
    return account, ""
