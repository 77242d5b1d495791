"""What the composition root (`server/app.py`) assembled from the packages' contributions and
the services call at run time: the timeline's listeners, the sweeps of a newly elected clock
leader, the checks before a deliberation locks and the parts of what a signature binds.

Each of these is a `HookPoint[H]`, declared by the package that calls the hooks, typed by the
hooks' signature `H` (with that package's own types: `exams.timeline_service.TimelineListener`
takes the exams' TimelineState, `evaluation.deliberation.LockCheck` a Deliberation). The core
sits under every package (import-linter), so it cannot name those types; it only keeps the
hooks by point, and gives them back with the point's type: `ctx.wiring.hooks(LOCK_CHECK)` is
a `tuple[LockCheck, ...]`. A hook is bound to its point by a `Binding`, whose constructor has
mypy check the hooks against the point's signature; a package's `Contribution` (server/web/
composition.py) lists its hooks in fields typed with the same signatures.

Built from the declared contributions by the composition root (`server/app.py`:
`build_context` for scripts and service-level tests, `create_app` for the app) and held by
`AppContext.wiring`: no module-level registry, nothing filled by importing a module. A context
made by hand (`AppContext(...)`) has an empty wiring."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from server.core.context import AppContext

H = TypeVar("H")


@dataclass(frozen=True, eq=False)
class HookPoint(Generic[H]):
    """Where a package calls the hooks the others contribute; `H` is their signature. Compared
    by identity: two points with one name are two points."""

    name: str

    def __repr__(self) -> str:
        return f"HookPoint({self.name!r})"


@dataclass(frozen=True)
class Binding(Generic[H]):
    """Hooks bound to their point: `Binding(LOCK_CHECK, (on_lock,))` is checked by mypy
    (`H` is the point's: the point is invariant in it)."""

    point: HookPoint[H]
    hooks: tuple[H, ...]


@dataclass(frozen=True)
class Wiring:
    """The hooks by point, in the order of the contributions' list."""

    bindings: tuple[Binding[Any], ...] = ()
    _by_point: Mapping[HookPoint[Any], tuple[object, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_point: dict[HookPoint[Any], tuple[object, ...]] = {}
        for binding in self.bindings:
            by_point[binding.point] = by_point.get(binding.point, ()) + tuple(binding.hooks)
        object.__setattr__(self, "_by_point", by_point)

    def hooks(self, point: HookPoint[H]) -> tuple[H, ...]:
        # Every tuple kept under `point` came from a Binding[H] of that very point (the
        # constructor above), whose hooks mypy checked against H: the one cast of the wiring.
        return cast("tuple[H, ...]", self._by_point.get(point, ()))


# Sweeps a replica runs when it becomes the clock's leader after another (issue 21): what a
# leader killed between a deadline's commit and its listeners left undone (each idempotent).
# Only the context: the core can type them; the exam clock (exams.timeline_service) runs them.
ElectionSweep = Callable[["AppContext"], Awaitable[object]]
ELECTION_SWEEP: HookPoint[ElectionSweep] = HookPoint("on_elected")
