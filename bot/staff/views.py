"""The console's pages: overview, inbox (and its decisions), funnels, teams, knowledge, audit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.staff import browse, learn
from bot.staff.accounts import TEAM_RE
from bot.staff.poster import PosterSpec, poster_target, render_poster
from bot.staff.records import Account
from bot.staff.session import Session
from bot.staff.web import PREFIX, Page, StaffConsole


class ConsolePages(StaffConsole):
    """Every page of the console (the plumbing lives in StaffConsole)."""

    def routes(self) -> list[tuple[str, str, Callable[[web.Request], Awaitable[Any]]]]:
        """(method, path, handler) for every console route."""
        guarded: list[tuple[str, str, Page, str]] = [
            ("GET", "", self.overview, "read"), ("GET", "inbox", self.inbox, "read"),
            ("POST", "inbox", self.decide, "edit"), ("GET", "funnels", self.funnels, "read"),
            ("GET", "teams", self.teams, "read"), ("POST", "teams", self.add_team, "edit"),
            ("GET", "poster", self.poster, "read"), ("GET", "knowledge", self.knowledge, "read"),
            ("GET", "audit", self.audit, "edit"), ("POST", "logout", self.logout, "any"),
        ]
        found: list[tuple[str, str, Callable[[web.Request], Awaitable[Any]]]] = [
            ("GET", "/staff", self.to_root), ("GET", PREFIX + "login", self.login_form),
            ("POST", PREFIX + "login", self.login)]
        for method, path, page, need in guarded:
            found.append((method, PREFIX + path, self._guard(page, need, method == "POST")))
        return found

    def _filters(self, request: web.Request, account: Account) -> dict[str, str]:
        q = request.query
        return {"since": q.get("since", ""), "until": q.get("until", ""),
                "channel": q.get("channel", ""),
                "team": account.team or "" if account.role == "team" else q.get("team", "")}

    async def overview(self, request: web.Request, account: Account,
                       session: Session) -> web.Response:
        query = self.query(request, account)
        data = await self.pages.overview(query, self.brain.flows, self.names())
        peak = max([n for _, n in data.weekly] or [1])
        return self.render("overview.html", request, account, session, data=data, peak=peak,
                           filters=self._filters(request, account))

    async def inbox(self, request: web.Request, account: Account, session: Session,
                    notice: str = "", problems: list[str] | None = None) -> web.Response:
        query = self.query(request, account)
        data = await self.pages.inbox(query, self.brain.flows)
        topics = sorted(self.titles().items(), key=lambda kv: kv[1])
        return self.render("inbox.html", request, account, session, data=data, topics=topics,
                           titles=self.names(), notice=notice, problems=problems or [],
                           filters=self._filters(request, account))

    async def decide(self, request: web.Request, account: Account,
                     session: Session) -> web.StreamResponse:
        form = await request.post()
        wording = str(form.get("wording", "")).strip()
        action = str(form.get("action", ""))
        examples = [str(v) for v in form.getall("example", [])][:5]
        if not wording or action not in learn.DECISIONS:
            raise web.HTTPBadRequest(text="Thiếu nhóm câu hỏi hoặc lựa chọn.")
        self.pages.forget("inbox")
        self.pages.forget("overview")
        if action == "topic":
            topic = str(form.get("topic", ""))
            if topic not in self.brain.kb.topics:
                return self._status(await self.inbox(
                    request, account, session, problems=[f"Chủ đề không tồn tại: {topic}"]),
                    422)
            problems = await learn.assign(self.assistant.config, self.staff, account.name,
                                          wording, topic, examples, self.reload)
            if problems:
                return self._status(await self.inbox(request, account, session,
                                                     problems=problems), 422)
            notice = f"Đã thêm vào chủ đề «{self.titles()[topic]}». Trợ lý đã học câu hỏi này."
        else:
            await learn.mark(self.staff, account.name, wording, action)
            notice = ("Đã đưa vào danh sách cần chủ đề mới." if action == "new_topic"
                      else "Đã bỏ qua nhóm câu hỏi này.")
        return await self.inbox(request, account, session, notice=notice)

    async def funnels(self, request: web.Request, account: Account,
                      session: Session) -> web.Response:
        funnels = await self.pages.funnels(self.query(request, account), self.brain.flows)
        return self.render("funnels.html", request, account, session, funnels=funnels,
                           filters=self._filters(request, account))

    async def teams(self, request: web.Request, account: Account, session: Session,
                    error: str = "") -> web.Response:
        query = self.query(request, account)
        arrivals = await self.pages.arrivals(query)
        teams = await self.staff.teams()
        if account.role == "team":
            teams = [t for t in teams if t[0] == account.team] or [(account.team, None, "")]
            arrivals = {k: v for k, v in arrivals.items() if k == account.team}
        return self.render("teams.html", request, account, session, teams=teams,
                           arrivals=arrivals, titles=self.titles(), error=error,
                           topics=sorted(self.titles().items(), key=lambda kv: kv[1]))

    async def add_team(self, request: web.Request, account: Account,
                       session: Session) -> web.StreamResponse:
        form = await request.post()
        code = str(form.get("code", "")).strip()
        topic = str(form.get("topic", "")) or None
        note = str(form.get("note", "")).strip()[:200]
        if not (TEAM_RE.fullmatch(code) and len(code) <= 30):
            return self._status(await self.teams(request, account, session,
                                                 "Mã tổ: chữ thường không dấu, số, gạch nối."),
                                422)
        if topic and topic not in self.brain.kb.topics:
            raise web.HTTPBadRequest(text="Chủ đề không tồn tại.")
        if any(t[0] == code for t in await self.staff.teams()):
            return self._status(await self.teams(request, account, session,
                                                 f"Mã tổ {code} đã có."), 409)
        await self.staff.add_team(code, topic, note, account.name)
        await self.staff.audit(account.name, "team_add", f"{code} ({topic or '-'})")
        self.pages.forget("arrivals")
        raise web.HTTPSeeOther(PREFIX + "teams")

    async def poster(self, request: web.Request, account: Account,
                     session: Session) -> web.Response:
        code = request.query.get("team", "")
        if account.role == "team" and code != account.team:
            raise web.HTTPForbidden(text="Tổ chỉ tải được áp phích của tổ mình.")
        topic, title = poster_target(self.brain, request.query.get("topic", ""),
                                     request.query.get("procedure", ""))
        fmt = request.query.get("format", "pdf")
        if not topic or fmt not in ("pdf", "png") or not TEAM_RE.fullmatch(code):
            raise web.HTTPBadRequest(text="Thiếu tổ, chủ đề (hoặc mã thủ tục) hay định dạng.")
        cfg = self.assistant.config
        spec = PosterSpec(cfg.staff.bot_name, title, topic, code,
                          cfg.telegram.username, cfg.staff.zalo_qr_url)
        try:
            body = render_poster(spec, fmt)
        except ValueError as exc:
            raise web.HTTPConflict(text=str(exc)) from exc
        kind = "application/pdf" if fmt == "pdf" else "image/png"
        disposition = f'attachment; filename="{code}-{topic}.{fmt}"'
        return web.Response(body=body, content_type=kind,
                            headers={"Content-Disposition": disposition})

    async def knowledge(self, request: web.Request, account: Account,
                        session: Session) -> web.Response:
        text = request.query.get("q", "").strip()[:300]
        result = await browse.explain(self.assistant, text) if text else None
        return self.render("knowledge.html", request, account, session, q=text,
                           result=result, titles=self.names(),
                           catalog_note=browse.CATALOG_NOTE)

    async def audit(self, request: web.Request, account: Account,
                    session: Session) -> web.Response:
        return self.render("audit.html", request, account, session,
                           rows=await self.staff.audit_log())


