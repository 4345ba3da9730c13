"""Rebuild the bundled catalogue from the sample beside it: `python -m bot.catalog.bundle`."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from bot.catalog.effective import bundled_path
from bot.catalog.importer import import_files

SAMPLE_NAME = "tthc-sample.jsonl.gz"
# Fixed so that a rebuild with an unchanged parser gives the same bytes (gzip mtime is 0).
BUILT_ON = dt.date(2026, 12, 4)
NOTE = ("Mẫu 2.642 thủ tục của 6 bộ và Tòa án, Cổng Dịch vụ công quốc gia công bố "
        "tháng 6-7/2026")


def rebuild(target: Path | None = None) -> int:
    """Parse the sample afresh into `target` (default: the bundled file); bad rows count.

    Returns:
        The number of bad rows (0 for the shipped sample).
    """
    target = target or bundled_path()
    sample = target.with_name(SAMPLE_NAME)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:  # fresh, not merged
        fresh = Path(tmp) / target.name
        report = import_files([sample], fresh, today=BUILT_ON, note=NOTE)
        fresh.replace(target)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"{len(report.added)} procedures written to {target}")
    return len(report.problems)


if __name__ == "__main__":
    sys.exit(1 if rebuild() else 0)
