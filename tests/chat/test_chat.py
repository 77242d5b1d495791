"""The chat simulation: ordered, persisted before the acknowledgement, idempotent on resend,
typing relayed, read markers kept, refused outside the calls phase, kept across a restart."""

from __future__ import annotations

from datetime import timedelta

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from tests.harness import Harness, running_app
from tests.telephony.test_calls import _next, _reply, _until

PACK = "plateforme-horizon"


def _calls_phase(h: Harness) -> str:
    cid = h.day.ids["cand_a"]
    h.login("organiser")
    h.client.post(f"/api/candidates/{cid}/timeline/start")
    h.clock.advance(timedelta(minutes=60))
    h.call(timeline_service.advance_all, h.ctx)
    return cid


def test_a_conversation_is_ordered_idempotent_and_survives_a_restart(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        day = h.day
        cid = _calls_phase(h)
        h.login("client_a")
        with h.client.websocket_connect("/ws") as juror:
            juror.receive_json()
            h.login("cand_a")
            with h.client.websocket_connect("/ws") as cand:
                cand.receive_json()
                juror.send_json(
                    {
                        "type": "chat.send",
                        "candidate_id": cid,
                        "text": "Bonjour, ma haie a jauni.",
                        "client_msg_id": "j1",
                        "request_id": "1",
                    }
                )
                first = _reply(juror, "1")["result"]["message"]
                assert (first["seq"], first["author"]) == (1, "client")
                assert first["simulation_id"] == "s04-chat-conseil-haie"
                assert (
                    _until(cand, "chat.message")["message"]["text"] == "Bonjour, ma haie a jauni."
                )
                juror.send_json({"type": "chat.typing", "candidate_id": cid})
                assert _until(cand, "chat.typing")["author"] == "client"
                cand.send_json({"type": "chat.typing"})
                seen = _next(
                    juror, lambda m: m.get("type") == "chat.typing" and m["author"] != "client"
                )
                assert seen["author"] == "candidate"
                for rid in ("2", "2-again"):  # a resend after a dropped connection
                    cand.send_json(
                        {
                            "type": "chat.send",
                            "text": "Bonjour Madame !",
                            "client_msg_id": "c1",
                            "request_id": rid,
                        }
                    )
                    assert _reply(cand, rid)["result"]["message"]["seq"] == 2
                heard = _next(
                    juror, lambda m: m.get("type") == "chat.message" and m["message"]["seq"] > 1
                )
                assert heard["message"]["text"] == "Bonjour Madame !"
                juror.send_json(
                    {"type": "chat.send", "candidate_id": cid, "text": "Merci.", "request_id": "3"}
                )
                assert _reply(juror, "3")["result"]["message"]["seq"] == 3
                # The resend published nothing: the next message event is the juror's "Merci."
                _next(juror, lambda m: m.get("type") == "chat.message" and m["message"]["seq"] == 3)
                events = juror.__dict__["_plateau_backlog"]  # what came before, in order
                assert not [
                    m
                    for m in events
                    if m.get("type") == "chat.message" and m["message"]["seq"] == 2
                ]
                cand.send_json({"type": "chat.read", "last_seq": 2})
                cand.send_json({"type": "time_sync", "client_time": 1})
                _until(cand, "time")
        # Observers and jurors read the transcript; a restart keeps everything.
    with running_app(settings, clock, pack_id=PACK, day=day) as h:
        h.login("observer_a")
        transcript = h.client.get(f"/api/candidates/{cid}/chat").json()
        assert [(m["seq"], m["author"]) for m in transcript] == [
            (1, "client"),
            (2, "candidate"),
            (3, "client"),
        ]
        h.login("organiser")
        assert len(h.client.get(f"/api/candidates/{cid}/chat").json()) == 3
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand:
            snap = cand.receive_json()
            assert snap["state"]["chat"]["last_read"] == 2
            assert snap["state"]["chat"]["unread"] == 1  # the client's "Merci." (badge)
            assert len(snap["state"]["chat"]["messages"]) == 3
            assert snap["state"]["crm"] is None
        h.login("client_a")
        with h.client.websocket_connect("/ws") as juror:
            mine = juror.receive_json()["state"]["chat"]["by_candidate"][cid]
            assert (mine["last_read"], mine["unread"]) == (0, 1)
        h.login("cand_b")
        assert h.client.get(f"/api/candidates/{cid}/chat").status_code == 403


def test_the_chat_is_refused_outside_the_calls_phase_and_to_other_jurors(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand:
            cand.receive_json()
            cand.send_json({"type": "chat.send", "text": "trop tôt", "request_id": "x"})
            refused = _reply(cand, "x")
            assert refused["type"] == "error" and "Appels" in refused["message"]
            cand.send_json({"type": "chat.typing", "request_id": "t"})
            assert _reply(cand, "t")["code"] == "refused"
        _calls_phase(h)
        for who in ("observer_a", "client_b"):
            h.login(who)
            with h.client.websocket_connect("/ws") as ws:
                ws.receive_json()
                ws.send_json(
                    {"type": "chat.send", "candidate_id": cid, "text": "x", "request_id": "y"}
                )
                assert _reply(ws, "y")["code"] == "forbidden", who


def test_the_candidate_writes_from_the_customers_first_message_until_the_simulations_time(
    settings: Settings, clock: FakeClock
) -> None:
    """Before the customer opened the conversation and once its card's minutes have run, the
    candidate's message is refused in French and nothing is stored; the customer may still
    say a last word; the snapshot tells the page the window."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _calls_phase(h)
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand:
            snap = cand.receive_json()["state"]["chat"]
            assert snap["window"] == {"minutes": 9, "opened_at": None, "closes_at": None}
            cand.send_json({"type": "chat.send", "text": "Bonjour ?", "request_id": "early"})
            early = _reply(cand, "early")
            assert early["code"] == "refused"
            assert early["message"] == (
                "La conversation n'a pas commencé : le client écrit le premier message."
            )
            h.login("client_a")
            with h.client.websocket_connect("/ws") as juror:
                juror.receive_json()
                juror.send_json(
                    {
                        "type": "chat.send",
                        "candidate_id": cid,
                        "text": "Bonjour.",
                        "request_id": "1",
                    }
                )
                opened = _reply(juror, "1")["result"]["message"]["at"]
                cand.send_json({"type": "chat.send", "text": "Je vous écoute.", "request_id": "2"})
                assert _reply(cand, "2")["type"] == "ack"
                clock.advance(timedelta(minutes=9))
                cand.send_json({"type": "chat.send", "text": "Encore ?", "request_id": "late"})
                late = _reply(cand, "late")
                assert (late["code"], late["message"]) == (
                    "refused",
                    "La conversation est terminée : le temps de la simulation par messagerie"
                    " est écoulé.",
                )
                juror.send_json(
                    {
                        "type": "chat.send",
                        "candidate_id": cid,
                        "text": "Au revoir.",
                        "request_id": "3",
                    }
                )
                assert _reply(juror, "3")["type"] == "ack"
        h.login("observer_a")
        texts = [m["text"] for m in h.client.get(f"/api/candidates/{cid}/chat").json()]
        assert texts == ["Bonjour.", "Je vous écoute.", "Au revoir."]
        h.login("cand_a")
        with h.client.websocket_connect("/ws") as cand:
            window = cand.receive_json()["state"]["chat"]["window"]
            assert window["opened_at"] == opened
            assert window["closes_at"] is not None
