"""Keep only suggestions that share a meaningful word or phrase with the question.

"xin giấy xác nhận hộ nghèo" shares only "giấy xác nhận" with "Xác nhận tình trạng hôn nhân":
words every procedure uses say nothing about which one is meant, so that suggestion is dropped
and the citizen gets the honest fallback instead of an absurd guess.
"""

from __future__ import annotations

import itertools
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.knowledge.loader import KnowledgeBase
from bot.language.normalize import tokenize
from bot.matching.decide import Decision
from bot.matching.index import TopicIndex

# Syllables common to most procedures: alone they name none of them.
GENERIC = frozenset(tokenize(
    "xác nhận giấy tờ đăng ký làm cấp thủ tục xin cho mới lại ở đâu bao nhiêu không được có "
    "cần phải thì là của "
    "tôi em mình bạn người con các những này đi về ra vào với và hay hoặc khi nào sao gì "
    "thế nào như nhà ai một hai ba số mã trên qua tại theo để bị bằng cách muốn giúp hỏi"))
RECURRING = 2  # sample questions a word must appear in to name the topic
MIN_SYLLABLE = 3  # "hộ", "họ", "hồ" fold to "ho": too ambiguous to vouch for a topic alone


Vocabulary = dict[str, tuple[frozenset[str], frozenset[str]]]
_CACHE: weakref.WeakKeyDictionary[TopicIndex, Vocabulary] = weakref.WeakKeyDictionary()


def _vocabulary(index: TopicIndex, kb: KnowledgeBase) -> Vocabulary:
    """Per topic: its meaningful syllables and its two-syllable phrases (once per index)."""
    cached = _CACHE.get(index)
    if cached is not None:
        return cached
    vocab: Vocabulary = {}
    for topic in kb.topics.values():
        words: set[str] = set()
        pairs: set[str] = set()
        seen: Counter[str] = Counter()  # in how many sample questions a word or phrase occurs
        for text in (topic.title, *topic.keywords):
            tokens = index.normalizer.expand(tokenize(text))
            words.update(tokens)
            pairs.update(_pairs(tokens))
        for text in topic.questions:
            tokens = index.normalizer.expand(tokenize(text))
            seen.update({*tokens, *_pairs(tokens)})
        # A word of one sample question only may be a side remark ("... để vay vốn").
        recurring = {item for item, n in seen.items() if n >= RECURRING}
        words.update(item for item in recurring if " " not in item)
        pairs.update(item for item in recurring if " " in item)
        vocab[topic.id] = (frozenset(words - GENERIC), frozenset(pairs))
    _CACHE[index] = vocab
    return vocab


def _pairs(tokens: Sequence[str]) -> Iterable[str]:
    for a, b in itertools.pairwise(tokens):
        if not (a in GENERIC and b in GENERIC):
            yield f"{a} {b}"


def shares_meaning(index: TopicIndex, kb: KnowledgeBase, tokens: Sequence[str],
                   topic_id: str) -> bool:
    """True when the question and the topic share a non-generic phrase or long syllable."""
    words, pairs = _vocabulary(index, kb).get(topic_id, (frozenset(), frozenset()))
    if any(p in pairs for p in _pairs(tokens)):
        return True
    return any(len(t) >= MIN_SYLLABLE and t not in GENERIC and t in words for t in tokens)


def meaningful(index: TopicIndex, kb: KnowledgeBase, tokens: Sequence[str],
               topic_ids: Iterable[str]) -> tuple[str, ...]:
    """The suggestions that share meaning with the question, in their order.

    Only knowledge-base topics are checked; catalogue procedures keep their own ranking rules.
    """
    return tuple(t for t in topic_ids
                 if t not in kb.topics or shares_meaning(index, kb, tokens, t))


def sensible(decision: Decision, index: TopicIndex, kb: KnowledgeBase,
             tokens: Sequence[str]) -> Decision:
    """`decision` without the suggestions that share nothing meaningful with the question.

    Returns:
        The same decision, fewer suggestions, or a miss when none is left.
    """
    if decision.outcome != "suggest":
        return decision
    kept = meaningful(index, kb, tokens, decision.suggestions)
    if kept == decision.suggestions:
        return decision
    return replace(decision, outcome="suggest" if kept else "miss", suggestions=kept)
