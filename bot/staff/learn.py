"""Close the loop: an inbox group becomes sample questions of a topic, checked like kb check."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.core.brain import build_brain
from bot.knowledge import learned
from bot.knowledge.loader import KnowledgeError, catalogue_problems

DECISIONS = ("topic", "new_topic", "ignore")


def _phrases(examples: list[str], label: str) -> list[str]:
    """Citizens' wordings to learn: redacted examples without placeholders, else the label."""
    kept = [e.strip() for e in examples if e.strip() and "[" not in e]
    return list(dict.fromkeys(kept or [label]))


def check_candidate(config: Config, text: str) -> list[str]:
    """Everything `dvcbot kb check` would say about the knowledge base with `text` as the file.

    Works on a copy of the knowledge folder, so the live one is untouched until it passes.
    """
    with tempfile.TemporaryDirectory(prefix="dvcbot-kb-") as tmp:
        copy = Path(tmp) / "knowledge"
        shutil.copytree(config.knowledge_dir, copy)
        (copy / learned.FILE_NAME).write_text(text, encoding="utf-8")
        trial = dataclasses.replace(config, knowledge_dir=str(copy))
        try:
            brain = build_brain(trial)
        except KnowledgeError as exc:
            return [e.problem for e in exc.errors]
        return [e.problem for e in catalogue_problems(brain.kb)]


def _refuse_eval_sets(config: Config) -> None:
    target = Path(config.knowledge_dir).resolve()
    if "tests" in target.parts and "data" in target.parts:
        raise ValueError("the evaluation sets are never written to")


async def assign(config: Config, staff: Any, actor: str, wording: str, topic: str,
                 examples: list[str], reload: Callable[[], Any] | None = None) -> list[str]:
    """Add a group's wordings to `topic` in learned.yaml; refuse what kb check would refuse.

    Returns:
        The problems that made the change refused (empty when it was written).
    """
    _refuse_eval_sets(config)
    data = learned.read_raw(config.knowledge_dir)
    phrases = [p for p in _phrases(examples, wording) if p not in data.get(topic, [])]
    data.setdefault(topic, []).extend(phrases)
    text = learned.render(data)
    problems = await asyncio.to_thread(check_candidate, config, text)
    if problems:
        await staff.audit(actor, "assign_refused", f"{wording!r} -> {topic}: {problems[0]}")
        return problems
    learned.write_atomic(config.knowledge_dir, text)
    await staff.decide(wording, "topic", topic, actor)
    await staff.audit(actor, "assign", f"{wording!r} -> {topic}: " + " | ".join(phrases))
    if reload is not None:
        await asyncio.to_thread(reload)
    return []


async def mark(staff: Any, actor: str, wording: str, decision: str) -> None:
    """Put a group on the new-topic to-do list, or ignore it."""
    if decision not in ("new_topic", "ignore"):
        raise ValueError(f"unknown decision {decision!r}")
    await staff.decide(wording, decision, None, actor)
    await staff.audit(actor, decision, repr(wording))
