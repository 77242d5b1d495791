"""Which simulations were played, which remain, the time left and whether it still holds
them — pure, on a real timeline driven by a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from server.core.clock import FakeClock
from server.core.referential import load_title
from server.exams.timeline import Timeline
from server.progress.domain import (
    CallFact,
    Card,
    ChatFact,
    NotPlayedReason,
    Recorded,
    SimState,
    progress,
)
from server.scenarios.pack.types import SimulationKind

TITRE = load_title(
    Path(__file__).resolve().parents[2] / "scenarios" / "titles" / "crcd.yaml"
).format("titre")
IN, OUT, CHAT = SimulationKind.INBOUND_CALL, SimulationKind.OUTBOUND_CALL, SimulationKind.CHAT
CARDS = [
    Card("s1", "Entrant 1", IN, 10),
    Card("s2", "Sortant 2", OUT, 10),
    Card("s3", "Chat 3", CHAT, 10),
    Card("s4", "Entrant 4", IN, 10),
]


def minutes(m: float) -> timedelta:
    return timedelta(minutes=m)


class Day:
    """A candidate's timeline in the calls phase (after 60 min of préparation)."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.t0 = self.clock.now()
        self.tl = Timeline(TITRE, self.clock)
        self.tl.start()
        self.go(60)
        self.tl.advance()
        self.calls_start = self.t0 + minutes(60)

    def go(self, m: float) -> None:
        self.clock.set(self.t0 + minutes(m))
        self.tl.advance()

    def at(self, m: float) -> datetime:
        return self.t0 + minutes(m)

    def progress(self, calls=(), chats=(), recorded=None, wrap_up=1):  # type: ignore[no-untyped-def]
        return progress(
            CARDS,
            wrap_up_minutes=wrap_up,
            calls=calls,
            chats=chats,
            recorded=recorded or {},
            state=self.tl.state(),
            now=self.clock.now(),
        )


def test_states_come_from_the_calls_and_the_chat() -> None:
    d = Day()
    d.go(75)
    p = d.progress(
        calls=[
            CallFact("s1", d.at(61), d.at(61.5), live=False),  # answered, over
            CallFact("s2", d.at(70), None, live=False),  # dialled, never answered
            CallFact("s4", d.at(74), d.at(74.2), live=True),  # on the line now
        ],
        chats=[ChatFact("s3", "client", d.at(72))],  # the customer wrote, no answer yet
    )
    states = {s.card.id: s.state for s in p.simulations}
    assert states == {
        "s1": SimState.PLAYED,
        "s2": SimState.TODO,
        "s3": SimState.CURRENT,
        "s4": SimState.CURRENT,
    }
    assert next(s for s in p.simulations if s.card.id == "s2").attempts == 1
    both = d.progress(
        chats=[ChatFact("s3", "client", d.at(72)), ChatFact("s3", "candidate", d.at(73))]
    )
    assert both.state_of("s3") is SimState.PLAYED
    assert p.counts == {"a_faire": 1, "en_cours": 2, "jouee": 1, "non_jouee": 0}


def test_what_remains_needs_the_cards_and_the_wrap_up_after_each_call() -> None:
    d = Day()
    p = d.progress()
    # 4 cards of 10 min + 1 min after each of the 3 calls, in a 90 min phase.
    assert (p.card_seconds, p.wrap_up_seconds, p.needed_seconds) == (2400, 180, 2580)
    assert p.time_left_seconds == 90 * 60 and not p.short and p.warning is None
    # Nothing in progress: the margin (90 - 43 min) runs out in 47 minutes from now.
    assert p.fits_until == d.at(60 + 47)
    # A call in progress counts for what is left of its card; while it runs within its time
    # the margin stays: the instant does not move.
    d.go(100)
    live = [CallFact("s1", d.at(96), d.at(96), live=True)]
    p = d.progress(calls=live)
    assert p.needed_seconds == 6 * 60 + 60 + 3 * 660 - 60
    assert p.time_left_seconds == 50 * 60
    assert p.fits_until == d.at(106) + timedelta(seconds=50 * 60 - p.needed_seconds)
    # A call ended but not yet qualified still needs its wrap-up.
    ended = [CallFact("s1", d.at(61), d.at(61), live=False, wrap_up_pending=True)]
    assert d.progress(calls=ended).wrap_up_seconds == 3 * 60


