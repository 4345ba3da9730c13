"""Flows survive the process: SIGKILL mid-flow, restart, the citizen continues at the same step."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

FLOW = "vneid-dang-nhap"
DVCBOT = str(Path(sys.executable).with_name("dvcbot"))

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def step_after(flow, *moves: int) -> str:
    sid = flow.start
    for move in moves:
        sid = flow.steps[sid].options[move - 1].next
    return sid


def first_line(flow, step_id: str) -> str:
    return flow.steps[step_id].text.splitlines()[0]


@pytest.fixture
def chat_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"log_level: WARNING\nstorage:\n  path: {tmp_path / 'bot.sqlite3'}\n",
                      encoding="utf-8")
    return config


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DVCBOT_")}


class Chat:
    """A running `dvcbot chat` process fed line by line, its output collected by a thread."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(
            [DVCBOT, "--config", str(config), "chat"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=config.parent, env=_env())
        self.out = b""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(65536):
            with self._lock:
                self.out += chunk

    def text(self) -> str:
        with self._lock:
            return self.out.decode("utf-8", "replace")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def wait_for(self, fragment: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if fragment in self.text():
                return self.text()
            if self.proc.poll() is not None:
                self._reader.join(5)
                break
            time.sleep(0.02)
        stderr = self.proc.stderr.read().decode() if self.proc.poll() is not None else ""
        raise AssertionError(f"{fragment!r} never appeared in:\n{self.text()}\n{stderr}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        assert self.proc.returncode == -signal.SIGKILL

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(30)
        self._reader.join(5)
        return code


def test_sigkill_mid_flow_then_restart_continues_at_the_same_step(brain, chat_config) -> None:
    flow = brain.flows[FLOW]
    chat = Chat(chat_config)
    try:
        chat.send(f"/start flow-{FLOW}")
        chat.wait_for(first_line(flow, flow.start))
        chat.send("1")
        chat.wait_for(first_line(flow, step_after(flow, 1)))  # replied, hence committed
    finally:
        chat.kill()

    db = chat_config.parent / "bot.sqlite3"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM sessions").fetchall()
    assert len(rows) == 1
    assert json.loads(rows[0][0])["flow"]["step"] == step_after(flow, 1)

    again = Chat(chat_config)
    try:
        again.send("1")
        out = again.wait_for(first_line(flow, step_after(flow, 1, 1)))
    finally:
        assert again.close() == 0
    assert first_line(flow, flow.start) not in out  # it did not start over
    with sqlite3.connect(db) as conn:
        data = json.loads(conn.execute("SELECT data FROM sessions").fetchone()[0])
        turns = conn.execute("SELECT outcome, flow_id, step_id FROM turns ORDER BY id").fetchall()
    assert data["flow"]["step"] == step_after(flow, 1, 1)
    assert turns == [("flow_start", FLOW, flow.start), ("flow_step", FLOW, step_after(flow, 1)),
                     ("flow_step", FLOW, step_after(flow, 1, 1))]


def test_piped_transcript_walks_the_flow(brain, chat_config) -> None:
    flow = brain.flows[FLOW]
    result = subprocess.run([DVCBOT, "--config", str(chat_config), "chat"],
                            input=f"/start flow-{FLOW}\n1\n1\n", capture_output=True,
                            text=True, cwd=chat_config.parent, env=_env(), timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    marks = [out.index(first_line(flow, s)) for s in
             (flow.start, step_after(flow, 1), step_after(flow, 1, 1))]
    assert marks == sorted(marks)
    assert "(Gõ số để chọn)" in out and "1. " + flow.steps[flow.start].options[0].label in out
