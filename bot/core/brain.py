"""A consistent snapshot of everything loaded: knowledge, index, flows, the catalogue."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.catalog.aliases import Aliases, load_aliases
from bot.catalog.effective import catalog_stamp, effective_catalog
from bot.catalog.entries import procedure_entries
from bot.catalog.store import Catalog, CatalogError
from bot.config import Config
from bot.flows.engine import FlowEngine
from bot.flows.loader import Flow, load_flows
from bot.knowledge.loader import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matching.index import TopicIndex
from bot.yamlio import YamlError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Brain:
    """Immutable once built; the assistant swaps a whole Brain on reload."""

    kb: KnowledgeBase
    index: TopicIndex
    flows: dict[str, Flow]
    engine: FlowEngine
    catalog: Catalog  # the national procedure catalogue (bot.catalog.effective_catalog)
    aliases: Aliases  # names people use for its procedures (knowledge/aliases.yaml)


def build_brain(config: Config) -> Brain:
    """Load and validate flows and knowledge, then build the matching index.

    Raises:
        KnowledgeError: listing every problem in knowledge and flow files.
    """
    errors: list[YamlError] = []
    flows: dict[str, Flow] = {}
    try:
        flows = load_flows(config.flows_dir, config.links.allow)
    except KnowledgeError as exc:
        errors.extend(exc.errors)
    try:
        kb = load_knowledge(config.knowledge_dir, config.links.allow,
                            flow_ids=set(flows) if not errors else None)
    except KnowledgeError as exc:
        errors.extend(exc.errors)
    if errors:
        raise KnowledgeError(errors)
    for flow in flows.values():
        for tid in flow.topics:
            if tid not in kb.topics:
                errors.append(YamlError(flow.file, flow.line, f"topics: unknown topic {tid!r}"))
    try:
        catalog = effective_catalog(config)
    except CatalogError as exc:
        errors.append(YamlError(exc.path, 1, exc.problem))
    aliases, problems = load_aliases(config.knowledge_dir)
    errors.extend(problems)
    if errors:
        raise KnowledgeError(errors)
    index = TopicIndex(kb, extra=procedure_entries(catalog.procedures.values(),
                                                   aliases=aliases))
    return Brain(kb, index, flows, FlowEngine(flows, config.flows.expiry_hours * 3600), catalog,
                 aliases)


def source_stamp(config: Config) -> tuple[tuple[str, float], ...]:
    """Modification times of every YAML file and the catalogue store, to notice edits."""
    stamps = []
    for folder in (Path(config.knowledge_dir), Path(config.flows_dir)):
        for path in sorted(folder.rglob("*.yaml")):
            try:
                stamps.append((str(path), os.stat(path).st_mtime))
            except OSError:
                continue
    return tuple(stamps) + catalog_stamp(config)
