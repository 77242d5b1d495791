"""The life of one simulated phone call, as a state machine. Pure: no I/O, no aiortc;
time comes from an injected Clock.

    sonnerie ──answer──► en_ligne ◄──resume── en_attente
       │  │                 │  └────hold──────►   │
       │  └─reject─► refuse │                     │
       └──miss──► manque    └──hang_up──► termine ◄┘ (hang_up)

Who may act: the callee answers or rejects; the caller (cancel) or the system (ring
timeout) makes a call missed; only the candidate (the agent's softphone) holds and resumes;
either party, or the system (end of the phase), hangs up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from server.core.clock import Clock


class CallState(StrEnum):
    RINGING = "sonnerie"
    ACTIVE = "en_ligne"
    HELD = "en_attente"
    ENDED = "termine"
    MISSED = "manque"
    REJECTED = "refuse"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES


TERMINAL_STATES = frozenset({CallState.ENDED, CallState.MISSED, CallState.REJECTED})


class CallDirection(StrEnum):
    INBOUND = "inbound"  # the client juror calls the candidate
    OUTBOUND = "outbound"  # the candidate dials the client


class Party(StrEnum):
    CANDIDATE = "candidate"
    CLIENT = "client"
    SYSTEM = "system"


class CallAction(StrEnum):
    ANSWER = "answer"
    REJECT = "reject"
    MISS = "miss"
    HOLD = "hold"
    RESUME = "resume"
    HANG_UP = "hang_up"


TRANSITIONS: dict[tuple[CallState, CallAction], CallState] = {
    (CallState.RINGING, CallAction.ANSWER): CallState.ACTIVE,
    (CallState.RINGING, CallAction.REJECT): CallState.REJECTED,
    (CallState.RINGING, CallAction.MISS): CallState.MISSED,
    (CallState.ACTIVE, CallAction.HOLD): CallState.HELD,
    (CallState.HELD, CallAction.RESUME): CallState.ACTIVE,
    (CallState.ACTIVE, CallAction.HANG_UP): CallState.ENDED,
    (CallState.HELD, CallAction.HANG_UP): CallState.ENDED,
}


class CallError(Exception):
    """Base class: a call action that cannot happen."""


class IllegalCallTransition(CallError):
    def __init__(self, call_id: str, state: CallState, action: CallAction) -> None:
        legal = ", ".join(sorted(a.value for a in legal_actions(state))) or "none (final state)"
        super().__init__(
            f"call {call_id}: cannot {action.value!r} from state {state.value!r} "
            f"(legal here: {legal})"
        )
        self.call_id = call_id
        self.state = state
        self.action = action


class ForbiddenCallAction(CallError):
    def __init__(self, call_id: str, action: CallAction, by: Party, allowed: frozenset[Party]):
        names = ", ".join(sorted(p.value for p in allowed))
        super().__init__(f"call {call_id}: {action.value!r} is for {names}, not {by.value}")
        self.call_id = call_id
        self.action = action
        self.by = by


def legal_actions(state: CallState) -> frozenset[CallAction]:
    return frozenset(action for (source, action) in TRANSITIONS if source is state)


@dataclass(frozen=True)
class CallEvent:
    """One real change of state: what happened, who did it, when."""

    call_id: str
    action: CallAction
    by: Party
    from_state: CallState
    to_state: CallState
    at: datetime


@dataclass(frozen=True)
class HoldPeriod:
    start: datetime
    end: datetime | None = None


@dataclass
class Call:
    """One call between the candidate and the client juror. Create it with `Call.ring`."""

    call_id: str
    direction: CallDirection
    clock: Clock = field(repr=False)
    ringing_at: datetime
    state: CallState = CallState.RINGING
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: Party | None = None
    holds: list[HoldPeriod] = field(default_factory=list)
    events: list[CallEvent] = field(default_factory=list)

    @classmethod
    def ring(cls, call_id: str, direction: CallDirection, clock: Clock) -> Call:
        return cls(call_id=call_id, direction=direction, clock=clock, ringing_at=clock.now())

    @property
    def caller(self) -> Party:
        return Party.CLIENT if self.direction is CallDirection.INBOUND else Party.CANDIDATE

    @property
    def callee(self) -> Party:
        return Party.CANDIDATE if self.direction is CallDirection.INBOUND else Party.CLIENT

    def allowed_parties(self, action: CallAction) -> frozenset[Party]:
        if action in (CallAction.ANSWER, CallAction.REJECT):
            return frozenset({self.callee})
        if action is CallAction.MISS:
            return frozenset({self.caller, Party.SYSTEM})
        if action in (CallAction.HOLD, CallAction.RESUME):
            # The system holds a call when the candidate's exam is paused.
            return frozenset({Party.CANDIDATE, Party.SYSTEM})
        return frozenset({Party.CANDIDATE, Party.CLIENT, Party.SYSTEM})

    def apply(self, action: CallAction, by: Party) -> CallEvent:
        """Perform one action; raises IllegalCallTransition or ForbiddenCallAction."""
        target = TRANSITIONS.get((self.state, action))
        if target is None:
            raise IllegalCallTransition(self.call_id, self.state, action)
        allowed = self.allowed_parties(action)
        if by not in allowed:
            raise ForbiddenCallAction(self.call_id, action, by, allowed)
        now = self.clock.now()
        event = CallEvent(self.call_id, action, by, self.state, target, now)
        if self.state is CallState.HELD:  # leaving hold: resumed or hung up
            self.holds[-1] = HoldPeriod(start=self.holds[-1].start, end=now)
        if action is CallAction.ANSWER:
            self.answered_at = now
        elif action is CallAction.HOLD:
            self.holds.append(HoldPeriod(start=now))
        if target.is_terminal:
            self.ended_at = now
            self.ended_by = by
        self.state = target
        self.events.append(event)
        return event

    def answer(self, by: Party) -> CallEvent:
        return self.apply(CallAction.ANSWER, by)

    def reject(self, by: Party) -> CallEvent:
        return self.apply(CallAction.REJECT, by)

    def miss(self, by: Party = Party.SYSTEM) -> CallEvent:
        return self.apply(CallAction.MISS, by)

    def hold(self, by: Party = Party.CANDIDATE) -> CallEvent:
        return self.apply(CallAction.HOLD, by)

    def resume(self, by: Party = Party.CANDIDATE) -> CallEvent:
        return self.apply(CallAction.RESUME, by)

    def hang_up(self, by: Party) -> CallEvent:
        return self.apply(CallAction.HANG_UP, by)

    @property
    def held_seconds(self) -> float:
        """Time spent on hold so far (an open hold counts up to now)."""
        now = self.ended_at or self.clock.now()
        return sum(((h.end or now) - h.start).total_seconds() for h in self.holds)

    @property
    def connected_seconds(self) -> float:
        """From answer to hang-up (or now), holds included; 0 for a call never answered."""
        if self.answered_at is None:
            return 0.0
        return ((self.ended_at or self.clock.now()) - self.answered_at).total_seconds()
