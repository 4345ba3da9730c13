"""Deep-link targets for catalogue procedures: a code such as 1.001193 as `tthc-1_001193`."""

from __future__ import annotations

import re
from typing import Any

LINK_PREFIX = "tthc-"
# What a national code may hold to fit a `/start` payload ([A-Za-z0-9_-]) once its dots
# become underscores: letters, digits, dots and single dashes ("1.001193",
# "1.000080.000.00.00.H56", "BTP-HNO-277234"). An underscore would not decode back.
_CODE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]|\.(?=[A-Za-z0-9]))*$")
_TARGET = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]|_(?=[A-Za-z0-9]))*$")


def code_target(code: str) -> str | None:
    """The payload target that opens procedure `code`; None when the code cannot be encoded.

    Dots become underscores; every other character is kept, and a code with characters a
    Telegram payload refuses (or an underscore, which would not decode back) gives None.
    """
    if not _CODE.match(code):
        return None
    return LINK_PREFIX + code.replace(".", "_")


def target_code(target: str) -> str | None:
    """The procedure code a payload target names (`tthc-1_001193` → 1.001193), else None."""
    if not target.startswith(LINK_PREFIX):
        return None
    body = target[len(LINK_PREFIX):]
    return body.replace("_", ".") if _TARGET.match(body) else None


def without_code(payload: str) -> str:
    """The payload with a procedure target's code blanked, for the privacy check.

    `tthc-1_001193__to-1` holds six digits a redactor reads as a one-time code; the code is
    a public national one, so only the rest (the team code) is checked for personal data.
    """
    target, sep, team = payload.partition("__")
    if target_code(target) is None:
        return payload
    return LINK_PREFIX + sep + team


def procedure_target(catalog: Any, code: str) -> tuple[str, str]:
    """(payload target, "") for a procedure of `catalog`, or ("", why it cannot be linked)."""
    code = code.strip()
    if code not in getattr(catalog, "procedures", {}):
        return "", (f"unknown procedure code {code!r}: not in the loaded catalogue "
                    "(see `dvcbot catalog list`)")
    target = code_target(code)
    if target is None:
        return "", f"procedure code {code!r} has characters a deep link cannot carry"
    return target, ""
