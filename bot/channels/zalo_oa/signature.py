"""Zalo OA webhook authenticity: `X-ZEvent-Signature: mac=sha256(app_id+body+timestamp+key)`."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-ZEvent-Signature"
TIMESTAMP_HEADER = "X-ZEvent-Timestamp"


def event_mac(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    """The expected header value for one event.

    A plain SHA-256 of the concatenation (not an HMAC), as Zalo computes it.

    Args:
        app_id: the Zalo app id (from the event body).
        raw_body: the exact bytes received.
        timestamp: the event timestamp as sent (milliseconds, a string).
        secret_key: the OA Secret Key from the app's webhook settings (not the App Secret).

    Returns:
        "mac=" followed by 64 hex digits.
    """
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() +
                            secret_key.encode()).hexdigest()
    return f"mac={digest}"


def signature_valid(header: str, app_id: str, raw_body: bytes, timestamps: list[str],
                    secret_key: str) -> str | None:
    """Check the header in constant time against each candidate timestamp.

    The timestamp is taken from the body, or from `X-ZEvent-Timestamp` where a deployment
    sends it there (sources disagree), so both are tried.

    Args:
        header: the X-ZEvent-Signature value, with or without the "mac=" prefix.
        app_id: the app id from the body.
        raw_body: the exact bytes received.
        timestamps: candidate timestamps, most likely first.
        secret_key: the OA Secret Key.

    Returns:
        The timestamp that verified, or None when none did (or the header is missing).
    """
    given = header.strip()
    if not given or not secret_key:
        return None
    if not given.lower().startswith("mac="):
        given = f"mac={given}"
    given = "mac=" + given[4:].lower()
    for timestamp in timestamps:
        expected = event_mac(app_id, raw_body, timestamp, secret_key)
        if hmac.compare_digest(given.encode(), expected.encode()):
            return timestamp
    return None
