"""OA access tokens: single-use refresh tokens, rotated and saved before the new token is used."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp

from bot.privacy.logfilter import add_secret
from bot.storage.base import Store

log = logging.getLogger(__name__)

STORE_KEY = "zalo_oa.tokens"
TOKEN_PATH = "/v4/oa/access_token"  # noqa: S105 - a URL path, not a secret
REFRESH_AHEAD_SECONDS = 3600.0  # access tokens live ~25 h: renew an hour (at most) early
# Several instances share one pair: one refreshes under this lease, the others read its result.
REFRESH_LEASE = "zalo_oa.token_refresh"
REFRESH_LEASE_SECONDS = 60.0  # longer than one OAuth call (30 s timeout)
WAIT_STEP_SECONDS = 0.5
WAIT_STEPS = 80  # how long to wait for another instance's refresh before giving up


class ZaloOAAuthError(Exception):
    """No usable token: the refresh was refused or nothing was configured."""


@dataclass(frozen=True)
class Tokens:
    """The current pair; times are 0 when unknown; `seed` fingerprints the env token."""

    access_token: str
    refresh_token: str
    expires_at: float = 0.0
    seed: str = ""
    refresh_at: float = 0.0  # when to renew: a little before `expires_at`


def fingerprint(token: str) -> str:
    """A short one-way fingerprint, to notice that the operator set a new refresh token."""
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


class TokenManager:
    """Owns the OA token pair; every rotation is written to the store before use."""

    def __init__(self, store: Store, session: aiohttp.ClientSession, *, oauth_url: str,
                 app_id: str, app_secret: str, env_refresh_token: str = "",
                 env_access_token: str = "", clock: Callable[[], float] = time.time) -> None:
        """Wire the manager; call `load()` before use.

        Args:
            store: where the pair is kept (the `kv` table), so rotations survive restarts.
            session: the HTTP session.
            oauth_url: the OAuth host, e.g. https://oauth.zaloapp.com.
            app_id: the Zalo app id.
            app_secret: the App Secret (sent in the `secret_key` header).
            env_refresh_token: DVCBOT_ZALO_OA_REFRESH_TOKEN, the first refresh token.
            env_access_token: DVCBOT_ZALO_OA_ACCESS_TOKEN, an optional first access token.
            clock: wall-clock seconds.
        """
        self.store = store
        self.session = session
        self.url = oauth_url.rstrip("/") + TOKEN_PATH
        self.app_id = app_id
        self._app_secret = app_secret
        self._env_refresh = env_refresh_token
        self._env_access = env_access_token
        self.clock = clock
        self.tokens = Tokens("", "")
        self._lock = asyncio.Lock()

    async def load(self) -> Tokens:
        """Read the saved pair; seed it from the environment on first run or a new env token.

        Returns:
            The current pair.

        Raises:
            ZaloOAAuthError: no token anywhere.
        """
        saved = await self.store.get_value(STORE_KEY)
        tokens = Tokens(**json.loads(saved)) if saved else None
        seed = fingerprint(self._env_refresh)
        if tokens is None or (seed and tokens.seed != seed):
            if not (self._env_refresh or self._env_access):
                raise ZaloOAAuthError("zalo_oa: no token saved and DVCBOT_ZALO_OA_REFRESH_TOKEN"
                                      " is not set")
            if tokens is not None:
                log.info("zalo-oa: a new DVCBOT_ZALO_OA_REFRESH_TOKEN was set; using it")
            tokens = Tokens(self._env_access, self._env_refresh, 0.0, seed)
            await self._save(tokens)
        self.tokens = tokens
        add_secret(tokens.access_token)
        add_secret(tokens.refresh_token)
        return tokens

    async def _save(self, tokens: Tokens) -> None:
        add_secret(tokens.access_token)  # rotated tokens are masked in the log like the first
        add_secret(tokens.refresh_token)
        await self.store.set_value(STORE_KEY, json.dumps(asdict(tokens)))

    def due(self) -> bool:
        """True when there is no access token or it expires within the margin."""
        due_at = self.tokens.refresh_at
        return not self.tokens.access_token or 0 < due_at <= self.clock()

    async def access_token(self) -> str:
        """A usable access token, refreshed ahead of expiry.

        Returns:
            The token for the `access_token` header.
        """
        if self.due():
            return await self.refresh(stale=self.tokens.access_token)
        return self.tokens.access_token

    async def refresh(self, stale: str | None = None) -> str:
        """Trade the refresh token for a new pair; save it, then return the access token.

        Args:
            stale: the access token found expired; when another task already replaced it,
                the current one is returned without spending the refresh token again.

        Returns:
            The new access token.

        Raises:
            ZaloOAAuthError: the OAuth server refused the refresh token.
        """
        async with self._lock:
            if stale is not None and self.tokens.access_token != stale and not self.due():
                return self.tokens.access_token
            for _ in range(WAIT_STEPS):
                if await self._adopt_saved():
                    return self.tokens.access_token  # another instance refreshed already
                if await self._lease(REFRESH_LEASE_SECONDS):
                    try:
                        if await self._adopt_saved():
                            return self.tokens.access_token
                        return await self._refresh_now()
                    finally:
                        await self._lease(0.0)
                await asyncio.sleep(WAIT_STEP_SECONDS)
            raise ZaloOAAuthError("zalo_oa: another instance is still refreshing the token")

    async def _adopt_saved(self) -> bool:
        """Use the pair another instance saved, if it is newer than ours and still fresh."""
        saved = await self.store.get_value(STORE_KEY)
        if not saved:
            return False
        tokens = Tokens(**json.loads(saved))
        if tokens.seed != self.tokens.seed or (tokens.access_token, tokens.refresh_token) == (
                self.tokens.access_token, self.tokens.refresh_token):
            return False
        self.tokens = tokens
        add_secret(tokens.access_token)
        add_secret(tokens.refresh_token)
        return not self.due()

    async def _lease(self, seconds: float) -> bool:
        """Take (seconds > 0) or give up (0) the refresh lease; always ours with one process."""
        try:
            if seconds > 0:
                return await self.store.lease(REFRESH_LEASE, seconds)
            await self.store.lease_release(REFRESH_LEASE)
        except NotImplementedError:
            pass
        return True

    async def _refresh_now(self) -> str:
        """Spend the refresh token (the caller holds the lease)."""
        if not self.tokens.refresh_token:
            raise ZaloOAAuthError("zalo_oa: no refresh token; authorise the app again")
        body = _pair(await self._request(self.tokens.refresh_token))
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not access:
            raise ZaloOAAuthError(f"zalo_oa: token refresh refused: {_describe(body)}")
        if not isinstance(refresh, str) or not refresh:
            refresh = self.tokens.refresh_token
        now, lifetime = self.clock(), _seconds(body.get("expires_in"))
        ahead = min(REFRESH_AHEAD_SECONDS, lifetime / 10)
        new = Tokens(access, refresh, now + lifetime if lifetime else 0.0,
                     self.tokens.seed, now + lifetime - ahead if lifetime else 0.0)
        try:
            await self._save(new)  # a refresh token works once: keep the new one first
        except Exception:
            log.critical("zalo-oa: could not save the rotated tokens; they live in memory "
                         "only until restart")
            raise
        finally:
            self.tokens = new
        log.info("zalo-oa: access token refreshed")
        return new.access_token

    async def _request(self, refresh_token: str) -> dict[str, Any]:
        form = {"app_id": self.app_id, "grant_type": "refresh_token",
                "refresh_token": refresh_token}
        try:
            async with self.session.post(self.url, data=form,
                                         headers={"secret_key": self._app_secret},
                                         timeout=aiohttp.ClientTimeout(total=30)) as resp:
                text = await resp.text()
        except aiohttp.ClientError as exc:
            raise ZaloOAAuthError(f"zalo_oa: OAuth server unreachable: {type(exc).__name__}"
                                  ) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise ZaloOAAuthError(f"zalo_oa: token answer is not JSON (HTTP {resp.status})"
                                  ) from None
        return body if isinstance(body, dict) else {}


def _pair(body: dict[str, Any]) -> dict[str, Any]:
    """The token pair: top-level as documented, or under `data` like other Zalo answers.

    Reading it wrong would lose the new refresh token, and the old one is already spent.
    """
    data = body.get("data")
    if "access_token" not in body and isinstance(data, dict) and "access_token" in data:
        return data
    return body


def _seconds(value: Any) -> float:
    """`expires_in` arrives as a number or a numeric string; unknown means 0 (no expiry)."""
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 0.0


def _describe(body: dict[str, Any]) -> str:
    parts = [str(body.get(k)) for k in ("error", "error_name", "error_description", "message")
             if body.get(k) not in (None, "")]
    return " ".join(parts) or "no access_token in the answer"
