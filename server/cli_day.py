"""`plateau session …` for the day itself, as the organiser's pages do it: the pack list and a
pack chosen later, who is in a session, planned starts and accommodations, starting, ending a
phase early and closing an exam (with a reason from the list), correcting and removing people,
issuing the documents. Registered on server/cli_sessions.py's group by `register`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli_common import fail, os_reason, parse_instant
from server.cli_sessions import ACTOR, run
from server.core import localtime
from server.core.context import AppContext
from server.core.localtime import duration
from server.core.referential import Pathway
from server.exams.closure import StopReason, reasons_for

if TYPE_CHECKING:
    from server.core.loading import Problem
    from server.scenarios.pack.models import ScenarioPack

CandidateArg = Annotated[
    str, typer.Argument(help="Identifiant du candidat (plateau session show).")
]
SessionArg = Annotated[
    str, typer.Argument(help="Identifiant de la session (plateau session list).")
]
CommentOpt = Annotated[str, typer.Option("--commentaire", help="Ce qui s'est passé (obligatoire).")]


class DocumentKind(StrEnum):
    PV = "pv"
    RESULTATS = "resultats"
    LIVRET = "livret"
    GRILLE = "grille"


def _reason_help(closing: bool) -> str:
    return "Motif : " + ", ".join(
        f"{r['value']} ({r['label']})" for r in reasons_for(closing=closing)
    )


def _timeline(candidate_id: str, command: Any) -> Any:
    """Runs a timeline command as the pages do (persisted, audited as `cli`)."""
    from server.exams import timeline_service

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        return await timeline_service.run(ctx, candidate_id, command, actor=ACTOR)

    return run(work)


def _state_line(state: Any) -> str:
    phase = f" — {state.phase_label}" if state.phase_label else ""
    return f"{state.status_label}{phase}"


def packs() -> None:
    """Liste les packs de scénarios (identifiant, version, titre, formats servis)."""

    from server.scenarios.catalogue import loaded_packs

    async def work(
        ctx: AppContext, session: AsyncSession
    ) -> tuple[dict[str, ScenarioPack], list[Problem]]:
        return loaded_packs(ctx), ctx.services.pack_problems

    loaded, problems = run(work, secret=False)
    for pack_id in sorted(loaded):
        pack = loaded[pack_id]
        formats = ", ".join(use.format for use in pack.formats)
        typer.echo(f"{pack.id}\tv{pack.version}\t{pack.title}\t{formats}\t{pack.name}")
    for problem in problems:  # a pack left out: each of its problems, file and field
        typer.echo(f"pack non chargé\t{problem}", err=True)


def show(session_id: SessionArg) -> None:
    """Affiche une session : candidats (avec leur jury), jurés, surveillants, personnes retirées."""
    from server.exams import queries

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        return await queries.session_detail(session, session_id, ctx.titles)

    detail = run(work, secret=False)
    s = detail.session
    typer.echo(f"{s.centre} — {localtime.long_day(s.day)} — {s.format_name}")
    typer.echo(f"Pack : {s.pack_label or 'aucun (plateau session set-pack)'}")
    names = {p.id: p.display_name for p in detail.staff}
    for c in detail.candidates:
        jury = f"client : {names.get(c.client_juror_id or '', '—')}, " + (
            f"observateur : {names.get(c.observer_juror_id or '', '—')}"
        )
        typer.echo(f"candidat\t{c.id}\t{c.display_name}\t{c.pathway_label}\t{jury}")
    for p in detail.staff:
        typer.echo(f"{p.role.label.lower()}\t{p.id}\t{p.display_name}")
    for r in detail.removed:
        typer.echo(f"retiré\t{r.id}\t{r.display_name}\t{r.reason}")


def set_pack(session_id: SessionArg, pack_id: Annotated[str, typer.Argument(help="Pack.")]) -> None:
    """Choisit le pack de scénarios d'une session créée sans (ou le change avant tout départ)."""
    from server.exams import queries
    from server.exams.packs import choose_pack

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        exam = await queries.get_exam(session, session_id)
        return await choose_pack(ctx, session, exam, pack_id, actor=ACTOR)

    run(work)
    typer.echo(f"Pack « {pack_id} » figé dans la session.")


