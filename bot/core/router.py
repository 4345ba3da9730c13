"""Route one turn: deep links, buttons, commands, flow answers, questions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.catalog import routing as catalog
from bot.catalog.entries import procedure_titles
from bot.config import Config
from bot.core import answers, texts
from bot.core.brain import Brain
from bot.core.comments import COMMENT_WINDOW_SECONDS as FEEDBACK_WINDOW_SECONDS
from bot.core.comments import is_new_question, keeps_comment
from bot.core.flowtopic import about_flow_topic, flow_topic
from bot.core.models import Button, Reply
from bot.core.wayback import stale_number_reply, with_way_back
from bot.flows.engine import NAV_WORDS, FlowTurn
from bot.knowledge.clock import vietnam_today
from bot.knowledge.dated import for_day
from bot.language.facets import FACETS
from bot.language.normalize import MAX_INPUT_CHARS, nfc, tokenize
from bot.matching.decide import Decision, decide
from bot.matching.entries import code_of
from bot.matching.index import MatchResult
from bot.matching.overlap import sensible
from bot.offices import dialog as offices
from bot.privacy.redact import redact, without_placeholders
from bot.safety.scam import SCAM_TOPIC, detect_scam
from bot.safety.texts import SCAM_WARNING
from bot.storage.base import FeedbackRecord, ReferralRecord, Store

if TYPE_CHECKING:
    from bot.core.assistant import Turn

PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{0,64}$")
MENU_WORDS = {"menu", "menu chinh", "danh sach", "danh muc", "trang chu", "bat dau"}
HELP_WORDS = {"help", "tro giup", "huong dan su dung"}
TEAM_SEPARATOR = "__"
MISS_FOLLOW_UP_WORDS = 2  # topic words a matchless facet question may carry and still follow up
FOLLOW_UP_SECONDS = 2 * 3600  # a bare "bao lâu?" refers to the topic answered this long ago
STAFF_COMMANDS = ("stats", "misses")


class Router:
    """Stateless per turn: reads the brain and config, writes into the Turn."""

    def __init__(self, brain: Brain, config: Config, store: Store | None = None) -> None:
        self.store = store  # read-only here: staff reports
        self.brain = brain
        self.kb = brain.kb
        self.engine = brain.engine
        self.config = config
        self.allow = config.links.allow

    async def route(self, turn: Turn) -> None:
        """Fill `turn.replies` and the fields to log."""
        incoming = turn.incoming
        if incoming.start_payload is not None or incoming.button is not None:
            turn.session.pop("awaiting", None)  # moved on: no comment is coming
        staff = _staff_command(incoming.text) if incoming.is_staff and self.store else None
        if incoming.start_payload is not None:
            self.start(turn, incoming.start_payload)
        elif incoming.button is not None:
            self.button(turn, incoming.button)
        elif staff is not None:
            await self._staff(turn, *staff)
        else:
            self.text(turn, incoming.text or "")

    async def _staff(self, turn: Turn, command: str, arg: str) -> None:
        """`/stats [days]` and `/misses [days]` for configured staff: a short report."""
        from bot.reports.staff import staff_reply

        assert self.store is not None
        turn.outcome = "staff"
        turn.redacted = turn.normalized = f"/{command}"
        titles = {tid: topic.title for tid, topic in self.kb.topics.items()}
        titles.update(procedure_titles(self.brain.catalog.procedures.values()))
        text = await staff_reply(self.store, command, arg, turn.now, self.brain.flows, titles)
        turn.replies = [Reply(text, (Button(texts.MENU_BUTTON, "menu"),))]

    # --- deep links -------------------------------------------------------------------
    def start(self, turn: Turn, payload: str) -> None:
        """`/start PAYLOAD`: a topic, `flow-<id>`, optionally `__<team>`; else the menu."""
        payload = payload.strip()
        if not PAYLOAD_RE.match(payload):
            payload = ""
        if redact(catalog.without_code(payload)).kinds:
            payload = ""  # a phone number or ID pasted into a link is no team code
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
        if catalog.open_link(turn, self.brain, target):  # `tthc-1_001193`: a procedure
            return
        turn.outcome = "start"
        welcome = answers.main_menu(self.kb, texts.WELCOME)
        # A returning citizen mid-flow (console restart, Start again): the way back, last.
        turn.replies = [with_way_back(welcome, self.engine, turn.session, say_so=True)]

    # --- buttons ----------------------------------------------------------------------
    def button(self, turn: Turn, payload: str) -> None:
        """Resolve a short button payload server-side; stale ones get a polite menu."""
        kind, _, rest = payload.partition(":")
        parts = rest.split(":") if rest else []
        handled = False
        if kind in catalog.BUTTON_KINDS:
            handled = catalog.button(turn, self.brain, kind, parts)
        elif kind == "menu":
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
            turn.session["last_topic"] = {"id": parts[0], "at": turn.now}
            topic = for_day(self.kb.topics[parts[0]], vietnam_today(turn.now))
            turn.replies = [answers.facet_detail(topic, parts[1], self.allow)]
            offices.after_answer(self, turn, topic, parts[1])
            handled = True
        elif kind == "law" and parts and parts[0] in self.kb.topics:
            turn.topic, turn.outcome = parts[0], "facet"
            turn.replies, handled = [answers.legal_detail(self.kb.topics[parts[0]])], True
        elif kind == "none":
            turn.outcome = "none_of_these"
            asked = turn.session.pop("asked", None) or {}
            # Log the question the suggestions missed, so reports group it with misses.
            turn.redacted, turn.normalized = asked.get("text"), asked.get("normalized")
            turn.topic = asked.get("topic")
            turn.replies = [answers.fallback(self.kb, self.allow)]
            handled = True
        elif kind == "fb" and len(parts) == 3:
            handled = self._feedback(turn, parts[0], parts[1], parts[2])
        elif kind == "skip":
            turn.session.pop("awaiting", None)
            handled = self._menu(turn, texts.FEEDBACK_THANKS)
        elif kind == "flow" and parts:
            handled = self._start_flow(turn, parts[0], resume_same=True)
        elif kind == "st" and len(parts) == 3 and _small_number(parts[2]) is not None:
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
        if _small_number(normalized) is not None and len(normalized) <= 2 and buttons:
            number = int(normalized)
            if 1 <= number <= len(buttons):
                self.button(turn, buttons[number - 1])
                if turn.outcome == "stale_button":  # typed for a screen that has changed
                    reply, turn.flow_id, turn.step_id = stale_number_reply(
                        self.engine, turn.session, turn.now, answers.main_menu(self.kb))
                    turn.outcome, turn.replies = "stale_number", [reply]
                return
            if self._repeat_choices(turn, len(buttons)):
                return
        # Commands and flow answers are compared on plain folded text: the matcher's typo
        # repair only knows knowledge-base words and could bend "quay lai" into something else.
        plain = " ".join(tokenize(text))
        on_screen = self.engine.shows_label(turn.session, plain)
        if plain in MENU_WORDS and not on_screen:
            turn.session.pop("awaiting", None)
            self._menu(turn)
            return
        if plain in HELP_WORDS and not on_screen:
            turn.session.pop("awaiting", None)
            turn.outcome, turn.replies = "help", [answers.main_menu(self.kb, texts.HELP)]
            return
        awaiting = turn.session.get("awaiting")
        if awaiting and turn.now - float(awaiting.get("ts", 0)) > FEEDBACK_WINDOW_SECONDS:
            turn.session.pop("awaiting", None)
        elif awaiting:
            turn.session.pop("awaiting", None)  # one message answers the prompt, never two
            if keeps_comment(red.kinds) and not is_new_question(
                    index, self.config.matching, plain, without_placeholders(red.text)):
                turn.session["awaiting"] = awaiting
                self._comment(turn, red.text)
                if red.sensitive:
                    turn.replies = [Reply(texts.SAFETY_ID), *turn.replies]
                return
        if offices.on_text(self, turn, text):  # the commune asked for a "where" answer
            return
        if self.engine.expired(turn.session, turn.now):
            # Back after a long pause: answer a real question (its reply carries the
            # "continue the guide" button); otherwise ask whether to continue.
            turn.session["flow"]["updated"] = turn.now
            self._question(turn, red.text, red.sensitive, bool(red.kinds))
            if turn.outcome == "answer":
                return
            turn.topic = turn.facet = turn.score = None
            if self._apply(turn, self.engine.resume_prompt(turn.session)):
                return
        flow_turn = self.engine.on_text(turn.session, text, plain, turn.now)
        if self._apply(turn, flow_turn):
            if flow_turn is not None and (flow_turn.extra.get("input") or
                                          flow_turn.outcome == "flow_input_invalid"):
                # A typed answer (a dossier code...) is never stored, only that it was given.
                turn.redacted = turn.normalized = "[câu trả lời trong hướng dẫn]"
            return
        if self.engine.active(turn.session) is None and any(
                plain in words for words in NAV_WORDS.values()):
            # "quay lại" / "thoát" with no guide open: the menu is the way back.
            self._menu(turn)
            return
        self._question(turn, red.text, red.sensitive, bool(red.kinds))

    def _command(self, turn: Turn, text: str) -> None:
        command, _, arg = text[1:].partition(" ")
        command = command.split("@", 1)[0].lower()
        turn.normalized = "/" + redact(command).text
        turn.session.pop("awaiting", None)
        if command == "start":
            self.start(turn, arg)
        elif command == "menu":
            self._menu(turn)
        else:
            turn.outcome, turn.replies = "help", [answers.main_menu(self.kb, texts.HELP)]

    def _menu(self, turn: Turn, text: str = texts.MENU) -> bool:
        turn.outcome = "menu"
        turn.replies = [with_way_back(answers.main_menu(self.kb, text), self.engine,
                                      turn.session, say_so=True)]
        return True

    def _question(self, turn: Turn, text: str, sensitive: bool, personal: bool) -> None:
        index = self.brain.index
        prefix: list[Reply] = []
        if sensitive:
            prefix.append(Reply(texts.SAFETY))
        elif personal:
            prefix.append(Reply(texts.SAFETY_ID))
        scam = detect_scam(text).is_scam
        if scam:  # "nhân viên bảo hiểm gọi bảo chuyển 500k": the warning before anything
            prefix.insert(0, Reply(SCAM_WARNING))
        if index.is_greeting(text) or index.is_thanks(text):  # "ok", "cảm ơn", "chào"
            greeting = index.is_greeting(text)
            turn.outcome = "greeting" if greeting else "thanks"
            reply = texts.GREETING_BACK if greeting else texts.THANKS_BACK
            turn.replies = [*prefix, answers.main_menu(self.kb, reply)]
            self._offer_resume(turn)
            return
        result = index.match(without_placeholders(text))
        decision = sensible(decide(result, self.config.matching), index, self.kb, result.tokens)
        in_flow = flow_topic(self.brain, turn.session)
        if in_flow and about_flow_topic(self.brain, result, decision, in_flow):
            self._answer_topic(turn, in_flow, result.facet, outcome="answer")
            turn.replies = [*prefix, *turn.replies]
            self._offer_resume(turn)
            return
        recent = self._recent_topic(turn)
        if recent and self._is_follow_up(result, decision, recent):
            # "phí bao nhiêu?" right after an answer asks about that same topic.
            if not catalog.answer(turn, self.brain, recent, result.facet):
                self._answer_topic(turn, recent, result.facet, outcome="answer")
            turn.replies = [*prefix, *turn.replies]
            return
        turn.score, turn.facet = decision.score, decision.facet
        if decision.outcome == "answer" and decision.topic not in self.kb.topics:
            catalog.answer(turn, self.brain, str(decision.topic), decision.facet)
            turn.score = decision.score
            turn.replies[-1] = catalog.with_variants(turn.replies[-1], self.kb, self.brain,
                                                     result.variants, decision.facet)
        elif decision.outcome == "answer" and decision.topic:
            if decision.facet is not None or not self._answer_branch(
                    turn, decision.topic, result.tokens, decision.score):
                self._answer_topic(turn, decision.topic, decision.facet, outcome="answer",
                                   score=decision.score)
                if result.best is not None and turn.replies:
                    turn.replies[-1] = catalog.with_variants(
                        catalog.with_code(turn.replies[-1], self.brain, result.best.code),
                        self.kb, self.brain, result.variants, decision.facet)
        elif decision.outcome == "suggest":
            turn.outcome = "suggest"
            turn.topic = decision.suggestions[0]
            turn.session["asked"] = {"text": text, "normalized": turn.normalized,
                                     "topic": turn.topic}
            turn.replies = [catalog.suggestions(self.kb, self.brain, list(decision.suggestions),
                                                decision.facet)]
        elif scam and SCAM_TOPIC in self.kb.topics:
            self._answer_topic(turn, SCAM_TOPIC, None, outcome="answer")
        elif (sensitive or personal) and not result.content:  # only a number, no question
            turn.outcome = "safety"
            turn.replies = [answers.main_menu(self.kb, texts.MENU)]
        else:
            turn.outcome = "miss"
            turn.replies = [answers.fallback(self.kb, self.allow)]
        if sensitive and turn.outcome == "miss":
            turn.outcome = "safety"
        turn.replies = [*prefix, *turn.replies]
        self._offer_resume(turn)

    def _offer_resume(self, turn: Turn) -> None:
        """Mid-flow, put "continue the guide" last under the last reply."""
        turn.replies[-1] = with_way_back(turn.replies[-1], self.engine, turn.session)

    def _answer_topic(self, turn: Turn, topic_id: str, facet: str | None, *, outcome: str,
                      score: float | None = None) -> bool:
        topic = for_day(self.kb.topics[topic_id], vietnam_today(turn.now))
        turn.topic, turn.facet, turn.outcome = topic_id, facet, outcome
        turn.session["last_topic"] = {"id": topic_id, "at": turn.now}
        if score is not None:
            turn.score = score
        with_flow = topic.flow if topic.flow in self.brain.flows else None
        reply = answers.topic_answer(topic, facet, self.allow)
        if topic.flow and not with_flow:  # a flow removed since the topic was written
            reply = Reply(reply.text, tuple(b for b in reply.buttons
                                            if not b.payload.startswith("flow:")), reply.links)
        turn.replies = [reply]
        offices.after_answer(self, turn, topic, facet)
        return True

    def _answer_branch(self, turn: Turn, topic_id: str, tokens: tuple[str, ...],
                       score: float) -> bool:
        """Open the topic's guide at the branch the question names, if it names one.

        "quên mật khẩu vneid" matches the first-screen option "Quên mật khẩu" of the
        VNeID troubleshooting guide, so the citizen gets those steps at once instead of the
        topic summary and two more taps.
        """
        topic = self.kb.topics[topic_id]
        flow = self.brain.flows.get(topic.flow or "")
        if flow is None:
            return False
        option = _named_option(self.brain.index.normalizer.tokens,
                               [o.label for o in flow.steps[flow.start].options], tokens)
        flow_turn = None if option is None else self.engine.start_at(
            turn.session, flow.id, option, turn.now)
        if not self._apply(turn, flow_turn):
            return False
        turn.topic, turn.outcome, turn.score = topic_id, "answer", score
        turn.session["last_topic"] = {"id": topic_id, "at": turn.now}
        last = turn.replies[-1]
        turn.replies[-1] = Reply(f"📌 {topic.title}\n{last.text}", last.buttons, last.links)
        return True

    def _is_follow_up(self, result: MatchResult, decision: Decision, recent: str) -> bool:
        """A bare facet question about the topic just answered.

        Its words are all facet cues, and it names no other topic that the matcher proposes
        ("phí làm cccd" after a tạm trú answer is about căn cước; "nộp ở công an xã được không"
        stays about tạm trú).
        """
        if not result.facet or result.outside:
            return False
        cues = self.brain.index.facets.cue_words()
        other = [word for word in result.content if word not in cues]
        if decision.outcome == "miss" and len(other) <= MISS_FOLLOW_UP_WORDS:
            # Nothing else fits a short facet question ("thẻ con phí bao nhiêu" after a căn
            # cước answer): the facet of the topic just discussed is the best reading.
            return True
        if other:
            return False
        proposed = {decision.topic, *decision.suggestions} - {None, recent}
        return not proposed & self.brain.index.named_topics(result.tokens)

    def _repeat_choices(self, turn: Turn, count: int) -> bool:
        """A typed number with no such button: say which numbers work, show them again."""
        labels = turn.session.get("button_labels") or []
        payloads = turn.session.get("buttons") or []
        if len(labels) != len(payloads):
            return False
        turn.outcome = "bad_number"
        turn.replies = [Reply(texts.BAD_NUMBER.format(count=count),
                              tuple(Button(label, payload)
                                    for label, payload in zip(labels, payloads, strict=True)))]
        return True

    def _recent_topic(self, turn: Turn) -> str | None:
        """The topic answered in this conversation within FOLLOW_UP_SECONDS, if any."""
        last = turn.session.get("last_topic") or {}
        tid = last.get("id")
        known = tid in self.kb.topics or catalog.procedure(self.brain, code_of(str(tid)))
        if known and turn.now - float(last.get("at", 0)) <= FOLLOW_UP_SECONDS:
            return str(tid)
        return None

    def _start_flow(self, turn: Turn, flow_id: str, *, resume_same: bool = False) -> bool:
        current = self.engine.active(turn.session)
        if resume_same and current is not None and current[0].id == flow_id:
            # "🧭 Hướng dẫn từng bước" under an answer given mid-guide: continue, not restart.
            return self._apply(turn, self.engine.navigate(turn.session, "resume", turn.now))
        return self._apply(turn, self.engine.start(turn.session, flow_id, turn.now))

    def _apply(self, turn: Turn, flow_turn: FlowTurn | None) -> bool:
        if flow_turn is None:
            return False
        turn.replies = flow_turn.replies
        turn.outcome = flow_turn.outcome
        turn.flow_id, turn.step_id = flow_turn.flow_id, flow_turn.step_id
        return True

    def _feedback(self, turn: Turn, kind: str, ident: str, vote: str) -> bool:
        if kind not in ("t", "f", "c") or vote not in ("up", "down"):
            return False
        if kind == "c":  # a catalogue procedure, logged by its entry id "tthc-<code>"
            ident, kind = catalog.feedback_target(self.brain, ident) or "", "t"
            if not ident:
                return False
        elif kind == "t" and ident not in self.kb.topics:
            return False
        if kind == "f" and ident not in self.brain.flows:  # forged: keep the log clean
            return False
        topic = ident if kind == "t" else None
        flow = ident if kind == "f" else None
        rating = 1 if vote == "up" else -1
        turn.feedback = FeedbackRecord(turn.now, turn.incoming.channel, turn.user, rating,
                                       topic, flow)
        turn.outcome, turn.topic, turn.flow_id = "feedback", topic, flow
        if rating > 0:
            return self._menu(turn, texts.FEEDBACK_THANKS)
        turn.session["awaiting"] = {"topic": topic, "flow": flow, "ts": turn.now}
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


def _staff_command(text: str | None) -> tuple[str, str] | None:
    """("stats" | "misses", argument) when `text` is a staff command."""
    if not text or not text.lstrip().startswith("/"):
        return None
    command, _, arg = text.strip()[1:].partition(" ")
    command = command.split("@", 1)[0].lower()
    return (command, arg.strip()) if command in STAFF_COMMANDS else None


def _small_number(text: str) -> int | None:
    """`text` as an int when it is 1-3 ASCII digits: "²".isdigit() is True, int("²") fails."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


BRANCH_SHARE = 0.75  # share of an option label's words the question must contain


def _named_option(tokenize_: Callable[[str], list[str]], labels: list[str],
                  tokens: Sequence[str]) -> int | None:
    """The one option label whose words the question contains (at least two, and at least
    BRANCH_SHARE of them); None when no label or more than one fits equally well.

    Words of one or two letters and numbers do not count ("bị", "số", "6"): they name no
    problem ("sự cố tài khoản" must not open "Tài khoản bị khóa").
    """
    present = set(tokens)
    scored = []
    for i, label in enumerate(labels):
        words = {w for w in tokenize_(label) if len(w) > 2 and not w.isdigit()}
        hits = len(words & present)
        if hits >= 2 and words and hits / len(words) >= BRANCH_SHARE:
            scored.append((hits / len(words), hits, i))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]
