"""What a package contributes to the application, declared as one object, and how the
composition root (`server/app.py`) assembles the contributions.

Each package that has edges or hooks declares `CONTRIBUTION = Contribution(...)` in its
`contribution.py`; `server/app.py` lists those objects explicitly and `assemble` turns them into
the app's routers, WebSocket commands, events and snapshot parts (`Edges`, on
`app.state.edges`), the services' run-time hooks (`Wiring`, on `ctx.wiring`) and the ordered
start-up and shutdown hooks.
Nothing is registered by importing a module: a contribution left out of the list is absent.

The type lives with the edges (not in `server.core`) because it holds FastAPI routers and
WebSocket commands, which the core never imports (import-linter contract), and because its
hook fields are typed with the signatures the calling packages declare (each `HookPoint` of
server/core/wiring.py: `exams.timeline_service.TimelineListener`,
`evaluation.deliberation.LockCheck`, …): mypy checks every package's contribution against
them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from fastapi import APIRouter

from server.core.context import AppContext
from server.core.events import Event
from server.core.wiring import ELECTION_SWEEP, Binding, ElectionSweep, Wiring
from server.evaluation.deliberation import LOCK_CHECK, LockCheck
from server.evaluation.signing import SEAL_PART, SealPart
from server.exams.timeline_service import TIMELINE_LISTENER, TimelineListener
from server.web.snapshots import SnapshotPart
from server.web.ws_registry import AnyCommand

Hook = Callable[[AppContext], Awaitable[None]]


class Stage(IntEnum):
    """When a start-up hook runs; within a stage, in the order of the contributions' list."""

    SHARED = 0  # the shared bus and the clock's leadership: every other hook may publish
    RECOVER = 1  # the time lost while the server was down is given back, before any deadline
    SERVICES = 2  # media, sweeps of what a stop left undone (before the clock applies deadlines)
    CLOCK = 3  # the exam clock applies the deadlines missed, then runs
    WATCHES = 4  # the background watches


@dataclass(frozen=True)
class StartUp:
    stage: Stage
    hook: Hook


@dataclass(frozen=True)
class Contribution:
    """Everything one package adds to the app. `shutdown` hooks run in the reverse order of the
    contributions' list, each contribution's in the order written."""

    name: str
    routers: tuple[APIRouter, ...] = ()
    commands: tuple[AnyCommand, ...] = ()
    events: tuple[type[Event], ...] = ()  # what it sends to the pages (docs/events.md)
    snapshot_parts: tuple[tuple[str, SnapshotPart], ...] = ()
    listeners: tuple[TimelineListener, ...] = ()  # the timeline's (server/exams/timeline_service)
    on_elected: tuple[ElectionSweep, ...] = ()  # run when this replica becomes the clock leader
    lock_checks: tuple[LockCheck, ...] = ()  # before a deliberation locks
    seal_parts: tuple[SealPart, ...] = ()  # what a signature binds besides the proposal
    startup: tuple[StartUp, ...] = ()  # background tasks are started (and stopped) by hooks
    shutdown: tuple[Hook, ...] = ()


@dataclass(frozen=True)
class Edges:
    """What the WebSocket edge serves: the commands by `type`, the events it may send by
    `type` (their catalogue, docs/events.md) and the snapshot's parts."""

    commands: Mapping[str, AnyCommand]
    events: Mapping[str, type[Event]]
    snapshot_parts: Mapping[str, SnapshotPart]


@dataclass(frozen=True)
class Assembly:
    routers: tuple[APIRouter, ...]
    edges: Edges
    wiring: Wiring
    startup: tuple[Hook, ...]
    shutdown: tuple[Hook, ...]


def assemble(contributions: Sequence[Contribution]) -> Assembly:
    """The contributions in the order given; a name, a command, an event or a snapshot part
    declared twice is a programming error."""
    names = [c.name for c in contributions]
    if len(set(names)) != len(names):
        raise ValueError(f"contribution declared twice: {names}")
    commands: dict[str, AnyCommand] = {}
    parts: dict[str, SnapshotPart] = {}
    events: dict[str, type[Event]] = {}
    for c in contributions:
        for event in c.events:
            if event.type_name() in events:
                raise ValueError(f"WebSocket event {event.type_name()!r} declared twice")
            events[event.type_name()] = event
        for command in c.commands:
            for type_name in command.type_names:
                if type_name in commands:
                    raise ValueError(f"WebSocket command {type_name!r} declared twice")
                commands[type_name] = command
        for name, part in c.snapshot_parts:
            if name in parts:
                raise ValueError(f"snapshot part {name!r} declared twice")
            parts[name] = part
    startup = sorted(
        (
            (s.stage, i, j, s.hook)
            for i, c in enumerate(contributions)
            for j, s in enumerate(c.startup)
        ),
        key=lambda t: t[:3],
    )
    return Assembly(
        routers=tuple(r for c in contributions for r in c.routers),
        edges=Edges(commands=commands, events=events, snapshot_parts=parts),
        wiring=Wiring(
            (
                Binding(TIMELINE_LISTENER, tuple(f for c in contributions for f in c.listeners)),
                Binding(ELECTION_SWEEP, tuple(f for c in contributions for f in c.on_elected)),
                Binding(LOCK_CHECK, tuple(f for c in contributions for f in c.lock_checks)),
                Binding(SEAL_PART, tuple(f for c in contributions for f in c.seal_parts)),
            )
        ),
        startup=tuple(t[3] for t in startup),
        shutdown=tuple(h for c in reversed(contributions) for h in c.shutdown),
    )
