"""The Assistant: one turn end to end, independent of any chat SDK."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.config import Config
from bot.core import answers
from bot.core.brain import Brain
from bot.core.locks import KeyedLocks
from bot.core.models import Button, Incoming, Reply
from bot.core.outbox import dump_replies, unsent_replies
from bot.core.router import Router
from bot.privacy.bounds import cut_bytes, cut_text
from bot.privacy.redact import redact, scrub
from bot.storage.base import (
    AlreadyHandled,
    Commit,
    FeedbackRecord,
    ReferralRecord,
    Store,
    TurnRecord,
)

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """The working state of one turn; the router fills in what gets logged."""

    incoming: Incoming
    user: str
    session: dict[str, Any]
    now: float
    text: str = ""
    redacted: str | None = None
    normalized: str | None = None
    outcome: str = "miss"
    topic: str | None = None
    score: float | None = None
    facet: str | None = None
    flow_id: str | None = None
    step_id: str | None = None
    feedback: FeedbackRecord | None = None
    referral: ReferralRecord | None = None
    replies: list[Reply] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """text, button or start."""
        if self.incoming.start_payload is not None:
            return "start"
        return "button" if self.incoming.button is not None else "text"


class Assistant:
    """Decides every reply. Channels call `handle()`; nothing here knows a chat SDK."""

    def __init__(self, brain: Brain, store: Store, config: Config,
                 pseudonymize: Callable[[str, str], str],
                 clock: Callable[[], float] = time.time) -> None:
        """Wire the assistant.

        Args:
            brain: knowledge, index and flows.
            store: sessions and logs.
            config: the configuration (thresholds, allow-list).
            pseudonymize: (channel, channel user id) → pseudonymous key.
            clock: wall-clock seconds; tests inject a fake one.
        """
        self.brain = brain
        self.store = store
        self.config = config
        self.pseudonymize = pseudonymize
        self.clock = clock
        self._locks = KeyedLocks()
        self._handed_out: set[tuple[str, str]] = set()  # replies a channel is sending now

    def swap_brain(self, brain: Brain) -> None:
        """Replace knowledge and flows at once (hot reload); turns in flight keep theirs."""
        self.brain = brain

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Process one citizen event and return the replies to send, in order.

        The session and the turn's log row are committed in one transaction before this
        returns. A redelivered event (same channel and update id) returns no reply.

        Args:
            incoming: what the citizen did.

        Returns:
            Replies; only the last one carries buttons.
        """
        started = time.perf_counter()
        incoming = clean_incoming(incoming)
        user = self.pseudonymize(incoming.channel, incoming.user_key)
        async with self._locks.hold(user), self.store.turn_lock(user):
            if incoming.update_id and await self.store.seen_update(incoming.channel,
                                                                   incoming.update_id):
                log.info("redelivered update %s/%s: only unsent replies go out",
                         incoming.channel, incoming.update_id)
                if (incoming.channel, incoming.update_id) in self._handed_out:
                    return []  # the first delivery is still being sent by this process
                replies = await unsent_replies(self.store, incoming.channel, incoming.update_id)
                if replies:
                    self._handed_out.add((incoming.channel, incoming.update_id))
                return replies
            session = await self.store.load_session(user)
            turn = Turn(incoming, user, session, self.clock())
            brain = self.brain
            try:
                await Router(brain, self.config, self.store).route(turn)
            except Exception:
                log.exception("turn failed; answering with the fallback")
                turn.replies = [answers.fallback(brain.kb, self.config.links.allow)]
                turn.outcome = "error"
            replies = _only_last_has_buttons(turn.replies)
            session["buttons"] = [b.payload for b in replies[-1].buttons] if replies else []
            session["button_labels"] = [b.label for b in replies[-1].buttons] if replies else []
            session["updated"] = turn.now
            commit = self._commit(turn, started)
            if incoming.update_id:
                commit.replies = dump_replies(replies)
            try:
                await self.store.commit(commit)
            except AlreadyHandled:
                # Another instance played it meanwhile (this one stalled past its claim): its
                # turn stands, and it sends the replies.
                log.info("update %s/%s was played by another instance meanwhile",
                         incoming.channel, incoming.update_id)
                return []
            if incoming.update_id:
                self._handed_out.add((incoming.channel, incoming.update_id))
        return replies

    async def delivered(self, incoming: Incoming) -> None:
        """The channel sent the replies of `incoming`: take them out of the outbox."""
        update_id = _clean(incoming.update_id)
        if update_id:
            await self.store.outbox_sent(incoming.channel, update_id)
            self._handed_out.discard((incoming.channel, update_id))

    def _commit(self, turn: Turn, started: float) -> Commit:
        incoming = turn.incoming
        text = turn.redacted
        if text is None and incoming.text is not None:
            text = redact(incoming.text).text
        if text is None and incoming.button is not None:
            text = redact(f"[nút] {incoming.button}").text
        if text is None and incoming.start_payload is not None:
            text = f"/start {redact(incoming.start_payload).text}".strip()
        record = TurnRecord(
            ts=turn.now, channel=incoming.channel, user_key=turn.user, kind=turn.kind,
            text=text, normalized=turn.normalized, outcome=turn.outcome, topic=turn.topic,
            score=turn.score, facet=turn.facet, flow_id=turn.flow_id, step_id=turn.step_id,
            referral=turn.session.get("referral"),
            latency_ms=round((time.perf_counter() - started) * 1000, 3))
        feedback = turn.feedback
        if feedback is not None and feedback.referral is None:
            feedback = replace(feedback, referral=turn.session.get("referral"))
        # Belt and braces: whatever the router or a flow put in the session is redacted too.
        return Commit(turn.user, incoming.channel, scrub(turn.session), record, feedback,
                      turn.referral, incoming.update_id)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(value: str | None) -> str | None:
    """Valid UTF-8 without control characters: lone surrogates (undecodable console bytes,
    forged JSON escapes) would make the SQLite commit fail and lose the turn."""
    if value is None:
        return None
    value = value.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", value)


def clean_incoming(incoming: Incoming) -> Incoming:
    """Return `incoming` with every text field made safe to process and store.

    Text and payloads are cut to the platforms' limits first, so a forged 1 MB message costs
    no more to redact than a real one.
    """
    return dataclasses.replace(
        incoming, channel=_clean(incoming.channel) or "", user_key=_clean(incoming.user_key)
        or "", text=_clean(cut_text(incoming.text)), button=_clean(cut_bytes(incoming.button)),
        start_payload=_clean(cut_bytes(incoming.start_payload)),
        update_id=_clean(incoming.update_id),
        locale=_clean(incoming.locale))


def _only_last_has_buttons(replies: list[Reply]) -> list[Reply]:
    """Typed numbers press the last reply's buttons, so earlier replies carry none."""
    out = []
    for i, reply in enumerate(replies):
        if i < len(replies) - 1 and reply.buttons:
            reply = Reply(reply.text, (), reply.links)
        out.append(reply)
    return out


def merge_buttons(reply: Reply, extra: list[Button]) -> Reply:
    """Return `reply` with `extra` buttons put first."""
    return Reply(reply.text, (*extra, *reply.buttons), reply.links)
