"""The administration commands of `plateau` and their groups (added to `plateau` in
server/cli.py): `db upgrade`, `scenarios validate`, `audit verify`, `account create`. Help and
messages in French."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from server.cli_common import fail, load_settings
from server.cli_french import french_typer
from server.cli_serving import migrate, prepare_files

db_app = french_typer(help="Base de données.")
scenarios_app = french_typer(help="Référentiels et packs de scénarios.")
audit_app = french_typer(help="Journal d'audit.")
account_app = french_typer(help="Comptes des responsables de session.")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Révision cible.")] = "heads") -> None:
    """Applique les migrations (PLATEAU_DATABASE_URL)."""
    settings = load_settings()
    prepare_files(settings)
    migrate(settings.database_url, revision)
    typer.echo(f"Base migrée ({revision}) : {settings.database_url}")


@scenarios_app.command("validate")
def scenarios_validate(
    path: Annotated[Path, typer.Argument(help="Un fichier de titre, un pack, ou un dossier.")],
) -> None:
    """Valide un référentiel de titre ou un pack de scénarios ; affiche chaque problème."""
    from server.scenarios.validate import validate_report

    settings = load_settings()
    report = validate_report(path, settings.scenarios_dir / "titles")
    problems = report.all_problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if not report.valid:
        for result in report.results:  # which title or pack passed, failed, was not checked
            typer.echo(result.summary())
        skipped = sum(bool(r.skipped) for r in report.results)
        unchecked = f", {skipped} non vérifié(s)" if skipped else ""
        fail(f"{len(problems)} problème(s){unchecked} dans {path.expanduser().resolve()}.")
    checked = [r.name for r in report.results]
    typer.echo(f"OK : {', '.join(checked) or 'rien à valider'}")


@audit_app.command("verify")
def audit_verify(
    point: Annotated[
        Path | None,
        typer.Option(
            "--point",
            help="Point de contrôle signé pris ailleurs : le manifeste d'une archive de recours "
            "(manifeste.json) ou une copie du fichier audit-checkpoint.json.",
        ),
    ] = None,
) -> None:
    """Vérifie le journal d'audit : chaîne d'empreintes, numérotation, sceaux HMAC et point de
    contrôle signé ; nomme chaque altération (ligne réécrite, supprimée, journal tronqué ou
    vidé)."""
    from server.core import audit
    from server.core.audit_seal import AuditSeal, Checkpoint
    from server.core.audit_verify import AuditReport, check
    from server.core.db import Database

    settings = load_settings()
    secret = settings.secret_key or _stored_demo_secret(settings.data_dir)
    if not secret:
        fail("PLATEAU_SECRET_KEY est absent : les sceaux du journal ne peuvent être vérifiés.")
    seal = AuditSeal.from_secret(secret, settings.data_dir)
    extra: Checkpoint | None = None
    if point is not None:
        try:
            data = json.loads(point.read_text(encoding="utf-8"))
            extra = Checkpoint.from_dict(data.get("audit_checkpoint", data))
        except (OSError, ValueError, AttributeError) as exc:
            fail(f"Point de contrôle illisible dans {point} : {exc}")

    async def run() -> AuditReport:
        db = Database(settings.database_url, pooled=False)
        audit.attach_seal(db.sessionmaker, seal)
        try:
            async with db.session() as session:
                return await check(session, checkpoint=extra)
        finally:
            await db.dispose()

    report = asyncio.run(run())
    for b in report.breaks:
        typer.echo(str(b), err=True)
    for note in report.notes:
        typer.echo(note)
    if report.breaks:
        fail(
            f"Journal d'audit ALTÉRÉ : {len(report.breaks)} anomalie(s) sur {report.count} lignes."
        )
    anchored = (
        f", point de contrôle signé à la ligne {report.checkpoint_seq}"
        if report.checkpoint_seq is not None
        else ""
    )
    typer.echo(f"Journal d'audit intègre : {report.count} lignes vérifiées{anchored}.")


def _stored_demo_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


@account_app.command("create")
def account_create(
    username: Annotated[str, typer.Argument(help="Identifiant.")],
    display_name: Annotated[str, typer.Option("--nom", help="Nom affiché.")] = "",
) -> None:
    """Crée un compte de responsable de session (mot de passe demandé)."""
    from server.auth import service
    from server.core.clock import SystemClock
    from server.core.db import Database

    password = typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    settings = load_settings()

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                await service.create_account(
                    session,
                    username=username,
                    display_name=display_name or username,
                    password=password,
                    clock=SystemClock(),
                )
                await session.commit()
        finally:
            await db.dispose()

    try:
        asyncio.run(run())
    except service.AuthError as exc:
        fail(str(exc))
    typer.echo(f"Compte « {username} » créé.")
