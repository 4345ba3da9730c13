"""The staff console in a real browser (Playwright driving Debian's Chromium, phone width)."""

from __future__ import annotations

import io
import os
import shutil

import pytest

from bot.channels.console import run_console
from tests.conftest import PROJECT_ROOT
from tests.staff.conftest import PASSWORD

CHROMIUM = os.environ.get("DVCBOT_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
PHONE = {"width": 412, "height": 915}
QUESTION = "thu tuc cap so do cho nha moi xay"

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium)")


async def _console_says(console, text: str, user: str = "nguoi-dan") -> str:
    out = io.StringIO()
    await run_console(console.assistant, io.StringIO(text + "\n"), out, user=user)
    return out.getvalue()


@pytest.fixture
async def page(request):
    """A phone-sized page; a screenshot is saved in test-artifacts/ when the test fails."""
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking"])
        context = await browser.new_context(viewport=PHONE, device_scale_factor=1)
        tab = await context.new_page()
        yield tab
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            await tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"),
                                 full_page=True)
        await browser.close()


async def test_editor_turns_a_miss_into_an_answer_in_the_browser(console, page):
    first = await _console_says(console, QUESTION)
    title = console.assistant.brain.kb.topics["dat-dai"].title
    assert "Bạn: " + QUESTION in first
    await page.goto(console.url + "/staff/")
    assert page.url.endswith("/staff/login")
    await page.fill("input[name=name]", "lan")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login")
    await page.wait_for_selector("#questions")
    assert int(await page.inner_text("#questions")) >= 1
    await page.click("text=Hộp thư lỗi")
    group = page.locator(".group", has_text=QUESTION)
    await group.locator("select[name=topic]").select_option("dat-dai")
    await group.locator("button[value=topic]").click()
    await page.wait_for_selector(".notice")
    assert title in await page.inner_text(".notice")
    again = await _console_says(console, QUESTION, user="nguoi-dan-2")
    answer = again.split("Bạn: " + QUESTION, 1)[1]
    assert title in answer.splitlines()[1]  # the topic's answer, not "did you mean"
    await page.click("text=Nhật ký")
    assert "assign" in await page.inner_text("#audit")
    await page.click("#logout")
    await page.wait_for_selector("#login")
    await page.goto(console.url + "/staff/inbox")
    assert page.url.endswith("/staff/login")


async def test_pages_fit_a_phone_screen(console, page):
    await _console_says(console, QUESTION)
    await page.goto(console.url + "/staff/login")
    await page.fill("input[name=name]", "lan")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("#login")
    for path in ("/staff/", "/staff/inbox", "/staff/teams", "/staff/funnels",
                 "/staff/knowledge?q=lam+cccd+o+dau"):
        await page.goto(console.url + path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{path} is {width}px wide"
