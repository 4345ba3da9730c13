"""Facet detection: fee, documents, time, where, steps, or none; the earliest cue wins."""

from __future__ import annotations

import pytest

from bot.language.facets import FACETS, FacetDetector


@pytest.mark.parametrize(("question", "facet"), [
    ("phi lam cccd bao nhieu", "fee"),
    ("lam can cuoc het bao nhieu tien", "fee"),
    ("đổi bằng lái mất phí không", "fee"),
    ("can giay to gi de lam ho chieu", "documents"),
    ("đăng ký tạm trú cần chuẩn bị gì", "documents"),
    ("lam ho chieu bao lau thi co", "time"),
    ("mấy ngày thì có căn cước", "time"),
    ("nop ho so khai sinh o dau", "where"),
    ("đăng ký kết hôn online được không", "where"),
    ("lam the nao de dang ky tam tru", "steps"),
    ("hướng dẫn đăng ký thường trú", "steps"),
    ("dang ky khai sinh", None),
    ("tôi bị mất căn cước", None),
])
def test_facet_of_bundled_cues(brain, question: str, facet: str | None) -> None:
    index = brain.index
    assert index.facets.detect(index.normalizer.tokens(question)) == facet


@pytest.mark.parametrize(("question", "facet"), [
    ("o dau va bao nhieu tien", "where"),
    ("bao nhieu tien va o dau", "fee"),
    ("mat bao lau va can giay to gi", "time"),
    ("giay to gi va mat bao lau", "documents"),
])
def test_earliest_cue_wins(brain, question: str, facet: str) -> None:
    index = brain.index
    assert index.facets.detect(index.normalizer.tokens(question)) == facet


def test_longer_cue_wins_at_the_same_place() -> None:
    detector = FacetDetector({"fee": ["bao nhieu"], "time": ["bao nhieu ngay"]})
    assert detector.detect(["mat", "bao", "nhieu", "ngay"]) == "time"
    assert detector.detect(["mat", "bao", "nhieu"]) == "fee"


def test_no_cue_no_facet() -> None:
    detector = FacetDetector({"where": ["o dau"]})
    assert detector.detect([]) is None
    assert detector.detect(["dang", "ky", "khai", "sinh"]) is None
    assert detector.cue_words() == {"o", "dau"}


def test_bundled_cues_cover_every_facet(brain) -> None:
    assert set(brain.kb.facet_cues) == set(FACETS)
