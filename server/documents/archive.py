"""The appeal archive: one ZIP per candidate (or per session) holding the recordings and
their sidecars, the calls, the chat transcript, the CRM change log, the written replies, the
grid (PDF + JSON), the pinned and interview notes, every deliberation version, the decision,
the audit rows with their hashes, and `manifeste.json` with the SHA-256 of every file.

What is small (JSON, PDFs) is gathered from the database first; the ZIP is then written to a
temporary file in a worker thread, recordings copied from disk in chunks, and the file is
streamed to the client and deleted: never the whole archive in memory, never file I/O on the
event loop."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification import service as certification
from server.chat import service as chat_service
from server.core import audit, text
from server.core.audit import AuditEntry
from server.core.context import AppContext
from server.crm import service as crm_service
from server.documents import service as documents
from server.evaluation import deliberation as deliberations
from server.evaluation import service as evaluation
from server.evaluation.payloads import DeliberationPayload
from server.exams import queries
from server.exams.queries import NotFound
from server.progress import service as progress
from server.telephony import call_records, recordings
from server.telephony import storage as recordings_storage
from server.writing import service as writing

CHUNK = 1 << 20
AUDIT_NOTE = (
    "Chaque ligne se vérifie seule : hash = SHA-256 du JSON canonique [prev_hash, at, actor, "
    "action, exam_session_id, subject, details] (voir server/core/audit.py, entry_hash). La "
    "chaîne complète (toutes sessions confondues) se vérifie sur le serveur : plateau audit "
    "verify, et contre le point de contrôle signé du manifeste : plateau audit verify --point "
    "manifeste.json (mac : HMAC de la ligne, clé dérivée du secret du serveur)."
)


@dataclass
class Bundle:
    """Files of the archive: in-memory contents, and paths on disk copied when writing."""

    data: dict[str, bytes] = field(default_factory=dict)
    disk: dict[str, Path] = field(default_factory=dict)
    absent: dict[str, str] = field(default_factory=dict)
    audit_checkpoint: dict[str, Any] | None = None  # the signed head of the whole audit log

    def json(self, name: str, content: Any) -> None:
        self.data[name] = text.dumps_bytes(content, where=name, indent=2, default=str)

    async def add(
        self, name: str, make: Callable[[], Awaitable[Any]], *, raw: bool = False
    ) -> None:
        """Adds what `make` returns; a part that cannot be produced is listed as absent."""
        try:
            content = await make()
        except (NotFound, LookupError, ValueError) as exc:
            self.absent[name] = str(exc) or type(exc).__name__
            return
        if raw:
            self.data[name] = content
        else:
            self.json(name, content)


def audit_out(a: AuditEntry) -> dict[str, Any]:
    return {
        "id": a.id,
        "seq": a.seq,
        "at": a.at.isoformat(timespec="microseconds"),
        "actor": a.actor,
        "action": a.action,
        "exam_session_id": a.exam_session_id,
        "subject": a.subject,
        "details": a.details,
        "prev_hash": a.prev_hash,
        "hash": a.hash,
        "mac": a.mac,
    }


async def _recordings(session: AsyncSession, candidate_id: str) -> list[dict[str, Any]]:
    return [
        recordings.recording_out(r) for r in await recordings.recordings_of(session, candidate_id)
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"


async def _candidate(
    ctx: AppContext, session: AsyncSession, bundle: Bundle, candidate_id: str, prefix: str
) -> None:
    candidate = await queries.get_candidate(session, candidate_id)
    seen: set[Path] = set()
    for rec in await recordings.recordings_of(session, candidate_id):
        for rel in (rec.path, rec.sidecar_path):
            path = recordings_storage.locate(ctx.settings, rel)
            if path.is_file():
                bundle.disk[f"{prefix}enregistrements/{path.name}"] = path
                seen.add(path.resolve())
            else:
                bundle.absent[f"{prefix}enregistrements/{Path(rel).name}"] = "fichier introuvable"
    # Defensive: anything else recorded for this candidate (e.g. a recording whose row was
    # not written because the server stopped during the call).
    folder = ctx.settings.recordings_path / candidate.exam_session_id / candidate_id
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.resolve() not in seen:
                bundle.disk[f"{prefix}enregistrements/{path.name}"] = path
    await bundle.add(f"{prefix}appels.json", lambda: call_records.calls_json(session, candidate_id))
    await bundle.add(  # each file's interruptions, holds and talk analytics
        f"{prefix}enregistrements.json",
        lambda: _recordings(session, candidate_id),
    )
    await bundle.add(f"{prefix}chat.json", lambda: chat_service.transcript(session, candidate_id))
    await bundle.add(
        f"{prefix}crm_journal.json", lambda: crm_service.changes(session, candidate_id)
    )
    await bundle.add(
        f"{prefix}ecrits.json",
        lambda: writing.drafts(ctx, session, candidate_id, for_candidate=False),
    )
    await bundle.add(
        f"{prefix}simulations.json", lambda: progress.progress_out(ctx, session, candidate_id)
    )
    await bundle.add(
        f"{prefix}grille.json", lambda: evaluation.evaluation_grid(ctx, session, candidate_id)
    )
    await bundle.add(
        f"{prefix}grille.pdf", lambda: documents.grid_pdf(ctx, session, candidate_id), raw=True
    )
    await bundle.add(f"{prefix}notes_jury.json", lambda: evaluation.notes(session, candidate_id))
    await bundle.add(
        f"{prefix}entretiens.json", lambda: evaluation.interview_notes(session, candidate_id)
    )

    async def versions() -> list[DeliberationPayload]:
        return [
            deliberations.deliberation_out(d)
            for d in await deliberations.deliberations(session, candidate_id)
        ]

    await bundle.add(f"{prefix}deliberations.json", versions)
    await bundle.add(
        f"{prefix}certification.json", lambda: certification.summary(ctx, session, candidate_id)
    )


async def candidate_bundle(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Bundle:
    """One candidate's archive; the audit rows are those about this candidate and those of
    the session about no one in particular (other candidates' rows stay out)."""
    candidate = await queries.get_candidate(session, candidate_id)
    bundle = Bundle()
    await _candidate(ctx, session, bundle, candidate_id, "")
    rows = await session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.exam_session_id == candidate.exam_session_id,
            or_(AuditEntry.subject == candidate_id, AuditEntry.subject.is_(None)),
        )
        .order_by(AuditEntry.id)
    )
    bundle.json("journal_audit.json", {"note": AUDIT_NOTE, "rows": [audit_out(a) for a in rows]})
    bundle.json(
        "archive.json",
        {
            "kind": "candidat",
            "candidate_id": candidate_id,
            "candidate": f"{candidate.first_name} {candidate.last_name.upper()}",
            "session_id": candidate.exam_session_id,
            "generated_at": ctx.clock.now().isoformat(),
        },
    )
    return bundle


