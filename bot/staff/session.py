"""Encrypted session cookies (Fernet) with expiry, logout, CSRF tokens and the Secure flag."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken

COOKIE = "dvcbot_staff"


@dataclass(frozen=True)
class Session:
    """Who is logged in, the session's id (for logout) and its CSRF token."""

    name: str
    sid: str
    csrf: str
    issued: float


class Sessions:
    """Issues and reads session cookies; a logged-out session id is refused until it expires."""

    def __init__(self, key: bytes, max_age: int, secure: str, trusted: list[str]) -> None:
        self._fernet = Fernet(key)
        self.max_age = max_age
        self.secure = secure  # auto | always | never
        self.trusted = set(trusted)
        self._revoked: dict[str, float] = {}

    def is_https(self, request: web.Request) -> bool:
        """HTTPS directly, or said by X-Forwarded-Proto from a trusted proxy, or by config."""
        if self.secure in ("always", "never"):
            return self.secure == "always"
        if request.secure:
            return True
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        return proto == "https" and request.remote in self.trusted

    def issue(self, response: web.StreamResponse, request: web.Request, name: str) -> Session:
        """Start a session for `name`: set the cookie on `response`."""
        session = Session(name, secrets.token_urlsafe(16), secrets.token_urlsafe(24), time.time())
        token = self._fernet.encrypt(json.dumps(
            {"n": name, "s": session.sid, "c": session.csrf}).encode()).decode()
        response.set_cookie(COOKIE, token, max_age=self.max_age, path="/staff/", httponly=True,
                            samesite="Strict", secure=self.is_https(request))
        return session

    def read(self, request: web.Request) -> Session | None:
        """The request's valid, unexpired, not logged-out session."""
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        try:
            raw = self._fernet.decrypt(token.encode(), ttl=self.max_age)
            data = json.loads(raw)
            issued = float(self._fernet.extract_timestamp(token.encode()))
        except (InvalidToken, ValueError):
            return None
        if data.get("s") in self._revoked:
            return None
        return Session(str(data["n"]), str(data["s"]), str(data["c"]), issued)

    def end(self, response: web.StreamResponse, session: Session | None) -> None:
        """Log out: forget the session id and clear the cookie."""
        now = time.time()
        self._revoked = {s: t for s, t in self._revoked.items() if t > now}
        if session is not None:
            self._revoked[session.sid] = session.issued + self.max_age
        response.del_cookie(COOKIE, path="/staff/")


def csrf_ok(session: Session, submitted: str | None) -> bool:
    """Compare a form's token with the session's in constant time."""
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))
