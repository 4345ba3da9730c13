"""The way back into an unfinished guide: one button, always last, and a line saying so."""

from __future__ import annotations

from typing import Any

from bot.core.models import Reply
from bot.flows.engine import FlowEngine

WAY_BACK = ("↩️ Bạn đang làm dở hướng dẫn \"{title}\". Gõ số {number} (hoặc bấm "
            "\"↩️ Tiếp tục hướng dẫn\") để quay lại đúng chỗ đang dừng.")
STALE_NUMBER = ("Màn hình đã thay đổi nên mình chưa bấm số bạn gõ. "
                "Đây là các lựa chọn hiện tại, bạn chọn lại giúp mình nhé:")


def with_way_back(reply: Reply, engine: FlowEngine, session: dict[str, Any], *,
                  say_so: bool = False) -> Reply:
    """`reply` with the "continue the guide" button appended (numbers before it never move).

    Args:
        reply: the reply to extend.
        engine: the flow engine.
        session: the citizen's session.
        say_so: also add a line naming the guide and the number to type.
    """
    button = engine.resume_button(session)
    current = engine.active(session)
    if button is None or current is None:
        return reply
    buttons = (*(b for b in reply.buttons if b.payload != button.payload), button)
    text = reply.text
    if say_so:
        text += "\n\n" + WAY_BACK.format(title=current[0].title, number=len(buttons))
    return Reply(text, buttons, reply.links)


def stale_number_reply(engine: FlowEngine, session: dict[str, Any], now: float,
                       fallback: Reply) -> tuple[Reply, str | None, str | None]:
    """The current choices for a number typed at a screen that has changed.

    Returns:
        The reply (the guide's current step, or `fallback`), the flow id and step id.
    """
    turn = engine.navigate(session, "resume", now)
    if turn is None:
        return Reply(STALE_NUMBER + "\n\n" + fallback.text, fallback.buttons,
                     fallback.links), None, None
    step = turn.replies[-1]
    return (Reply(STALE_NUMBER + "\n\n" + step.text, step.buttons, step.links), turn.flow_id,
            turn.step_id)
