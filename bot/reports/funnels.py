"""Flow funnels from logged flow turns: started, reached each step, completed, dropped where."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from bot.flows.loader import Flow
from bot.storage.base import RUN_STEP_END


@dataclass
class StepCount:
    """How many runs of a flow reached a step, and how many stopped there."""

    step: str
    reached: int = 0
    abandoned: int = 0
    cancelled: int = 0


@dataclass
class Funnel:
    """One flow: runs started, completed, cancelled ("thoát"), abandoned (silently), open.

    A run is abandoned when it did not end and was not continued: the citizen started
    something else, or stayed away longer than `stale_after` before the report's end.
    """

    flow: str
    title: str
    started: int = 0
    completed: int = 0
    cancelled: int = 0
    abandoned: int = 0
    in_progress: int = 0
    steps: list[StepCount] = field(default_factory=list)

    @property
    def completion_rate(self) -> float:
        """Completed runs per started run (0 when none started)."""
        return self.completed / self.started if self.started else 0.0


@dataclass
class _Run:
    flow: str
    last_step: str | None
    last_ts: float
    reached: set[str]


def step_order(flow: Flow) -> list[str]:
    """Steps in the order a citizen meets them (breadth-first from the start)."""
    order, queue = [flow.start], [flow.start]
    while queue:
        step = flow.steps.get(queue.pop(0))
        if step is None:
            continue
        nexts = [o.next for o in step.options] + ([step.input.next] if step.input else [])
        for nxt in nexts:
            if nxt not in order:
                order.append(nxt)
                queue.append(nxt)
    return order


# A replayed run: (flow_id, state, last step, steps reached, last turn's ts); state is
# completed | cancelled | replaced (another flow started) | open.
Run = tuple[str, str, str | None, frozenset[str], float]
ENDED_STATE = {"flow_end": "completed", "flow_cancel": "cancelled"}


def replay_runs(events: Iterable[tuple[str, float, str, str | None, str]]) -> Iterator[Run]:
    """Walk flow turns (ordered by user, then time) into the runs they make.

    A question that names a guide's branch ("quên mật khẩu VNeID") opens the guide there:
    logged as an answer with the flow's id, it starts a run too. Turns of another flow than
    the open run's, or before any start (a run begun before the window), are ignored.
    """
    user, run = None, None
    for user_key, ts, flow_id, step_id, outcome in events:
        if user_key != user:
            if run is not None:
                yield (run.flow, "open", run.last_step, frozenset(run.reached), run.last_ts)
            user, run = user_key, None
        if outcome == "flow_start" or (outcome == "answer" and flow_id):
            if run is not None:
                yield (run.flow, "replaced", run.last_step, frozenset(run.reached), run.last_ts)
            run = _Run(flow_id, step_id, ts, {step_id} if step_id else set())
            continue
        if run is None or run.flow != flow_id:
            continue
        run.last_ts = ts
        if step_id:
            run.reached.add(step_id)
            run.last_step = step_id
        if outcome in ENDED_STATE:
            yield (run.flow, ENDED_STATE[outcome], run.last_step, frozenset(run.reached), ts)
            run = None
    if run is not None:
        yield (run.flow, "open", run.last_step, frozenset(run.reached), run.last_ts)


def stored_runs(rows: Iterable[tuple[str, str, str | None, str, float | None, int]]
                ) -> Iterator[tuple[Run, int]]:
    """LogStats.flow_runs rows as (run, how many such runs)."""
    for flow_id, state, last_step, steps, last_ts, n in rows:
        reached = frozenset(s for s in steps.split(RUN_STEP_END) if s)
        yield (flow_id, state, last_step, reached, last_ts or 0.0), n


def build_funnels(events: Iterable[tuple[str, float, str, str | None, str]],
                  flows: Mapping[str, Flow], end_ts: float, stale_after: float,
                  runs: Iterable[tuple[Run, int]] = ()) -> list[Funnel]:
    """Per-flow funnels from flow turns (ordered by user, then time) and replayed runs.

    Args:
        events: (user_key, ts, flow_id, step_id, outcome), as in LogStats.flow_events.
        flows: known flows, for titles and step order (unknown flows still count).
        end_ts: the end of the report window.
        stale_after: seconds of silence after which an open run counts as abandoned.
        runs: runs the store replayed already (`stored_runs`), with their counts.

    Returns:
        Funnels, most started first.
    """
    funnels: dict[str, Funnel] = {}
    reached: dict[str, Counter[str]] = {}
    stops: dict[str, Counter[tuple[str, str]]] = {}
    everything = itertools.chain(((run, 1) for run in replay_runs(events)), runs)
    for (flow_id, state, last_step, steps, last_ts), n in everything:
        if flow_id not in funnels:
            title = flows[flow_id].title if flow_id in flows else flow_id
            funnels[flow_id] = Funnel(flow_id, title)
            reached[flow_id], stops[flow_id] = Counter(), Counter()
        how = _outcome(state, end_ts - last_ts > stale_after)
        funnel = funnels[flow_id]
        funnel.started += n
        setattr(funnel, how, getattr(funnel, how) + n)
        for step in steps:
            reached[flow_id][step] += n
        if how in ("abandoned", "cancelled") and last_step:
            stops[flow_id][(last_step, how)] += n
    for flow_id, funnel in funnels.items():
        order = step_order(flows[flow_id]) if flow_id in flows else []
        seen = [s for s in order if s in reached[flow_id]]
        seen += sorted(set(reached[flow_id]) - set(seen), key=lambda s: (-reached[flow_id][s], s))
        funnel.steps = [StepCount(s, reached[flow_id][s], stops[flow_id][(s, "abandoned")],
                                  stops[flow_id][(s, "cancelled")]) for s in seen]
    return sorted(funnels.values(), key=lambda f: (-f.started, f.flow))


def _outcome(state: str, stale: bool) -> str:
    """The funnel column of a run: a replaced run was left; an open one too once stale."""
    if state == "open":
        return "abandoned" if stale else "in_progress"
    return "abandoned" if state == "replaced" else state
