"""Issue 15 item 8: the console as a citizen sees it: no log lines, Ctrl-C, hot reload."""

from __future__ import annotations

import io
import os
import signal
import subprocess
from pathlib import Path

from bot.app import Reloader, open_assistant
from bot.channels.console import run_console
from bot.config import Secrets, load_config
from tests.conftest import DVCBOT
from tests.test_app_reload import touch_later

SECRETS = Secrets(pseudonym_key="console-test-key-0123456789")


def _info_config(kb_copy) -> Path:
    path = kb_copy.root / "info.yaml"
    path.write_text(kb_copy.config_path.read_text(encoding="utf-8")
                    .replace("log_level: WARNING", "log_level: INFO"), encoding="utf-8")
    return path


def test_info_log_lines_go_to_a_file_not_into_the_chat(kb_copy) -> None:
    done = subprocess.run([DVCBOT, "--config", str(_info_config(kb_copy)), "chat"],
                          input="lam giay khai sinh cho con\n", capture_output=True, text=True,
                          cwd=kb_copy.root, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stderr and "INFO" not in done.stdout
    log_file = kb_copy.db.with_name("dvcbot.log")
    assert "applying migration" in log_file.read_text(encoding="utf-8")


def test_ctrl_c_exits_without_waiting_for_enter(kb_copy) -> None:
    read_end, write_end = os.pipe()  # stdin stays open: nothing is ever typed
    proc = subprocess.Popen([DVCBOT, "--config", str(kb_copy.config_path), "chat"],
                            stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=kb_copy.root)
    os.close(read_end)
    try:
        os.write(write_end, b"xin chao\n")
        assert proc.stdout is not None
        seen = b""
        while b"(G" not in seen:  # the first answer arrived: the chat loop is running
            chunk = proc.stdout.read1(4096)
            assert chunk, proc.stderr.read() if proc.stderr else b""
            seen += chunk
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    finally:
        os.close(write_end)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 130


class EditingInput(io.StringIO):
    """Piped input that runs `edit` just before handing out the second line."""

    def __init__(self, text: str, edit) -> None:
        super().__init__(text)
        self.edit, self.calls = edit, 0

    def isatty(self) -> bool:
        return False

    def readline(self, *args) -> str:  # type: ignore[override]
        self.calls += 1
        if self.calls == 2:
            self.edit()
        return super().readline(*args)


async def test_the_console_picks_up_knowledge_edits(kb_copy) -> None:
    config = load_config(kb_copy.config_path)
    topics = kb_copy.topic_file("ho-tich-cu-tru.yaml")

    def edit() -> None:
        text = topics.read_text(encoding="utf-8")
        topics.write_text(text.replace("title: Đăng ký khai sinh",
                                       "title: Khai sinh cho bé (mới sửa)", 1), encoding="utf-8")
        touch_later(topics, 5)

    async with open_assistant(config, SECRETS) as assistant:
        out = io.StringIO()
        stdin = EditingInput("lam giay khai sinh cho con\nlam giay khai sinh cho con\n", edit)
        await run_console(assistant, stdin, out, reloader=Reloader(assistant, config))
    assert "Khai sinh cho bé (mới sửa)" in out.getvalue().split("Bạn: ")[-1]
