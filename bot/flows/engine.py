"""The step engine: advances a flow held in the session dict; it stores nothing itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.core import texts
from bot.core.models import Button, Link, Reply
from bot.flows.loader import Flow, Step
from bot.language.normalize import fold_phrase, tokenize

NAV_WORDS = {
    "back": {"quay lai", "tro lai", "lui lai", "back", "buoc truoc", "quay ve"},
    "restart": {"lam lai", "bat dau lai", "restart", "lam lai tu dau"},
    "cancel": {"thoat", "huy", "dung", "ket thuc", "cancel", "exit", "stop", "thoat huong dan",
               "huy bo", "dung lai"},
}
BACK_LABEL = "◀️ Quay lại"
CANCEL_LABEL = "✖️ Thoát"
RESUME_LABEL = "↩️ Tiếp tục hướng dẫn"
RESTART_LABEL = "🔁 Làm lại từ đầu"
CANCELLED = "Đã dừng hướng dẫn. Bạn có thể hỏi tiếp hoặc chọn mục khác."
RESUME_ASK = ("Lần trước bạn đang làm dở hướng dẫn \"{title}\" (bước: {step}). "
              "Bạn muốn tiếp tục chỗ đang dừng không?")
AT_FIRST = ("Bạn đang ở bước đầu tiên của hướng dẫn nên không lùi lại được nữa. Chọn một mục "
            "bên dưới để đi tiếp, hoặc gõ \"thoát\" để dừng hướng dẫn.")
UNKNOWN_ANSWER = "Bạn chọn một nút bên dưới (hoặc gõ số thứ tự) giúp mình nhé."


@dataclass
class FlowTurn:
    """What the engine did with one input: replies plus what to log."""

    replies: list[Reply]
    outcome: str
    flow_id: str
    step_id: str | None
    extra: dict[str, Any] = field(default_factory=dict)


class FlowEngine:
    """Runs flows; `session["flow"]` holds {id, step, history, started, updated}."""

    def __init__(self, flows: dict[str, Flow], expiry_seconds: float) -> None:
        self.flows = flows
        self.expiry_seconds = expiry_seconds

    def active(self, session: dict[str, Any]) -> tuple[Flow, Step] | None:
        """The active flow and step, or None (also when the flow was removed or renamed)."""
        state = session.get("flow")
        if not state:
            return None
        flow = self.flows.get(state.get("id", ""))
        step = flow.steps.get(state.get("step", "")) if flow else None
        if flow is None or step is None:
            session.pop("flow", None)
            return None
        return flow, step

    def render(self, flow: Flow, step: Step, has_history: bool) -> Reply:
        """A step as a reply: its text, option buttons, then back and exit."""
        links = tuple(Link(title, url) for title, url in step.links)
        if step.end:
            buttons = (Button(texts.FEEDBACK_UP, f"fb:f:{flow.id}:up"),
                       Button(texts.FEEDBACK_DOWN, f"fb:f:{flow.id}:down"),
                       Button(texts.MENU_BUTTON, "menu"))
            return Reply(f"{step.text}\n\n{texts.FEEDBACK_ASK}", buttons, links)
        opts = [Button(o.label, f"st:{flow.id}:{step.id}:{i}")
                for i, o in enumerate(step.options, 1)]
        if has_history:
            opts.append(Button(BACK_LABEL, "nav:back"))
        opts.append(Button(CANCEL_LABEL, "nav:cancel"))
        return Reply(step.text, tuple(opts), links)

    def _go(self, session: dict[str, Any], flow: Flow, step_id: str, now: float,
            outcome: str) -> FlowTurn:
        state = session["flow"]
        state.update(step=step_id, updated=now)
        step = flow.steps[step_id]
        if step.end:
            session.pop("flow", None)
            outcome = "flow_end"
        return FlowTurn([self.render(flow, step, bool(state["history"]))], outcome, flow.id,
                        step_id)

    def start(self, session: dict[str, Any], flow_id: str, now: float) -> FlowTurn | None:
        """Start `flow_id` from its first step; None when there is no such flow."""
        flow = self.flows.get(flow_id)
        if flow is None:
            return None
        session["flow"] = {"id": flow.id, "step": flow.start, "history": [], "started": now,
                           "updated": now}
        return self._go(session, flow, flow.start, now, "flow_start")

    def start_at(self, session: dict[str, Any], flow_id: str, option: int,
                 now: float) -> FlowTurn | None:
        """Start `flow_id` as if its first screen's option `option` (0-based) was chosen.

        Used when a question already names the branch ("quên mật khẩu VNeID"); "quay lại"
        then returns to the first screen. None when there is no such flow or option, or the
        option leads straight to an end.
        """
        flow = self.flows.get(flow_id)
        first = flow.steps[flow.start] if flow else None
        if flow is None or first is None or not 0 <= option < len(first.options):
            return None
        target = first.options[option].next
        if flow.steps[target].end:
            return None
        session["flow"] = {"id": flow.id, "step": target, "history": [flow.start],
                           "started": now, "updated": now}
        return self._go(session, flow, target, now, "flow_start")

    def _advance(self, session: dict[str, Any], flow: Flow, step: Step, target: str,
                 now: float) -> FlowTurn:
        session["flow"]["history"].append(step.id)
        return self._go(session, flow, target, now, "flow_step")

    def press(self, session: dict[str, Any], flow_id: str, step_id: str, index: int,
              now: float) -> FlowTurn | None:
        """A pressed option button; None when the button is stale (not the current step)."""
        current = self.active(session)
        if current is None or current[0].id != flow_id or current[1].id != step_id:
            return None
        flow, step = current
        if not 1 <= index <= len(step.options):
            return None
        return self._advance(session, flow, step, step.options[index - 1].next, now)

    def navigate(self, session: dict[str, Any], action: str, now: float) -> FlowTurn | None:
        """back / restart / cancel / resume on the active flow; None when no flow is active."""
        current = self.active(session)
        if current is None:
            return None
        flow, step = current
        state = session["flow"]
        if action == "cancel":
            session.pop("flow", None)
            return FlowTurn([Reply(CANCELLED, (Button(texts.MENU_BUTTON, "menu"),))],
                            "flow_cancel", flow.id, step.id)
        if action == "restart":
            state["history"] = []
            return self._go(session, flow, flow.start, now, "flow_restart")
        if action == "back" and state["history"]:
            return self._go(session, flow, state["history"].pop(), now, "flow_back")
        if action == "back":  # already on the first screen: say so, do not just repeat it
            turn = self._go(session, flow, step.id, now, "flow_back_first")
            first = turn.replies[0]
            turn.replies = [Reply(f"{AT_FIRST}\n\n{first.text}", first.buttons, first.links)]
            return turn
        return self._go(session, flow, step.id, now, "flow_resume")

    def on_text(self, session: dict[str, Any], text: str, normalized: str,
                now: float) -> FlowTurn | None:
        """Typed input during a flow: navigation words, an option label, or a typed answer.

        Returns:
            The engine's turn, or None when the text is not an answer to the step (the
            assistant then treats it as a new question).
        """
        current = self.active(session)
        if current is None:
            return None
        flow, step = current
        for action, words in NAV_WORDS.items():
            if normalized in words:
                return self.navigate(session, action, now)
        if step.input is not None and step.input.pattern.fullmatch(text.strip()):
            turn = self._advance(session, flow, step, step.input.next, now)
            turn.extra["input"] = "given"
            return turn
        index = _match_label(normalized, [o.label for o in step.options])
        if index is not None:
            return self._advance(session, flow, step, step.options[index].next, now)
        if step.input is not None and _looks_like_answer(text):
            reply = self.render(flow, step, bool(session["flow"]["history"]))
            return FlowTurn([Reply(step.input.invalid, reply.buttons)], "flow_input_invalid",
                            flow.id, step.id)
        return None

    def shows_label(self, session: dict[str, Any], plain: str) -> bool:
        """Whether the active step offers an option whose label, folded, is exactly `plain`.

        What is on screen wins over command words: a "Bắt đầu" button beats "bat dau" (menu).
        """
        current = self.active(session)
        return current is not None and any(" ".join(tokenize(o.label)) == plain
                                           for o in current[1].options)

    def expired(self, session: dict[str, Any], now: float) -> bool:
        """True when the active flow has been idle longer than the expiry."""
        state = session.get("flow")
        if not state:
            return False
        return now - float(state.get("updated", now)) > self.expiry_seconds

    def resume_prompt(self, session: dict[str, Any]) -> FlowTurn | None:
        """Ask a returning citizen whether to continue an expired flow where they left off."""
        current = self.active(session)
        if current is None:
            return None
        flow, step = current
        text = RESUME_ASK.format(title=flow.title, step=_first_line(step.text))
        buttons = (Button(RESUME_LABEL, "nav:resume"), Button(RESTART_LABEL, "nav:restart"),
                   Button(CANCEL_LABEL, "nav:cancel"))
        return FlowTurn([Reply(text, buttons)], "flow_resume_ask", flow.id, step.id)

    def resume_button(self, session: dict[str, Any]) -> Button | None:
        """The "continue the guide" button to offer after an off-flow question."""
        return Button(RESUME_LABEL, "nav:resume") if self.active(session) else None


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _match_label(normalized: str, labels: Sequence[str]) -> int | None:
    if not normalized:
        return None
    best, best_score = None, 0.0
    for i, label in enumerate(labels):
        folded = fold_phrase(label)
        folded = "".join(c for c in folded if c.isalnum() or c == " ").strip()
        score = fuzz.ratio(normalized, folded)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 85 else None


def _looks_like_answer(text: str) -> bool:
    """Short, single-token text with digits looks like an attempted code, not a question."""
    stripped = text.strip()
    return bool(stripped) and " " not in stripped and any(c.isdigit() for c in stripped)
