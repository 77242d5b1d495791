from __future__ import annotations

from datetime import timedelta

import pytest

from server.core.clock import FakeClock
from server.telephony.call_state import (
    TRANSITIONS,
    Call,
    CallAction,
    CallDirection,
    CallState,
    ForbiddenCallAction,
    IllegalCallTransition,
    Party,
    legal_actions,
)

# Someone allowed to perform each action, per direction.
ACTOR = {
    CallDirection.INBOUND: {
        CallAction.ANSWER: Party.CANDIDATE,
        CallAction.REJECT: Party.CANDIDATE,
        CallAction.MISS: Party.CLIENT,
        CallAction.HOLD: Party.CANDIDATE,
        CallAction.RESUME: Party.CANDIDATE,
        CallAction.HANG_UP: Party.CLIENT,
    },
    CallDirection.OUTBOUND: {
        CallAction.ANSWER: Party.CLIENT,
        CallAction.REJECT: Party.CLIENT,
        CallAction.MISS: Party.CANDIDATE,
        CallAction.HOLD: Party.CANDIDATE,
        CallAction.RESUME: Party.CANDIDATE,
        CallAction.HANG_UP: Party.CANDIDATE,
    },
}

# A path of actions from ringing to each state.
PATH_TO = {
    CallState.RINGING: [],
    CallState.ACTIVE: [CallAction.ANSWER],
    CallState.HELD: [CallAction.ANSWER, CallAction.HOLD],
    CallState.ENDED: [CallAction.ANSWER, CallAction.HANG_UP],
    CallState.MISSED: [CallAction.MISS],
    CallState.REJECTED: [CallAction.REJECT],
}


def call_in(state: CallState, clock: FakeClock, direction=CallDirection.INBOUND) -> Call:
    call = Call.ring("c1", direction, clock)
    for action in PATH_TO[state]:
        call.apply(action, ACTOR[direction][action])
    assert call.state is state
    return call


@pytest.mark.parametrize("direction", list(CallDirection))
@pytest.mark.parametrize(("source", "action"), list(TRANSITIONS))
def test_every_legal_transition(source, action, direction) -> None:
    clock = FakeClock()
    call = call_in(source, clock, direction)
    clock.advance(7)
    by = ACTOR[direction][action]
    event = call.apply(action, by)
    assert call.state is TRANSITIONS[(source, action)]
    assert (event.from_state, event.to_state, event.action, event.by) == (
        source,
        call.state,
        action,
        by,
    )
    assert event.at == clock.now()
    assert call.events[-1] == event


ILLEGAL = [(s, a) for s in CallState for a in CallAction if (s, a) not in TRANSITIONS]


@pytest.mark.parametrize(("source", "action"), ILLEGAL)
def test_every_illegal_transition_raises(source, action) -> None:
    call = call_in(source, FakeClock())
    events = list(call.events)
    with pytest.raises(IllegalCallTransition, match=f"cannot '{action.value}' from state"):
        call.apply(action, Party.SYSTEM)
    assert call.state is source and call.events == events


def test_terminal_states_allow_nothing() -> None:
    for state in (CallState.ENDED, CallState.MISSED, CallState.REJECTED):
        assert state.is_terminal and legal_actions(state) == frozenset()
    with pytest.raises(IllegalCallTransition, match="none \\(final state\\)"):
        call_in(CallState.ENDED, FakeClock()).hang_up(Party.CLIENT)


def test_only_the_callee_answers_or_rejects() -> None:
    inbound = Call.ring("c1", CallDirection.INBOUND, FakeClock())
    assert (inbound.caller, inbound.callee) == (Party.CLIENT, Party.CANDIDATE)
    with pytest.raises(ForbiddenCallAction, match="'answer' is for candidate, not client"):
        inbound.answer(Party.CLIENT)
    outbound = Call.ring("c2", CallDirection.OUTBOUND, FakeClock())
    with pytest.raises(ForbiddenCallAction):
        outbound.reject(Party.CANDIDATE)
    outbound.reject(Party.CLIENT)
    assert outbound.state is CallState.REJECTED and outbound.ended_by is Party.CLIENT


def test_only_the_candidate_holds_and_the_system_may_time_out_a_ring() -> None:
    call = call_in(CallState.ACTIVE, FakeClock())
    with pytest.raises(ForbiddenCallAction):
        call.hold(Party.CLIENT)
    missed = Call.ring("c3", CallDirection.INBOUND, FakeClock())
    missed.miss()
    assert missed.state is CallState.MISSED and missed.ended_by is Party.SYSTEM
    with pytest.raises(ForbiddenCallAction):  # the callee lets it ring; he does not "miss" it
        Call.ring("c4", CallDirection.INBOUND, FakeClock()).miss(Party.CANDIDATE)


def test_timestamps_holds_and_who_hung_up() -> None:
    clock = FakeClock()
    call = Call.ring("c1", CallDirection.OUTBOUND, clock)
    rang = clock.now()
    clock.advance(5)
    call.answer(Party.CLIENT)
    clock.advance(60)
    call.hold()
    clock.advance(20)
    assert call.held_seconds == 20
    call.resume()
    clock.advance(30)
    call.hold()
    clock.advance(10)
    event = call.hang_up(Party.CLIENT)  # the client gives up while on hold
    assert call.ringing_at == rang
    assert call.answered_at == rang + timedelta(seconds=5)
    assert call.ended_at == event.at == rang + timedelta(seconds=125)
    assert call.ended_by is Party.CLIENT
    assert call.held_seconds == 30
    assert call.connected_seconds == 120
    assert all(h.end is not None for h in call.holds)
    assert [e.action for e in call.events] == [
        CallAction.ANSWER,
        CallAction.HOLD,
        CallAction.RESUME,
        CallAction.HOLD,
        CallAction.HANG_UP,
    ]
    clock.advance(100)
    assert call.connected_seconds == 120  # frozen once ended


def test_the_domain_and_the_port_import_no_media_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, server.telephony.call_state, server.telephony.ports; "
        "bad = {'aiortc', 'av', 'numpy'} & set(sys.modules); assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
