"""`dvcbot run` with only the console chat and `staff.enabled: true` also serves /staff/."""

from __future__ import annotations

import asyncio
import re

import aiohttp

from tests.conftest import DVCBOT


async def test_run_console_only_serves_the_staff_page_and_says_where(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"storage:\n  path: {tmp_path / 'db.sqlite3'}\nhttp:\n  port: 0\n"
                   "staff:\n  enabled: true\n", encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        DVCBOT, "--config", str(cfg), "run", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        url = None
        while url is None:
            line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
            assert line, "dvcbot run ended without saying where the staff page is"
            found = re.search(r"Trang cán bộ \(staff console\): (http://\S+/staff/)", line)
            url = found.group(1) if found else None
        async with aiohttp.ClientSession() as http, http.get(url) as r:
            assert r.status == 200 and 'action="/staff/login"' in await r.text()
        proc.stdin.write(b"lam cccd o dau\n")
        await proc.stdin.drain()
        proc.stdin.close()
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert "Bạn: lam cccd o dau" in out.decode()
        assert proc.returncode == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
