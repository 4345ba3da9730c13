"""Load flow YAML files and check them: references, reachability, dead ends, endless cycles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.links import link_allowed
from bot.knowledge.loader import ID_RE, KnowledgeError
from bot.yamlio import LineDict, LineList, YamlError, load_file

MAX_ID = 24
MAX_LABEL = 40
MAX_OPTIONS = 8
FLOW_KEYS = {"id": True, "title": True, "topics": False, "start": True, "reviewed": True,
             "sources": True, "steps": True}
STEP_KEYS = {"text", "links", "options", "input", "end"}


class FlowError(KnowledgeError):
    """Flow files have problems; each error is `file:line: problem`."""


@dataclass(frozen=True)
class Option:
    """A button leading to another step."""

    label: str
    next: str


@dataclass(frozen=True)
class Input:
    """A typed answer checked against a pattern (never stored)."""

    pattern: re.Pattern[str]
    invalid: str
    next: str


@dataclass(frozen=True)
class Step:
    """One screen of a flow."""

    id: str
    text: str
    options: tuple[Option, ...] = ()
    input: Input | None = None
    links: tuple[tuple[str, str], ...] = ()
    end: bool = False
    line: int = 0


@dataclass(frozen=True)
class Flow:
    """A validated flow."""

    id: str
    title: str
    topics: tuple[str, ...]
    start: str
    steps: dict[str, Step]
    sources: tuple[tuple[str, str], ...]
    reviewed: dt.date
    file: str
    line: int


def _err(errors: list[YamlError], path: str, line: int, problem: str) -> None:
    errors.append(YamlError(path, line, problem))


def _parse_step(sid: str, node: Any, line: int, path: str, allow: Sequence[str],
                errors: list[YamlError]) -> Step | None:
    if not isinstance(node, LineDict):
        _err(errors, path, line, f"step {sid}: expected a mapping")
        return None
    before = len(errors)
    for key in node:
        if key not in STEP_KEYS:
            _err(errors, path, node.line_of(key), f"step {sid}: unknown key {key!r}")
    if not isinstance(node.get("text"), str) or not node["text"].strip():
        _err(errors, path, node.line, f"step {sid}: missing required field 'text'")
    options = []
    raw_options = node.get("options") or []
    if not isinstance(raw_options, list):
        _err(errors, path, node.line_of("options"), f"step {sid}: options: expected a list")
        raw_options = []
    if len(raw_options) > MAX_OPTIONS:
        _err(errors, path, node.line_of("options"), f"step {sid}: more than {MAX_OPTIONS} "
             "options")
    for i, opt in enumerate(raw_options):
        oline = raw_options.line_of(i) if isinstance(raw_options, LineList) else node.line
        if not isinstance(opt, LineDict) or set(opt) != {"label", "next"}:
            _err(errors, path, oline, f"step {sid}: option {i + 1} needs exactly 'label' and "
                 "'next'")
            continue
        if len(str(opt["label"])) > MAX_LABEL:
            _err(errors, path, oline, f"step {sid}: option label over {MAX_LABEL} characters")
        options.append(Option(str(opt["label"]), str(opt["next"])))
    inp = None
    if node.get("input") is not None:
        inp = _parse_input(sid, node["input"], node.line_of("input"), path, errors)
    links = []
    for link in node.get("links") or []:
        if not isinstance(link, LineDict) or set(link) != {"title", "url"}:
            _err(errors, path, node.line_of("links"), f"step {sid}: links need title and url")
        elif not link_allowed(str(link["url"]), allow):
            _err(errors, path, link.line, f"step {sid}: link {link['url']} is not on the "
                 "allow-list (links.allow)")
        else:
            links.append((str(link["title"]), str(link["url"])))
    end = node.get("end", False)
    if not isinstance(end, bool):
        _err(errors, path, node.line_of("end"), f"step {sid}: end: expected true or false")
    if len(errors) > before:
        return None
    return Step(sid, node["text"].strip(), tuple(options), inp, tuple(links), bool(end), line)


def _parse_input(sid: str, node: Any, line: int, path: str,
                 errors: list[YamlError]) -> Input | None:
    if not isinstance(node, LineDict) or set(node) != {"pattern", "invalid", "next"}:
        _err(errors, path, line, f"step {sid}: input needs exactly pattern, invalid, next")
        return None
    try:
        pattern = re.compile(str(node["pattern"]))
    except re.error as exc:
        _err(errors, path, node.line_of("pattern"), f"step {sid}: bad pattern: {exc}")
        return None
    return Input(pattern, str(node["invalid"]), str(node["next"]))


def _check_graph(flow: Flow, errors: list[YamlError]) -> None:
    steps = flow.steps
    edges: dict[str, list[str]] = {}
    for step in steps.values():
        targets = [o.next for o in step.options] + ([step.input.next] if step.input else [])
        for target in targets:
            if target not in steps:
                _err(errors, flow.file, step.line, f"step {step.id}: next: unknown step "
                     f"{target!r}")
        edges[step.id] = [t for t in targets if t in steps]
        if not step.end and not targets:
            _err(errors, flow.file, step.line, f"step {step.id}: dead end (no options, no "
                 "input, not an end step)")
    if flow.start not in steps:
        _err(errors, flow.file, flow.line, f"start: unknown step {flow.start!r}")
        return
    seen, stack = {flow.start}, [flow.start]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    for sid, step in steps.items():
        if sid not in seen:
            _err(errors, flow.file, step.line, f"step {sid}: unreachable from start")
    # Steps that can reach an end: walk the reversed graph from every end step.
    reverse: dict[str, list[str]] = {sid: [] for sid in steps}
    for src, targets in edges.items():
        for dst in targets:
            reverse[dst].append(src)
    good = {sid for sid, step in steps.items() if step.end}
    stack = list(good)
    while stack:
        for prev in reverse[stack.pop()]:
            if prev not in good:
                good.add(prev)
                stack.append(prev)
    for sid, step in steps.items():
        if sid not in good and not (not step.end and not edges[sid]):
            _err(errors, flow.file, step.line, f"step {sid}: cycle without an exit (no end "
                 "step can be reached from here)")


def _parse_flow(path: Path, allow: Sequence[str], errors: list[YamlError]) -> Flow | None:
    spath = str(path)
    try:
        data = load_file(path)
    except YamlError as exc:
        errors.append(exc)
        return None
    if not isinstance(data, LineDict):
        _err(errors, spath, 1, "a flow file must be a mapping")
        return None
    before = len(errors)
    for key in data:
        if key not in FLOW_KEYS:
            _err(errors, spath, data.line_of(key), f"unknown key {key!r}")
    for key, required in FLOW_KEYS.items():
        if required and data.get(key) in (None, ""):
            _err(errors, spath, data.line, f"missing required field {key!r}")
    fid = data.get("id")
    if fid is not None and (not isinstance(fid, str) or not ID_RE.match(fid)
                            or len(fid) > MAX_ID):
        _err(errors, spath, data.line_of("id"), f"id: must be kebab-case ASCII <= {MAX_ID}")
    elif fid is not None and fid != path.stem:
        _err(errors, spath, data.line_of("id"), f"id {fid!r} must match the file name")
    if "reviewed" in data and not isinstance(data["reviewed"], dt.date):
        _err(errors, spath, data.line_of("reviewed"), "reviewed: expected a date YYYY-MM-DD")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, dict) and s.get("url") and s.get("title") for s in sources):
        _err(errors, spath, data.line_of("sources"), "sources: at least one {url, title}")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LineDict) or not raw_steps:
        _err(errors, spath, data.line_of("steps"), "steps: expected a mapping of step id → step")
        return None
    steps: dict[str, Step] = {}
    for sid, node in raw_steps.items():
        line = raw_steps.line_of(sid)
        if not ID_RE.match(sid) or len(sid) > MAX_ID:
            _err(errors, spath, line, f"step id {sid!r}: must be kebab-case ASCII <= {MAX_ID}")
        step = _parse_step(sid, node, line, spath, allow, errors)
        if step is not None:
            steps[sid] = step
    if len(errors) > before:
        return None
    assert isinstance(sources, list)
    flow = Flow(str(fid), str(data["title"]), tuple(data.get("topics") or ()),
                str(data["start"]), steps, tuple((s["url"], s["title"]) for s in sources),
                data["reviewed"], spath, data.line)
    _check_graph(flow, errors)
    return None if len(errors) > before else flow


def load_flows(directory: str | Path, allow: Sequence[str],
               topic_ids: set[str] | None = None) -> dict[str, Flow]:
    """Load and validate every `*.yaml` flow in `directory`.

    Args:
        directory: the flows folder.
        allow: link allow-list patterns.
        topic_ids: known topic ids, to check each flow's `topics`; None skips the check.

    Returns:
        Flows by id.

    Raises:
        FlowError: every problem found, as `file:line: problem`.
    """
    errors: list[YamlError] = []
    flows: dict[str, Flow] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        flow = _parse_flow(path, allow, errors)
        if flow is None:
            continue
        if flow.id in flows:
            _err(errors, flow.file, flow.line, f"duplicate flow id {flow.id!r}")
        for tid in flow.topics:
            if topic_ids is not None and tid not in topic_ids:
                _err(errors, flow.file, flow.line, f"topics: unknown topic id {tid!r}")
        flows[flow.id] = flow
    if errors:
        raise FlowError(errors)
    return flows
