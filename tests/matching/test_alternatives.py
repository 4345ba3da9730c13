"""The places behind the best match: ordered by the fitted model, scores and decisions kept."""

from __future__ import annotations

import json
import logging

import pytest

from bot.language.normalize import tokenize
from bot.matching.alternatives import FEATURES, MODEL, Alternatives, load_weights
from bot.matching.decide import decide
from bot.matching.entries import Entry, Text


@pytest.fixture
def without_model(brain):
    """Run a block with the hand-made order behind the best (the model switched off)."""
    alt = brain.index.alternatives
    saved = alt.weights
    assert saved, "the bundled model (bot/matching/alternatives.json) is loaded"

    class Off:
        def __enter__(self):
            alt.weights = None

        def __exit__(self, *exc):
            alt.weights = saved

    return Off()


def test_the_fitted_model_brings_forward_the_procedure_holding_the_question() -> None:
    # Behind the best entry: two curated topics sharing only "đăng ký" with the question, a
    # little ahead of a procedure whose name holds every word of it.
    entries = {"ket-hon": Entry("ket-hon", (Text("Đăng ký kết hôn", 2.0, True),)),
               "dang-ky-xe": Entry("dang-ky-xe", (Text("Đăng ký xe", 2.0, True),)),
               "tthc-1": Entry("tthc-1", (Text("Đăng ký khai thác nước dưới đất", 2.0, True),),
                               (), ("1",), "Tài nguyên nước")}
    asked = ["dang", "ky", "khai", "thac", "nuoc", "duoi", "dat"]
    holders = {w: {"tthc-1"} | ({"ket-hon", "dang-ky-xe"} if w in ("dang", "ky") else set())
               for w in asked}
    alt = Alternatives(entries, tokenize, (), lambda w: [holders.get(w, set())],
                       lambda tid: frozenset(), load_weights(MODEL))
    pool = [("ket-hon", 30.0, 0.3, 20.0), ("dang-ky-xe", 29.0, 0.3, 20.0),
            ("tthc-1", 27.0, 0.9, 60.0)]
    assert alt.order(("tthc-9", 60.0, 1.0), pool, asked)[0] == "tthc-1"
    alt.weights = None  # the hand-made order
    assert alt.order(("tthc-9", 60.0, 1.0), pool, asked)[0] == "ket-hon"


@pytest.mark.parametrize("question", [
    "mat the bao hiem y te thi xin cap lai o dau",
    "doi ten cong ty tnhh thi lam sao",
    "đăng ký khai sinh cho con ở đâu",
    "xin giay phep xay dung nha o",
])
def test_the_best_entry_scores_and_decision_do_not_change(brain, config, without_model,
                                                          question) -> None:
    with without_model:
        before = brain.index.match(question)
    after = brain.index.match(question)
    assert after.best == before.best
    assert [c.score for c in after.candidates] == [c.score for c in before.candidates]
    old, new = decide(before, config.matching), decide(after, config.matching)
    assert (new.outcome, new.topic, new.score) == (old.outcome, old.topic, old.score)
    assert len(new.suggestions) == len(old.suggestions)


def _alternatives(weights) -> Alternatives:
    entries = {"topic": Entry("topic", (Text("Đăng ký xe", 2.0, True),)),
               "tthc-1": Entry("tthc-1", (Text("Cấp lại thẻ bảo hiểm y tế", 2.0, True),),
                               (), ("1",), "BHYT"),
               "tthc-2": Entry("tthc-2", (Text("Khai thác nước dưới đất", 2.0, True),),
                               (), ("2",), "Tài nguyên nước")}
    alt = Alternatives(entries, lambda text: text.lower().split(), (), lambda word: [],
                       lambda tid: frozenset(), weights)
    alt.weights = list(weights) if weights is not None else None  # None: no model at all
    return alt


def test_a_close_curated_topic_keeps_its_place() -> None:
    favour_procedures = [0.0] * len(FEATURES)
    favour_procedures[FEATURES.index("topic")] = -10.0
    alt = _alternatives(favour_procedures)
    pool = [("topic", 90.0, 1.0, 0.0), ("tthc-1", 50.0, 0.5, 0.0), ("tthc-2", 40.0, 0.5, 0.0)]
    # Shown at 90% of the best one's score or more: the topic stays right behind it.
    assert alt.order(("tthc-9", 95.0, 1.0), pool, ["xe"])[0] == "topic"
    # Far behind the best one: the model puts the procedures first.
    assert alt.order(("tthc-9", 200.0, 1.0), pool, ["xe"]) == ["tthc-1", "tthc-2", "topic"]


def test_without_a_model_the_order_is_kept() -> None:
    pool = [("tthc-2", 9.0, 1.0, 0.0), ("tthc-1", 8.0, 1.0, 0.0)]
    assert _alternatives(None).order(("topic", 10.0, 1.0), pool, ["nuoc"]) == ["tthc-2",
                                                                                "tthc-1"]


def test_a_model_for_other_features_is_ignored_with_a_warning(tmp_path, caplog) -> None:
    path = tmp_path / "alternatives.json"
    assert load_weights(path) is None  # no file: no model, no error
    path.write_text(json.dumps({"weights": {"score": 1.0}}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_weights(path) is None
    assert "fitted for other features" in caplog.text
    path.write_text(json.dumps({"weights": dict.fromkeys(FEATURES, 0.5)}), encoding="utf-8")
    assert load_weights(path) == [0.5] * len(FEATURES)
