"""Document edges: the grid and the appeal archive of a candidate (that candidate's jurors,
the organiser), the livret (organiser), the procès-verbal, the results list and the session's
archive (organiser)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from server.core.identity import Principal, Role
from server.documents import archive, issued, service
from server.documents.schemas import DocumentsOverview, IssuedOut, IssueIn
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(tags=["documents"])
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
CandidateOrganiser = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.CANDIDATE))]
Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.SESSION))]

# What the file routes answer, for FastAPI and the OpenAPI schema (no JSON).
PDF: dict[str, Any] = dict(
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "Le PDF."}},
)
ZIP: dict[str, Any] = dict(
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "L'archive."}},
)


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _zip(path: Path, name: str) -> FileResponse:
    """Streams the temporary archive in chunks, then deletes it."""
    return FileResponse(
        path,
        media_type="application/zip",
        filename=name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/api/candidates/{candidate_id}/documents/grille.pdf", **PDF)
async def grid(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> Response:
    return _pdf(await service.grid_pdf(ctx, session, candidate_id), f"grille-{candidate_id}.pdf")


@router.get("/api/candidates/{candidate_id}/documents/archive.zip", **ZIP)
async def candidate_archive(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> FileResponse:
    bundle = await archive.candidate_bundle(ctx, session, candidate_id)
    return _zip(await archive.archive_file(ctx, bundle), f"archive-{candidate_id}.zip")


@router.get("/api/candidates/{candidate_id}/documents/livret.pdf", **PDF)
async def livret(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: CandidateOrganiser
) -> Response:
    return _pdf(await service.livret_pdf(ctx, session, candidate_id), f"livret-{candidate_id}.pdf")


@router.get("/api/sessions/{session_id}/documents/pv.pdf", **PDF)
async def pv(session_id: str, ctx: CtxDep, session: SessionDep, _: Organiser) -> Response:
    return _pdf(await service.pv_pdf(ctx, session, session_id), f"proces-verbal-{session_id}.pdf")


@router.get("/api/sessions/{session_id}/documents/resultats.pdf", **PDF)
async def results(session_id: str, ctx: CtxDep, session: SessionDep, _: Organiser) -> Response:
    return _pdf(await service.results_pdf(ctx, session, session_id), f"resultats-{session_id}.pdf")


@router.get("/api/sessions/{session_id}/documents/archive.zip", **ZIP)
async def session_archive(
    session_id: str, ctx: CtxDep, session: SessionDep, _: Organiser
) -> FileResponse:
    bundle = await archive.session_bundle(ctx, session, session_id)
    return _zip(await archive.archive_file(ctx, bundle), f"archive-session-{session_id}.zip")


@router.get("/api/sessions/{session_id}/documents")
async def documents_overview(
    session_id: str, ctx: CtxDep, session: SessionDep, _: Organiser
) -> DocumentsOverview:
    """The organiser's documents tab: previews, issued versions, archives."""
    return await issued.overview(ctx, session, session_id)


@router.post("/api/sessions/{session_id}/documents/issue", status_code=201)
async def issue_document(session_id: str, body: IssueIn, ctx: CtxDep, who: Organiser) -> IssuedOut:
    """Issues the next version of a document (the earlier ones are kept)."""
    doc = await issued.issue(
        ctx,
        exam_session_id=session_id,
        kind=body.kind,
        candidate_id=body.candidate_id,
        reason=body.reason or "Émission",
        actor=who.actor,
    )
    return issued.issued_model(doc, ctx)


@router.get("/api/sessions/{session_id}/documents/issued/{document_id}", **PDF)
async def issued_document(
    session_id: str, document_id: str, session: SessionDep, _: Organiser
) -> Response:
    doc, name = await issued.issued_file(session, session_id, document_id)
    response = _pdf(doc.content, name)
    response.headers["X-Content-SHA256"] = doc.sha256
    return response
