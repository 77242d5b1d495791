"""Which simulations of a candidate's subject were actually played, which remain, the time
left in the calls phase and whether it can still hold them. Pure: facts and the clock's
instant in, a `Progress` out.

- A call simulation is played once one of its calls was answered (« en cours » while that call
  is live); a chat once both the customer and the candidate wrote in it.
- What the remaining simulations need: each one's card duration, plus the wrap-up after each
  call (the pack's `wrap_up_minutes`); a simulation in progress counts for what is left of its
  card, and a call still to qualify for its wrap-up.
- The jury is warned when that is more than the time left (`short`); `fits_until` is the
  instant after which it will be, things going as planned, so a page can tell without asking.
- Once the calls phase is over, every simulation not played is « non jouée » with its reason:
  its call was placed and never answered, the phase was ended before its time, or the time ran
  out before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from server.core.referential import PhaseKind
from server.exams.timeline_facts import EndCause
from server.exams.timeline_state import PhaseRecord, Status, TimelineState
from server.scenarios.pack.types import SimulationKind


class SimState(StrEnum):
    TODO = "a_faire"
    CURRENT = "en_cours"
    PLAYED = "jouee"
    NOT_PLAYED = "non_jouee"

    @property
    def label(self) -> str:
        return {
            SimState.TODO: "À faire",
            SimState.CURRENT: "En cours",
            SimState.PLAYED: "Jouée",
            SimState.NOT_PLAYED: "Non jouée",
        }[self]


class NotPlayedReason(StrEnum):
    NO_ANSWER = "sans_reponse"  # placed (or opened) but the candidate never took it up
    PHASE_ENDED = "phase_interrompue"  # the calls phase was ended before its deadline
    TIME_OVER = "temps_ecoule"  # the calls phase ran out before it

    @property
    def label(self) -> str:
        return {
            NotPlayedReason.NO_ANSWER: "Simulation commencée sans aboutir",
            NotPlayedReason.PHASE_ENDED: "Phase d'appels arrêtée avant son terme",
            NotPlayedReason.TIME_OVER: "Temps de la phase d'appels écoulé",
        }[self]


@dataclass(frozen=True)
class Card:
    """A simulation of the session's subject, in run order."""

    id: str
    title: str
    kind: SimulationKind
    minutes: int


@dataclass(frozen=True)
class CallFact:
    simulation_id: str | None
    rang_at: datetime
    answered_at: datetime | None
    live: bool  # ringing, active or held
    wrap_up_pending: bool = False


@dataclass(frozen=True)
class ChatFact:
    simulation_id: str | None
    author: str  # candidate | client
    at: datetime


@dataclass(frozen=True)
class Recorded:
    """A simulation recorded as not played (persisted at the end of the calls phase)."""

    reason: NotPlayedReason
    detail: str
    at: datetime


@dataclass(frozen=True)
class SimProgress:
    card: Card
    order: int
    state: SimState
    started_at: datetime | None = None
    attempts: int = 0
    reason: NotPlayedReason | None = None
    detail: str | None = None
    needed_seconds: float = 0.0  # what it still needs in the calls phase

    def out(self) -> dict[str, object]:
        return {
            "id": self.card.id,
            "order": self.order,
            "title": self.card.title,
            "kind": self.card.kind.value,
            "kind_label": self.card.kind.label,
            "minutes": self.card.minutes,
            "state": self.state.value,
            "state_label": self.state.label,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "attempts": self.attempts,
            "reason": self.reason.value if self.reason else None,
            "reason_label": self.reason.label if self.reason else None,
            "detail": self.detail,
            "needed_seconds": round(self.needed_seconds),
        }


