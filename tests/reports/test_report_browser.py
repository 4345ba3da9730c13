"""The HTML report opened in a real headless Chromium: charts render, nothing is fetched."""

import contextlib
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from bot.reports.render import render
from tests.reports.test_report_model import report

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
# Chromium's own housekeeping (updates, sign-in, clock, safe browsing), not the page's.
BROWSER_SERVICES = {"update.googleapis.com", "accounts.google.com", "clients1.google.com",
                    "clients2.google.com", "content-autofill.googleapis.com",
                    "optimizationguide-pa.googleapis.com", "redirector.gvt1.com",
                    "edgedl.me.gvt1.com", "safebrowsingohttpgateway.googleapis.com",
                    "android.clients.google.com", "www.googleapis.com"}
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium)")


class ConnectionCounter:
    """A local 'proxy' that only counts connections: every external request would come here."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.settimeout(1)
            with contextlib.suppress(OSError):
                self.requests.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
            conn.close()

    def page_requests(self) -> list[str]:
        """Requests whose host is not one of Chromium's own services."""
        hosts = [re.sub(r"^(?:CONNECT |\w+ https?://)([^/: ]+).*$", r"\1", r)
                 for r in self.requests]
        return [r for r, h in zip(self.requests, hosts, strict=True)
                if h not in BROWSER_SERVICES]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


def _chromium(tmp_path: Path, proxy_port: int, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         "--disable-sync", "--disable-extensions", "--disable-default-apps", "--no-pings",
         "--disable-domain-reliability", "--disable-client-side-phishing-detection",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter",
         f"--user-data-dir={profile}",
         f"--proxy-server=http://127.0.0.1:{proxy_port}", "--proxy-bypass-list=<-loopback>",
         *args],
        capture_output=True, text=True, timeout=90, check=False)


async def test_html_report_renders_charts_offline(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(await report(), "html"), encoding="utf-8")
    static = page.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", static)
    assert "<script" not in static
    counter = ConnectionCounter()
    try:
        dom = _chromium(tmp_path, counter.port, "--dump-dom", page.as_uri())
        shot = _chromium(tmp_path, counter.port, "--window-size=412,2000",
                         f"--screenshot={tmp_path / 'phone.png'}", page.as_uri())
    finally:
        counter.close()
    assert dom.returncode == 0, dom.stderr[-2000:]
    svgs = re.findall(r"<svg\b.*?</svg>", dom.stdout, re.DOTALL)
    assert len(svgs) >= 3  # outreach, topics, weekly, funnel charts
    assert all("<path" in svg or "<rect" in svg for svg in svgs)
    assert "Hướng dẫn thử" in dom.stdout and "Nhu cầu tuyên truyền" in dom.stdout
    assert shot.returncode == 0 and (tmp_path / "phone.png").stat().st_size > 10_000
    assert counter.page_requests() == []  # the page asked for nothing outside the file
