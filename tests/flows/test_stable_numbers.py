"""Issue 15 items 2 and 7: numbers never shift; /menu and "quay lại" in a flow say the way back."""

from __future__ import annotations

from bot.core import texts
from bot.flows.engine import RESUME_LABEL
from tests.flows.test_flow_turns import FLOW, shows, step_after

TAIL = ["fb:t:khai-sinh:up", "fb:t:khai-sinh:down", "menu"]


def payloads(reply) -> list[str]:
    return [b.payload for b in reply.buttons]


async def test_facet_choices_keep_their_numbers_across_follow_ups(assistant, say) -> None:
    answer = (await say(assistant, "lam giay khai sinh cho con"))[-1]
    first = payloads(answer)
    assert first[-3:] == TAIL  # feedback and menu in fixed places at the end
    # The topic's own choices (guide, facets, legal basis) keep their numbers on every screen;
    # related catalogue procedures, which depend on the question, come after them.
    own = [p for p in first if not p.startswith("cp:")][:-3]
    fee = first.index("fac:khai-sinh:fee") + 1
    detail = (await say(assistant, str(fee)))[-1]
    assert payloads(detail)[:len(own)] == own and payloads(detail)[-3:] == TAIL
    again = (await say(assistant, str(first.index("fac:khai-sinh:time") + 1)))[-1]
    assert payloads(again)[:len(own)] == own and payloads(again)[-3:] == TAIL
    asked = (await say(assistant, "lam ks cho be mat bao nhieu tien"))[-1]
    assert payloads(asked)[:len(own)] == own and payloads(asked)[-3:] == TAIL


async def test_the_way_back_to_a_guide_comes_last_and_shifts_nothing(assistant, say) -> None:
    plain = payloads((await say(assistant, "lam giay khai sinh cho con", user="a"))[-1])
    await say(assistant, f"/start flow-{FLOW}", user="b")
    await say(assistant, "1", user="b")
    mid_flow = (await say(assistant, "lam giay khai sinh cho con", user="b"))[-1]
    assert payloads(mid_flow) == [*plain, "nav:resume"]
    assert mid_flow.buttons[-1].label == RESUME_LABEL


async def test_a_number_for_a_screen_that_changed_shows_the_current_choices(
        assistant, brain, store, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    key = next(iter(store.sessions))
    store.sessions[key]["flow"]["step"] = flow.start  # moved on elsewhere (another device)
    replies = await say(assistant, "1")
    assert store.turns[-1].outcome == "stale_number"
    assert shows(replies[-1], flow, flow.start) or flow.steps[flow.start].text in \
        replies[-1].text
    assert store.turns[-1].step_id == flow.start


async def test_menu_inside_a_flow_shows_the_way_back(assistant, brain, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    await say(assistant, "1")
    menu = (await say(assistant, "/menu"))[-1]
    assert flow.title in menu.text and RESUME_LABEL in menu.text
    assert payloads(menu)[-1] == "nav:resume"
    back = (await say(assistant, str(len(menu.buttons))))[-1]
    assert shows(back, flow, step_after(flow, 1))


async def test_back_on_the_first_screen_says_so(assistant, brain, store, say) -> None:
    flow = brain.flows[FLOW]
    await say(assistant, f"/start flow-{FLOW}")
    reply = (await say(assistant, "quay lại"))[-1]
    assert "bước đầu tiên" in reply.text
    assert flow.steps[flow.start].text in reply.text
    assert store.turns[-1].outcome == "flow_back_first"
    assert texts.MENU_BUTTON not in reply.text
