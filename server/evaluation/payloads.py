"""The shapes of the deliberation the services hand around (plain dicts at run time, typed
here): what `deliberation_out` returns, what `validate_proposal` keeps. Apart from
`deliberation.py` so that `service.py`, which it imports, can name them too."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic reads this one on Python < 3.12


@with_config(ConfigDict(extra="forbid"))
class Proposal(TypedDict):
    """A proposal as `validate_proposal` keeps it. Read by pydantic in `events.DeliberationOut`
    as it is: `reasons` stays absent when it is (a page sends the proposal back as the base of
    its edit, compared key for key), an unknown key is refused rather than dropped."""

    competences: dict[str, str]  # competence -> acquise | non_acquise
    ccps: dict[str, bool]  # CCP -> granted
    title: str | None  # obtenu | ccp_seulement | non_obtenu; None at a CCP session
    justification: str
    # competence acquise without a criterion observed; absent when there is none (`exclude_if`
    # also tells the schema of what is sent that it may be absent)
    reasons: NotRequired[Annotated[dict[str, str], Field(exclude_if=lambda reasons: not reasons)]]


class DeliberationPayload(TypedDict):
    """A version of the deliberation (`deliberation_out`; events and HTTP:
    `events.DeliberationOut`). `bound` is echoed as stored: its parts are contributed by
    other packages (`signing.SEAL_PART`)."""

    id: str
    version: int
    proposal: Proposal
    created_by: str
    created_at: str
    signatures: dict[str, str]  # juror id -> signed at (ISO 8601)
    locked: bool
    locked_at: str | None
    seal: str | None
    signed_seals: dict[str, str]  # juror id -> the seal they signed
    bound: dict[str, Any] | None
    voided: bool
    voided_at: str | None
    voided_reason: str | None
