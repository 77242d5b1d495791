"""`plateau session …`: set up and run an exam day from a script, with the same use-cases as
the organiser's pages (server/cli_day.py adds the day's controls). Every refusal in French."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from server.cli_common import fail, load_settings, parse_day
from server.cli_french import french_typer
from server.core.context import AppContext
from server.core.identity import Capacity, Role
from server.core.referential import Pathway
from server.exams import queries, setup

app = french_typer(help="Sessions d'examen : création, candidats, jury, codes, déroulé.")
T = TypeVar("T")
ACTOR = "cli"


class StaffRole(StrEnum):
    """`--role`: in French or as the API says it."""

    JURE = "jure"
    SURVEILLANT = "surveillant"
    JUROR = "juror"
    PROCTOR = "proctor"

    @property
    def role(self) -> Role:
        return Role.PROCTOR if self in (StaffRole.SURVEILLANT, StaffRole.PROCTOR) else Role.JUROR


def refusals() -> tuple[type[Exception], ...]:
    """Every domain refusal a command may meet: printed in French, exit code 1."""
    from server.certification.errors import CertificationRefused
    from server.core.migrations import NotMigrated
    from server.documents.issued import DocumentRefused
    from server.exams.timeline import TimelineError
    from server.outcomes import OutcomeError

    return (
        setup.SetupError,
        queries.NotFound,
        TimelineError,
        DocumentRefused,
        CertificationRefused,
        OutcomeError,
        NotMigrated,
    )


def run(work: Callable[[AppContext, AsyncSession], Awaitable[T]], *, secret: bool = True) -> T:
    """Runs `work` in one transaction on the configured database (checked current first)."""
    from sqlalchemy.exc import SQLAlchemyError

    from server.app import build_context
    from server.core.migrations import require_current

    settings = load_settings()
    if secret and not settings.secret_key:
        fail("PLATEAU_SECRET_KEY est requis (il dérive les codes d'accès).")

    async def go() -> T:
        await require_current(settings.database_url)
        ctx = build_context(settings, pooled=False)
        try:
            async with ctx.db.session() as session:
                result = await work(ctx, session)
                await session.commit()
                return result
        finally:
            await ctx.db.dispose()

    try:
        return asyncio.run(go())
    except refusals() as exc:
        fail(str(exc))
    except (OSError, SQLAlchemyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        fail(f"Base de données inaccessible ({first}) : vérifiez PLATEAU_DATABASE_URL.")


_run = run


@app.command("create")
def create(
    centre: Annotated[str, typer.Option("--centre", help="Centre d'examen.")],
    day: Annotated[str, typer.Option("--date", help="Date AAAA-MM-JJ.")],
    format_id: Annotated[str, typer.Option("--format", help="titre, ccp1 ou ccp2.")] = "titre",
    title_id: Annotated[str, typer.Option("--titre", help="Identifiant du titre.")] = "CRCD",
    pack_id: Annotated[str | None, typer.Option("--pack", help="Pack de scénarios.")] = None,
) -> None:
    """Crée une session ; affiche son identifiant."""
    when = parse_day(day)

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
            day=when,
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
    role: Annotated[
        StaffRole, typer.Option("--role", help="jure (juror) ou surveillant (proctor).")
    ] = StaffRole.JURE,
) -> None:
    """Ajoute un juré ou un surveillant ; affiche son identifiant et son code d'accès."""

    async def work(ctx: AppContext, session: AsyncSession) -> Any:
        exam = await queries.get_exam(session, session_id)
        return await setup.add_staff(
            session,
            exam=exam,
            role=role.role,
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