def test_the_jury_is_warned_when_the_time_left_cannot_hold_what_remains() -> None:
    d = Day()
    d.go(60 + 60)  # 30 min left, 43 min needed
    p = d.progress(calls=[CallFact("s1", d.at(61), d.at(62), live=False)])
    assert p.short and p.fits_until is None
    assert p.needed_seconds == 3 * 600 + 2 * 60
    assert p.warning == (
        "Temps insuffisant : il reste 30 min de phase d'appels, les 3 simulation(s) "
        "restante(s) en demandent 32 (cartes 30 min + après-appel 2 min). Choisissez celles à "
        "jouer : une simulation non jouée sera consignée comme telle à la fin de la phase."
    )
    # Without wrap-up it still does not fit; an extension of the phase makes it fit.
    assert d.progress(wrap_up=0).short
    d.tl.extend(5, "Incident réseau")
    assert not d.progress(calls=[CallFact("s1", d.at(61), d.at(62), live=False)]).short
    # A pause freezes the time left: no instant to count down to, the verdict stands.
    d.tl.pause("Malaise du candidat")
    d.go(130)
    paused = d.progress(calls=[CallFact("s1", d.at(61), d.at(62), live=False)])
    assert paused.paused and paused.fits_until is None and paused.time_left_seconds == 35 * 60


def test_at_the_end_of_the_phase_each_simulation_not_played_has_its_reason() -> None:
    d = Day()
    d.go(60 + 90)  # the deadline
    p = d.progress(
        calls=[
            CallFact("s1", d.at(61), d.at(62), live=False),
            CallFact("s2", d.at(70), None, live=False),
            CallFact("s2", d.at(71), None, live=False),
        ],
        chats=[ChatFact("s3", "client", d.at(80))],
    )
    assert p.phase == "terminee" and not p.short and p.warning is None
    got = {s.card.id: (s.state, s.reason) for s in p.simulations}
    assert got == {
        "s1": (SimState.PLAYED, None),
        "s2": (SimState.NOT_PLAYED, NotPlayedReason.NO_ANSWER),
        "s3": (SimState.NOT_PLAYED, NotPlayedReason.NO_ANSWER),
        "s4": (SimState.NOT_PLAYED, NotPlayedReason.TIME_OVER),
    }
    s2 = next(s for s in p.simulations if s.card.id == "s2")
    assert s2.detail is not None and s2.detail.startswith("2 appel(s) passé(s)")
    # What was recorded is what is shown (the record is the evidence).
    at = d.at(150)
    kept = d.progress(recorded={"s4": Recorded(NotPlayedReason.TIME_OVER, "Consigné.", at)})
    assert next(s for s in kept.simulations if s.card.id == "s4").detail == "Consigné."


def test_a_phase_stopped_before_its_deadline_gives_that_reason() -> None:
    """A calls phase ended by another cause than its deadline (the organiser's control of
    issue 17a): the simulations never started are « phase interrompue », not « temps
    écoulé »; one whose call was never answered keeps that reason."""
    from server.core.referential import PhaseKind
    from server.exams.timeline_facts import EndCause

    d = Day()
    d.go(60 + 90)
    state = d.tl.state()
    phases = tuple(
        p.model_copy(update={"end_cause": EndCause.JURY, "ended_at": d.at(100)})
        if p.phase is PhaseKind.APPELS
        else p
        for p in state.phases
    )
    stopped = state.model_copy(update={"phases": phases})
    p = progress(
        CARDS,
        wrap_up_minutes=1,
        calls=[CallFact("s2", d.at(70), None, live=False)],
        chats=[],
        recorded={},
        state=stopped,
        now=d.clock.now(),
    )
    got = {s.card.id: s.reason for s in p.simulations}
    assert got == {
        "s1": NotPlayedReason.PHASE_ENDED,
        "s2": NotPlayedReason.NO_ANSWER,
        "s3": NotPlayedReason.PHASE_ENDED,
        "s4": NotPlayedReason.PHASE_ENDED,
    }
