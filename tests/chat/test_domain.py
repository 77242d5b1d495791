"""The chat simulation's window (pure): opened by the customer, exam time, pauses excluded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.chat.domain import ENDED, NOT_STARTED, ChatWindow, paused_since
from server.core.referential import PhaseKind
from server.exams.timeline_facts import Paused, Resumed

T0 = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_candidate_writes_from_the_customers_first_message_for_the_cards_minutes() -> None:
    closed = ChatWindow(minutes=9, opened_at=None)
    assert closed.refusal("candidate", at(0)) == NOT_STARTED
    assert closed.refusal("client", at(0)) is None
    open_ = ChatWindow(minutes=9, opened_at=at(1))
    assert open_.refusal("candidate", at(9.99)) is None
    assert open_.refusal("candidate", at(10)) == ENDED
    assert open_.refusal("client", at(30)) is None


def test_pauses_since_the_opening_do_not_count() -> None:
    facts = [
        Paused(at=at(-5), phase=PhaseKind.APPELS, reason="avant"),
        Resumed(at=at(-4), phase=PhaseKind.APPELS),
        Paused(at=at(3), phase=PhaseKind.APPELS, reason="incident"),
        Resumed(at=at(8), phase=PhaseKind.APPELS),
        Paused(at=at(12), phase=PhaseKind.APPELS, reason="encore"),
    ]
    assert paused_since(facts, at(1), at(10)) == timedelta(minutes=5)
    assert paused_since(facts, at(1), at(13)) == timedelta(minutes=6)  # the open pause too
    assert paused_since(facts, at(5), at(10)) == timedelta(minutes=3)  # from the opening only
    window = ChatWindow(minutes=9, opened_at=at(1), paused=paused_since(facts, at(1), at(10)))
    assert window.closes_at == at(15)
    assert window.refusal("candidate", at(14.9)) is None
    assert window.refusal("candidate", at(15)) == ENDED