async def session_bundle(ctx: AppContext, session: AsyncSession, exam_session_id: str) -> Bundle:
    """The whole session: a folder per candidate, the procès-verbal, the results list and
    every audit row of the session."""
    exam = await queries.get_exam(session, exam_session_id)
    bundle = Bundle()
    people = await queries.candidates_of(session, exam.id)
    for cand in people:
        prefix = f"candidats/{_slug(cand.last_name)}_{_slug(cand.first_name)}_{cand.id}/"
        await _candidate(ctx, session, bundle, cand.id, prefix)
    await bundle.add("proces_verbal.pdf", lambda: documents.pv_pdf(ctx, session, exam.id), raw=True)
    await bundle.add(
        "resultats.pdf", lambda: documents.results_pdf(ctx, session, exam.id), raw=True
    )
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.exam_session_id == exam.id).order_by(AuditEntry.id)
    )
    bundle.json("journal_audit.json", {"note": AUDIT_NOTE, "rows": [audit_out(a) for a in rows]})
    bundle.json(
        "archive.json",
        {
            "kind": "session",
            "session_id": exam.id,
            "centre": exam.centre,
            "day": exam.day.isoformat(),
            "candidates": [c.id for c in people],
            "generated_at": ctx.clock.now().isoformat(),
        },
    )
    return bundle


def write_zip(bundle: Bundle, generated_at: str) -> Path:
    """Blocking: the ZIP in a temporary file (the caller deletes it), manifest last."""
    digests: dict[str, str] = {}
    sizes: dict[str, int] = {}
    fd, name = tempfile.mkstemp(prefix="plateau-archive-", suffix=".zip")
    os.close(fd)
    target = Path(name)
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in bundle.data.items():
                zf.writestr(name, content)
                digests[name], sizes[name] = hashlib.sha256(content).hexdigest(), len(content)
            for name, path in bundle.disk.items():
                digest, size = hashlib.sha256(), 0
                # Recordings are already compressed (Ogg/Opus): stored as they are.
                info = zipfile.ZipInfo.from_file(path, name)
                info.compress_type = zipfile.ZIP_STORED
                with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
                        size += len(chunk)
                digests[name], sizes[name] = digest.hexdigest(), size
            manifest = {
                "generated_at": generated_at,
                "algorithm": "sha256",
                "files": {n: {"sha256": digests[n], "bytes": sizes[n]} for n in sorted(digests)},
                "absent": bundle.absent,
                "audit_checkpoint": bundle.audit_checkpoint,
            }
            zf.writestr(
                "manifeste.json", text.dumps_bytes(manifest, where="manifeste.json", indent=2)
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


async def archive_file(ctx: AppContext, bundle: Bundle) -> Path:
    async with ctx.db.session() as session:
        seal = audit.seal_of(session)
        if seal is not None:  # `plateau audit verify --point manifeste.json` checks against it
            bundle.audit_checkpoint = await audit.signed_head(session, seal)
    return await asyncio.to_thread(write_zip, bundle, ctx.clock.now().isoformat())
