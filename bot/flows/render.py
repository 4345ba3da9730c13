"""Flows as indented text trees, for reviewers (`dvcbot flows show ID`)."""

from __future__ import annotations

from bot.flows.loader import Flow


def flow_tree(flow: Flow) -> str:
    """Render a flow depth-first from its start; repeated steps are shown as references."""
    lines = [f"{flow.id}: {flow.title}  (reviewed {flow.reviewed}, {len(flow.steps)} steps)"]
    seen: set[str] = set()

    def walk(step_id: str, depth: int, via: str) -> None:
        step = flow.steps[step_id]
        pad = "  " * depth
        first = step.text.splitlines()[0][:70] if step.text else ""
        marker = " [END]" if step.end else ""
        prefix = f"{pad}{via}→ " if via else pad
        if step_id in seen:
            lines.append(f"{prefix}({step_id}, see above)")
            return
        seen.add(step_id)
        lines.append(f"{prefix}[{step_id}]{marker} {first}")
        if step.input:
            walk(step.input.next, depth + 1, "(typed answer) ")
        for option in step.options:
            walk(option.next, depth + 1, f"«{option.label}» ")

    walk(flow.start, 1, "")
    return "\n".join(lines)
