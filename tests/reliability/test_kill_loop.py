"""kill -9 `dvcbot run` 10 times under polling load: no confirmed update, no reply, no flow
position is lost.

A reply sent just before a kill may go out twice (README: "What can repeat after a crash").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.killloop import kill_loop


@pytest.mark.timeout(300)
async def test_ten_sigkills_lose_no_confirmed_update(tmp_path: Path) -> None:
    report = await kill_loop(tmp_path, kills=10, per_round=15, walkers=8)
    summary = "\n".join(report.lines())
    assert report.confirmed == report.sent, summary
    assert report.lost == 0, summary
    assert report.logged == report.confirmed, summary  # every confirmed update became a turn
    assert report.answered == report.sent, summary  # the outbox sends what a kill held back
    assert report.pending_inbox == 0, summary
    assert report.flows.checked >= 8 * 2, summary  # the walkers really walked
    assert report.flows.lost == 0, summary  # each continued from the step reached
    assert report.flows.unanswered == 0, summary
