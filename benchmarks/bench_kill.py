"""kill -9 loop (long): 25 SIGKILLs of `dvcbot run` under Telegram polling, 40 updates each,
while 30 citizens walk guided flows."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tests.reliability.killloop import kill_loop


def main() -> None:
    """Print how many updates were confirmed, logged, answered and answered twice, and how many
    flow positions were checked and lost."""
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(kill_loop(Path(folder), kills=25, per_round=40, walkers=30))
    for line in report.lines():
        print(f"  {line}")
    print("  (DVCBOT_BIN=/path/to/other/dvcbot measures another version in the same way)")
