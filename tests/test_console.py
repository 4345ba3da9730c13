"""The console channel: numbered buttons, typed numbers, piped transcripts, a terminal."""

from __future__ import annotations

import io

from bot.channels.console import PROMPT, render, run_console
from bot.core import texts
from bot.core.models import Button, Link, Reply, numbered_text


def test_buttons_render_as_a_numbered_list_and_links_below_the_text() -> None:
    reply = Reply("Chọn một mục", (Button("Khai sinh", "top:khai-sinh"),
                                   Button("🏠 Menu chính", "menu")),
                  (Link("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),))
    assert numbered_text(reply) == (
        "Chọn một mục\n\n🔗 Cổng Dịch vụ công quốc gia: https://dichvucong.gov.vn\n\n"
        "1. Khai sinh\n2. 🏠 Menu chính\n(Gõ số để chọn)")
    assert numbered_text(Reply("Chỉ có chữ")) == "Chỉ có chữ"
    assert render([Reply("a"), reply]).startswith("a\n\nChọn một mục")


async def chat(assistant, transcript: str, tty: bool = False) -> str:
    class Input(io.StringIO):
        def isatty(self) -> bool:
            return tty

    out = io.StringIO()
    assert await run_console(assistant, Input(transcript), out) == 0
    return out.getvalue()


async def test_piped_transcript_is_answered_line_by_line(assistant) -> None:
    out = await chat(assistant, "lam giay khai sinh cho con\n\n   \n/menu\n")
    assert out.count(PROMPT) == 2  # blank lines are skipped, not answered
    first, second = out.split(PROMPT)[1:]
    assert first.startswith("lam giay khai sinh cho con\n📌 Đăng ký khai sinh")
    assert second.startswith(f"/menu\n{texts.MENU}")
    assert "1. 📋 Thủ tục theo nhóm" in second


async def test_typing_a_number_presses_that_button(assistant, brain) -> None:
    out = await chat(assistant, "/menu\n1\n1\n")
    turns = out.split(PROMPT)[1:]
    assert turns[1].startswith(f"1\n{texts.PROCEDURE_GROUPS}")
    first_group = brain.kb.groups[brain.kb.procedure_groups[0]]
    assert turns[2].startswith(f"1\n{first_group.title}")


async def test_deep_links_menu_and_help_in_the_console(assistant) -> None:
    out = await chat(assistant, "/start khai-sinh\n/start ???\n/help\n")
    turns = out.split(PROMPT)[1:]
    assert "📌 Đăng ký khai sinh" in turns[0]
    assert texts.WELCOME in turns[1]
    assert texts.HELP in turns[2]


async def test_a_terminal_gets_the_welcome_first_and_a_prompt(assistant) -> None:
    out = await chat(assistant, "xin chao\n", tty=True)
    assert out.startswith(texts.WELCOME)
    assert out.count(PROMPT) == 2  # one before "xin chao", one waiting at end of input
    assert texts.GREETING_BACK in out


async def test_end_of_input_ends_the_chat(assistant, store) -> None:
    assert await chat(assistant, "") == ""
    assert store.turns == []
