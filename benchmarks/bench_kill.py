"""kill -9 loop (long): 25 SIGKILLs of `dvcbot run` under Telegram polling, 40 updates each."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tests.reliability.killloop import kill_loop


def main() -> None:
    """Print how many updates were confirmed, logged, answered and answered twice."""
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(kill_loop(Path(folder), kills=25, per_round=40))
    for line in report.lines():
        print(f"  {line}")
    print("  (DVCBOT_BIN=/path/to/other/dvcbot measures another version in the same way)")
