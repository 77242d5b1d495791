"""No API answer or WebSocket event a candidate receives contains jury-only text: a whole
simulated title exam (both packs) is run, every body the candidate's client receives is kept,
and each is searched for the sentences of the juror cards and marking notes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.scenarios.pack.models import SENTENCE_END
from server.scenarios.pack.types import SimulationKind
from server.telephony.fake_media import FakeMedia
from tests.harness import Harness, running_app
from tests.telephony.test_calls import _reply


class Recorder:
    """Everything the candidate's page received, as text."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    def http(self, response: Any) -> Any:
        self.bodies.append(response.text)
        return response

    def ws(self, message: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(json.dumps(message, ensure_ascii=False))
        return message


def _flat(body: str) -> str:
    return " ".join(body.replace("\\n", " ").replace('\\"', '"').split())


def _brief_sentences(subset: Any) -> list[str]:
    out = []
    for task in subset.writing_tasks:
        for sentence in SENTENCE_END.split(" ".join(task.candidate.brief.split())):
            if len(sentence) >= 25:
                out.append(sentence)
    return out


def _advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("pack_id", ["plateforme-horizon", "relais-contact-atlantique"])
def test_a_whole_exam_leaks_no_jury_sentence_to_the_candidate(
    settings: Settings, clock: FakeClock, pack_id: str
) -> None:
    media = FakeMedia()
    with running_app(settings, clock, pack_id=pack_id, media=media) as h:
        pack = h.ctx.packs[pack_id]
        assert pack.jury_only_sentences(), "the pack has jury-only text to look for"
        cid = h.day.ids["cand_a"]
        base = f"/api/candidates/{cid}"
        subset = pack.for_format(h.ctx.titles["CRCD"].format("titre"))
        rec = Recorder()
        h.login("organiser")
        h.client.post(f"{base}/timeline/start")

        c = h.login("cand_a")
        for path in ("/api/auth/me", f"{base}/subject", f"{base}/timeline", f"{base}/notepad"):
            assert rec.http(c.get(path)).status_code == 200, path
        rec.http(c.put(f"{base}/notepad", json={"text": "Notes de préparation"}))
        _advance(h, 60)

        # The calls phase: every simulation rings or is dialled, answered, hung up, qualified.
        h.login("client_a")
        juror = h.client.websocket_connect("/ws").__enter__()
        h.login("cand_a")
        cand = h.client.websocket_connect("/ws").__enter__()
        try:
            juror.receive_json()
            rec.ws(cand.receive_json())
            for i, sim in enumerate(subset.simulations):
                if sim.kind is SimulationKind.CHAT:
                    # (the juror's own words; a card's opening line typed in the chat would
                    # reach the candidate by design: it is what the customer says)
                    juror.send_json(
                        {
                            "type": "chat.send",
                            "candidate_id": cid,
                            "text": "Bonjour, j'ai une question.",
                            "request_id": f"chat{i}",
                        }
                    )
                    _reply(juror, f"chat{i}")
                    cand.send_json(
                        {
                            "type": "chat.send",
                            "text": "Bonjour, je regarde.",
                            "request_id": f"cc{i}",
                        }
                    )
                    rec.ws(_reply(cand, f"cc{i}"))
                    continue
                if sim.kind is SimulationKind.INBOUND_CALL:
                    juror.send_json(
                        {
                            "type": "call.ring",
                            "candidate_id": cid,
                            "simulation_id": sim.id,
                            "request_id": f"r{i}",
                        }
                    )
                    call_id = _reply(juror, f"r{i}")["result"]["id"]
                else:
                    assert sim.candidate.phone is not None
                    cand.send_json(
                        {
                            "type": "call.dial",
                            "number": sim.candidate.phone.display,
                            "request_id": f"d{i}",
                        }
                    )
                    call_id = rec.ws(_reply(cand, f"d{i}"))["result"]["id"]
                answerer, rid = (
                    (cand, f"a{i}") if sim.kind is SimulationKind.INBOUND_CALL else (juror, f"a{i}")
                )
                answerer.send_json({"type": "call.answer", "call_id": call_id, "request_id": rid})
                _reply(answerer, rid)
                juror.send_json({"type": "call.hangup", "call_id": call_id, "request_id": f"h{i}"})
                _reply(juror, f"h{i}")
                cand.send_json(
                    {
                        "type": "call.wrap_up",
                        "call_id": call_id,
                        "disposition": "traitee",
                        "note": "ok",
                        "request_id": f"w{i}",
                    }
                )
                rec.ws(_reply(cand, f"w{i}"))
                if sim.candidate.crm_record:
                    rec.http(c.get(f"{base}/crm/records/{sim.candidate.crm_record}"))
                    rec.http(
                        c.post(
                            f"{base}/crm/records/{sim.candidate.crm_record}/notes",
                            json={"channel": "telephone", "summary": "Appel traité."},
                        )
                    )
                if sim.candidate.survey:
                    rec.http(c.get(f"{base}/crm/surveys/{sim.id}"))
            rec.http(c.get(f"{base}/crm/records"))
            rec.http(c.get(f"{base}/crm/agenda"))
            cand.send_json({"type": "resync"})
            # Drain what the candidate's socket received during the calls (events, snapshot).
            cand.send_json({"type": "time_sync", "client_time": 0, "request_id": "end"})
            while True:
                msg = rec.ws(cand.receive_json())
                if msg.get("type") == "time":
                    break
            # ...including what the helpers set aside while waiting for acknowledgements.
            skipped = cand.__dict__.get("_plateau_backlog", [])
            for msg in skipped:
                rec.ws(msg)
            kinds = {m.get("type") for m in skipped}
            assert {"call.screen_pop", "call", "chat.message"} <= kinds
        finally:
            cand.__exit__(None, None, None)
            juror.__exit__(None, None, None)

        # Not before its phase: nothing received during the préparation and the calls holds
        # a sentence of the written briefs (they name callers and tell how calls end).
        early = [s for body in rec.bodies for s in _brief_sentences(subset) if s in _flat(body)]
        assert early == [], (
            f"a written brief reached the candidate before the rédaction: {early[:2]}"
        )
        before_writing = len(rec.bodies)

        _advance(h, 90)  # the writing phase
        c = h.login("cand_a")
        subject = rec.http(c.get(f"{base}/subject")).json()
        assert [w["brief"] for w in subject["writing_tasks"]] == [
            w.candidate.brief for w in subset.writing_tasks
        ]  # …and from the rédaction on they do reach it (the search above can fail)
        assert any(
            s in _flat(b) for b in rec.bodies[before_writing:] for s in _brief_sentences(subset)
        )
        drafts = rec.http(c.get(f"{base}/writing/drafts")).json()["drafts"]
        for d in drafts:
            rec.http(
                c.put(
                    f"{base}/writing/drafts/{d['task_id']}",
                    json={"content": {"body": "Madame, Monsieur,"}, "base_version": 0},
                )
            )
        with c.websocket_connect("/ws") as ws:
            rec.ws(ws.receive_json())
        # The candidate's page is refused every jury route (403 bodies are recorded too).
        for path in (f"{base}/subject/jury", f"{base}/evaluation", f"{base}/writing/review"):
            assert rec.http(c.get(path)).status_code == 403

        leaks = {s for body in rec.bodies for s in pack.leaked_sentences(body)}
        assert leaks == set(), f"jury-only text reached the candidate: {sorted(leaks)[:3]}"
        assert len(rec.bodies) > 30
        # The same search does find the jury's text in the jury's own run sheet (it can fail).
        h.login("client_a")
        assert pack.leaked_sentences(h.client.get(f"{base}/subject/jury").text)
