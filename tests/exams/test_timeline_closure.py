"""Ending a timed phase early and closing a candidate's exam, with a reason from the list and
a comment: the facts, what follows, what a restart replays, and every refusal in French."""

from __future__ import annotations

import json
import re

import pytest

from server.exams.closure import PROCTOR_PHASES, StopReason, reasons_for
from server.exams.timeline import Status, TimelineError
from server.exams.timeline_facts import EndCause, PhaseEnded, dump_fact, parse_fact
from tests.exams.test_timeline import ET, TITLE, A, Centre, P, R, kinds, minutes


def test_ending_the_preparation_early_starts_the_calls_at_once() -> None:
    c = Centre()
    c.keep(c.tl.start(by="organiser"))
    c.go(minutes(42))
    new = c.keep(
        c.tl.end_phase_early(
            StopReason.FINISHED_EARLY, "Le candidat a fini sa lecture.", by="organiser"
        )
    )
    assert kinds(new) == [
        ("phase_ended", P, c.at(minutes(42))),
        ("phase_started", A, c.at(minutes(42))),
    ]
    ended = new[0]
    assert isinstance(ended, PhaseEnded)
    assert (ended.cause, ended.reason, ended.comment) == (
        EndCause.EARLY,
        StopReason.FINISHED_EARLY,
        "Le candidat a fini sa lecture.",
    )
    state = c.tl.state()
    assert (state.status, state.phase, state.deadline) == (
        Status.RUNNING,
        A,
        c.at(minutes(42 + 90)),
    )
    prep = state.phases[0]
    assert (prep.end_cause, prep.elapsed_seconds) == (EndCause.EARLY, 42 * 60)
    assert state.closure is None
    c.restart()
    assert c.tl.state() == state


def test_a_paused_phase_can_be_ended_early_and_the_pause_is_counted() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(10))
    c.keep(c.tl.pause("Coupure réseau"))
    c.go(minutes(25))
    c.keep(c.tl.end_phase_early(StopReason.BREAKDOWN, "Poste en panne, phase arrêtée."))
    prep = c.tl.state().phases[0]
    assert (prep.paused_seconds, prep.elapsed_seconds) == (15 * 60, 10 * 60)
    assert c.tl.state().phase is A


@pytest.mark.parametrize("reason", [StopReason.ABANDON, StopReason.FRAUD, StopReason.BREAKDOWN])
def test_closing_the_exam_ends_everything_and_says_what_it_does_to_the_outcome(
    reason: StopReason,
) -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(75))  # appels, 15 minutes in
    new = c.keep(c.tl.close_exam(reason, "Constaté par le jury à 10 h 15.", by="proctor:x"))
    assert kinds(new) == [
        ("phase_ended", P, c.at(minutes(60))),  # what was due first
        ("phase_started", A, c.at(minutes(60))),
        ("phase_ended", A, c.at(minutes(75))),
    ]
    state = c.tl.state()
    assert state.status is Status.FINISHED and state.phase is None
    assert state.status_label == f"Close : {reason.label}"
    closure = state.closure
    assert closure is not None
    assert (closure.reason, closure.phase, closure.at, closure.by) == (
        reason,
        A,
        c.at(minutes(75)),
        "proctor:x",
    )
    assert closure.comment == "Constaté par le jury à 10 h 15."
    assert closure.decision_allowed is False
    assert closure.new_sitting is (reason is StopReason.BREAKDOWN)
    assert closure.outcome.startswith(reason.label.split()[0])
    assert [p.started_at is None for p in state.phases] == [False, False, True, True, True]
    assert c.tl.next_wakeup() is None
    c.go(minutes(300))
    assert c.tl.advance() == []  # no deadline, no later phase
    with pytest.raises(TimelineError, match=re.escape(f"close ({reason.label})")):
        c.tl.pause("x")
    c.restart()
    assert c.tl.state().closure == closure


def test_the_jury_s_request_closes_an_awaited_interview_and_leaves_the_decision_open() -> None:
    c = Centre(TITLE.format("ccp1"))
    c.keep(c.tl.start())
    c.go(minutes(95))  # 30 + 45 + 15: awaiting the technical interview
    assert c.tl.advance() and c.tl.state().status is Status.AWAITING
    c.keep(c.tl.close_exam(StopReason.JURY, "Le jury renonce à l'entretien technique."))
    state = c.tl.state()
    assert state.closure is not None and state.closure.phase is ET
    assert state.closure.decision_allowed and not state.closure.new_sitting
    interview = state.phases[-1]
    assert interview.end_cause is EndCause.CLOSED
    assert interview.started_at is None and interview.ended_at is None  # it did not take place


