"""Checking the audit log: the hash chain, the numbering, each row's HMAC seal, the head row
and the signed checkpoint. Every anomaly is named in French, with the row it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.audit_seal import AuditSeal, Checkpoint


@dataclass(frozen=True)
class AuditBreak:
    entry_id: int | None  # None: the log as a whole (truncated, emptied, checkpoint)
    reason: str

    def __str__(self) -> str:
        where = "journal" if self.entry_id is None else f"ligne {self.entry_id}"
        return f"{where} : {self.reason}"


@dataclass
class AuditReport:
    count: int = 0
    breaks: list[AuditBreak] = field(default_factory=list)
    legacy: int = 0  # rows written before sealing (their chain is checked, not their seal)
    sealed: int = 0
    checkpoint_seq: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


async def verify(session: AsyncSession) -> tuple[int, list[AuditBreak]]:
    """Recompute the chain; returns the number of rows checked and every break found (with the
    session's seal and the data directory's checkpoint, when the session has them)."""
    report = await check(session)
    return report.count, report.breaks


async def check(
    session: AsyncSession,
    *,
    seal: AuditSeal | None = None,
    checkpoint: Checkpoint | None = None,
    use_file: bool = True,
) -> AuditReport:
    """`seal`: defaults to the session's; `checkpoint`: one taken elsewhere (an archive's
    manifest), else the data directory's when `use_file`."""
    seal = seal or audit.seal_of(session)
    report = AuditReport()
    points: list[tuple[str, Checkpoint]] = []
    if checkpoint is not None:
        points.append(("le point de contrôle fourni", checkpoint))
    if seal is not None and use_file:
        try:
            found = seal.read_checkpoint()
        except ValueError as exc:
            report.breaks.append(AuditBreak(None, f"{exc} ({seal.checkpoint_path})"))
            found = None
        if found is not None:
            points.append(("le point de contrôle du dossier de données", found))
    for label, point in points:
        if seal is not None and not seal.checkpoint_ok(point):
            report.breaks.append(
                AuditBreak(None, f"{label} est falsifié : sa signature HMAC est invalide")
            )
    trusted = [p for _, p in points if seal is None or seal.checkpoint_ok(p)]
    sealed_from = min((p.sealed_from for p in trusted if p.sealed_from), default=None)
    hashes = await _walk(session, seal, sealed_from, report)
    last = max(hashes, default=0)
    for point in trusted:
        report.checkpoint_seq = max(report.checkpoint_seq or 0, point.seq)
        _against_checkpoint(point, hashes, last, report)
    head = await session.get(audit.AuditHead, audit.HEAD_ID, populate_existing=True)
    if head is not None and head.seq > last:
        report.breaks.append(AuditBreak(None, _missing(last + 1, head.seq, "la tête du journal")))
    if seal is not None and report.sealed and not points:
        report.breaks.append(
            AuditBreak(
                None,
                "point de contrôle introuvable : une troncature ne peut pas être exclue "
                f"({seal.checkpoint_path})",
            )
        )
    if report.legacy:
        report.notes.append(
            f"{report.legacy} ligne(s) antérieure(s) au scellement : chaîne d'empreintes "
            "vérifiée, ancrée par la première ligne scellée"
        )
    return report


async def _walk(
    session: AsyncSession, seal: AuditSeal | None, sealed_from: int | None, report: AuditReport
) -> dict[int, str]:
    hashes: dict[int, str] = {}
    prev, expected = audit.GENESIS, 1
    seen_sealed = False
    rows = await session.stream_scalars(
        select(audit.AuditEntry).order_by(audit.AuditEntry.seq, audit.AuditEntry.id)
    )
    async for e in rows:
        report.count += 1
        if e.seq > expected:
            report.breaks.append(AuditBreak(e.id, _deleted(expected, e.seq - 1)))
        elif e.seq < expected:
            report.breaks.append(AuditBreak(e.id, f"numéro de ligne {e.seq} en double"))
        elif e.prev_hash != prev:
            report.breaks.append(
                AuditBreak(e.id, "chaînage rompu (ligne supprimée ou insérée avant)")
            )
        expected_hash = audit.entry_hash(
            e.prev_hash, e.at, e.actor, e.action, e.exam_session_id, e.subject, e.details
        )
        if expected_hash != e.hash:
            report.breaks.append(AuditBreak(e.id, "contenu modifié (empreinte différente)"))
        if seal is not None:
            must_be_sealed = seen_sealed or (sealed_from is not None and e.seq >= sealed_from)
            if e.mac is None and must_be_sealed:
                report.breaks.append(
                    AuditBreak(e.id, f"ligne n° {e.seq} sans sceau après le début du scellement")
                )
            elif e.mac is None:
                report.legacy += 1
            elif not seal.entry_ok(e.seq, e.hash, e.mac):
                report.breaks.append(
                    AuditBreak(
                        e.id,
                        f"ligne n° {e.seq} réécrite : son sceau HMAC ne correspond pas "
                        "(empreintes recalculées sans la clé du serveur)",
                    )
                )
            else:
                report.sealed += 1
                seen_sealed = True
        elif e.mac is None:
            report.legacy += 1
        hashes[e.seq] = e.hash
        prev, expected = e.hash, max(expected, e.seq + 1)
    return hashes


def _against_checkpoint(
    point: Checkpoint, hashes: dict[int, str], last: int, report: AuditReport
) -> None:
    if point.seq == 0:
        return
    if not hashes:
        report.breaks.append(
            AuditBreak(
                None,
                f"journal vidé : le point de contrôle signé atteste {point.seq} ligne(s), "
                "la table n'en contient aucune",
            )
        )
    elif last < point.seq:
        report.breaks.append(AuditBreak(None, _missing(last + 1, point.seq, "le point signé")))
    elif point.seq in hashes and hashes[point.seq] != point.hash:
        report.breaks.append(
            AuditBreak(
                None,
                f"ligne n° {point.seq} réécrite : son empreinte n'est plus celle du point de "
                "contrôle signé (chaîne recalculée)",
            )
        )


def _deleted(first: int, last: int) -> str:
    which = f"n° {first}" if first == last else f"n° {first} à {last}"
    return f"ligne(s) {which} supprimée(s) avant celle-ci : chaînage rompu"


def _missing(first: int, last: int, source: str) -> str:
    which = f"n° {first}" if first == last else f"n° {first} à {last}"
    return f"journal tronqué : ligne(s) {which} manquante(s) (attestées par {source})"