def start(candidate_id: CandidateArg) -> None:
    """Démarre l'épreuve du candidat maintenant."""
    state = _timeline(candidate_id, lambda t: t.start(by=ACTOR))
    typer.echo(_state_line(state))


def plan(
    candidate_id: CandidateArg,
    at: Annotated[
        str | None,
        typer.Option("--depart", help="Heure de départ AAAA-MM-JJ HH:MM (heure du centre)."),
    ] = None,
    cancel: Annotated[bool, typer.Option("--annuler", help="Annule le départ planifié.")] = False,
) -> None:
    """Planifie le départ du candidat (départs échelonnés) ; refuse une heure passée."""
    from server.exams import timeline_service

    if (at is None) == (not cancel):
        fail("Donnez --depart AAAA-MM-JJ HH:MM, ou --annuler.")
    holder: dict[str, datetime | None] = {}

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        when = parse_instant(at, ctx.settings.zone) if at else None
        holder["at"] = when
        await timeline_service.plan_start(ctx, session, candidate_id, when, actor=ACTOR)
        return ctx.settings.zone

    zone = run(work)
    when = holder.get("at")
    typer.echo(f"Départ prévu le {localtime.date_time(when, zone)}" if when else "Départ annulé.")


def accommodation(
    candidate_id: CandidateArg,
    tiers_temps: Annotated[
        bool, typer.Option("--tiers-temps", help="Un tiers de temps en plus (exactement 1/3).")
    ] = False,
    percent: Annotated[
        int, typer.Option("--pourcent", min=0, max=100, help="Temps en plus, en %.")
    ] = 0,
    minutes: Annotated[
        int, typer.Option("--minutes", min=0, max=120, help="Minutes en plus par phase.")
    ] = 0,
    note: Annotated[str, typer.Option("--motif", help="Motif (ex. : Tiers-temps).")] = "",
) -> None:
    """Fixe l'aménagement d'épreuve (avant le départ) : temps en plus des phases minutées."""
    from server.exams.timeline_facts import Accommodation

    ratio = Fraction(1, 3) if tiers_temps else Fraction(percent, 100)
    chosen = Accommodation(
        extra_ratio=ratio,
        extra_minutes=minutes,
        note=note or ("Tiers-temps" if tiers_temps else ""),
    )
    state = _timeline(candidate_id, lambda t: t.set_accommodation(chosen, by=ACTOR))
    planned = [f"{p.label} {duration(p.planned_seconds)}" for p in state.phases if p.timed]
    typer.echo("Aménagement enregistré : " + ", ".join(planned))


def end_phase(
    candidate_id: CandidateArg,
    reason: Annotated[StopReason, typer.Option("--motif", help=_reason_help(False))],
    comment: CommentOpt,
) -> None:
    """Termine maintenant la phase minutée en cours (la suivante commence)."""
    state = _timeline(candidate_id, lambda t: t.end_phase_early(reason, comment, by=ACTOR))
    typer.echo(_state_line(state))


def close(
    candidate_id: CandidateArg,
    reason: Annotated[StopReason, typer.Option("--motif", help=_reason_help(True))],
    comment: CommentOpt,
) -> None:
    """Clôt l'épreuve du candidat (abandon, fraude, panne, demande du jury)."""
    state = _timeline(candidate_id, lambda t: t.close_exam(reason, comment, by=ACTOR))
    typer.echo(_state_line(state))
    if state.closure is not None:
        typer.echo(state.closure.outcome)


def correct_candidate(
    session_id: SessionArg,
    candidate_id: CandidateArg,
    last_name: Annotated[str | None, typer.Option("--nom")] = None,
    first_name: Annotated[str | None, typer.Option("--prenom")] = None,
    pathway: Annotated[Pathway | None, typer.Option("--parcours")] = None,
) -> None:
    """Corrige le nom, le prénom ou le parcours d'un candidat ; réémet les documents émis."""
    from server.exams import service

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        change = await service.correct_candidate(
            ctx,
            session,
            session_id,
            candidate_id,
            last_name=last_name,
            first_name=first_name,
            pathway=pathway,
            actor=ACTOR,
        )
        return change, await _reissue(ctx, session_id, change)

    change, docs = run(work)
    typer.echo(f"Corrigé : {change.summary}")
    for line in docs:
        typer.echo(f"Nouvelle version émise : {line}")


