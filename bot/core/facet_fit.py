"""Which facets a topic offers as buttons, and their names, by the topic's kind.

A procedure is filed (papers, fee, deadline, where to file); a guide is done (what to prepare,
how long); a contact or a scam warning only says where to go and what to do. A VNeID problem
offering "Giấy tờ cần có" and "Thời hạn" reads like a form to file, and confuses.
"""

from __future__ import annotations

from bot.language.facets import FACET_LABELS, FACETS

KIND_LABELS: dict[str, dict[str, str]] = {
    "guide": {"documents": "Cần chuẩn bị gì", "fee": "Có mất phí không", "time": "Mất bao lâu",
              "where": "Làm ở đâu", "steps": "Các bước"},
    "contact": {"documents": "Cần mang gì", "fee": "Có mất phí không", "time": "Mất bao lâu",
                "where": "Liên hệ ở đâu", "steps": "Cách nhờ hỗ trợ"},
    "safety": {"documents": "Cần chuẩn bị gì", "fee": "Có mất phí không",
               "time": "Mất bao lâu", "where": "Báo ở đâu", "steps": "Cần làm gì ngay"},
}
# Facets offered as buttons; others are still answered when asked in words.
KIND_BUTTONS: dict[str, tuple[str, ...]] = {
    "contact": ("where", "steps"),
    "safety": ("where", "steps"),
}


def kind_label(facet: str, kind: str) -> str:
    """The facet's name for a topic of this kind."""
    return KIND_LABELS.get(kind, FACET_LABELS).get(facet, FACET_LABELS[facet])


def offered(kind: str, present: set[str] | dict[str, str], skip: str | None) -> list[str]:
    """Facets to offer as buttons, in the fixed FACETS order.

    Args:
        kind: the topic's kind.
        present: the facets the topic has.
        skip: the facet just shown.
    """
    allowed = KIND_BUTTONS.get(kind, FACETS)
    return [f for f in FACETS if f in present and f in allowed and f != skip]
