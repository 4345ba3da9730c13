"""The staff console's HTTP handlers under /staff/: login, roles, CSRF, pages, actions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import jinja2
from aiohttp import web

from bot.catalog.entries import procedure_titles
from bot.core.assistant import Assistant
from bot.reports.window import VN, parse_window
from bot.staff import accounts
from bot.staff.pages import Pages
from bot.staff.records import Account
from bot.staff.session import Session, Sessions, csrf_ok
from bot.staff.store import staff_store
from bot.storage.base import ReportQuery

log = logging.getLogger(__name__)
PREFIX = "/staff/"
Page = Callable[[web.Request, Account, Session], Awaitable[web.StreamResponse]]
ROLE_LABELS = {"admin": "quản trị", "editor": "biên tập", "viewer": "xem", "team": "tổ"}
CHANNELS = ("console", "telegram", "zalo-bot", "zalo-oa")
_env = jinja2.Environment(loader=jinja2.PackageLoader("bot.staff", "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True)
_env.filters["when"] = lambda ts: dt.datetime.fromtimestamp(ts, VN).strftime("%Y-%m-%d %H:%M")


class StaffConsole:
    """Routes of the console; one instance per running assistant."""

    def __init__(self, assistant: Assistant, sessions: Sessions,
                 reload: Callable[[], Any] | None = None) -> None:
        self.assistant = assistant
        self.sessions = sessions
        self.reload = reload
        self.staff = staff_store(assistant.store)
        self.pages = Pages(assistant.store, self.staff)
        self.limiter = accounts.AddressLimiter()
        self._names: tuple[Any, dict[str, str]] = (None, {})

    # -- plumbing -------------------------------------------------------------------------

    def _guard(self, page: Page, need: str, form: bool) -> Callable[[web.Request],
                                                                  Awaitable[Any]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            session = self.sessions.read(request)
            account = await self.staff.account(session.name) if session else None
            if session is None or account is None:
                if form:
                    raise web.HTTPForbidden(text="Phiên đăng nhập đã hết. Hãy đăng nhập lại.")
                raise web.HTTPSeeOther(PREFIX + "login")
            if form and not csrf_ok(session, str((await request.post()).get("csrf") or "")):
                raise web.HTTPForbidden(text="Biểu mẫu không hợp lệ (thiếu mã CSRF).")
            if need == "edit" and not accounts.can_edit(account):
                raise web.HTTPForbidden(text="Tài khoản của bạn không có quyền này.")
            return await page(request, account, session)
        return handler

    def render(self, name: str, request: web.Request, account: Account | None,
               session: Session | None, **values: Any) -> web.Response:
        html = _env.get_template(name).render(
            account=account, csrf=session.csrf if session else "", role_labels=ROLE_LABELS,
            path=request.path, can_edit=bool(account and accounts.can_edit(account)),
            **values)
        response = web.Response(text=html, content_type="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
            " form-action 'self'; frame-ancestors 'none'")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def query(self, request: web.Request, account: Account) -> ReportQuery:
        """Filters from the address; a team account only ever gets its own team."""
        q = request.query
        team = q.get("team") or None
        if account.role == "team":
            if team and team != account.team:
                raise web.HTTPForbidden(text="Tổ chỉ xem được số liệu của tổ mình.")
            team = account.team
        channel = q.get("channel") or None
        if channel and channel not in CHANNELS:
            raise web.HTTPBadRequest(text="Kênh không hợp lệ.")
        try:
            since, until = parse_window(q.get("since") or None, q.get("until") or None)
        except ValueError as exc:
            raise web.HTTPBadRequest(text=f"Ngày không hợp lệ: {exc}") from exc
        return ReportQuery(since=since, until=until, channel=channel, team=team)

    @property
    def brain(self) -> Any:
        return self.assistant.brain

    def titles(self) -> dict[str, str]:
        """Curated topics by id (what the inbox can assign to, what posters open)."""
        return {tid: t.title for tid, t in self.brain.kb.topics.items()}

    def names(self) -> dict[str, str]:
        """Topics and catalogue procedures by entry id, for figures that name either."""
        catalog = getattr(self.brain, "catalog", None)
        version = (self.brain.kb.version, getattr(catalog, "version", ""))
        if self._names[0] != version:
            names = procedure_titles(catalog.procedures.values()) if catalog else {}
            self._names = (version, {**names, **self.titles()})
        return self._names[1]

    # -- login ----------------------------------------------------------------------------

    async def to_root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther(PREFIX)

    async def login_form(self, request: web.Request, error: str = "") -> web.Response:
        return self.render("login.html", request, None, None, error=error)

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        if not self.limiter.allow(request.remote or "?"):
            await self.staff.audit(name or "?", "login_throttled", request.remote or "?")
            return self._status(await self.login_form(
                request, "Quá nhiều lần thử. Hãy đợi 15 phút rồi thử lại."), 429)
        account, reason = await accounts.authenticate(self.staff, name, password)
        if account is None:
            await self.staff.audit(name or "?", f"login_{reason}", request.remote or "?")
            text = ("Tài khoản tạm khoá 15 phút vì nhập sai mật khẩu nhiều lần."
                    if reason == "locked" else "Sai tên đăng nhập hoặc mật khẩu.")
            return self._status(await self.login_form(request, text), 401)
        response = web.HTTPSeeOther(PREFIX)
        self.sessions.issue(response, request, account.name)
        await self.staff.audit(account.name, "login", request.remote or "?")
        raise response

    @staticmethod
    def _status(response: web.Response, status: int) -> web.Response:
        response.set_status(status)
        return response

    async def logout(self, request: web.Request, account: Account,
                     session: Session) -> web.StreamResponse:
        response = web.HTTPSeeOther(PREFIX + "login")
        self.sessions.end(response, session)
        await self.staff.audit(account.name, "logout", "")
        raise response
