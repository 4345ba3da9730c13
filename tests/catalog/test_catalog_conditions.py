"""The "điều kiện" facet: asked in words or by button, shown first for a catalogue procedure,
said plainly when the record states none; "đủ điều kiện" in a procedure name is no cue."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.catalog.answers import FIRST_ITEMS, NO_CONDITIONS, procedure_answer


async def test_conditions_come_first_for_a_procedure_that_has_them(assistant, say, press,
                                                                   store) -> None:
    asked = (await say(assistant, "dieu kien tach ho"))[-1]
    assert any(b.payload.endswith(":conditions") for b in asked.buttons)  # the facet is kept
    reply = (await press(assistant, "cp:1.010038:conditions"))[-1]
    assert "Mã thủ tục: 1.010038" in reply.text
    assert reply.text.splitlines()[2] == "Điều kiện:"
    assert "năng lực hành vi dân sự đầy đủ" in reply.text  # the record's own words
    assert store.turns[-1].facet == "conditions"


async def test_a_procedure_without_conditions_says_so(assistant, say, press, store) -> None:
    await say(assistant, "xin giay phep khai thac thuy san")
    reply = (await say(assistant, "cần điều kiện gì?"))[-1]
    assert "Mã thủ tục: 1.004359" in reply.text and NO_CONDITIONS in reply.text
    assert store.turns[-1].facet == "conditions"
    assert "cf:1.004359:conditions" not in [b.payload for b in reply.buttons]
    fee = (await press(assistant, "cf:1.004359:fee"))[-1]
    assert "cf:1.004359:conditions" in [b.payload for b in fee.buttons]
    pressed = (await press(assistant, "cf:1.004359:conditions"))[-1]
    assert NO_CONDITIONS in pressed.text and store.turns[-1].outcome == "facet"


def test_long_conditions_are_cut_with_a_see_all_button(brain) -> None:
    proc = dataclasses.replace(brain.catalog.procedures["1.010038"],
                               conditions="\n".join(f"Điều kiện số {i}" for i in range(1, 9)))
    reply = procedure_answer(proc, "conditions", dt.date(2026, 11, 30))
    assert f"Điều kiện số {FIRST_ITEMS}" in reply.text
    assert f"Điều kiện số {FIRST_ITEMS + 1}" not in reply.text
    assert reply.buttons[0].payload == "cm:1.010038:conditions"
    full = procedure_answer(proc, "conditions", dt.date(2026, 11, 30), full=True)
    assert "Điều kiện số 8" in full.text


def test_no_information_in_the_record_means_no_conditions(brain) -> None:
    proc = brain.catalog.procedures["1.010038"]
    for none in ("Không có thông tin", "Không có thông tinTừ khóaKhông có thông tin", "Không."):
        text = procedure_answer(dataclasses.replace(proc, conditions=none), "conditions",
                                dt.date(2026, 11, 30)).text
        assert NO_CONDITIONS in text, none


def test_a_condition_in_a_procedure_name_is_no_cue(brain) -> None:
    facets = brain.index.facets
    name = "giay chung nhan du dieu kien an toan thuc pham"
    assert facets.detect(name.split(" ")) is None
    assert facets.detect(["dieu", "kien", "tach", "ho"]) == "conditions"
    assert facets.detect(["dk", "tam", "tru"]) != "conditions"
