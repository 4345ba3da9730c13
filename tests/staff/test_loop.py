"""Closing the loop: an inbox group assigned to a topic is answered directly, without restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.models import Incoming
from bot.knowledge.learned import FILE_NAME
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.staff import learn
from tests.conftest import PROJECT_ROOT
from tests.staff.conftest import client, login

QUESTION = "thu tuc cap so do cho nha moi xay"


async def _ask(console, text: str, user: str = "citizen-1") -> None:
    await console.assistant.handle(Incoming("console", user, text=text))


async def _outcome(console, text: str) -> tuple[str, str | None]:
    result = console.assistant.brain.index.match(text)
    from bot.matching.decide import decide
    d = decide(result, console.config.matching)
    return d.outcome, d.topic


async def test_assigned_group_is_answered_directly_and_audited(console):
    await _ask(console, QUESTION)
    assert (await _outcome(console, QUESTION))[0] != "answer"
    async with client() as http:
        csrf = await login(http, console.url)
        async with http.get(console.url + "/staff/inbox") as r:
            assert QUESTION in await r.text()
        form = {"csrf": csrf, "wording": QUESTION, "example": QUESTION, "topic": "dat-dai",
                "action": "topic"}
        async with http.post(console.url + "/staff/inbox", data=form) as r:
            page = await r.text()
            assert r.status == 200, page
            assert "Đã thêm vào chủ đề" in page
        async with http.get(console.url + "/staff/inbox") as r:
            assert f'value="{QUESTION}"' not in await r.text()  # decided groups leave the inbox
        async with http.get(console.url + "/staff/audit") as r:
            audit = await r.text()
    assert "assign" in audit and "lan" in audit and "dat-dai" in audit
    learned = Path(console.config.knowledge_dir) / FILE_NAME
    assert QUESTION in learned.read_text(encoding="utf-8")
    assert await _outcome(console, QUESTION) == ("answer", "dat-dai")
    replies = await console.assistant.handle(Incoming("console", "citizen-2", text=QUESTION))
    title = console.assistant.brain.kb.topics["dat-dai"].title
    assert title in replies[0].text


async def test_change_that_kb_check_refuses_is_not_written(console):
    taken = console.assistant.brain.kb.topics["khai-sinh"].questions[0]
    async with client() as http:
        csrf = await login(http, console.url)
        form = {"csrf": csrf, "wording": taken, "example": taken, "topic": "ket-hon",
                "action": "topic"}
        async with http.post(console.url + "/staff/inbox", data=form) as r:
            page = await r.text()
    assert r.status == 422
    assert "already a sample question of khai-sinh" in page
    assert not (Path(console.config.knowledge_dir) / FILE_NAME).exists()
    assert any(a[2] == "assign_refused" for a in await console.staff.audit_log())


async def test_new_topic_goes_to_the_overview_todo_list(console):
    await _ask(console, "dang ky nuoi cho meo")
    async with client() as http:
        csrf = await login(http, console.url)
        form = {"csrf": csrf, "wording": "dang ky nuoi cho meo", "action": "new_topic"}
        async with http.post(console.url + "/staff/inbox", data=form) as r:
            assert r.status == 200
        async with http.get(console.url + "/staff/") as r:
            page = await r.text()
    assert 'id="todo"' in page and "dang ky nuoi cho meo" in page


async def test_viewer_cannot_change_knowledge(console):
    async with client() as http:
        csrf = await login(http, console.url, "xem")
        form = {"csrf": csrf, "wording": QUESTION, "topic": "dat-dai", "action": "topic"}
        async with http.post(console.url + "/staff/inbox", data=form) as r:
            assert r.status == 403
    assert not (Path(console.config.knowledge_dir) / FILE_NAME).exists()


def test_kb_check_reports_a_bad_learned_file_with_its_line(tmp_path):
    import shutil
    kdir = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", kdir)
    (kdir / FILE_NAME).write_text("learned:\n  khai-sinh:\n    - ''\n  khong-co:\n    - x\n",
                                  encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(kdir, ["*"])
    text = str(err.value)
    assert f"{FILE_NAME}:3: learned: khai-sinh: empty question" in text
    assert f"{FILE_NAME}:4: learned: unknown topic 'khong-co'" in text


async def test_the_evaluation_sets_are_never_written(console, monkeypatch):
    import dataclasses
    cfg = dataclasses.replace(console.config,
                              knowledge_dir=str(PROJECT_ROOT / "tests" / "data"))
    with pytest.raises(ValueError, match="never written"):
        await learn.assign(cfg, console.staff, "lan", QUESTION, "dat-dai", [QUESTION])


async def test_a_new_miss_reaches_an_inbox_already_on_screen(console, monkeypatch):
    from bot.staff import pages
    monkeypatch.setitem(pages.TTL, "inbox", 0.0)  # "a few seconds" have passed
    async with client() as http:
        await login(http, console.url)
        async with http.get(console.url + "/staff/inbox") as r:
            assert "dang ky nuoi cho meo" not in await r.text()
        await _ask(console, "dang ky nuoi cho meo")
        async with http.get(console.url + "/staff/inbox") as r:
            assert "dang ky nuoi cho meo" in await r.text()