@dataclass(frozen=True)
class Progress:
    now: datetime
    simulations: tuple[SimProgress, ...]
    wrap_up_minutes: int
    phase: str  # avant | en_cours | terminee
    paused: bool
    time_left_seconds: float | None
    needed_seconds: float
    card_seconds: float
    wrap_up_seconds: float
    fits_until: datetime | None
    short: bool
    warning: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)

    def state_of(self, simulation_id: str) -> SimState | None:
        return next((s.state for s in self.simulations if s.card.id == simulation_id), None)

    @property
    def unplayed(self) -> tuple[SimProgress, ...]:
        return tuple(s for s in self.simulations if s.state is SimState.NOT_PLAYED)

    def out(self) -> dict[str, object]:
        return {
            "now": self.now.isoformat(),
            "phase": self.phase,
            "paused": self.paused,
            "simulations": [s.out() for s in self.simulations],
            "counts": dict(self.counts),
            "wrap_up_minutes": self.wrap_up_minutes,
            "time_left_seconds": (
                round(self.time_left_seconds) if self.time_left_seconds is not None else None
            ),
            "needed_seconds": round(self.needed_seconds),
            "card_seconds": round(self.card_seconds),
            "wrap_up_seconds": round(self.wrap_up_seconds),
            "fits_until": self.fits_until.isoformat() if self.fits_until else None,
            "short": self.short,
            "warning": self.warning,
        }


def _calls_phase(state: TimelineState) -> PhaseRecord | None:
    return next((p for p in state.phases if p.phase is PhaseKind.APPELS), None)


def _minutes(seconds: float) -> int:
    return max(0, round(seconds / 60))


def shortage_text(
    time_left: float, remaining: int, needed: float, cards: float, wrap_up: float
) -> str:
    after = f" + après-appel {_minutes(wrap_up)} min" if wrap_up else ""
    return (
        f"Temps insuffisant : il reste {_minutes(time_left)} min de phase d'appels, les "
        f"{remaining} simulation(s) restante(s) en demandent {_minutes(needed)} "
        f"(cartes {_minutes(cards)} min{after}). Choisissez celles à jouer : une simulation non "
        "jouée sera consignée comme telle à la fin de la phase."
    )


@dataclass(frozen=True)
class _Phase:
    over: bool
    ended_early: bool
    wrap_up: float  # seconds after each call
    now: datetime


def _classify(
    card: Card,
    order: int,
    calls: list[CallFact],
    chats: list[ChatFact],
    recorded: Recorded | None,
    ph: _Phase,
) -> tuple[SimProgress, float, float, datetime | None]:
    """One simulation's state, with what it still needs (card seconds, wrap-up seconds) and,
    when in progress, the instant its card's time runs out."""
    mine = [c for c in calls if c.simulation_id == card.id]
    attempts = len(mine)
    if card.kind is SimulationKind.CHAT:
        said = [m for m in chats if m.simulation_id == card.id]
        started = min((m.at for m in said), default=None)
        played = {m.author for m in said} >= {"candidate", "client"}
        live = bool(said) and not played
        attempts = 1 if said else 0
    else:
        answered = [c.answered_at for c in mine if c.answered_at is not None]
        started = min(answered, default=None)
        played = bool(answered)
        live = any(c.live for c in mine)
    after_call = ph.wrap_up if card.kind.is_call else 0.0

    def make(state: SimState, **more: Any) -> SimProgress:
        return SimProgress(card, order, state, started_at=started, attempts=attempts, **more)

    if recorded is not None and not played:
        sim = make(SimState.NOT_PLAYED, reason=recorded.reason, detail=recorded.detail)
        return sim, 0.0, 0.0, None
    if live and not ph.over:
        left, ends = card.minutes * 60.0, None
        if started is not None:
            ends = started + timedelta(minutes=card.minutes)
            left = max(0.0, (ends - ph.now).total_seconds())
        sim = make(SimState.CURRENT, needed_seconds=left + after_call)
        return sim, left, after_call, ends
    if played:
        pending = ph.wrap_up if any(c.wrap_up_pending for c in mine) and not ph.over else 0.0
        return (
            make(SimState.PLAYED, needed_seconds=pending),
            0.0,
            pending,
            None,
        )
    if ph.over:
        reason = (
            NotPlayedReason.NO_ANSWER
            if attempts
            else NotPlayedReason.PHASE_ENDED
            if ph.ended_early
            else NotPlayedReason.TIME_OVER
        )
        detail = _detail(card, reason, attempts)
        sim = make(SimState.NOT_PLAYED, reason=reason, detail=detail)
        return sim, 0.0, 0.0, None
    seconds = card.minutes * 60.0
    sim = make(SimState.TODO, needed_seconds=seconds + after_call)
    return sim, seconds, after_call, None


