"""`plateau session …`: set up an exam day from a script (same use-cases as the pages)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.domain import Capacity, Role
from server.cli_french import french_typer
from server.core.config import Settings
from server.core.context import AppContext
from server.exams import queries, setup
from server.scenarios.referential import Pathway

app = french_typer(help="Sessions d'examen : création, candidats, jury, codes.")
T = TypeVar("T")
ACTOR = "cli"


def _run(work: Callable[[AppContext, AsyncSession], Awaitable[T]]) -> T:
    from server.app import build_context

    async def go() -> T:
        ctx = build_context(Settings(), pooled=False)
        if not ctx.settings.secret_key:
            raise typer.BadParameter("PLATEAU_SECRET_KEY est requis (il dérive les codes d'accès).")
        try:
            async with ctx.db.session() as session:
                result = await work(ctx, session)
                await session.commit()
                return result
        finally:
            await ctx.db.dispose()

    try:
        return asyncio.run(go())
    except (setup.SetupError, queries.NotFound) as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


@app.command("create")
def create(
    centre: Annotated[str, typer.Option("--centre", help="Centre d'examen.")],
    day: Annotated[str, typer.Option("--date", help="Date AAAA-MM-JJ.")],
    format_id: Annotated[str, typer.Option("--format", help="titre, ccp1 ou ccp2.")] = "titre",
    title_id: Annotated[str, typer.Option("--titre", help="Identifiant du titre.")] = "CRCD",
    pack_id: Annotated[str | None, typer.Option("--pack", help="Pack de scénarios.")] = None,
) -> None:
    """Crée une session ; affiche son identifiant."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        from server.exams.packs import freeze_pack_for_session

        snapshot = (
            await freeze_pack_for_session(ctx, session, pack_id, title_id, format_id)
            if pack_id
            else None
        )
        return await setup.create_exam_session(
            session,
            titles=ctx.titles,
            centre=centre,
            day=date.fromisoformat(day),
            title_id=title_id,
            format_id=format_id,
            pack_snapshot_id=snapshot,
            actor=ACTOR,
            clock=ctx.clock,
        )

    typer.echo(_run(work).id)


@app.command("add-candidate")
def add_candidate(
    session_id: str,
    last_name: Annotated[str, typer.Option("--nom")],
    first_name: Annotated[str, typer.Option("--prenom")],
    pathway: Annotated[Pathway, typer.Option("--parcours")] = Pathway.FORMATION_CONTINUE,
) -> None:
    """Ajoute un candidat ; affiche son identifiant et son code d'accès."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        exam = await queries.get_exam(session, session_id)
        return await setup.add_candidate(
            session,
            exam=exam,
            last_name=last_name,
            first_name=first_name,
            pathway=pathway,
            secret=ctx.settings.secret_key,
            actor=ACTOR,
            clock=ctx.clock,
        )

    cand, code = _run(work)
    typer.echo(f"{cand.participant_id}\t{code}")


@app.command("add-staff")
def add_staff(
    session_id: str,
    name: Annotated[str, typer.Option("--nom")],
    role: Annotated[str, typer.Option("--role", help="juror ou proctor.")] = "juror",
) -> None:
    """Ajoute un juré ou un surveillant ; affiche son identifiant et son code d'accès."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        exam = await queries.get_exam(session, session_id)
        return await setup.add_staff(
            session,
            exam=exam,
            role=Role(role),
            display_name=name,
            secret=ctx.settings.secret_key,
            actor=ACTOR,
            clock=ctx.clock,
        )

    person, code = _run(work)
    typer.echo(f"{person.id}\t{code}")


@app.command("assign")
def assign(
    candidate_id: str,
    juror_id: str,
    capacity: Annotated[Capacity, typer.Option("--comme", help="client ou observer.")],
) -> None:
    """Affecte un juré à un candidat (client ou observateur)."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        cand = await queries.get_candidate(session, candidate_id)
        return await setup.assign_juror(
            session,
            candidate=cand,
            juror_id=juror_id,
            capacity=capacity,
            actor=ACTOR,
            clock=ctx.clock,
        )

    _run(work)
    typer.echo("affecté")


@app.command("codes")
def codes(session_id: str) -> None:
    """Affiche la feuille des codes d'accès de la session (tabulée)."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        exam = await queries.get_exam(session, session_id)
        return await setup.access_codes(session, exam=exam, secret=ctx.settings.secret_key)

    for line in _run(work):
        typer.echo(f"{line.role.label}\t{line.display_name}\t{line.code}")


@app.command("list")
def list_sessions() -> None:
    """Liste les sessions."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        return await queries.list_sessions(session, ctx.titles)

    for s in _run(work):
        typer.echo(f"{s.id}\t{s.day}\t{s.centre}\t{s.format_name}")
