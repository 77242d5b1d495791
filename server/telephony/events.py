"""The telephony's WebSocket events: a call's changes, the screen pop, the pages' peer
connections. Declared in the package's contribution (the catalogue, docs/events.md)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from server.core.events import Audience, Event, Payload
from server.scenarios.pack.simulations import SimulationPublic

UNASSIGNED = "Le numéro que vous avez demandé n'est pas attribué."
_BOTH = (Audience.CANDIDATE, Audience.JURY)


def _candidate_id() -> Any:
    return Field(description="The candidate whose phone it is (their room).")


class CallOut(Payload):
    """A call as the pages show it (`server.telephony.service.call_out`)."""

    id: str
    simulation_id: str | None = Field(description="The simulation it plays.")
    direction: str = Field(description="inbound or outbound.")
    state: str = Field(description="sonnerie, en_ligne, en_attente, termine, manque or refuse.")
    number: str = Field(description="The other party's number as displayed.")
    crm_record_id: str | None = Field(description="The CRM record of the caller, if any.")
    rang_at: str = Field(description="When it started ringing (ISO 8601).")
    answered_at: str | None = Field(description="ISO 8601.")
    ended_at: str | None = Field(description="ISO 8601.")
    ended_by: str | None = Field(description="candidate, client or system.")
    held_seconds: float = Field(description="Time on hold so far, not counting a hold going on.")
    hold_started_at: str | None = Field(description="ISO 8601, while on hold.")
    needs_wrap_up: bool = Field(description="The candidate must qualify it (`call.wrap_up`).")
    disposition: str | None = Field(description="The qualification's code, once qualified.")
    disposition_label: str | None = Field(description="Its label (French).")
    disposition_note: str | None = Field(description="The candidate's note with it.")


class PendingCallOut(CallOut):
    """A call as this process expects it once a hold, resume or hang-up waiting for the
    database is written (`server.telephony.call_control`)."""

    pending: bool = Field(description="Always true: the change is not written yet.")
    pending_message: str = Field(description="What the pages show meanwhile (French).")


class CallChanged(Event):
    """A call of the candidate changed (rang, answered, held, resumed, ended, qualified): the
    call as it is now, to both sides of the phone."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["call"] = "call"
    candidate_id: str = _candidate_id()
    # The pending form first: a `CallOut` is serialized as itself, a `PendingCallOut` whole.
    call: PendingCallOut | CallOut = Field(
        description="The call as it is now; with `pending` and `pending_message` while a "
        "command waits for the database (`call.pending`)."
    )


class ScreenPop(Event):
    """CTI coupling: the customer's record and the call's simulation, sent to the candidate
    before the phone is answered (the record pops before the phone rings)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.CANDIDATE,)
    type: Literal["call.screen_pop"] = "call.screen_pop"
    candidate_id: str = _candidate_id()
    call_id: str = Field(description="The ringing call.")
    number: str = Field(description="The caller's number as displayed.")
    crm_record_id: str | None = Field(description="The CRM record to open, if any.")
    simulation: SimulationPublic = Field(
        description="What the candidate may read of the simulation (its public part)."
    )
    line: str = Field(
        default="",
        description="The line that rings (the principal's name, as a CTI shows the DNIS).",
    )


class Unassigned(Event):
    """The candidate dialled a number no simulation has: the « numéro non attribué » message."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["call.unassigned"] = "call.unassigned"
    candidate_id: str = _candidate_id()
    number: str = Field(description="The number dialled, as typed.")
    message: str = Field(default=UNASSIGNED, description="The operator's message (French).")


class CallWarning(Event):
    """The calls phase ends in one minute: the candidate concludes the call."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["call.warning"] = "call.warning"
    candidate_id: str = _candidate_id()
    message: str = Field(description="The warning (French).")


class MediaAlert(Event):
    """The media plane refused or lost a call's audio, or the recordings' disk failed: the
    jurors' phones say it (it is also an `incident`)."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY,)
    type: Literal["media.alert"] = "media.alert"
    candidate_id: str = _candidate_id()
    message: str = Field(description="What happened (French).")


class PeerState(Event):
    """A page's WebRTC peer connection to the server changed state."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["rtc.peer_state"] = "rtc.peer_state"
    candidate_id: str = _candidate_id()
    role: str = Field(description="Whose connection: candidate, client or observer.")
    state: str = Field(description="The connection state (RTCPeerConnection.connectionState).")


class Renegotiate(Event):
    """The candidate's room moved to another media worker: the pages send a new offer."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["rtc.renegotiate"] = "rtc.renegotiate"
    candidate_id: str = _candidate_id()


class CallPending(Event):
    """A hold, resume or hang-up waits for the database (`pending` true, the audio acted at
    once), or was just written (`pending` false)."""

    audiences: ClassVar[tuple[Audience, ...]] = _BOTH
    type: Literal["call.pending"] = "call.pending"
    candidate_id: str = _candidate_id()
    call_id: str = Field(description="The call the command acts on.")
    action: str = Field(description="The command: hold, resume, hang_up or miss.")
    pending: bool = Field(description="True while it waits for the database.")
    message: str = Field(description="What the pages show (French).")


EVENTS: tuple[type[Event], ...] = (
    CallChanged,
    ScreenPop,
    Unassigned,
    CallWarning,
    MediaAlert,
    PeerState,
    Renegotiate,
    CallPending,
)