def progress(
    cards: Iterable[Card],
    *,
    wrap_up_minutes: int,
    calls: Iterable[CallFact],
    chats: Iterable[ChatFact],
    recorded: Mapping[str, Recorded],
    state: TimelineState,
    now: datetime,
) -> Progress:
    call_list, chat_list = list(calls), list(chats)
    phase = _calls_phase(state)
    over = phase is not None and phase.ended_at is not None
    ph = _Phase(
        over=over,
        ended_early=over and phase is not None and phase.end_cause is not EndCause.DEADLINE,
        wrap_up=wrap_up_minutes * 60.0,
        now=now,
    )
    sims: list[SimProgress] = []
    card_total = wrap_total = 0.0
    current_ends: datetime | None = None
    for order, card in enumerate(cards, start=1):
        sim, left, wrap, ends = _classify(
            card, order, call_list, chat_list, recorded.get(card.id), ph
        )
        sims.append(sim)
        card_total += left
        wrap_total += wrap
        current_ends = ends or current_ends
    return _summary(
        sims,
        wrap_up_minutes,
        state,
        phase,
        now,
        (card_total, wrap_total),
        current_ends,
    )


def _summary(
    sims: list[SimProgress],
    wrap_up_minutes: int,
    state: TimelineState,
    phase: PhaseRecord | None,
    now: datetime,
    needs: tuple[float, float],
    current_ends: datetime | None,
) -> Progress:
    cards, wrap_up = needs
    needed = cards + wrap_up
    counts = {s.value: sum(1 for p in sims if p.state is s) for s in SimState}
    remaining = counts[SimState.TODO.value] + counts[SimState.CURRENT.value]
    if phase is None or phase.started_at is None:
        where = "avant"
        time_left = (phase.planned_seconds + phase.extension_seconds) if phase else None
    elif phase.ended_at is None:
        where = "en_cours"
        time_left = state.remaining_seconds if state.phase is PhaseKind.APPELS else None
    else:
        where = "terminee"
        time_left = 0.0
    paused = where == "en_cours" and state.status is Status.PAUSED
    short = bool(remaining) and time_left is not None and needed > time_left
    fits_until = None
    if where == "en_cours" and not paused and time_left is not None and remaining and not short:
        # The margin stays while a card in progress runs within its time, then shrinks 1:1.
        start = max(now, current_ends) if current_ends else now
        fits_until = start + timedelta(seconds=time_left - needed)
    warning = (
        shortage_text(time_left, remaining, needed, cards, wrap_up)
        if short and time_left is not None and where != "terminee"
        else None
    )
    return Progress(
        now=now,
        simulations=tuple(sims),
        wrap_up_minutes=wrap_up_minutes,
        phase=where,
        paused=paused,
        time_left_seconds=time_left,
        needed_seconds=needed,
        card_seconds=cards,
        wrap_up_seconds=wrap_up,
        fits_until=fits_until,
        short=short and where != "terminee",
        warning=warning,
        counts=counts,
    )


def _detail(card: Card, reason: NotPlayedReason, attempts: int) -> str:
    if reason is NotPlayedReason.NO_ANSWER:
        if card.kind is SimulationKind.CHAT:
            return "Échange par messagerie commencé, sans réponse de l'autre interlocuteur."
        return (
            f"{attempts} appel(s) passé(s) pour cette simulation, aucun n'a été décroché "
            "(refusé, sans réponse ou annulé)."
        )
    if reason is NotPlayedReason.PHASE_ENDED:
        return "La phase d'appels a été arrêtée avant son terme : simulation non commencée."
    return "La phase d'appels s'est terminée avant que cette simulation ne soit jouée."
