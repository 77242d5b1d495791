"""The per-candidate phase timeline, driven by a fake clock (no sleeping, no I/O)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from server.core.clock import FakeClock
from server.core.referential import ExamFormat, PhaseKind, load_title
from server.exams.timeline import Status, Timeline, TimelineError
from server.exams.timeline_facts import (
    TIERS_TEMPS,
    Accommodation,
    EndCause,
    Extended,
    Paused,
    PhaseEnded,
    PhaseStarted,
    Resumed,
    TimelineFact,
    WarningEmitted,
    dump_fact,
    parse_fact,
)

TITLE = load_title(Path(__file__).resolve().parents[2] / "scenarios" / "titles" / "crcd.yaml")
TITRE = TITLE.format("titre")
P, A, R = PhaseKind.PREPARATION, PhaseKind.APPELS, PhaseKind.REDACTION
ET, EF = PhaseKind.ENTRETIEN_TECHNIQUE, PhaseKind.ENTRETIEN_FINAL


def minutes(m: float) -> timedelta:
    return timedelta(minutes=m)


class Centre:
    """A timeline plus its persisted rows (JSON text, as a database would keep them)."""

    def __init__(self, fmt: ExamFormat = TITRE) -> None:
        self.fmt = fmt
        self.clock = FakeClock()
        self.t0 = self.clock.now()
        self.rows: list[str] = []
        self.tl = Timeline(fmt, self.clock)

    def at(self, offset: timedelta) -> datetime:
        return self.t0 + offset

    def go(self, offset: timedelta) -> None:
        self.clock.set(self.t0 + offset)

    def keep(self, facts: list[TimelineFact]) -> list[TimelineFact]:
        self.rows += [json.dumps(dump_fact(f)) for f in facts]
        return facts

    def restart(self) -> None:
        """The server died: everything in memory is gone, only the rows remain."""
        self.tl = Timeline(self.fmt, self.clock, [parse_fact(row) for row in self.rows])


def kinds(facts: list[TimelineFact]) -> list[tuple[str, PhaseKind | None, datetime]]:
    return [(f.kind, getattr(f, "phase", None), f.at) for f in facts]


def test_a_whole_title_session_with_incidents_and_a_restart() -> None:
    """Four hours of a title session on a fake clock, no sleeping (how fast it replays is
    measured by benchmarks/timeline_bench.py, not asserted here)."""
    c = Centre()
    tl = c.tl
    assert tl.state().status is Status.NOT_STARTED
    assert tl.state().remaining_seconds == 3600
    assert tl.next_wakeup() is None

    assert c.keep(tl.start(by="organiser")) == [PhaseStarted(at=c.t0, by="organiser", phase=P)]
    state = tl.state()
    assert (state.status, state.phase, state.deadline) == (Status.RUNNING, P, c.at(minutes(60)))
    assert tl.next_wakeup() == c.at(minutes(50))

    c.go(minutes(50))
    assert c.keep(tl.advance()) == [WarningEmitted(at=c.at(minutes(50)), phase=P, minutes=10)]
    c.go(minutes(52))
    c.keep(tl.pause("Coupure réseau", by="organiser"))
    c.go(minutes(59))
    state = tl.state()
    assert (state.status, state.pause_reason, state.paused_since) == (
        Status.PAUSED,
        "Coupure réseau",
        c.at(minutes(52)),
    )
    assert state.remaining_seconds == 8 * 60 and state.deadline is None
    assert tl.advance() == [] and tl.next_wakeup() is None
    c.keep(tl.extend(5, "Incident technique", by="organiser"))  # 13 min left: warn at 10 again
    assert tl.state().remaining_seconds == 13 * 60
    c.keep(tl.resume(by="organiser"))
    assert tl.state().deadline == c.at(minutes(60 + 7 + 5))

    got: list[TimelineFact] = []
    for m in (62, 67, 71, 72):
        c.go(minutes(m))
        got += c.keep(tl.advance())
    assert kinds(got) == [
        ("warning_emitted", P, c.at(minutes(62))),
        ("warning_emitted", P, c.at(minutes(67))),
        ("warning_emitted", P, c.at(minutes(71))),
        ("phase_ended", P, c.at(minutes(72))),
        ("phase_started", A, c.at(minutes(72))),
    ]

    # Down from 80 min to 3 min before the end of the writing phase (72 + 90 + 40 - 3).
    c.go(minutes(80))
    c.restart()
    c.go(minutes(199))
    c.restart()
    tl = c.tl
    caught_up = c.keep(tl.advance())
    assert kinds(caught_up) == [
        ("phase_ended", A, c.at(minutes(162))),
        ("phase_started", R, c.at(minutes(162))),
        ("warning_emitted", R, c.at(minutes(197))),  # 10 was missed: only the 5 is given
    ]
    assert caught_up[-1] == WarningEmitted(at=c.at(minutes(197)), phase=R, minutes=5)
    assert tl.state().remaining_seconds == 3 * 60
    c.go(minutes(201))
    assert c.keep(tl.advance()) == [WarningEmitted(at=c.at(minutes(201)), phase=R, minutes=1)]
    c.go(minutes(202))
    got = c.keep(tl.advance())
    assert got == [PhaseEnded(at=c.at(minutes(202)), phase=R, cause=EndCause.DEADLINE)]
    state = tl.state()
    assert (state.status, state.phase, state.timed) == (Status.AWAITING, ET, False)
    assert tl.next_wakeup() is None

    c.go(minutes(210))
    c.keep(tl.open_interview(by="jury"))
    c.go(minutes(245))
    state = tl.state()
    assert (state.planned_seconds, state.elapsed_seconds) == (1800, 35 * 60)
    assert state.overrun_seconds == 5 * 60 and state.deadline is None
    c.keep(tl.close_interview(by="jury"))
    c.go(minutes(250))
    c.keep(tl.open_interview(by="jury"))
    c.go(minutes(268))
    assert tl.state().overrun_seconds == 0
    c.keep(tl.close_interview(by="jury"))
    state = tl.state()
    assert (state.status, state.phase) == (Status.FINISHED, None)
    with pytest.raises(TimelineError, match="terminée"):
        tl.pause("Trop tard")

    history = {r.phase: r for r in state.phases}
    prep = history[P]
    assert (prep.started_at, prep.ended_at, prep.end_cause) == (
        c.t0,
        c.at(minutes(72)),
        EndCause.DEADLINE,
    )
    assert (prep.paused_seconds, prep.extension_seconds, prep.elapsed_seconds) == (420, 300, 3900)
    assert prep.warnings == (10, 5, 1)
    assert history[ET].overrun_seconds == 300 and history[ET].end_cause is EndCause.JURY
    assert history[EF].elapsed_seconds == 18 * 60

    assert list(tl.facts) == [parse_fact(row) for row in c.rows]  # what was returned = all
    c.restart()
    assert c.tl.state() == state


def test_deadlines_missed_while_down_are_applied_in_order_at_their_own_instants() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(5))
    c.restart()
    c.go(minutes(200))
    c.restart()
    due = c.tl.due_facts()
    assert c.tl.status is Status.RUNNING  # due_facts changes nothing
    assert c.tl.advance() == due
    assert kinds(due) == [
        ("phase_ended", P, c.at(minutes(60))),
        ("phase_started", A, c.at(minutes(60))),
        ("phase_ended", A, c.at(minutes(150))),
        ("phase_started", R, c.at(minutes(150))),
        ("phase_ended", R, c.at(minutes(190))),
    ]
    assert c.tl.state().phase is ET and c.tl.advance() == []


def test_a_restart_mid_phase_keeps_the_exact_remaining_time_even_while_paused() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(timedelta(minutes=17, seconds=23.5))
    before = c.tl.state()
    c.restart()
    assert c.tl.state() == before
    assert before.remaining_seconds == 3600 - (17 * 60 + 23.5)
    c.keep(c.tl.pause("Malaise du candidat"))
    c.go(minutes(90))
    c.restart()
    assert c.tl.advance() == []  # no deadline passes while paused
    assert c.tl.state().remaining_seconds == before.remaining_seconds
    c.keep(c.tl.resume())
    assert c.tl.state().deadline == c.at(minutes(90)) + timedelta(seconds=before.remaining_seconds)


def test_a_pause_stops_the_clock_to_the_microsecond() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(timedelta(minutes=10, microseconds=1))
    c.keep(c.tl.pause("Appel du juré coupé"))
    c.go(timedelta(minutes=13, seconds=0.5, microseconds=1))
    assert c.tl.state().remaining_seconds == 50 * 60 - 0.000001
    c.keep(c.tl.resume())
    assert c.tl.state().deadline == c.at(timedelta(minutes=63, seconds=0.5))
    assert c.tl.next_wakeup() == c.at(timedelta(minutes=53, seconds=0.5))
    assert c.tl.state().phases[0].paused_seconds == 180.5


def test_an_extension_during_a_pause_adds_to_the_frozen_remaining_time() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(20))
    c.keep(c.tl.pause("Panne de casque"))
    c.go(minutes(25))
    assert c.keep(c.tl.extend(3, "Casque remplacé", by="jury")) == [
        Extended(at=c.at(minutes(25)), by="jury", phase=P, minutes=3, reason="Casque remplacé")
    ]
    assert c.tl.state().remaining_seconds == 43 * 60
    c.go(minutes(30))
    c.keep(c.tl.resume())
    assert c.tl.state().deadline == c.at(minutes(73))
    record = c.tl.state().phases[0]
    assert (record.extension_seconds, record.paused_seconds) == (180, 600)


def test_warnings_are_given_once_each_at_their_exact_instant() -> None:
    c = Centre()
    c.keep(c.tl.start())
    wakeups = []
    warnings: list[TimelineFact] = []
    for second in range(0, 60 * 60, 20):  # a scheduler polling every 20 s
        c.go(timedelta(seconds=second))
        warnings += c.keep(c.tl.advance())
        wakeups.append(c.tl.next_wakeup())
    assert warnings == [
        WarningEmitted(at=c.at(minutes(50)), phase=P, minutes=10),
        WarningEmitted(at=c.at(minutes(55)), phase=P, minutes=5),
        WarningEmitted(at=c.at(minutes(59)), phase=P, minutes=1),
    ]
    assert sorted(set(wakeups)) == [c.at(minutes(m)) for m in (50, 55, 59, 60)]
    c.restart()
    assert c.tl.advance() == []  # not repeated after a restart
    assert c.tl.state().warning_due is None


def test_the_due_warning_shows_in_the_state_before_it_is_emitted() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(56))
    assert c.tl.state().warning_due == 5
    assert c.keep(c.tl.advance()) == [WarningEmitted(at=c.at(minutes(55)), phase=P, minutes=5)]
    assert c.tl.state().warning_due is None


def test_an_extension_after_a_warning_gives_the_warning_again_when_it_is_true_again() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(56))
    c.keep(c.tl.advance())  # 5 min warning (the 10 was missed)
    c.keep(c.tl.extend(7, "Retard de démarrage des postes"))  # 11 min left
    c.go(minutes(57))
    assert c.tl.advance() == [WarningEmitted(at=c.at(minutes(57)), phase=P, minutes=10)]


def test_a_command_first_applies_what_was_due() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(61))  # the preparation deadline passed; nobody called advance
    facts = c.keep(c.tl.pause("Alarme incendie"))
    assert kinds(facts) == [
        ("phase_ended", P, c.at(minutes(60))),
        ("phase_started", A, c.at(minutes(60))),
        ("paused", A, c.at(minutes(61))),
    ]


def test_a_refused_command_changes_nothing_even_when_facts_were_due() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(61))
    with pytest.raises(TimelineError, match="n'est pas en pause"):
        c.tl.resume()
    assert len(c.tl.facts) == 1
    assert [f.kind for f in c.tl.advance()] == ["phase_ended", "phase_started"]


@pytest.mark.parametrize(
    ("setup", "command", "message"),
    [
        ([], lambda tl: tl.pause("x"), "L'épreuve n'a pas commencé."),
        ([], lambda tl: tl.resume(), "L'épreuve n'a pas commencé."),
        ([], lambda tl: tl.extend(5, "x"), "L'épreuve n'a pas commencé."),
        ([], lambda tl: tl.open_interview(), "L'épreuve n'a pas commencé."),
        ([], lambda tl: tl.close_interview(), "Aucun entretien n'est en cours."),
        (["start"], lambda tl: tl.start(), "L'épreuve a déjà commencé."),
        (["start"], lambda tl: tl.resume(), "Le candidat n'est pas en pause."),
        (["start", "pause"], lambda tl: tl.pause("encore"), "Le candidat est déjà en pause."),
        (["start"], lambda tl: tl.pause("  "), "Le motif de la pause est obligatoire."),
        (["start"], lambda tl: tl.extend(5, ""), "Le motif de la prolongation est obligatoire."),
        (
            ["start"],
            lambda tl: tl.extend(0, "x"),
            "La prolongation doit être d'au moins une minute.",
        ),
        (["start"], lambda tl: tl.extend(-3, "x"), "d'au moins une minute"),
        (["start"], lambda tl: tl.set_accommodation(TIERS_TEMPS), "avant le début de l'épreuve"),
        (
            ["start"],
            lambda tl: tl.open_interview(),
            "Aucun entretien à ouvrir : phase en cours « Préparation ».",
        ),
        (["start"], lambda tl: tl.close_interview(), "Aucun entretien n'est en cours."),
        (["writing_done"], lambda tl: tl.close_interview(), "Aucun entretien n'est en cours."),
        (["writing_done"], lambda tl: tl.pause("x"), "attend d'être ouvert par le jury"),
        (["writing_done"], lambda tl: tl.start(), "L'épreuve a déjà commencé."),
        (["writing_done", "open"], lambda tl: tl.extend(5, "x"), "Un entretien ne se prolonge pas"),
        (
            ["writing_done", "open"],
            lambda tl: tl.open_interview(),
            "« Entretien technique » est déjà en cours.",
        ),
        (["writing_done", "open", "pause"], lambda tl: tl.close_interview(), "reprenez-la"),
        (["finished"], lambda tl: tl.pause("x"), "L'épreuve est terminée."),
        (["finished"], lambda tl: tl.start(), "L'épreuve est terminée."),
        (["finished"], lambda tl: tl.open_interview(), "L'épreuve est terminée."),
    ],
)
def test_illegal_commands_are_refused_with_a_french_message(setup, command, message) -> None:
    c = Centre(TITLE.format("ccp1"))
    steps = {
        "start": lambda: c.tl.start(),
        "pause": lambda: c.tl.pause("Coupure"),
        "writing_done": lambda: (c.tl.start(), c.go(minutes(30 + 45 + 15)), c.tl.advance()),
        "open": lambda: c.tl.open_interview(),
        "finished": lambda: (
            c.tl.start(),
            c.go(minutes(90)),
            c.tl.open_interview(),
            c.tl.close_interview(),
        ),
    }
    for step in setup:
        steps[step]()
    before = c.tl.facts
    with pytest.raises(TimelineError, match=re.escape(message)):
        command(c.tl)
    assert c.tl.facts == before


@pytest.mark.parametrize(("format_id", "timed"), [("ccp1", (30, 45, 15)), ("ccp2", (30, 60, 30))])
def test_ccp_formats_end_after_the_technical_interview(format_id, timed) -> None:
    fmt = TITLE.format(format_id)
    assert not fmt.has_final_interview
    c = Centre(fmt)
    c.keep(c.tl.start())
    c.go(minutes(sum(timed)))
    ends = [f.at for f in c.keep(c.tl.advance()) if isinstance(f, PhaseEnded)]
    assert ends == [
        c.at(minutes(timed[0])),
        c.at(minutes(sum(timed[:2]))),
        c.at(minutes(sum(timed))),
    ]
    c.keep(c.tl.open_interview())
    c.go(minutes(sum(timed) + 15))
    c.keep(c.tl.close_interview())
    state = c.tl.state()
    assert state.status is Status.FINISHED
    assert [r.phase for r in state.phases] == [P, A, R, ET]


def test_tiers_temps_adds_a_third_to_every_timed_phase_only() -> None:
    c = Centre()
    assert (
        c.keep(c.tl.set_accommodation(TIERS_TEMPS, by="organiser"))[0].kind == "accommodation_set"
    )
    c.keep(c.tl.start())
    assert [r.planned_seconds for r in c.tl.state().phases] == [4800, 7200, 3200, 1800, 1200]
    c.go(minutes(300))
    c.restart()  # the accommodation comes back from the facts
    ends = [f.at for f in c.tl.advance() if isinstance(f, PhaseEnded)]
    assert ends == [c.at(minutes(80)), c.at(minutes(200)), c.at(timedelta(minutes=253, seconds=20))]
    assert c.tl.state().accommodation == TIERS_TEMPS


def test_an_accommodation_can_come_from_the_candidate_record_and_add_minutes() -> None:
    extra = Accommodation(extra_minutes=10, note="Aménagement MDPH")
    tl = Timeline(TITRE, FakeClock(), accommodation=extra)
    assert [r.planned_seconds for r in tl.state().phases] == [4200, 6000, 3000, 1800, 1200]
    assert Accommodation.model_validate_json(TIERS_TEMPS.model_dump_json()) == TIERS_TEMPS
    with pytest.raises(ValueError):
        Accommodation(extra_ratio=2)


def test_facts_round_trip_through_json_and_bad_rows_are_rejected() -> None:
    c = Centre()
    c.keep(c.tl.start())
    c.go(minutes(3))
    c.keep(c.tl.pause("Coupure"))
    c.keep(c.tl.extend(2, "Coupure"))
    c.keep(c.tl.resume())
    assert [type(parse_fact(r)) for r in c.rows] == [PhaseStarted, Paused, Extended, Resumed]
    assert dump_fact(parse_fact(c.rows[1])) == json.loads(c.rows[1])
    with pytest.raises(ValueError):
        parse_fact({"kind": "extended", "at": c.t0.isoformat(), "phase": "appels", "minutes": 0})
    with pytest.raises(ValueError):
        parse_fact({"kind": "teleported", "at": c.t0.isoformat()})


def test_an_inconsistent_history_is_refused_on_replay() -> None:
    t0 = FakeClock().now()
    started = PhaseStarted(at=t0, phase=P)
    cases = [
        [started, Paused(at=t0 - minutes(1), phase=P, reason="x")],  # out of order
        [started, Paused(at=t0 + minutes(61), phase=P, reason="x")],  # after the deadline
        [started, PhaseEnded(at=t0 + minutes(59), phase=P, cause=EndCause.DEADLINE)],
        [started, Paused(at=t0, phase=A, reason="x")],  # wrong phase
        [started, PhaseEnded(at=t0 + minutes(60), phase=P, cause=EndCause.JURY)],
    ]
    for facts in cases:
        with pytest.raises(TimelineError):
            Timeline(TITRE, FakeClock(), facts)


def test_a_pause_in_an_interview_is_not_counted_in_its_duration() -> None:
    c = Centre(TITLE.format("ccp1"))
    c.keep(c.tl.start())
    c.go(minutes(90))
    c.keep(c.tl.open_interview())
    c.go(minutes(100))
    c.keep(c.tl.pause("Juré déconnecté"))
    c.go(minutes(110))
    c.keep(c.tl.resume())
    c.go(minutes(117))
    state = c.tl.state()
    assert (state.elapsed_seconds, state.overrun_seconds) == (17 * 60, 2 * 60)
    assert state.phases[3].paused_seconds == 600


def test_a_clock_that_steps_back_never_stamps_a_fact_before_the_last_one() -> None:
    c = Centre()
    c.go(minutes(10))
    c.keep(c.tl.start())
    c.go(minutes(9))
    assert c.tl.pause("NTP")[0].at == c.at(minutes(10))


def test_a_planned_start_already_reached_is_applied_at_its_own_instant() -> None:
    c = Centre()
    planned = c.at(minutes(5))
    with pytest.raises(TimelineError, match="pas encore atteint"):
        c.tl.start_at(planned)
    c.go(minutes(70))
    facts = c.keep(c.tl.start_at(planned, by="system:planning"))
    assert kinds(facts) == [
        ("phase_started", P, planned),
        ("phase_ended", P, c.at(minutes(65))),
        ("phase_started", A, c.at(minutes(65))),
    ]
    assert c.tl.state().remaining_seconds == 85 * 60
