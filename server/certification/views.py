"""Certification edges: evidence, the decision in force (taken when both jurors sign), the
person behind the seats and their record, what remains to sit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from server.certification import persons, service
from server.core.identity import Principal, Role
from server.core.text import Line
from server.outcomes import ObtainedCcp
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(tags=["certification"])
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.CANDIDATE))]
AnyOrganiser = Annotated[Principal, Depends(allow(Role.ORGANISER))]
BASE = "/api/candidates/{candidate_id}/certification"


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kinds: list[Annotated[str, Line(40)]] = Field(max_length=20)
    from_training: bool | None = None


class LinkIn(BaseModel):
    """Either the person, or another candidate (seat) already known to be this person."""

    model_config = ConfigDict(extra="forbid")
    person_id: Annotated[str, Line(32)] | None = None
    same_as_candidate_id: Annotated[str, Line(32)] | None = None


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    last_name: Annotated[str, Line(100)] = Field(min_length=1)
    first_name: Annotated[str, Line(100)] = Field(min_length=1)
    birth_date: date | None = None
    external_id: Annotated[str, Line(60)] | None = None


class PriorCcpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title_id: Annotated[str, Line(40)]
    version: Annotated[str, Line(40)]
    ccp: Annotated[str, Line(300)] = Field(min_length=1)
    obtained_on: date
    session_label: Annotated[str, Line(32)] = Field(min_length=1)


@router.get(BASE)
async def summary(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> dict:
    return await service.summary(ctx, session, candidate_id)


@router.put(f"{BASE}/evidence")
async def evidence(candidate_id: str, body: EvidenceIn, ctx: CtxDep, who: Jury) -> dict:
    return await service.declare(ctx, who, candidate_id, body.kinds, body.from_training)


@router.get(f"{BASE}/decision/preview")
async def preview(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> dict:
    return await service.preview(ctx, session, candidate_id)


@router.post(f"{BASE}/decision", status_code=201)
async def decision(candidate_id: str, ctx: CtxDep, who: Organiser) -> dict[str, Any]:
    return await service.retake_decision(ctx, who, candidate_id)


@router.put(f"{BASE}/person")
async def link(candidate_id: str, body: LinkIn, ctx: CtxDep, who: Organiser) -> dict:
    return await persons.link(
        ctx, who, candidate_id, person_id=body.person_id, same_as=body.same_as_candidate_id
    )


@router.get("/api/persons")
async def search(
    session: SessionDep, _: AnyOrganiser, q: Annotated[str, Line(200)] = ""
) -> list[dict[str, Any]]:
    return await persons.search(session, q)


@router.get("/api/persons/{person_id}")
async def person(person_id: str, ctx: CtxDep, session: SessionDep, _: AnyOrganiser) -> dict:
    return await persons.person_detail(ctx, session, person_id)


@router.put("/api/persons/{person_id}")
async def identity(person_id: str, body: IdentityIn, ctx: CtxDep, who: AnyOrganiser) -> dict:
    return await persons.update_identity(
        ctx,
        who,
        person_id,
        last_name=body.last_name,
        first_name=body.first_name,
        birth_date=body.birth_date,
        external_id=body.external_id,
    )


@router.post("/api/persons/{person_id}/prior-ccps", status_code=201)
async def prior_ccp(person_id: str, body: PriorCcpIn, ctx: CtxDep, who: AnyOrganiser) -> dict:
    entry = ObtainedCcp(
        title_id=body.title_id,
        version=body.version,
        ccp=body.ccp,
        obtained_on=body.obtained_on,
        session_id=body.session_label,
    )
    return await persons.add_prior_ccp(ctx, who, person_id, entry)
