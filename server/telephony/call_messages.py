"""What the pages are told about calls (candidate and jury audiences)."""

from __future__ import annotations

from typing import Any, Literal

from server.core.events import Message

UNASSIGNED = "Le numéro que vous avez demandé n'est pas attribué."


class CallChanged(Message):
    type: Literal["call"] = "call"
    candidate_id: str
    call: dict[str, Any]


class ScreenPop(Message):
    """CTI coupling: sent to the candidate before the phone is answered."""

    type: Literal["call.screen_pop"] = "call.screen_pop"
    candidate_id: str
    call_id: str
    number: str
    crm_record_id: str | None
    simulation: dict[str, Any]
    line: str = ""  # the line that rings (the principal's name, as a CTI shows the DNIS)


class Unassigned(Message):
    type: Literal["call.unassigned"] = "call.unassigned"
    candidate_id: str
    number: str
    message: str = UNASSIGNED


class CallWarning(Message):
    type: Literal["call.warning"] = "call.warning"
    candidate_id: str
    message: str