def test_facts_round_trip_and_old_rows_keep_their_shape() -> None:
    plain = PhaseEnded(at=Centre().t0, phase=P, cause=EndCause.DEADLINE)
    assert set(dump_fact(plain)) == {"at", "by", "kind", "phase", "cause"}
    early = PhaseEnded(
        at=Centre().t0, phase=R, cause=EndCause.EARLY, reason=StopReason.JURY, comment="x"
    )
    assert parse_fact(json.dumps(dump_fact(early))) == early
    assert dump_fact(early)["reason"] == "demande_jury"


@pytest.mark.parametrize(
    ("steps", "command", "message"),
    [
        ([], lambda t: t.close_exam(StopReason.ABANDON, "x"), "retirez le candidat"),
        ([], lambda t: t.end_phase_early(StopReason.JURY, "x"), "L'épreuve n'a pas commencé."),
        (["start"], lambda t: t.close_exam(None, "x"), "Le motif est obligatoire"),
        (
            ["start"],
            lambda t: t.close_exam(StopReason.ABANDON, "  "),
            "commentaire est obligatoire",
        ),
        (["start"], lambda t: t.close_exam(StopReason.ABANDON, "x" * 1001), "dépasse 1000"),
        (
            ["start"],
            lambda t: t.end_phase_early(StopReason.ABANDON, "x"),
            "« Abandon du candidat » clôt l'épreuve",
        ),
        (
            ["start"],
            lambda t: t.close_exam(StopReason.FINISHED_EARLY, "x"),
            "ne clôt pas l'épreuve",
        ),
        (
            ["start", "calls"],
            lambda t: t.end_phase_early(StopReason.JURY, "x", only=PROCTOR_PHASES),
            "Le surveillant n'intervient que pendant « Préparation » et « Rédaction »",
        ),
        (
            ["start", "calls"],
            lambda t: t.close_exam(StopReason.FRAUD, "x", only=PROCTOR_PHASES),
            "phase en cours « Appels »",
        ),
        (
            ["start", "interview"],
            lambda t: t.end_phase_early(StopReason.JURY, "x"),
            "un entretien est clos par le jury",
        ),
        (
            ["start", "closed"],
            lambda t: t.close_exam(StopReason.ABANDON, "encore"),
            "L'épreuve a été close (Panne technique).",
        ),
    ],
)
def test_refusals_are_french_and_change_nothing(steps, command, message) -> None:  # type: ignore[no-untyped-def]
    c = Centre()
    do = {
        "start": lambda: c.tl.start(),
        "calls": lambda: (c.go(minutes(61)), c.tl.advance()),
        "interview": lambda: (c.go(minutes(200)), c.tl.advance(), c.tl.open_interview()),
        "closed": lambda: c.tl.close_exam(StopReason.BREAKDOWN, "Serveur tombé."),
    }
    for step in steps:
        do[step]()
    before = c.tl.facts
    with pytest.raises(TimelineError, match=re.escape(message)):
        command(c.tl)
    assert c.tl.facts == before


def test_the_proctor_may_act_during_the_phases_they_supervise() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(5))
    c.keep(c.tl.end_phase_early(StopReason.FINISHED_EARLY, "Lecture finie.", only=PROCTOR_PHASES))
    c.go(minutes(5 + 90 + 10))  # rédaction, 10 minutes in
    c.keep(c.tl.advance())
    assert c.tl.state().phase is R
    c.keep(c.tl.close_exam(StopReason.FRAUD, "Téléphone en main.", only=PROCTOR_PHASES))
    assert c.tl.state().closure is not None


def test_the_lists_of_reasons() -> None:
    closing = {r["value"] for r in reasons_for(closing=True)}
    ending = {r["value"] for r in reasons_for(closing=False)}
    assert closing == {"abandon", "exclusion_fraude", "panne_technique", "demande_jury"}
    assert ending == {"panne_technique", "demande_jury", "travail_termine"}
