"""Sign-in edges: access code, password, sign-out, who am I."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from server.auth import service
from server.auth.domain import Principal, Role, code_digest
from server.auth.schemas import HOME_BY_ROLE, CodeLogin, Me, PasswordLogin
from server.auth.tokens import CSRF_COOKIE, SESSION_COOKIE
from server.core import audit
from server.core.context import AppContext
from server.web.access import CtxDep, SessionDep, allow, public

router = APIRouter(prefix="/api/auth", tags=["auth"])
EVERYONE = tuple(Role)


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'inconnu'}"


def _refuse_if_limited(ctx: AppContext, request: Request, secret_key: str) -> None:
    if not ctx.limiter.allow(_client_key(request), secret_key):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Trop de tentatives : réessayez dans une minute.",
            headers={"Retry-After": str(ctx.limiter.retry_after())},
        )


def _sign_in(ctx: AppContext, request: Request, response: Response, principal: Principal) -> Me:
    token = ctx.tokens.issue(principal)
    secure = request.url.scheme == "https"
    common = {"max_age": ctx.tokens.max_age, "samesite": "strict", "secure": secure, "path": "/"}
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    csrf = ctx.tokens.csrf_for(token)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]
    return _me(principal, csrf)


def _me(principal: Principal, csrf: str) -> Me:
    return Me(
        role=principal.role,
        role_label=principal.role.label,
        subject_id=principal.subject_id,
        display_name=principal.display_name,
        exam_session_id=principal.exam_session_id,
        csrf_token=csrf,
        home=HOME_BY_ROLE[principal.role],
    )


@router.post("/code", dependencies=[Depends(public("connexion par code d'accès"))])
async def login_with_code(
    body: CodeLogin, request: Request, response: Response, ctx: CtxDep, session: SessionDep
) -> Me:
    _refuse_if_limited(ctx, request, f"code:{code_digest(body.code)}")
    try:
        principal = await service.login_with_code(session, code=body.code, clock=ctx.clock)
    except service.AuthError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    await audit.record(
        session,
        clock=ctx.clock,
        actor=principal.actor,
        action="auth.login",
        exam_session_id=principal.exam_session_id,
        details={"method": "code", "address": _client_key(request)},
    )
    await session.commit()
    return _sign_in(ctx, request, response, principal)


@router.post("/password", dependencies=[Depends(public("connexion par mot de passe"))])
async def login_with_password(
    body: PasswordLogin, request: Request, response: Response, ctx: CtxDep, session: SessionDep
) -> Me:
    user_key = hashlib.sha256(body.username.strip().lower().encode()).hexdigest()
    _refuse_if_limited(ctx, request, f"user:{user_key}")
    try:
        principal = await service.login_with_password(
            session, username=body.username, password=body.password
        )
    except service.AuthError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    await audit.record(
        session,
        clock=ctx.clock,
        actor=principal.actor,
        action="auth.login",
        details={"method": "password", "address": _client_key(request)},
    )
    await session.commit()
    return _sign_in(ctx, request, response, principal)


@router.post("/logout", status_code=204)
async def logout(
    response: Response, principal: Annotated[Principal, Depends(allow(*EVERYONE))]
) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/me")
async def me(
    request: Request, ctx: CtxDep, principal: Annotated[Principal, Depends(allow(*EVERYONE))]
) -> Me:
    return _me(principal, ctx.tokens.csrf_for(request.cookies.get(SESSION_COOKIE, "")))
