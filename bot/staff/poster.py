"""A printable A4 team poster (PDF or PNG): the bot's name, the topic, QR codes, words to type."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Any

import segno
from matplotlib.figure import Figure

from bot.catalog.links import procedure_target
from bot.referrals import make_payload, telegram_link

A4_INCHES = (8.27, 11.69)
TITLE_CHARS = 40  # longer titles get a smaller font on two lines


@dataclass(frozen=True)
class PosterSpec:
    """What goes on a poster."""

    bot_name: str
    topic_title: str
    topic_id: str
    team: str
    telegram_username: str = ""
    zalo_url: str = ""


def poster_target(brain: Any, topic: str, procedure: str) -> tuple[str, str]:
    """(payload target, title) of a poster: a curated topic id or a national procedure code.

    Returns:
        ("", "") when neither names something the bot holds.
    """
    if procedure.strip():
        procedures = getattr(getattr(brain, "catalog", None), "procedures", {})
        target, problem = procedure_target(brain.catalog, procedure)
        return ("", "") if problem else (target, procedures[procedure.strip()].name)
    found = brain.kb.topics.get(topic)
    return (topic, found.title) if found is not None else ("", "")


def _lines(text: str, width: int, most: int = 2) -> str:
    """`text` wrapped to `most` lines of `width` characters, cut with '…' beyond."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = [*lines[:most - 1], textwrap.shorten(" ".join(lines[most - 1:]), width - 1,
                                                    placeholder=" …")]
    return "\n".join(lines)


def _qr_matrix(url: str) -> list[list[int]]:
    qr = segno.make(url, error="m")
    return [[1 - int(bool(v)) for v in row] for row in qr.matrix]


def _qr(fig: Figure, rect: tuple[float, float, float, float], url: str, caption: str) -> None:
    ax = fig.add_axes(rect)
    ax.imshow(_qr_matrix(url), cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.set_axis_off()
    fig.text(rect[0] + rect[2] / 2, rect[1] - 0.02, caption, ha="center", va="top",
             fontsize=13, wrap=True)


def render_poster(spec: PosterSpec, fmt: str = "pdf") -> bytes:
    """Draw the poster; `fmt` is pdf or png.

    Raises:
        ValueError: neither a Telegram username nor a Zalo link is configured.
    """
    payload = make_payload(spec.topic_id, spec.team)
    if not spec.telegram_username and not spec.zalo_url:
        raise ValueError("set telegram.username or staff.zalo_qr_url in the config first")
    fig = Figure(figsize=A4_INCHES)
    fig.text(0.5, 0.94, spec.bot_name, ha="center", fontsize=28, weight="bold")
    short = len(spec.topic_title) <= TITLE_CHARS
    fig.text(0.5, 0.91, _lines(spec.topic_title, 200 if short else 56), ha="center", va="top",
             fontsize=20 if short else 15)  # a procedure's official name can be 150 letters
    fig.text(0.5, 0.835, "Quét mã QR bằng điện thoại để được hướng dẫn, miễn phí.",
             ha="center", fontsize=14)
    both = bool(spec.telegram_username and spec.zalo_url)
    if spec.telegram_username:
        rect = (0.08, 0.42, 0.38, 0.38) if both else (0.25, 0.38, 0.5, 0.42)
        _qr(fig, rect, telegram_link(spec.telegram_username, payload), "Telegram")
    if spec.zalo_url:
        rect = (0.54, 0.42, 0.38, 0.38) if both else (0.25, 0.38, 0.5, 0.42)
        _qr(fig, rect, spec.zalo_url, "Zalo")
        fig.text(0.5, 0.26, "Trên Zalo, sau khi mở trò chuyện, gõ:", ha="center", fontsize=15)
        fig.text(0.5, 0.21, f"/start {payload}", ha="center", fontsize=20, weight="bold",
                 family="monospace")
        fig.text(0.5, 0.175, _lines(f"hoặc gõ: {spec.topic_title.lower()}", 64), ha="center",
                 va="top", fontsize=15 if short else 13)
    fig.text(0.5, 0.06, f"Tổ công nghệ số: {spec.team}", ha="center", fontsize=12,
             color="#444444")
    out = io.BytesIO()
    fig.savefig(out, format=fmt, dpi=150 if fmt == "png" else 72)
    return out.getvalue()
