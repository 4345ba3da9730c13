"""Rank knowledge topics for a question; built once per knowledge-base version."""

from bot.matching.index import Candidate, MatchResult, TopicIndex

__all__ = ["Candidate", "MatchResult", "TopicIndex"]
