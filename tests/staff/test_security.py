"""Security of /staff/: sessions, CSRF, team isolation, escaping, lockout, cookie flags."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import make_mocked_request
from cryptography.fernet import Fernet
from yarl import URL

from bot.core.models import Incoming
from bot.staff.accounts import MAX_FAILURES
from bot.staff.session import COOKIE, Sessions
from tests.staff.conftest import PASSWORD, client, login

PUBLIC = {("GET", "/staff"), ("GET", "/staff/login"), ("POST", "/staff/login")}


async def test_every_route_without_a_session_gets_the_login_page_or_403(console):
    guarded = [r for r in console.routes if r not in PUBLIC]
    assert len(guarded) >= 9
    async with client() as http:
        for method, path in guarded:
            async with http.request(method, console.url + path, data={"csrf": "x"},
                                    allow_redirects=False) as r:
                if method == "GET":
                    assert r.status == 303 and r.headers["Location"] == "/staff/login", path
                else:
                    assert r.status == 403, path
        async with http.get(console.url + "/staff/inbox") as r:  # following the redirect
            assert 'action="/staff/login"' in await r.text()
        # a forged cookie is no session either
        http.cookie_jar.update_cookies({COOKIE: Fernet(Fernet.generate_key()).encrypt(
            b'{"n": "quan", "s": "x", "c": "y"}').decode()})
        async with http.get(console.url + "/staff/audit", allow_redirects=False) as r:
            assert r.status == 303


async def test_a_form_without_its_csrf_token_is_refused(console):
    async with client() as http:
        await login(http, console.url)
        for data in ({}, {"csrf": "wrong"}):
            form = {**data, "wording": "x", "action": "ignore"}
            async with http.post(console.url + "/staff/inbox", data=form) as r:
                assert r.status == 403
            async with http.post(console.url + "/staff/teams",
                                 data={**data, "code": "to-moi"}) as r:
                assert r.status == 403
    assert await console.staff.decisions() == {}
    assert await console.staff.teams() == []


async def test_a_team_account_cannot_read_another_teams_data(console):
    async with client() as http:
        await login(http, console.url, "to1")
        for path in ("/staff/?team=to-cns-ap-2", "/staff/inbox?team=to-cns-ap-2",
                     "/staff/funnels?team=to-cns-ap-2", "/staff/teams?team=to-cns-ap-2",
                     "/staff/poster?team=to-cns-ap-2&topic=khai-sinh&format=png"):
            async with http.get(console.url + path) as r:
                assert r.status == 403, path
        async with http.get(console.url + "/staff/?team=to-cns-ap-1") as r:
            assert r.status == 200
        async with http.get(console.url + "/staff/audit") as r:
            assert r.status == 403


async def test_hostile_citizen_text_is_shown_escaped_in_the_inbox(console):
    hostile = ["<script>alert(1)</script> lam giay to gi",
               '<img src=x onerror="alert(2)"> xin giay phep',
               '<a href="javascript:alert(3)">bam vao day</a> nuoi ca sau']
    for i, text in enumerate(hostile):
        await console.assistant.handle(Incoming("console", f"attacker-{i}", text=text))
    async with client() as http:
        await login(http, console.url)
        async with http.get(console.url + "/staff/inbox") as r:
            page = await r.text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "<img" not in page and "<a href=\"javascript" not in page
    assert "&lt;img src=x onerror=" in page
    assert "&lt;a href=&#34;javascript:alert(3)&#34;&gt;" in page
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]


async def test_repeated_wrong_passwords_lock_the_account(console):
    async with client() as http:
        for _ in range(MAX_FAILURES):
            async with http.post(console.url + "/staff/login",
                                 data={"name": "lan", "password": "sai-mat-khau"}) as r:
                assert r.status == 401
        async with http.post(console.url + "/staff/login",
                             data={"name": "lan", "password": PASSWORD}) as r:
            assert r.status == 401
            assert "tạm khoá" in await r.text()
        async with http.get(console.url + "/staff/", allow_redirects=False) as r:
            assert r.status == 303
    assert (await console.staff.account("lan")).locked_until > 0
    async with client() as http:  # other accounts are not affected
        await login(http, console.url, "quan")


async def test_session_cookie_flags_and_logout(console):
    async with aiohttp.ClientSession() as http:
        form = {"name": "lan", "password": PASSWORD}
        async with http.post(console.url + "/staff/login", data=form,
                             allow_redirects=False) as r:
            plain = r.headers["Set-Cookie"]
        async with http.post(console.url + "/staff/login", data=form, allow_redirects=False,
                             headers={"X-Forwarded-Proto": "https"}) as r:
            proxied = r.headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Strict" in plain and "Secure" not in plain
    assert "Secure" in proxied and "HttpOnly" in proxied
    async with client() as http:
        csrf = await login(http, console.url)
        cookie = http.cookie_jar.filter_cookies(URL(console.url + "/staff/"))[COOKIE].value
        async with http.post(console.url + "/staff/logout", data={"csrf": csrf}) as r:
            assert 'action="/staff/login"' in await r.text()
    async with client() as http:  # the old cookie, replayed after logout, is refused
        http.cookie_jar.update_cookies({COOKIE: cookie})
        async with http.get(console.url + "/staff/", allow_redirects=False) as r:
            assert r.status == 303


def test_forwarded_proto_counts_only_from_a_trusted_proxy():
    request = make_mocked_request("GET", "/staff/", headers={"X-Forwarded-Proto": "https"}
                                  ).clone(remote="10.1.1.1")
    key = Fernet.generate_key()
    assert not Sessions(key, 60, "auto", ["10.9.9.9"]).is_https(request)
    assert Sessions(key, 60, "auto", ["10.1.1.1"]).is_https(request)
    assert not Sessions(key, 60, "never", ["10.1.1.1"]).is_https(request)
    assert Sessions(key, 60, "always", []).is_https(make_mocked_request("GET", "/"))
