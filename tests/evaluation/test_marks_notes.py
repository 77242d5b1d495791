"""Marks autosaved (last writer wins, versioned) and heard by the jury only, over HTTP and
the socket; notes pinned to a moment of a call; interview notes; the jurors' snapshot."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.models import CallRow
from tests.evaluation.support import PACK, drain, until
from tests.harness import Harness, running_app


def _first(h: Harness, cid: str) -> tuple[dict, dict]:
    data = h.client.get(f"/api/candidates/{cid}/evaluation").json()
    part = data["parts"][0]
    return part, part["competences"][0]


def test_marks_are_upserted_versioned_and_heard_by_the_jury_only(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        base = f"/api/candidates/{cid}/evaluation"
        h.login("observer_a")
        part, comp = _first(h, cid)
        url = f"{base}/marks/{part['part']}/{comp['code']}/1"
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand_ws:
            cand_ws.receive_json()
            h.login("observer_b")  # another candidate's juror
            with h.client.websocket_connect("/ws") as other_ws:
                other_ws.receive_json()
                c = h.login("observer_a")
                with c.websocket_connect("/ws") as jury_ws:
                    jury_ws.receive_json()
                    first = c.put(url, json={"value": "acquis", "comment": "Bonne accroche."})
                    assert first.status_code == 200, first.text
                    assert first.json()["criterion_text"] == comp["criteria"][0]["text"]
                    assert first.json()["version"] == 1
                    event = until(jury_ws, "evaluation.mark")
                    assert event["candidate_id"] == cid and event["mark"]["value"] == "acquis"
                c = h.login("client_a")  # the other juror of the candidate overwrites
                second = c.put(url, json={"value": "non_acquis", "comment": "Revu à l'écoute."})
                assert (second.json()["version"], second.json()["value"]) == (2, "non_acquis")
                assert second.json()["by"] != first.json()["by"]  # the last writer wins
                assert not any(m["type"].startswith("evaluation.") for m in drain(other_ws))
            assert not any(m["type"].startswith("evaluation.") for m in drain(cand_ws))
        data = h.client.get(base).json()
        assert [(m["value"], m["version"]) for m in data["marks"]] == [("non_acquis", 2)]  # so far
        status = {s["code"]: s for s in data["competences"]}
        assert status[comp["code"]]["status"] == "non_acquise"
        assert status[comp["code"]]["counts"]["non_acquis"] == 1
        assert {t["code"] for t in data["transversal"]} == {"CT1", "CT2", "CT3", "CT4"}
        assert all(t["status"] == "non_acquise" for t in data["transversal"])
        # Refused: a criterion the part is not marked on, an unknown value.
        bad = c.put(f"{base}/marks/{part['part']}/{comp['code']}/99", json={"value": "acquis"})
        assert bad.status_code == 409
        assert c.put(url, json={"value": "peut-être"}).status_code == 409
        # A mark changed without a comment keeps the one saved; an empty one clears it.
        kept = c.put(url, json={"value": "acquis"}).json()
        assert (kept["value"], kept["comment"]) == ("acquis", "Revu à l'écoute.")
        assert c.put(url, json={"value": "non_acquis", "comment": ""}).json()["comment"] == ""
        # The organiser reads the grid, but the jury marks.
        h.login("organiser")
        assert h.client.get(base).status_code == 200
        assert h.client.put(url, json={"value": "acquis"}).status_code == 403
        rows = h.call(_audit_actions, h, cid)
        assert rows.count("evaluation.mark") == 4


async def _audit_actions(h: Harness, cid: str) -> list[str]:
    from sqlalchemy import select

    from server.core.audit import AuditEntry

    async with h.ctx.db.session() as s:
        return list(await s.scalars(select(AuditEntry.action).where(AuditEntry.subject == cid)))


def test_marks_and_pinned_notes_over_the_socket_and_the_snapshot(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid, other = h.day.ids["cand_a"], h.day.ids["cand_b"]
        h.login("observer_a")
        part, comp = _first(h, cid)
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json(
                {
                    "type": "evaluation.set_mark",
                    "candidate_id": cid,
                    "part": part["part"],
                    "competence": comp["code"],
                    "criterion": 2,
                    "value": "non_observe",
                    "request_id": "m1",
                }
            )
            ack = _reply(ws, "m1")
            assert ack["type"] == "ack" and ack["result"]["mark"]["criterion"] == 2
            ws.send_json(
                {
                    "type": "evaluation.set_mark",
                    "candidate_id": other,  # not this juror's candidate
                    "part": part["part"],
                    "competence": comp["code"],
                    "criterion": 1,
                    "value": "acquis",
                    "request_id": "m2",
                }
            )
            assert _reply(ws, "m2")["code"] == "forbidden"
            ws.send_json(
                {
                    "type": "evaluation.pin_note",
                    "candidate_id": cid,
                    "offset_ms": 12_000,
                    "text": "Bonne reformulation",
                    "request_id": "n1",
                }
            )
            assert _reply(ws, "n1")["result"]["note"]["offset_ms"] == 12_000
        with h.client.websocket_connect("/ws") as ws:
            snapshot = ws.receive_json()
            mine = snapshot["state"]["evaluation"]["by_candidate"]
            assert set(mine) == {cid}
            assert [m["criterion"] for m in mine[cid]["marks"]] == [2]
            assert [n["text"] for n in mine[cid]["notes"]] == ["Bonne reformulation"]
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as ws:
            assert ws.receive_json()["state"]["evaluation"] == {}


def _reply(ws, request_id: str) -> dict:  # type: ignore[no-untyped-def]
    while True:
        msg = ws.receive_json()
        if msg.get("request_id") == request_id:
            return msg


async def _call(h: Harness, cid: str, *, answered_ago: float | None) -> str:
    now = h.clock.now()
    async with h.ctx.db.session() as s:
        row = CallRow(
            candidate_id=cid,
            simulation_id=None,
            direction="entrant",
            state="en_ligne",
            number="0102030405",
            rang_at=now - timedelta(seconds=(answered_ago or 0) + 5),
            answered_at=now - timedelta(seconds=answered_ago) if answered_ago is not None else None,
        )
        s.add(row)
        await s.commit()
        return row.id


def test_a_note_is_pinned_to_the_moment_of_the_call(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid, other = h.day.ids["cand_a"], h.day.ids["cand_b"]
        live = h.call(_call, h, cid, answered_ago=73.5)
        ringing = h.call(_call, h, cid, answered_ago=None)
        elsewhere = h.call(_call, h, other, answered_ago=10)
        c = h.login("observer_a")
        notes = f"/api/candidates/{cid}/evaluation/notes"
        # One click while listening: the server knows where the recording is.
        clicked = c.post(notes, json={"call_id": live, "text": "Reformulation ici"})
        assert clicked.status_code == 201 and clicked.json()["offset_ms"] == 73_500
        h.clock.advance(1)
        # Replaying the recording: the page gives the offset of its player.
        replayed = c.post(notes, json={"call_id": live, "offset_ms": 5_250, "text": "Accroche"})
        assert replayed.json()["offset_ms"] == 5_250
        h.clock.advance(1)
        assert (
            c.post(notes, json={"call_id": ringing, "text": "Pas décroché"}).json()["offset_ms"]
            is None
        )
        refused = c.post(notes, json={"call_id": elsewhere, "text": "x"})
        assert refused.status_code == 409 and "appel" in refused.json()["detail"]
        assert c.post(notes, json={"offset_ms": -1, "text": "x"}).status_code == 422
        listed = c.get(notes).json()
        assert [(n["call_id"], n["offset_ms"]) for n in listed] == [
            (live, 73_500),
            (live, 5_250),
            (ringing, None),
        ]


def test_interview_notes_follow_the_format(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK, format_id="ccp1") as h:
        cid = h.day.ids["cand_a"]
        c = h.login("client_a")
        base = f"/api/candidates/{cid}/evaluation"
        topics = c.get(base).json()["interview_topics"]
        assert topics == ["CP2", "CP3"]  # the RC's technical interview for CCP 1; no final
        ok = c.put(f"{base}/interviews/CP3", json={"text": "Escalade bien expliquée."})
        assert ok.status_code == 200 and ok.json()["topic"] == "CP3"
        assert c.put(f"{base}/interviews/CP5", json={"text": "x"}).status_code == 409
        assert c.put(f"{base}/interviews/final", json={"text": "x"}).status_code == 409
        assert [i["topic"] for i in c.get(base).json()["interviews"]] == ["CP3"]


def test_a_note_sent_again_with_its_id_is_pinned_once(settings: Settings, clock: FakeClock) -> None:
    """A note whose answer a cut lost is sent again by the page with the id it made once: the
    server gives back the note it stored, with no second note, audit entry or event; another
    juror's id, or none, is another note."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        h.login("observer_a")
        note = {"type": "evaluation.pin_note", "candidate_id": cid, "text": "Accroche claire"}
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json({**note, "client_note_id": "n-7f3a", "request_id": "a"})
            first = _reply(ws, "a")["result"]["note"]
            heard = drain(ws)
            assert [m["type"] for m in heard].count("evaluation.note") == 1
            h.clock.advance(5)
            ws.send_json({**note, "client_note_id": "n-7f3a", "request_id": "b"})
            again = _reply(ws, "b")["result"]["note"]
            assert again == first  # the stored note, its moment included
            assert [m["type"] for m in drain(ws)].count("evaluation.note") == 0
            ws.send_json({**note, "request_id": "c"})  # no id: a note of its own
            assert _reply(ws, "c")["result"]["note"]["id"] != first["id"]
        h.login("client_a")  # the other juror, with the same id by chance: their own note
        with h.client.websocket_connect("/ws") as ws:
            ws.receive_json()
            ws.send_json({**note, "client_note_id": "n-7f3a", "request_id": "d"})
            assert _reply(ws, "d")["result"]["note"]["id"] != first["id"]
        listed = h.client.get(f"/api/candidates/{cid}/evaluation/notes").json()
        assert len(listed) == 3
        assert h.call(_audited_notes, h) == 3  # the note sent again was not audited twice


async def _audited_notes(h: Harness) -> int:
    async with h.ctx.db.session() as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.action == "evaluation.note"))
        return len(list(rows))
