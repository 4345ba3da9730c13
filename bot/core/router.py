"""Route one turn: deep links, buttons, commands, flow answers, questions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.config import Config
from bot.core import answers, texts
from bot.core.brain import Brain
from bot.core.models import Button, Reply
from bot.flows.engine import FlowTurn
from bot.language.facets import FACETS
from bot.language.normalize import MAX_INPUT_CHARS, nfc
from bot.matching.decide import decide
from bot.privacy.redact import redact
from bot.storage.base import FeedbackRecord, ReferralRecord

if TYPE_CHECKING:
    from bot.core.assistant import Turn

PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{0,64}$")
MENU_WORDS = {"menu", "menu chinh", "danh sach", "danh muc", "trang chu", "bat dau"}
HELP_WORDS = {"help", "tro giup", "huong dan su dung"}
TEAM_SEPARATOR = "__"


class Router:
    """Stateless per turn: reads the brain and config, writes into the Turn."""

    def __init__(self, brain: Brain, config: Config) -> None:
        self.brain = brain
        self.kb = brain.kb
        self.engine = brain.engine
        self.config = config
        self.allow = config.links.allow

    async def route(self, turn: Turn) -> None:
        """Fill `turn.replies` and the fields to log."""
        incoming = turn.incoming
        if incoming.start_payload is not None:
            self.start(turn, incoming.start_payload)
        elif incoming.button is not None:
            self.button(turn, incoming.button)
        else:
            self.text(turn, incoming.text or "")

    # --- deep links -------------------------------------------------------------------
    def start(self, turn: Turn, payload: str) -> None:
        """`/start PAYLOAD`: a topic, `flow-<id>`, optionally `__<team>`; else the menu."""
        payload = payload.strip()
        if not PAYLOAD_RE.match(payload):
            payload = ""
        target, _, team = payload.partition(TEAM_SEPARATOR)
        if team:
            turn.session["referral"] = team
            turn.referral = ReferralRecord(turn.now, turn.incoming.channel, turn.user,
                                           payload, team)
        if target.startswith("flow-") and self._start_flow(turn, target[5:]):
            return
        if target in self.kb.topics:
            self._answer_topic(turn, target, None, outcome="answer")
            return
        turn.outcome = "start"
        turn.replies = [answers.main_menu(self.kb, texts.WELCOME)]

    # --- buttons ----------------------------------------------------------------------
    def button(self, turn: Turn, payload: str) -> None:
        """Resolve a short button payload server-side; stale ones get a polite menu."""
        kind, _, rest = payload.partition(":")
        parts = rest.split(":") if rest else []
        handled = False
        if kind == "menu":
            handled = self._menu(turn)
        elif kind == "grp" and parts:
            reply = answers.group_menu(self.kb, parts[0])
            if reply is not None:
                turn.outcome, turn.replies, handled = "menu", [reply], True
        elif kind == "top" and parts and parts[0] in self.kb.topics:
            facet = parts[1] if len(parts) > 1 and parts[1] in FACETS else None
            handled = self._answer_topic(turn, parts[0], facet, outcome="answer")
        elif kind == "fac" and len(parts) == 2 and parts[0] in self.kb.topics \
                and parts[1] in FACETS:
            turn.topic, turn.facet, turn.outcome = parts[0], parts[1], "facet"
            turn.replies = [answers.facet_detail(self.kb.topics[parts[0]], parts[1],
                                                 self.allow)]
            handled = True
        elif kind == "none":
            turn.outcome = "none_of_these"
            turn.replies = [answers.fallback(self.kb, self.allow)]
            handled = True
        elif kind == "fb" and len(parts) == 3:
            handled = self._feedback(turn, parts[0], parts[1], parts[2])
        elif kind == "skip":
            turn.session.pop("awaiting", None)
            handled = self._menu(turn, texts.FEEDBACK_THANKS)
        elif kind == "flow" and parts:
            handled = self._start_flow(turn, parts[0])
        elif kind == "st" and len(parts) == 3 and parts[2].isdigit():
            handled = self._apply(turn, self.engine.press(turn.session, parts[0], parts[1],
                                                          int(parts[2]), turn.now))
        elif kind == "nav" and parts:
            handled = self._apply(turn, self.engine.navigate(turn.session, parts[0], turn.now))
        if not handled:
            turn.outcome = "stale_button"
            turn.replies = [answers.main_menu(self.kb, texts.STALE_BUTTON)]

    # --- typed text -------------------------------------------------------------------
    def text(self, turn: Turn, raw: str) -> None:
        """Typed text: commands, numbers, flow answers, feedback comments, questions."""
        text = nfc(raw)[:MAX_INPUT_CHARS].strip()
        red = redact(text)
        turn.redacted = red.text
        if not text:
            turn.outcome, turn.replies = "non_text", [Reply(texts.NON_TEXT)]
            return
        if text.startswith("/"):
            self._command(turn, text)
            return
        index = self.brain.index
        normalized = index.normalizer.normalize(red.text)
        turn.normalized = normalized
        if not normalized:
            turn.outcome = "garbled"
            turn.replies = [Reply(texts.GARBLED, (Button(texts.MENU_BUTTON, "menu"),))]
            return
        buttons = turn.session.get("buttons") or []
        if normalized.isdigit() and len(normalized) <= 2 and buttons:
            number = int(normalized)
            if 1 <= number <= len(buttons):
                self.button(turn, buttons[number - 1])
                return
        if normalized in MENU_WORDS:
            self._menu(turn)
            return
        if normalized in HELP_WORDS:
            turn.outcome, turn.replies = "help", [answers.main_menu(self.kb, texts.HELP)]
            return
        if turn.session.get("awaiting") and not red.sensitive:
            self._comment(turn, red.text)
            return
        if self.engine.expired(turn.session, turn.now):
            turn.session["flow"]["updated"] = turn.now
            if self._apply(turn, self.engine.resume_prompt(turn.session)):
                return
        flow_turn = self.engine.on_text(turn.session, text, normalized, turn.now)
        if self._apply(turn, flow_turn):
            if flow_turn is not None and (flow_turn.extra.get("input") or
                                          flow_turn.outcome == "flow_input_invalid"):
                # A typed answer (a dossier code...) is never stored, only that it was given.
                turn.redacted = turn.normalized = "[câu trả lời trong hướng dẫn]"
            return
        self._question(turn, red.text, red.sensitive, bool(red.kinds))

    def _command(self, turn: Turn, text: str) -> None:
        command, _, arg = text[1:].partition(" ")
        command = command.split("@", 1)[0].lower()
        turn.normalized = f"/{command}"
        if command == "start":
            self.start(turn, arg)
        elif command == "menu":
            self._menu(turn)
        else:
            turn.outcome, turn.replies = "help", [answers.main_menu(self.kb, texts.HELP)]

    def _menu(self, turn: Turn, text: str = texts.MENU) -> bool:
        turn.outcome = "menu"
        turn.replies = [answers.main_menu(self.kb, text)]
        return True

    def _question(self, turn: Turn, text: str, sensitive: bool, personal: bool) -> None:
        index = self.brain.index
        prefix: list[Reply] = []
        if sensitive:
            prefix.append(Reply(texts.SAFETY))
        elif personal:
            prefix.append(Reply(texts.SAFETY_ID))
        if index.is_greeting(turn.normalized or ""):
            turn.outcome = "greeting"
            turn.replies = [*prefix, answers.main_menu(self.kb, texts.GREETING_BACK)]
            return
        if index.is_thanks(turn.normalized or ""):
            turn.outcome = "thanks"
            turn.replies = [*prefix, answers.main_menu(self.kb, texts.THANKS_BACK)]
            return
        result = index.match(text)
        decision = decide(result, self.config.matching)
        turn.score, turn.facet = decision.score, decision.facet
        if decision.outcome == "answer" and decision.topic:
            self._answer_topic(turn, decision.topic, decision.facet, outcome="answer",
                               score=decision.score)
        elif decision.outcome == "suggest":
            turn.outcome = "suggest"
            turn.topic = decision.suggestions[0]
            turn.replies = [answers.suggestions(self.kb, list(decision.suggestions),
                                                decision.facet)]
        elif sensitive and not result.content:
            turn.outcome = "safety"
            turn.replies = [answers.main_menu(self.kb, texts.MENU)]
        else:
            turn.outcome = "miss"
            turn.replies = [answers.fallback(self.kb, self.allow)]
        if sensitive and turn.outcome == "miss":
            turn.outcome = "safety"
        turn.replies = [*prefix, *turn.replies]
        resume = self.engine.resume_button(turn.session)
        if resume is not None:  # a question asked mid-flow: offer the way back
            last = turn.replies[-1]
            turn.replies[-1] = Reply(last.text, (resume, *last.buttons), last.links)

    def _answer_topic(self, turn: Turn, topic_id: str, facet: str | None, *, outcome: str,
                      score: float | None = None) -> bool:
        topic = self.kb.topics[topic_id]
        turn.topic, turn.facet, turn.outcome = topic_id, facet, outcome
        if score is not None:
            turn.score = score
        with_flow = topic.flow if topic.flow in self.brain.flows else None
        reply = answers.topic_answer(topic, facet, self.allow)
        if topic.flow and not with_flow:  # a flow removed since the topic was written
            reply = Reply(reply.text, tuple(b for b in reply.buttons
                                            if not b.payload.startswith("flow:")), reply.links)
        turn.replies = [reply]
        return True

    def _start_flow(self, turn: Turn, flow_id: str) -> bool:
        return self._apply(turn, self.engine.start(turn.session, flow_id, turn.now))

    def _apply(self, turn: Turn, flow_turn: FlowTurn | None) -> bool:
        if flow_turn is None:
            return False
        turn.replies = flow_turn.replies
        turn.outcome = flow_turn.outcome
        turn.flow_id, turn.step_id = flow_turn.flow_id, flow_turn.step_id
        return True

    def _feedback(self, turn: Turn, kind: str, ident: str, vote: str) -> bool:
        if kind not in ("t", "f") or vote not in ("up", "down"):
            return False
        if kind == "t" and ident not in self.kb.topics:
            return False
        topic = ident if kind == "t" else None
        flow = ident if kind == "f" else None
        rating = 1 if vote == "up" else -1
        turn.feedback = FeedbackRecord(turn.now, turn.incoming.channel, turn.user, rating,
                                       topic, flow)
        turn.outcome, turn.topic, turn.flow_id = "feedback", topic, flow
        if rating > 0:
            return self._menu(turn, texts.FEEDBACK_THANKS)
        turn.session["awaiting"] = {"topic": topic, "flow": flow}
        turn.replies = [Reply(texts.FEEDBACK_WHAT, (Button(texts.FEEDBACK_SKIP, "skip"),
                                                    Button(texts.MENU_BUTTON, "menu")))]
        return True

    def _comment(self, turn: Turn, redacted: str) -> None:
        about = turn.session.pop("awaiting") or {}
        turn.feedback = FeedbackRecord(turn.now, turn.incoming.channel, turn.user, 0,
                                       about.get("topic"), about.get("flow"), redacted)
        turn.outcome, turn.topic, turn.flow_id = "feedback_comment", about.get("topic"), \
            about.get("flow")
        self._menu(turn, texts.FEEDBACK_COMMENT_THANKS)
        turn.outcome = "feedback_comment"
