"""Recordings for the jury and the organiser: list, audio with HTTP range requests, sidecar."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from server.core.identity import Principal, Role
from server.exams.queries import NotFound
from server.telephony import call_records, storage
from server.telephony.events import CallOut
from server.telephony.models import RecordingRow
from server.telephony.recordings import recording_out, recordings_of
from server.telephony.schemas import RecordingOut
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}", tags=["telephony"])
Jury = Annotated[Principal, Depends(allow(Role.ORGANISER, Role.JUROR, scope=Scope.CANDIDATE))]


@router.get("/calls")
async def calls(candidate_id: str, session: SessionDep, _: Jury) -> list[CallOut]:
    return await call_records.calls_of(session, candidate_id)


@router.get("/recordings")
async def recordings(candidate_id: str, session: SessionDep, _: Jury) -> list[RecordingOut]:
    return [
        RecordingOut.model_validate(
            {
                **recording_out(r),
                "audio_url": f"/api/candidates/{candidate_id}/recordings/{r.id}/audio",
                "sidecar_url": f"/api/candidates/{candidate_id}/recordings/{r.id}/sidecar",
            }
        )
        for r in await recordings_of(session, candidate_id)
    ]


async def _recording(session: SessionDep, candidate_id: str, recording_id: str) -> RecordingRow:
    row = await session.get(RecordingRow, recording_id)
    if row is None or row.candidate_id != candidate_id:
        raise NotFound("Enregistrement introuvable.")
    return row


@router.get("/recordings/{recording_id}/audio", response_class=FileResponse)
async def audio(
    candidate_id: str, recording_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> FileResponse:
    """Ogg/Opus, candidate left, client right; Starlette answers Range requests (206)."""
    row = await _recording(session, candidate_id, recording_id)
    path = storage.locate(ctx.settings, row.path)
    if not path.is_file():
        raise NotFound("Fichier d'enregistrement absent du disque.")
    return FileResponse(path, media_type="audio/ogg", filename=path.name)


@router.get("/recordings/{recording_id}/sidecar", response_class=FileResponse)
async def sidecar(
    candidate_id: str, recording_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> FileResponse:
    row = await _recording(session, candidate_id, recording_id)
    path = storage.locate(ctx.settings, row.sidecar_path)
    if not path.is_file():
        raise NotFound("Fiche d'enregistrement absente du disque.")
    return FileResponse(path, media_type="application/json", filename=path.name)
