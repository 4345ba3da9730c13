"""Teams (create a code, posters) and the knowledge browser, through the real server."""

from __future__ import annotations

import dataclasses

from bot.storage.base import ReportQuery
from tests.staff.conftest import client, login


async def test_editor_creates_a_team_and_downloads_its_poster(console):
    async with client() as http:
        csrf = await login(http, console.url)
        form = {"csrf": csrf, "code": "to-cns-ap-3", "topic": "khai-sinh", "note": "Ấp 3"}
        async with http.post(console.url + "/staff/teams", data=form) as r:
            page = await r.text()
            assert r.status == 200 and "to-cns-ap-3" in page
        async with http.post(console.url + "/staff/teams", data=form) as r:
            assert r.status == 409
        async with http.post(console.url + "/staff/teams",
                             data={**form, "code": "Tổ Ấp 3!"}) as r:
            assert r.status == 422
        poster = console.url + "/staff/poster?team=to-cns-ap-3&topic=khai-sinh&format=png"
        async with http.get(poster) as r:
            assert r.status == 409 and "telegram.username" in await r.text()
        console.assistant.config = dataclasses.replace(
            console.assistant.config,
            telegram=dataclasses.replace(console.config.telegram, username="tro_ly_dvc_bot"))
        async with http.get(poster) as r:
            assert r.status == 200 and (await r.read()).startswith(b"\x89PNG")
        async with http.get(poster.replace("png", "pdf")) as r:
            assert r.headers["Content-Type"] == "application/pdf"
    assert any(a[2] == "team_add" and "to-cns-ap-3" in a[3]
               for a in await console.staff.audit_log())


async def test_a_poster_can_open_a_catalogue_procedure(console):
    console.assistant.config = dataclasses.replace(
        console.assistant.config,
        telegram=dataclasses.replace(console.config.telegram, username="tro_ly_dvc_bot"))
    async with client() as http:
        csrf = await login(http, console.url)
        async with http.post(console.url + "/staff/teams",
                             data={"csrf": csrf, "code": "to-1", "topic": "", "note": ""}) as r:
            assert r.status == 200 and 'name="procedure"' in await r.text()
        poster = console.url + "/staff/poster?team=to-1&procedure=1.004359&format=png"
        async with http.get(poster) as r:
            assert r.status == 200 and (await r.read()).startswith(b"\x89PNG")
            assert "to-1-tthc-1_004359.png" in r.headers["Content-Disposition"]
        async with http.get(poster.replace("1.004359", "9.999999")) as r:
            assert r.status == 400


async def test_knowledge_browser_shows_the_exact_reply_and_the_candidates(console):
    async with client() as http:
        await login(http, console.url, "xem")
        async with http.get(console.url + "/staff/knowledge",
                            params={"q": "lam cccd o dau"}) as r:
            page = await r.text()
    title = console.assistant.brain.kb.topics["can-cuoc"].title
    assert "trả lời ngay" in page and title in page
    assert 'class="reply"' in page and "<th>Điểm</th>" in page
    stats = await console.assistant.store.log_stats(ReportQuery())
    assert stats.turns == 0  # the preview is not logged as a citizen's turn


async def test_knowledge_browser_lists_catalogue_procedures(console):
    assert len(console.assistant.brain.catalog) > 0
    async with client() as http:
        await login(http, console.url, "xem")
        async with http.get(console.url + "/staff/knowledge",
                            params={"q": "dang ky khai sinh"}) as r:
            page = await r.text()
    table = page.split('id="procedures"', 1)[1].split("</table>", 1)[0]
    assert "khai sinh" in table.lower() and "Không thấy thủ tục" not in table
