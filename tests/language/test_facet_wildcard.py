"""A "*" in a facet cue stands for exactly one word."""

from __future__ import annotations

from bot.language.facets import FacetDetector


def test_wildcard_matches_one_word_only() -> None:
    detector = FacetDetector({"where": ["qua * duoc khong"], "fee": ["phi"]})
    assert detector.detect(["nop", "qua", "momo", "duoc", "khong"]) == "where"
    assert detector.detect(["nop", "qua", "vi", "momo", "duoc", "khong"]) is None
    assert detector.detect(["qua", "duoc", "khong"]) is None
    assert "*" not in detector.cue_words()


def test_bundled_cues_read_channel_questions_as_where(brain) -> None:
    tokens = brain.index.normalizer.tokens("nop le phi online qua vi momo duoc ko")
    assert brain.index.facets.detect(tokens) == "where"
