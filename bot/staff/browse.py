"""The knowledge browser: what the bot answers to a question, and why (candidates, scores)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.core.assistant import Assistant
from bot.core.models import Incoming, numbered_text
from bot.matching.decide import decide
from bot.matching.index import Candidate
from bot.privacy.pseudonym import Pseudonymizer
from bot.staff.catalog_search import CatalogSearch, Hit
from bot.storage.memory import MemoryStore

CATALOG_NOTE = ("Thủ tục trong danh mục quốc gia: xếp theo độ giống giữa tên thủ tục và câu "
                "hỏi (tra cứu cho cán bộ; trợ lý trả lời theo các chủ đề ở trên).")
_catalog = CatalogSearch()


@dataclass
class Explanation:
    """The decision, the ranked candidates with their signals, and the exact replies."""

    outcome: str
    topic: str | None
    score: float
    facet: str | None
    normalized: str
    candidates: list[Candidate]
    replies: list[str]
    procedures: list[Hit]


async def explain(assistant: Assistant, text: str) -> Explanation:
    """Run `text` through the live knowledge base as a new citizen would type it.

    The replies come from a throwaway assistant with an in-memory store, so nothing is
    logged and no citizen's session is touched.
    """
    brain = assistant.brain
    result = brain.index.match(text)
    decision = decide(result, assistant.config.matching)
    preview = Assistant(brain, MemoryStore(), assistant.config,
                        Pseudonymizer(secrets.token_bytes(32)))
    replies = await preview.handle(Incoming("console", "staff-preview", text=text))
    return Explanation(decision.outcome, decision.topic, decision.score, decision.facet,
                       result.normalized, list(result.candidates),
                       [numbered_text(r) for r in replies],
                       _catalog.search(brain.catalog, text))
