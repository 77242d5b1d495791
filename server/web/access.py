"""Authorisation is data: every route declares, with `allow(...)` or `public()`, who may use it.

`allow` is a FastAPI dependency that resolves the signed-in principal, checks the role, the
scope (the exam session or candidate named in the path) and, for changes, the CSRF token.
A test walks every route with every role against these declarations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import service as auth_service
from server.core.context import AppContext
from server.core.identity import Capacity, Principal, Role
from server.core.tokens import CSRF_HEADER, SESSION_COOKIE

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Scope(StrEnum):
    NONE = "none"
    SESSION = "session"  # path parameter `session_id`
    CANDIDATE = "candidate"  # path parameter `candidate_id`


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


CtxDep = Annotated[AppContext, Depends(get_ctx)]


async def get_db_session(ctx: CtxDep) -> AsyncIterator[AsyncSession]:
    async with ctx.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_db_session)]


async def current_principal(request: Request, ctx: CtxDep, session: SessionDep) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    claims = ctx.tokens.read(token) if token else None
    principal = (
        await auth_service.principal_from_claims(session, claims, now=ctx.clock.now())
        if claims
        else None
    )
    await session.commit()  # gives the connection back: the command takes its own
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Veuillez vous connecter.")
    if request.method not in SAFE_METHODS and not ctx.tokens.csrf_ok(
        token or "", request.headers.get(CSRF_HEADER)
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Jeton CSRF manquant ou invalide.")
    return principal


@dataclass(frozen=True)
class Allow:
    roles: frozenset[Role]
    scope: Scope = Scope.NONE
    capacity: Capacity | None = None

    async def __call__(
        self,
        request: Request,
        session: SessionDep,
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if principal.role not in self.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Accès refusé pour votre rôle.")
        params = request.path_params
        if self.scope is Scope.SESSION and not auth_service.may_reach_session(
            principal, params["session_id"]
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Cette session ne vous concerne pas.")
        if self.scope is Scope.CANDIDATE:
            capacity = self.capacity if principal.role is Role.JUROR else None
            reached = await auth_service.may_reach_candidate(
                session, principal, params["candidate_id"], capacity
            )
            await session.commit()  # one connection per request at a time, never two
            if not reached:
                raise HTTPException(status.HTTP_403_FORBIDDEN, "Ce candidat ne vous concerne pas.")
        return principal


@dataclass(frozen=True)
class Public:
    """Marks a route anyone may call (sign-in, health, static pages)."""

    reason: str

    async def __call__(self) -> None:
        return None


def allow(*roles: Role, scope: Scope = Scope.NONE, capacity: Capacity | None = None) -> Allow:
    return Allow(frozenset(roles), scope, capacity)


def public(reason: str) -> Public:
    return Public(reason)


STAFF = (Role.ORGANISER, Role.PROCTOR)
JURY = (Role.ORGANISER, Role.JUROR)
