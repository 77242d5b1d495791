"""What the composition root (`server/app.py`) assembled from the packages' contributions and
the services call at run time: the timeline's listeners, the sweeps of a newly elected clock
leader, the checks before a deliberation locks and the parts of what a signature binds.

Built from the declared contributions by the composition root (`server/app.py`:
`build_context` for scripts and service-level tests, `create_app` for the app) and held by
`AppContext.wiring`: no module-level registry, nothing filled by importing a module. A context
made by hand (`AppContext(...)`) has an empty wiring."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from server.core.context import AppContext

# The core sits under every package (import-linter), so the packages' own types appear here by
# name only: `TimelineState`, `TimelineFact` and `Candidate` are exams', `Deliberation` is
# evaluation's; the hooks are written against those types in their packages.
TimelineState = Any  # server.exams.timeline_state.TimelineState
TimelineFact = Any  # server.exams.timeline_facts.TimelineFact
Candidate = Any  # server.exams.models.Candidate
Deliberation = Any  # server.evaluation.models.Deliberation

# Other packages react to a candidate's timeline (telephony holds calls on a pause, …).
TimelineListener = Callable[["AppContext", str, TimelineState, list[TimelineFact]], Awaitable[None]]
# Sweeps a replica runs when it becomes the clock's leader after another (issue 21): what a
# leader killed between a deadline's commit and its listeners left undone (each idempotent).
ElectionSweep = Callable[["AppContext"], Awaitable[object]]
# (ctx, session, candidate, the version about to be locked, actor) → an optional callback to
# run after the commit (e.g. publish an event). Raise to refuse the signature.
AfterCommit = Callable[[], None]
LockCheck = Callable[
    ["AppContext", "AsyncSession", Candidate, Deliberation, str],
    Awaitable[AfterCommit | None],
]
# A reason the rules cannot decide yet: {"kind", "code", "text"} (French text), plus
# "any_of"/"label" for a missing piece of the file.
Blocking = dict[str, Any]
# (ctx, session, candidate, proposal) → (its part of what a signature binds, what blocks).
SealPart = Callable[
    ["AppContext", "AsyncSession", Candidate, dict[str, Any]],
    Awaitable[tuple[dict[str, Any], list[Blocking]]],
]


@dataclass(frozen=True)
class Wiring:
    timeline_listeners: tuple[TimelineListener, ...] = ()
    on_elected: tuple[ElectionSweep, ...] = ()
    lock_checks: tuple[LockCheck, ...] = ()
    seal_parts: tuple[SealPart, ...] = ()
