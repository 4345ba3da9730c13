"""The allow-list of sites answers may link to."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from urllib.parse import urlsplit


def link_allowed(url: str, patterns: Sequence[str]) -> bool:
    """Tell whether `url` is an https link to an allowed site.

    A pattern without "/" matches the host ("*.gov.vn" matches dichvucong.gov.vn and
    gov.vn itself); a pattern with "/" matches host + path + query.

    Args:
        url: the link.
        patterns: allow-list entries from the config.

    Returns:
        True when the link may be shown to citizens.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return False
    host = parts.hostname.lower()
    full = host + parts.path + (f"?{parts.query}" if parts.query else "")
    for pattern in patterns:
        pattern = pattern.lower()
        if "/" in pattern:
            if fnmatchcase(full, pattern):
                return True
        elif fnmatchcase(host, pattern) or (
            pattern.startswith("*.") and host == pattern[2:]
        ):
            return True
    return False
