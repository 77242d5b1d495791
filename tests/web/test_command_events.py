"""Each WebSocket command emits exactly the events it should, to each audience, each one
valid against its model and published only to the audiences it declares (Zulip's
`verify_action`, tests/events_check.py). The last test fails when a command of the app has no
test here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony import call_control
from server.telephony.fake_media import FakeMedia
from tests.events_check import command, verify_action, verify_command
from tests.harness import running_app
from tests.telephony.test_calls import _sims, _to_calls_phase

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres

PACK = "plateforme-horizon"
SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
BOTH = ("candidate:cand_a", "jury:cand_a")  # the phone's and the chat's two sides

F = TypeVar("F", bound=Callable[..., Any])
COVERED: set[str] = set()


def covers(*types: str) -> Callable[[F], F]:
    """The commands whose events the test asserts (the guard at the end reads them)."""

    def mark(test: F) -> F:
        COVERED.update(types)
        return test

    return mark


def to(audiences: tuple[str, ...], *types: str) -> dict[str, list[str]]:
    return {audience: list(types) for audience in audiences}


@pytest.fixture
def media(clock: FakeClock) -> FakeMedia:
    return FakeMedia(clock)


@pytest.fixture(autouse=True)
def patient_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hold, resume or hang-up on a loaded machine is written, never left pending (whose
    `call.pending` events are another path, tested in tests/telephony/test_call_control.py)."""
    monkeypatch.setattr(call_control, "DB_PATIENCE_S", 60.0)


@covers("lockdown.report")
def test_lockdown_report(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h, h.sockets("cand_a") as (cand,):
        heard = verify_command(h, cand, {"type": "lockdown.report", "kind": "focus_lost"})
        # An incident: the session's staff and the candidate's jury, never the candidate.
        assert heard == {"staff:session": ["incident"], "jury:cand_a": ["incident"]}


@covers("chat.send", "chat.typing", "chat.read")
def test_chat_commands(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (juror, cand):
            sent = {"type": "chat.send", "candidate_id": cid, "text": "Bonjour, ma haie a jauni."}
            assert verify_command(h, juror, sent) == to(BOTH, "chat.message")
            reply = {"type": "chat.send", "text": "Bonjour Madame !"}
            assert verify_command(h, cand, reply) == to(BOTH, "chat.message")
            typing = {"type": "chat.typing"}
            assert verify_command(h, cand, typing) == to(BOTH, "chat.typing")
            typing = {"type": "chat.typing", "candidate_id": cid}
            assert verify_command(h, juror, typing) == to(BOTH, "chat.typing")
            # A read marker is stored, and told to no one.
            read = {"type": "chat.read", "last_seq": 1}
            assert verify_command(h, cand, read) == {}


@covers("evaluation.set_mark", "evaluation.pin_note")
def test_evaluation_commands(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        with h.sockets("observer_a") as (juror,):
            part = h.client.get(f"/api/candidates/{cid}/evaluation").json()["parts"][0]
            mark = {
                "type": "evaluation.set_mark",
                "candidate_id": cid,
                "part": part["part"],
                "competence": part["competences"][0]["code"],
                "criterion": 1,
                "value": "non_observe",
            }
            # The jury's work: never a candidate audience.
            heard = verify_command(h, juror, mark)
            assert heard == {"jury:cand_a": ["evaluation.mark"]}
            note = {
                "type": "evaluation.pin_note",
                "candidate_id": cid,
                "offset_ms": 12_000,
                "text": "Bonne reformulation",
            }
            heard = verify_command(h, juror, note)
            assert heard == {"jury:cand_a": ["evaluation.note"]}


@covers("rtc.offer", "call.dial")
def test_offer_and_dial(settings: Settings, clock: FakeClock, media: FakeMedia) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        outbound = _sims(h, SimulationKind.OUTBOUND_CALL)[0]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (juror, cand):
            # Signalling is answered on the socket itself: nothing on the bus.
            offer = {"type": "rtc.offer", "sdp": SDP}
            assert verify_command(h, cand, offer) == {}
            offer = {"type": "rtc.offer", "sdp": SDP, "candidate_id": h.day.ids["cand_a"]}
            assert verify_command(h, juror, offer) == {}
            nowhere = {"type": "call.dial", "number": "01 99 99 99 99"}
            heard = verify_command(h, cand, nowhere)
            assert heard == to(BOTH, "call.unassigned")
            dial = {"type": "call.dial", "number": outbound.candidate.phone.display}
            assert verify_command(h, cand, dial) == to(BOTH, "call")


@covers("call.ring", "call.answer", "call.hold", "call.resume", "call.hangup", "call.wrap_up")
def test_a_call_through_its_commands(
    settings: Settings, clock: FakeClock, media: FakeMedia
) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        inbound = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (juror, cand):
            ring = {
                "type": "call.ring",
                "candidate_id": h.day.ids["cand_a"],
                "simulation_id": inbound.id,
            }
            rang: dict[str, Any] = {}
            heard = verify_action(h, lambda: rang.update(command(juror, ring)))
            # The record pops on the candidate's screen before the phone rings on both sides.
            assert heard == {
                "candidate:cand_a": ["call.screen_pop", "call"],
                "jury:cand_a": ["call"],
            }
            call_id = rang["result"]["id"]
            for who, kind in (
                (cand, "call.answer"),
                (cand, "call.hold"),
                (cand, "call.resume"),
                (juror, "call.hangup"),
            ):
                step = {"type": kind, "call_id": call_id}
                assert verify_command(h, who, step) == to(BOTH, "call"), kind
            wrap = {"type": "call.wrap_up", "call_id": call_id, "disposition": "traitee"}
            assert verify_command(h, cand, wrap) == to(BOTH, "call")


@covers("call.reject")
def test_reject(settings: Settings, clock: FakeClock, media: FakeMedia) -> None:
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        inbound = _sims(h, SimulationKind.INBOUND_CALL)[0]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (juror, cand):
            ring = {
                "type": "call.ring",
                "candidate_id": h.day.ids["cand_a"],
                "simulation_id": inbound.id,
            }
            call_id = command(juror, ring)["result"]["id"]
            reject = {"type": "call.reject", "call_id": call_id}
            assert verify_command(h, cand, reject) == to(BOTH, "call")


def test_every_command_has_its_events_tested(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        untested = sorted(set(h.edges.commands) - COVERED)
        assert not untested, f"WebSocket commands without an event test here: {untested}"
        assert not COVERED - set(h.edges.commands), "a test covers a command the app lacks"
