"""A catalogue procedure close behind three curated topics takes the third place."""

from __future__ import annotations

from bot.matching.entries import Entry
from bot.matching.fields import Fields


def _fields() -> Fields:
    entries = {tid: Entry(tid, ()) for tid in ("a", "b", "c")}
    entries.update({tid: Entry(tid, (), codes=(tid[5:],), field="Hộ tịch")
                    for tid in ("tthc-1.1", "tthc-1.2")})
    return Fields(entries, ["a", "b", "c"])


def _order(raw: dict[str, tuple[float, float, float]]) -> list[str]:
    return sorted(raw, key=lambda t: -raw[t][0])


def test_a_close_procedure_passes_the_third_topic_only() -> None:
    raw = {"a": (60.0, 0.9, 0.0), "b": (30.0, 0.5, 0.0), "c": (20.0, 0.4, 0.0),
           "tthc-1.1": (15.0, 0.3, 0.0), "tthc-1.2": (5.0, 0.1, 0.0)}
    assert _fields().diverse(raw) == "tthc-1.1"
    assert _order(raw) == ["a", "b", "tthc-1.1", "c", "tthc-1.2"]


def test_a_far_procedure_or_one_already_shown_moves_nothing() -> None:
    far = {"a": (60.0, 0.9, 0.0), "b": (30.0, 0.5, 0.0), "c": (20.0, 0.4, 0.0),
           "tthc-1.1": (10.0, 0.3, 0.0)}
    shown = {"a": (60.0, 0.9, 0.0), "tthc-1.1": (30.0, 0.5, 0.0), "b": (20.0, 0.4, 0.0),
             "c": (19.0, 0.3, 0.0)}
    for raw in (far, shown):
        before = dict(raw)
        assert _fields().diverse(raw) is None
        assert raw == before
