"""Redaction time against input length: hostile shapes at 1k, 4,096, 10k and 40k characters.

Linear time means the 40k column is about 4x the 10k one (quadratic would be 16x). The
simple alternative measured alongside is the unbounded e-mail pattern redaction used before
(`[\\w.+-]+@...`), which alone made a 10,000-character payload take 0.3-0.8 s.
"""

from __future__ import annotations

import re
import time

from bot.privacy.redact import redact

SIZES = (1000, 4096, 10_000, 40_000)
UNBOUNDED_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
SHAPES = {
    "letters then @": lambda n: "a" * (n - 1) + "@",
    "one long number": lambda n: "1" * n,
    "digits and dots": lambda n: ("1." * n)[:n],
    "underscores": lambda n: "_" * (n - 1) + "1",
    "letters+digits": lambda n: ("abc123_" * n)[:n],
    "cue words": lambda n: ("mã hồ sơ tôi tên là số nhà tổ 5 mk la " * n)[:n],
    "capitals after cue": lambda n: ("tôi tên " + "Nguyễn " * n)[:n],
    "dates after sinh": lambda n: ("sinh 1/1/1990 " * n)[:n],
    "plates": lambda n: ("29A-123.45 " * n)[:n],
    "realistic message": lambda n: ("Tôi tên Nguyễn Văn An, sinh 12/05/1990, ở số nhà 12 ngõ 34 "
                                    "đường Láng, sđt 0912345678, mk là hoamai. " * n)[:n],
}


def _time(func, text: str) -> float:  # type: ignore[no-untyped-def]
    repeats = 3
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _unbounded(text: str) -> str:
    return UNBOUNDED_EMAIL.sub("[email]", text)


def main() -> None:
    """Print milliseconds per redaction for each shape and size."""
    header = "".join(f"{size:>10,}" for size in SIZES)
    print(f"redact(), ms (best of 3)      {header}   40k/10k")
    for name, make in SHAPES.items():
        row = [_time(redact, make(size)) for size in SIZES]
        cells = "".join(f"{ms:10.2f}" for ms in row)
        print(f"  {name:<28}{cells}   {row[3] / max(row[2], 1e-6):5.1f}x")
    print("simple alternative: the unbounded e-mail pattern alone, same shapes")
    for name in ("letters then @", "one long number", "underscores"):
        row = [_time(_unbounded, SHAPES[name](size)) for size in SIZES[:3]]
        cells = "".join(f"{ms:10.2f}" for ms in row)
        print(f"  {name:<28}{cells}")


if __name__ == "__main__":
    main()
