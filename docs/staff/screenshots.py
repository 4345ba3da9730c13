"""Take the README's staff console screenshots from the real page (phone width, Chromium).

Run: .venv/bin/python docs/staff/screenshots.py   (writes docs/staff/*.png)
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.synth import generate  # noqa: E402
from bot.config import Config, StaffConfig  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.brain import build_brain  # noqa: E402
from bot.core.models import Incoming  # noqa: E402
from bot.httpserver import HttpServer  # noqa: E402
from bot.privacy.pseudonym import Pseudonymizer  # noqa: E402
from bot.staff import accounts  # noqa: E402
from bot.staff.serve import attach  # noqa: E402
from bot.staff.store import staff_store  # noqa: E402
from bot.storage.sqlite import SQLiteStore  # noqa: E402

OUT = Path(__file__).parent
SHOTS = {"overview": "/staff/", "inbox": "/staff/inbox",
         "knowledge": "/staff/knowledge?q=thu+tuc+cap+so+do+cho+nha+moi+xay"}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "knowledge", Path(tmp) / "knowledge")
        config = Config(knowledge_dir=str(Path(tmp) / "knowledge"),
                        staff=StaffConfig(enabled=True))
        config.storage.path = str(Path(tmp) / "db.sqlite3")
        store = SQLiteStore(config.storage.path)
        await store.open()
        log = generate(20000, start=time.time() - 60 * 86400, days=60)
        await store.append_log(log.turns, log.feedback, log.referrals)
        assistant = Assistant(build_brain(config), store, config, Pseudonymizer(b"k" * 32))
        for i, text in enumerate(["thu tuc cap so do cho nha moi xay",
                                  "<script>alert(1)</script> lam giay to gi"]):
            await assistant.handle(Incoming("console", f"demo-{i}", text=text))
        await accounts.create(staff_store(store), "lan", "editor", None, "mat-khau-lan-1")
        http = HttpServer("127.0.0.1", 0)
        await http.start()
        await attach(assistant, config, http)
        url = f"http://127.0.0.1:{http.bound_port}"
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=["--no-sandbox",
                                                    "--disable-background-networking"])
            page = await browser.new_page(viewport={"width": 412, "height": 860})
            await page.goto(url + "/staff/login")
            await page.fill("input[name=name]", "lan")
            await page.fill("input[name=password]", "mat-khau-lan-1")
            await page.click("#login")
            for name, path in SHOTS.items():
                await page.goto(url + path)
                await page.screenshot(path=str(OUT / f"{name}.png"))
            await browser.close()
        await http.stop()
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
