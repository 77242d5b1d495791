"""A deliberation version as the pages get it (`events.DeliberationOut`, HTTP and events): its
proposal is typed — competences, CCPs, title, justification and the reasons, absent when
there are none, so that the proposal a page sends back as the base of its edit is the stored
one key for key — and its signatures are juror id → text."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from server.evaluation.events import DeliberationOut
from server.evaluation.schemas import DecidedOut

PROPOSAL = {
    "competences": {"CP1": "acquise"},
    "ccps": {"CCP1": True},
    "title": None,
    "justification": "Maîtrise.",
}


def version(**changes: Any) -> dict[str, Any]:
    return {
        "id": "d1",
        "version": 1,
        "proposal": PROPOSAL,
        "created_by": "juror:1",
        "created_at": "2026-12-06T10:00:00+00:00",
        "signatures": {"juror:1": "2026-12-06T10:05:00+00:00"},
        "locked": False,
        "locked_at": None,
        "seal": "abc",
        "signed_seals": {"juror:1": "abc"},
        "bound": None,
        "voided": False,
        "voided_at": None,
        "voided_reason": None,
    } | changes


@pytest.mark.parametrize("proposal", [PROPOSAL, PROPOSAL | {"reasons": {"CP1": "Vu en appel."}}])
def test_the_proposal_is_sent_as_stored(proposal: dict[str, Any]) -> None:
    sent = DeliberationOut.model_validate(version(proposal=proposal)).model_dump(mode="json")
    assert sent["proposal"] == proposal  # no key added, none dropped


@pytest.mark.parametrize(
    "bad",
    [
        {"proposal": PROPOSAL | {"decision": "x"}},  # a key the proposal does not have
        {"proposal": {k: v for k, v in PROPOSAL.items() if k != "justification"}},
        {"proposal": PROPOSAL | {"competences": {"CP1": 3}}},
        {"signatures": {"juror:1": {"at": "x"}}},
        {"signed_seals": {"juror:1": 7}},
    ],
)
def test_a_version_of_another_shape_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DeliberationOut.model_validate(version(**bad))


def test_the_schema_the_pages_are_typed_from_names_the_proposals_fields() -> None:
    schema = DeliberationOut.model_json_schema(mode="serialization")
    proposal = schema["$defs"]["Proposal"]
    assert set(proposal["properties"]) == {
        "competences",
        "ccps",
        "title",
        "justification",
        "reasons",
    }
    assert "reasons" not in proposal["required"]
    assert proposal["additionalProperties"] is False
    assert schema["properties"]["signatures"]["additionalProperties"] == {"type": "string"}


def test_the_signed_decisions_view_is_typed() -> None:
    decided = {"version": 1, "locked_at": None, "transversal": []}
    DecidedOut.model_validate(decided | {"competences": {"CP1": "acquise"}, "ccps": {"CCP1": True}})
    for wrong in (
        {"competences": {"CP1": ["acquise"]}, "ccps": {}},
        {"competences": {}, "ccps": {"CCP1": "peut-être"}},
    ):
        with pytest.raises(ValidationError):
            DecidedOut.model_validate(decided | wrong)