def correct_staff(
    session_id: SessionArg,
    person_id: Annotated[str, typer.Argument(help="Identifiant du juré ou du surveillant.")],
    name: Annotated[str, typer.Option("--nom", help="Nom affiché corrigé.")],
) -> None:
    """Corrige le nom affiché d'un juré ou d'un surveillant ; réémet les documents émis."""
    from server.exams import service

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        change = await service.correct_staff(
            ctx, session, session_id, person_id, display_name=name, actor=ACTOR
        )
        return change, await _reissue(ctx, session_id, change)

    change, docs = run(work)
    typer.echo(f"Corrigé : {change.summary}")
    for line in docs:
        typer.echo(f"Nouvelle version émise : {line}")


async def _reissue(ctx: AppContext, session_id: str, change: Any) -> list[str]:
    from server.documents import issued

    docs = await issued.reissue_after_change(
        ctx,
        exam_session_id=session_id,
        candidate_ids=change.candidate_ids,
        reason=f"Correction — {change.summary}",
        actor=ACTOR,
    )
    return [f"{issued.KINDS[d.kind].label} v{d.version}" for d in docs]


def remove(
    session_id: SessionArg,
    person_id: Annotated[str, typer.Argument(help="Identifiant de la personne.")],
    reason: Annotated[str, typer.Option("--motif", help="Motif du retrait (obligatoire).")],
) -> None:
    """Retire une personne qui n'a pas commencé ; son code cesse de fonctionner."""
    from server.exams import people

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        return await people.remove_participant(
            session,
            participant_id=person_id,
            exam_session_id=session_id,
            reason=reason,
            actor=ACTOR,
            clock=ctx.clock,
        )

    change = run(work)
    typer.echo(f"Retiré : {change.before['display_name']} ({change.role.label.lower()}).")


def issue(
    session_id: SessionArg,
    kind: Annotated[
        DocumentKind, typer.Option("--document", help="pv, resultats, livret, grille.")
    ],
    candidate_id: Annotated[
        str | None, typer.Option("--candidat", help="Pour un livret ou une grille.")
    ] = None,
    reason: Annotated[str, typer.Option("--motif", help="Motif de l'émission.")] = "Émission",
    out: Annotated[Path | None, typer.Option("--sortie", help="Fichier PDF où l'écrire.")] = None,
) -> None:
    """Émet la version suivante d'un document (les précédentes sont conservées)."""
    from server.documents import issued

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        return await issued.issue(
            ctx,
            exam_session_id=session_id,
            kind=kind.value,
            candidate_id=candidate_id,
            reason=reason,
            actor=ACTOR,
        )

    doc = run(work)
    typer.echo(
        f"{issued.KINDS[doc.kind].label} version {doc.version} émise (SHA-256 {doc.sha256})."
    )
    if out is not None:
        try:
            out.write_bytes(doc.content)
        except OSError as exc:
            fail(f"Impossible d'écrire {out} : {os_reason(exc)}.")
        typer.echo(f"Écrit dans {out}.")


def documents(session_id: SessionArg) -> None:
    """Liste les documents émis de la session, chaque version avec son empreinte."""
    from server.documents import issued

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        from server.exams import queries

        await queries.get_exam(session, session_id)
        return [issued.issued_out(d, ctx) for d in await issued.issued_list(session, session_id)]

    for d in run(work, secret=False):
        subject = "" if d["subject"] == issued.SESSION else f" ({d['subject']})"
        typer.echo(
            f"{d['label']}{subject}\tv{d['version']}\t{d['issued_at_label']}\t{d['issued_by']}"
            f"\t{d['reason']}\t{d['sha256']}"
        )


COMMANDS: dict[str, Callable[..., None]] = {
    "packs": packs,
    "show": show,
    "set-pack": set_pack,
    "start": start,
    "plan": plan,
    "accommodation": accommodation,
    "end-phase": end_phase,
    "close": close,
    "correct-candidate": correct_candidate,
    "correct-staff": correct_staff,
    "remove": remove,
    "issue": issue,
    "documents": documents,
}


def register(app: typer.Typer) -> None:
    for name, command in COMMANDS.items():
        app.command(name)(command)
