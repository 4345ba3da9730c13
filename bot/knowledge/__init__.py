"""The YAML knowledge base: schema, loading with `file:line` validation, hot reload."""

from bot.knowledge.loader import KnowledgeBase, KnowledgeError, load_knowledge
from bot.knowledge.schema import Topic

__all__ = ["KnowledgeBase", "KnowledgeError", "Topic", "load_knowledge"]
