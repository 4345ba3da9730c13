"""The router's entry points for catalogue procedures: answers, buttons, mixed suggestions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.catalog.answers import current_wording, procedure_answer
from bot.catalog.links import target_code
from bot.catalog.links import without_code as without_code  # for the router
from bot.catalog.model import Procedure
from bot.core import texts
from bot.core.models import Button, Link, Reply
from bot.knowledge.loader import KnowledgeBase
from bot.language.facets import FACETS
from bot.matching.entries import catalog_id, code_of

if TYPE_CHECKING:
    from bot.core.assistant import Turn

BUTTON_KINDS = ("cf", "cm", "cp")  # facet, full list, open (from "did you mean")
MAX_LABEL = 60  # a suggestion button shows the start of a long procedure name
MAX_VARIANTS = 2
VARIANT_MARK = "Có phải: "


def _catalog(brain: Any) -> Any:
    return getattr(brain, "catalog", None)


def procedure(brain: Any, code: str | None) -> Procedure | None:
    """The catalogue procedure with this code, if the brain holds a catalogue."""
    catalog = _catalog(brain)
    if catalog is None or not code:
        return None
    found = catalog.procedures.get(code)
    return found if isinstance(found, Procedure) else None


def _imported(brain: Any) -> dt.date | None:
    return getattr(_catalog(brain), "imported_at", None)


def answer(turn: Turn, brain: Any, entry_id: str, facet: str | None, *, full: bool = False,
           outcome: str = "answer") -> bool:
    """Answer about a catalogue procedure; the log keeps its entry id ("tthc-<code>").

    Returns:
        False when the procedure is unknown (a stale button, a catalogue re-imported).
    """
    proc = procedure(brain, code_of(entry_id))
    if proc is None:
        return False
    turn.topic, turn.facet, turn.outcome = entry_id, facet, outcome
    turn.session["last_topic"] = {"id": entry_id, "at": turn.now}  # "bao lâu?" follows up
    turn.replies = [procedure_answer(proc, facet, _imported(brain), full=full)]
    return True


def open_link(turn: Turn, brain: Any, target: str) -> bool:
    """A deep link's target naming a catalogue procedure (`tthc-1_001193`): its answer.

    Returns:
        False when the target names no procedure of the loaded catalogue (the caller then
        shows the menu).
    """
    code = target_code(target)
    return code is not None and answer(turn, brain, catalog_id(code), None)


def button(turn: Turn, brain: Any, kind: str, parts: list[str]) -> bool:
    """cf:<code>:<facet>, cm:<code>:<facet>, cp:<code>[:<facet>], fb:c:<code>:up|down."""
    if not parts:
        return False
    facet = parts[1] if len(parts) > 1 and parts[1] in FACETS else None
    entry = catalog_id(parts[0])
    if kind == "cf" and facet:
        return answer(turn, brain, entry, facet, outcome="facet")
    if kind == "cm" and facet:
        return answer(turn, brain, entry, facet, full=True, outcome="facet")
    if kind == "cp":
        return answer(turn, brain, entry, facet)
    return False


def feedback_target(brain: Any, code: str) -> str | None:
    """The entry id a catalogue thumbs button refers to, None when forged or stale."""
    return catalog_id(code) if procedure(brain, code) is not None else None


def suggestions(kb: KnowledgeBase, brain: Any, ids: list[str], facet: str | None) -> Reply:
    """ "Did you mean" over curated topics and catalogue procedures, in rank order."""
    suffix = f":{facet}" if facet else ""
    buttons = []
    for eid in ids:
        proc = procedure(brain, code_of(eid))
        if eid in kb.topics:
            buttons.append(Button(kb.topics[eid].title, f"top:{eid}{suffix}"))
        elif proc is not None:
            name = proc.name if len(proc.name) <= MAX_LABEL else proc.name[:MAX_LABEL] + "…"
            label = current_wording(name, proc)  # cut first: "(tên cũ)" is never cut off
            buttons.append(Button(label, f"cp:{proc.code}{suffix}"))
    buttons.append(Button(texts.NONE_OF_THESE, "none"))
    return Reply(texts.SUGGEST, tuple(buttons))


def with_code(reply: Reply, brain: Any, code: str | None) -> Reply:
    """A curated answer that also names the national procedure it matched, with its page."""
    proc = procedure(brain, code)
    if proc is None:
        return reply
    text = f"{reply.text}\nMã thủ tục: {proc.code} ({proc.name})"
    link = Link("Trang thủ tục trên Cổng Dịch vụ công quốc gia", proc.url)
    return Reply(text, reply.buttons, (*reply.links, link) if proc.url else reply.links)


def with_variants(reply: Reply, kb: KnowledgeBase, brain: Any, variants: tuple[str, ...],
                  facet: str | None) -> Reply:
    """Variants of the answered procedure the question did not name, as "did you mean"
    buttons under the answer ("Có phải: Thủ tục đăng ký lại khai sinh")."""
    choices = [b for b in suggestions(kb, brain, list(variants[:MAX_VARIANTS]), facet).buttons
               if b.payload != "none"]
    if not choices:
        return reply
    marked = [Button(f"{VARIANT_MARK}{b.label}", b.payload) for b in choices]
    at = next((i for i, b in enumerate(reply.buttons) if b.payload.startswith("fb:")),
              len(reply.buttons))  # after the facets, before the thumbs and the menu
    return Reply(reply.text, (*reply.buttons[:at], *marked, *reply.buttons[at:]), reply.links)
