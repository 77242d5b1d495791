"""The simulations actually played, through the real services (calls with a FakeMedia, the
chat): what the jury and the organiser read, the record of the simulations not played at the
end of the calls phase (persisted, audited, told, idempotent), and what follows from it — the
writing tasks replaced (never a confirmation of a call that did not take place), the grid,
the archive."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from server.chat import service as chat
from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Principal, Role
from server.exams import timeline_service
from server.progress import service as progress
from server.scenarios.pack.simulations import Simulation
from server.scenarios.pack.types import SimulationKind
from server.telephony import calls
from server.telephony.call_lifecycle import act
from server.telephony.call_state import CallAction, Party
from server.telephony.events import CallOut
from server.telephony.fake_media import FakeMedia
from tests.evaluation.support import drain, who
from tests.harness import Harness, running_app

PACK = "plateforme-horizon"


def advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def _people(h: Harness, cid: str) -> tuple[Principal, Principal]:
    session = h.day.session_id
    cand = Principal(Role.CANDIDATE, cid, "Alice", session)
    client = Principal(Role.JUROR, h.day.ids["client_a"], "client_a", session)
    return cand, client


def _sims(h: Harness) -> list[Simulation]:
    return list(h.ctx.packs[PACK].for_format(h.ctx.titles["CRCD"].format("titre")).simulations)


def play(h: Harness, cid: str, sim: Simulation, *, minutes: float) -> None:
    """One simulation played through the services: the call rung/dialled, answered, held for
    `minutes`, hung up and qualified; the chat: the customer writes, the candidate answers."""
    cand, client = _people(h, cid)
    if sim.kind is SimulationKind.CHAT:
        h.call(chat.send, h.ctx, cid, "client", "Bonjour, une question.", None, actor="x")
        advance(h, minutes / 2)  # the candidate answers within the simulation's time
        h.call(chat.send, h.ctx, cid, "candidate", "Bonjour, je vous écoute.", None, actor="x")
        advance(h, minutes / 2)
        return
    if sim.kind is SimulationKind.INBOUND_CALL:
        call = h.call(calls.ring_inbound, h.ctx, client, cid, sim.id)
        answerer = Party.CANDIDATE
    else:
        assert sim.candidate.phone is not None
        call = h.call(calls.dial, h.ctx, cand, sim.candidate.phone.display)
        answerer = Party.CLIENT
    assert isinstance(call, CallOut)
    h.call(act, h.ctx, call.id, CallAction.ANSWER, party=answerer, actor="x")
    advance(h, minutes)
    h.call(act, h.ctx, call.id, CallAction.HANG_UP, party=Party.CLIENT, actor="x")
    h.call(calls.wrap_up, h.ctx, cand, call.id, "traitee", "Fait.")
    advance(h, 1)


def ring_unanswered(h: Harness, cid: str, sim: Simulation) -> None:
    _, client = _people(h, cid)
    call = h.call(calls.ring_inbound, h.ctx, client, cid, sim.id)
    h.call(act, h.ctx, call.id, CallAction.REJECT, party=Party.CANDIDATE, actor="x")


def state(h: Harness, cid: str, label: str = "observer_a") -> dict[str, Any]:
    body = who(h, label).get(f"/api/candidates/{cid}/simulations").json()
    assert body["candidate_id"] == cid
    return body


async def _audit(h: Harness, action: str) -> list[dict[str, Any]]:
    async with h.ctx.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [r.details for r in rows]


def test_the_jury_sees_what_was_played_what_remains_and_whether_the_time_holds_it(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        cid = h.day.ids["cand_a"]
        before = state(h, cid)["progress"]
        assert before["phase"] == "avant" and before["time_left_seconds"] == 90 * 60
        assert before["needed_seconds"] == 90 * 60 and not before["short"]  # 82 + 8 × 1
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").is_success
        advance(h, 60)
        sims = _sims(h)
        play(h, cid, sims[0], minutes=8)  # each on time (card + 1 min of wrap-up)
        play(h, cid, sims[1], minutes=9)
        p = state(h, cid, "client_a")["progress"]
        assert [s["state"] for s in p["simulations"]][:3] == ["jouee", "jouee", "a_faire"]
        assert p["counts"] == {"a_faire": 7, "en_cours": 0, "jouee": 2, "non_jouee": 0}
        assert p["time_left_seconds"] == (90 - 19) * 60
        assert p["needed_seconds"] == (82 - 17 + 6) * 60 and not p["short"]
        assert p["fits_until"] == h.clock.now().isoformat()  # not a minute to spare
        # The third call takes far too long: the remaining six cannot fit any more.
        play(h, cid, sims[2], minutes=25)
        p = state(h, cid, "organiser")["progress"]
        assert p["short"] and p["time_left_seconds"] == (90 - 45) * 60
        assert p["warning"].startswith("Temps insuffisant : il reste 45 min de phase d'appels")
        assert "les 6 simulation(s) restante(s) en demandent 59" in p["warning"]
        # Only the candidate's jurors and the organiser read it (titles are staff labels).
        assert who(h, "cand_a").get(f"/api/candidates/{cid}/simulations").status_code == 403
        assert who(h, "client_b").get(f"/api/candidates/{cid}/simulations").status_code == 403


def test_unplayed_simulations_are_recorded_with_their_reason_and_the_writing_follows(
    settings: Settings, clock: FakeClock
) -> None:
    """The case seen: simulations 8 and 9 not played, their SMS and letter still asked."""
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        cid = h.day.ids["cand_a"]
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").is_success
        advance(h, 60)
        sims = _sims(h)
        for sim in sims[:7]:
            play(h, cid, sim, minutes=9)
        ring_unanswered(h, cid, sims[7])  # simulation 8: the candidate refused the call
        with (
            who(h, "observer_a").ws() as jury_ws,
            who(h, "proctor").ws() as staff_ws,
            who(h, "cand_a").ws() as cand_ws,
        ):
            for ws in (jury_ws, staff_ws, cand_ws):
                ws.receive_json()
            advance(h, 30)  # the deadline: simulation 9 was never started
            heard = [m for m in drain(jury_ws) if m["type"] == "simulations.progress"]
            told = [m for m in drain(staff_ws) if m["type"] == "simulations.progress"]
            leaked = [m for m in drain(cand_ws) if m["type"] == "simulations.progress"]
        assert heard and told and heard[-1]["progress"]["counts"]["non_jouee"] == 2
        assert leaked == []  # the titles are the jury's
        body = state(h, cid)
        p = body["progress"]
        got = {s["id"]: (s["state"], s["reason"]) for s in p["simulations"]}
        assert got["s08-fidelisation-fibre"] == ("non_jouee", "sans_reponse")
        assert got["s09-recouvrement-energie"] == ("non_jouee", "temps_ecoule")
        assert [r["simulation_id"] for r in body["recorded_not_played"]] == [
            "s08-fidelisation-fibre",
            "s09-recouvrement-energie",
        ]
        audited = h.call(_audit, h, "simulation.not_played")
        assert [(a["simulation"], a["reason"]) for a in audited] == [
            ("s08-fidelisation-fibre", "sans_reponse"),
            ("s09-recouvrement-energie", "temps_ecoule"),
        ]
        assert audited[0]["attempts"] == 1
        # Applied again (a restart replaying the deadline): nothing is added.
        assert h.call(progress.record_unplayed, h.ctx, cid) == 0
        # The writing phase: the SMS and the letter that confirmed agreements of calls that
        # did not take place are replaced by their stand-alone briefs; the e-mail stays.
        pack = h.ctx.packs[PACK]
        tasks = {w.id: w for w in pack.writing_tasks}
        drafts = who(h, "cand_a").get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"]
        briefs = {d["task_id"]: (d["replaced"], d["brief"]) for d in drafts}
        assert briefs["e1-courriel-assistance"] == (
            False,
            tasks["e1-courriel-assistance"].candidate.brief,
        )
        for task_id in ("e2-sms-fidelisation", "e3-courrier-echeancier"):
            replacement = tasks[task_id].replacement
            assert replacement is not None
            assert briefs[task_id] == (True, replacement.candidate.brief)
        assert "accord conclu" not in briefs["e3-courrier-echeancier"][1]
        subject = who(h, "cand_a").get(f"/api/candidates/{cid}/subject").json()
        assert [w["replaced"] for w in subject["writing_tasks"]] == [False, True, True]
        jury = who(h, "client_a").get(f"/api/candidates/{cid}/subject/jury").json()
        e3 = next(w for w in jury["writing_tasks"] if w["id"] == "e3-courrier-echeancier")
        assert e3["replaced"] and e3["juror"]["marking_notes"][0].startswith("Présentation")
        # The grid: the simulations not played say why; their criteria cannot be marked
        # acquis or non acquis; the replacement reply is marked on its own criteria.
        grid = who(h, "observer_a").get(f"/api/candidates/{cid}/evaluation").json()
        s09 = next(x for x in grid["parts"] if x["part"] == "s09-recouvrement-energie")
        assert s09["not_played"].startswith("Non jouée : Temps de la phase d'appels écoulé")
        w3 = next(x for x in grid["parts"] if x["part"] == "writing:e3-courrier-echeancier")
        assert w3["replaced"] and w3["label"].startswith("Écrit de remplacement (Courrier)")
        watched = [c["index"] for c in w3["competences"][0]["criteria"] if c["watch"]]
        assert watched == [1, 3, 6, 7]
        url = f"/api/candidates/{cid}/evaluation/marks/s09-recouvrement-energie/CP9/1"
        refused = who(h, "observer_a").put(url, json={"value": "acquis"})
        assert refused.status_code == 409 and "pas été jouée" in refused.json()["detail"]
        assert who(h, "observer_a").put(url, json={"value": "non_observe"}).is_success
        # The appeal archive holds the record.
        archive = who(h, "organiser").get(f"/api/candidates/{cid}/documents/archive.zip")
        assert archive.status_code == 200
        import io
        import json
        import zipfile

        with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
            kept = json.loads(z.read("simulations.json"))
            journal = json.loads(z.read("journal_audit.json"))
        assert len(kept["recorded_not_played"]) == 2
        assert sum(r["action"] == "simulation.not_played" for r in journal["rows"]) == 2


def test_every_simulation_played_replaces_nothing(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        cid = h.day.ids["cand_a"]
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").is_success
        advance(h, 60)
        for sim in _sims(h):
            play(h, cid, sim, minutes=8)
        advance(h, 10)
        body = state(h, cid)
        assert body["progress"]["counts"]["jouee"] == 9 and body["recorded_not_played"] == []
        drafts = who(h, "cand_a").get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"]
        assert [d["replaced"] for d in drafts] == [False, False, False]


async def _forget_the_record(h: Harness, cid: str) -> None:
    from sqlalchemy import delete

    from server.progress.models import SimulationNotPlayed

    async with h.ctx.db.session() as s:
        await s.execute(delete(SimulationNotPlayed).where(SimulationNotPlayed.candidate_id == cid))
        await s.commit()


def test_a_restart_records_what_a_stop_left_unrecorded(
    settings: Settings, clock: FakeClock
) -> None:
    """The server stopped after the calls phase ended and before its record was written: at
    start-up every open candidate is swept and the record comes back, once."""
    from server.progress import lifecycle

    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        cid = h.day.ids["cand_a"]
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").is_success
        advance(h, 60 + 90)
        assert len(state(h, cid)["recorded_not_played"]) == 9
        h.call(_forget_the_record, h, cid)
        assert state(h, cid)["recorded_not_played"] == []
        h.call(lifecycle.start_progress, h.ctx)
        h.call(lifecycle.start_progress, h.ctx)
        recorded = state(h, cid)["recorded_not_played"]
        assert len(recorded) == 9 and {r["reason"] for r in recorded} == {"temps_ecoule"}
        not_started = h.day.ids["cand_b"]
        assert state(h, not_started, "organiser")["recorded_not_played"] == []


def test_deadlines_applied_at_start_up_are_recorded(settings: Settings, clock: FakeClock) -> None:
    """The calls phase ended while the server was down for a moment (shorter than an outage,
    which would be given back): the restart applies the deadline and the simulations not
    played are recorded (the listener is there before the clock)."""
    from tests.harness import running_app as again

    with running_app(settings, clock, pack_id=PACK, media=FakeMedia()) as h:
        cid = h.day.ids["cand_a"]
        day = h.day
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").is_success
        advance(h, 150 - 2 / 60)  # two seconds before the end of the calls phase
    clock.advance(timedelta(seconds=4))  # down through it
    with again(settings, clock, pack_id=PACK, day=day, media=FakeMedia()) as h2:
        assert len(state(h2, cid)["recorded_not_played"]) == 9
