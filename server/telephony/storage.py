"""The recordings' directories: checked before `plateau serve` and `plateau demo` start (it
exists or can be created, it takes a file, it has room for the calls still to come), and
where a recording is (its directory, or the fallback one it moved to on a full disk).

Room needed: every candidate of a session held today or later records, at most, the whole of
their format's calls phase (90 min for the title), at `BYTES_PER_MINUTE`, less what they
recorded already; plus `MARGIN_BYTES`.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.config import Settings
from server.core.referential import PhaseKind, Title
from server.exams.models import Candidate, ExamSession, Participant
from server.telephony.models import RecordingRow

BYTES_PER_MINUTE = 400_000  # 48 kb/s stereo Opus (360 kB a minute) and its Ogg pages
MARGIN_BYTES = 10 * 1024 * 1024  # sidecars, a late call, the file system's own needs
MB = 1024 * 1024

OS_REASONS = {
    errno.ENOENT: "dossier parent introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération interdite",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque atteint",
    errno.ENOTDIR: "un fichier porte déjà ce nom",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


@dataclass(frozen=True)
class RecordingPlan:
    """What the calls still to come will record."""

    candidates: int = 0
    minutes: int = 0  # calls-phase minutes of those candidates
    recorded_bytes: int = 0  # what they recorded already

    @property
    def needed_bytes(self) -> int:
        return max(0, self.minutes * BYTES_PER_MINUTE - self.recorded_bytes) + MARGIN_BYTES


async def planned_recordings(
    session: AsyncSession, titles: dict[str, Title], today: date
) -> RecordingPlan:
    """The candidates (not removed) of the sessions held `today` or later."""
    rows = await session.execute(
        select(ExamSession.title_id, ExamSession.format_id, Candidate.participant_id)
        .join(Candidate, Candidate.exam_session_id == ExamSession.id)
        .join(Participant, Participant.id == Candidate.participant_id)
        .where(ExamSession.day >= today, Participant.removed_at.is_(None))
    )
    candidates, minutes, ids = 0, 0, []
    for title_id, format_id, candidate_id in rows:
        title = titles.get(title_id)
        phase = title.format(format_id).phase(PhaseKind.APPELS) if title else None
        candidates += 1
        minutes += phase.minutes if phase else 0
        ids.append(candidate_id)
    recorded = 0
    if ids:
        recorded = int(
            await session.scalar(
                select(func.coalesce(func.sum(RecordingRow.size_bytes), 0)).where(
                    RecordingRow.candidate_id.in_(ids)
                )
            )
            or 0
        )
    return RecordingPlan(candidates, minutes, recorded)


def os_reason(exc: OSError) -> str:
    return OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def directory_refusal(
    path: Path, plan: RecordingPlan, *, what: str = "Le dossier des enregistrements"
) -> str | None:
    """Why `path` cannot take the plan's recordings (a French sentence), or None."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".plateau-ecriture"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as exc:
        return (
            f"{what} {path} n'est pas utilisable ({os_reason(exc)}) : aucun appel ne "
            "pourrait être enregistré. Donnez-en les droits d'écriture ou choisissez-en un "
            "autre (PLATEAU_RECORDINGS_DIR)."
        )
    free = shutil.disk_usage(path).free
    needed = plan.needed_bytes
    if free >= needed:
        return None
    calls = (
        f"les appels prévus ({plan.candidates} candidat(s), {plan.minutes} min de phase "
        "d'appels) en demandent"
        if plan.candidates
        else "il en faut au moins"
    )
    return (
        f"{what} {path} n'a que {free / MB:.1f} Mo libres ; {calls} environ "
        f"{needed / MB:.0f} Mo. Libérez de la place ou choisissez un autre disque "
        "(PLATEAU_RECORDINGS_DIR)."
    )


def start_refusal(settings: Settings, plan: RecordingPlan) -> str | None:
    """The recordings directory, and the fallback one when set (it must take the same)."""
    refusal = directory_refusal(settings.recordings_path, plan)
    if refusal is None and settings.recordings_fallback_dir is not None:
        refusal = directory_refusal(
            settings.recordings_fallback_dir,
            plan,
            what="Le dossier de secours des enregistrements (PLATEAU_RECORDINGS_FALLBACK_DIR)",
        )
    return refusal


# --- where a recording is --------------------------------------------------------------


def fallback_for(settings: Settings, path: Path) -> Path | None:
    """The same file under the fallback directory, when one is set."""
    fallback = settings.recordings_fallback_dir
    if fallback is None or not path.is_relative_to(settings.recordings_path):
        return None
    return fallback / path.relative_to(settings.recordings_path)


def relative_path(settings: Settings, path: Path) -> str:
    """A recording's path as stored: relative to whichever directory holds it."""
    for root in (settings.recordings_path, settings.recordings_fallback_dir):
        if root is not None and path.is_relative_to(root):
            return str(path.relative_to(root))
    raise ValueError(f"{path} is in no recordings directory")


def locate(settings: Settings, relative: str) -> Path:
    """The file of a stored path: in the recordings directory, else in the fallback one."""
    primary = settings.recordings_path / relative
    fallback = settings.recordings_fallback_dir
    if primary.is_file() or fallback is None:
        return primary
    moved = fallback / relative
    return moved if moved.is_file() else primary


async def refusal_at_start(settings: Settings, today: date) -> str | None:
    """What `plateau serve` and `plateau demo` check before serving (migrated database)."""
    from server.core.db import Database
    from server.core.referential import load_titles

    titles = load_titles(settings.scenarios_dir / "titles")
    db = Database(settings.database_url, pooled=False)
    try:
        async with db.session() as session:
            plan = await planned_recordings(session, titles, today)
    finally:
        await db.dispose()
    return start_refusal(settings, plan)
