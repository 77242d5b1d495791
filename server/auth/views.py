"""Sign-in edges: access code, password, sign-out, password change, who am I."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from server.auth import service
from server.auth.schemas import HOME_BY_ROLE, CodeLogin, Me, PasswordChange, PasswordLogin
from server.core import audit
from server.core.addresses import Peer, resolve_peer
from server.core.context import AppContext
from server.core.identity import Principal, Role, code_digest
from server.core.tokens import CSRF_COOKIE, SESSION_COOKIE
from server.web.access import CtxDep, SessionDep, allow, public

router = APIRouter(prefix="/api/auth", tags=["auth"])
EVERYONE = tuple(Role)
PLAIN_PASSWORD_REFUSED = (
    "Le mot de passe ne peut pas circuler en clair sur le réseau : ouvrez la page en HTTPS "
    "(https://…), ou depuis le serveur lui-même."
)


def peer_of(ctx: AppContext, request: Request) -> Peer:
    """The client, believing forwarded headers only from PLATEAU_TRUSTED_PROXIES."""
    return resolve_peer(
        request.client.host if request.client else None,
        request.url.scheme,
        request.headers,
        ctx.settings.trusted_networks,
    )


async def _refuse_if_limited(ctx: AppContext, *keys: str) -> None:
    if await ctx.limiter.blocked(*keys):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Trop de tentatives : réessayez dans une minute.",
            headers={"Retry-After": str(ctx.limiter.retry_after())},
        )


def _sign_in(
    ctx: AppContext, peer: Peer, response: Response, principal: Principal, generation: int
) -> Me:
    token = ctx.tokens.issue(principal, generation)
    secure = peer.scheme == "https"
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
    peer = peer_of(ctx, request)
    keys = (f"ip:{peer.address}", f"code:{code_digest(body.code)}")
    await _refuse_if_limited(ctx, *keys)
    try:
        principal = await service.login_with_code(session, code=body.code, clock=ctx.clock)
    except service.AuthError as exc:
        await ctx.limiter.failed(*keys)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    await audit.record(
        session,
        clock=ctx.clock,
        actor=principal.actor,
        action="auth.login",
        exam_session_id=principal.exam_session_id,
        details={"method": "code", "address": f"ip:{peer.address}"},
    )
    generation = await service.session_generation(session, principal)
    await session.commit()
    return _sign_in(ctx, peer, response, principal, generation)


@router.post("/password", dependencies=[Depends(public("connexion par mot de passe"))])
async def login_with_password(
    body: PasswordLogin, request: Request, response: Response, ctx: CtxDep, session: SessionDep
) -> Me:
    peer = peer_of(ctx, request)
    if peer.plain_over_network:
        raise HTTPException(status.HTTP_403_FORBIDDEN, PLAIN_PASSWORD_REFUSED)
    user_key = hashlib.sha256(body.username.strip().lower().encode()).hexdigest()
    keys = (f"ip:{peer.address}", f"user:{user_key}")
    await _refuse_if_limited(ctx, *keys)
    try:
        principal = await service.login_with_password(
            session, username=body.username, password=body.password
        )
    except service.AuthError as exc:
        await ctx.limiter.failed(*keys)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    await audit.record(
        session,
        clock=ctx.clock,
        actor=principal.actor,
        action="auth.login",
        details={"method": "password", "address": f"ip:{peer.address}"},
    )
    generation = await service.session_generation(session, principal)
    await session.commit()
    return _sign_in(ctx, peer, response, principal, generation)


@router.post("/logout", status_code=204)
async def logout(
    response: Response,
    ctx: CtxDep,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(*EVERYONE))],
) -> None:
    """Signing out ends every session of this person (every cookie, every open page)."""
    await service.revoke_sessions(
        session,
        subject_id=principal.subject_id,
        actor=principal.actor,
        clock=ctx.clock,
        reason="déconnexion",
        live=ctx.live_sessions,
    )
    await session.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post("/account/password")
async def change_password(
    body: PasswordChange,
    request: Request,
    response: Response,
    ctx: CtxDep,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(Role.ORGANISER))],
) -> Me:
    """The organiser's new password: every other session ends, this browser stays signed in."""
    peer = peer_of(ctx, request)
    if peer.plain_over_network:
        raise HTTPException(status.HTTP_403_FORBIDDEN, PLAIN_PASSWORD_REFUSED)
    try:
        await service.change_password(
            session,
            account_id=principal.subject_id,
            current_password=body.current_password,
            new_password=body.new_password,
            clock=ctx.clock,
            live=ctx.live_sessions,
        )
    except service.AuthError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from None
    generation = await service.session_generation(session, principal)
    await session.commit()
    return _sign_in(ctx, peer, response, principal, generation)


@router.get("/me")
async def me(
    request: Request, ctx: CtxDep, principal: Annotated[Principal, Depends(allow(*EVERYONE))]
) -> Me:
    return _me(principal, ctx.tokens.csrf_for(request.cookies.get(SESSION_COOKIE, "")))
