"""Certification edges: evidence, the decision in force (taken when both jurors sign), the
person behind the seats and their record, what remains to sit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.certification import persons, service
from server.certification.events import EvidenceOut
from server.certification.schemas import (
    CertificationSummary,
    DecisionOut,
    EvidenceIn,
    IdentityIn,
    LinkIn,
    PersonDetail,
    PersonFound,
    PersonIdentity,
    PersonLinked,
    PreviewDecided,
    PreviewRefused,
    PriorCcpIn,
)
from server.core.identity import Principal, Role
from server.core.text import Line
from server.outcomes import ObtainedCcp
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(tags=["certification"])
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.CANDIDATE))]
AnyOrganiser = Annotated[Principal, Depends(allow(Role.ORGANISER))]
BASE = "/api/candidates/{candidate_id}/certification"


@router.get(BASE)
async def summary(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> CertificationSummary:
    return CertificationSummary.model_validate(await service.summary(ctx, session, candidate_id))


@router.put(f"{BASE}/evidence")
async def evidence(candidate_id: str, body: EvidenceIn, ctx: CtxDep, who: Jury) -> EvidenceOut:
    base = (body.base.kinds, body.base.from_training) if body.base is not None else None
    return await service.declare(ctx, who, candidate_id, body.kinds, body.from_training, base=base)


@router.get(f"{BASE}/decision/preview")
async def preview(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> PreviewDecided | PreviewRefused:
    out = await service.preview(ctx, session, candidate_id)
    return PreviewDecided.model_validate(out) if out["ok"] else PreviewRefused.model_validate(out)


@router.post(f"{BASE}/decision", status_code=201)
async def decision(candidate_id: str, ctx: CtxDep, who: Organiser) -> DecisionOut:
    return DecisionOut.model_validate(await service.retake_decision(ctx, who, candidate_id))


@router.put(f"{BASE}/person")
async def link(candidate_id: str, body: LinkIn, ctx: CtxDep, who: Organiser) -> PersonLinked:
    linked = await persons.link(
        ctx, who, candidate_id, person_id=body.person_id, same_as=body.same_as_candidate_id
    )
    return PersonLinked.model_validate(linked)


@router.get("/api/persons")
async def search(
    session: SessionDep, _: AnyOrganiser, q: Annotated[str, Line(200)] = ""
) -> list[PersonFound]:
    return [PersonFound.model_validate(p) for p in await persons.search(session, q)]


@router.get("/api/persons/{person_id}")
async def person(person_id: str, ctx: CtxDep, session: SessionDep, _: AnyOrganiser) -> PersonDetail:
    return PersonDetail.model_validate(await persons.person_detail(ctx, session, person_id))


@router.put("/api/persons/{person_id}")
async def identity(
    person_id: str, body: IdentityIn, ctx: CtxDep, who: AnyOrganiser
) -> PersonIdentity:
    updated = await persons.update_identity(
        ctx,
        who,
        person_id,
        last_name=body.last_name,
        first_name=body.first_name,
        birth_date=body.birth_date,
        external_id=body.external_id,
    )
    return PersonIdentity.model_validate(updated)


@router.post("/api/persons/{person_id}/prior-ccps", status_code=201)
async def prior_ccp(
    person_id: str, body: PriorCcpIn, ctx: CtxDep, who: AnyOrganiser
) -> PersonDetail:
    entry = ObtainedCcp(
        title_id=body.title_id,
        version=body.version,
        ccp=body.ccp,
        obtained_on=body.obtained_on,
        session_id=body.session_label,
    )
    return PersonDetail.model_validate(await persons.add_prior_ccp(ctx, who, person_id, entry))
