"""The `plateau` command (typer). Help and messages in French, like the pages."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from server.cli_common import fail, listening_socket, load_settings, os_reason, writable_dir
from server.cli_french import FrenchCommand, FrenchGroup, french_typer
from server.core.clock import Clock
from server.core.config import ConfigError, Settings, demo_secret

if TYPE_CHECKING:
    from server.telephony.workers.local import LocalWorkers

app = french_typer(help="Plateau : plateforme d'examen du titre CRCD.")
db_app = french_typer(help="Base de données.")
scenarios_app = french_typer(help="Référentiels et packs de scénarios.")
audit_app = french_typer(help="Journal d'audit.")
account_app = french_typer(help="Comptes des responsables de session.")
app.add_typer(db_app, name="db", cls=FrenchGroup)
app.add_typer(scenarios_app, name="scenarios", cls=FrenchGroup)
app.add_typer(audit_app, name="audit", cls=FrenchGroup)
app.add_typer(account_app, name="account", cls=FrenchGroup)


def _register_sessions() -> None:
    from server.cli_day import register as register_day
    from server.cli_media import media_worker
    from server.cli_sessions import app as sessions_app

    register_day(sessions_app)
    app.command("media-worker", cls=FrenchCommand)(media_worker)
    app.add_typer(sessions_app, name="session", cls=FrenchGroup)


_register_sessions()

HostOpt = Annotated[str | None, typer.Option("--host", help="Adresse d'écoute.")]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port d'écoute.")]


def _fail(message: str, code: int = 1) -> None:
    fail(message, code)


def _settings(**overrides: object) -> Settings:
    return load_settings(**overrides)


def _serve(
    settings: Settings,
    *,
    tls: tuple[Path, Path] | None,
    banner: str = "",
    media_supervisor: LocalWorkers | None = None,
    clock: Clock | None = None,
) -> None:
    import uvicorn

    from server.app import build_context, create_app
    from server.core.public_url import server_base_url

    sock = listening_socket(settings.host, settings.port, any_port=True)  # before the banner
    settings.port = sock.getsockname()[1]
    if not settings.public_url:  # the address printed on the codes sheet
        settings.public_url = server_base_url(settings.host, settings.port, tls=tls is not None)
    ctx = build_context(settings, clock=clock)
    ctx.services.media_supervisor = media_supervisor
    application = create_app(ctx)
    if banner:
        typer.echo(banner)
    config = uvicorn_config(application, settings, tls)
    uvicorn.Server(config).run(sockets=[sock])


def uvicorn_config(application: Any, settings: Settings, tls: tuple[Path, Path] | None) -> Any:
    """How `plateau serve` and `plateau demo` run the app under uvicorn."""
    import uvicorn

    from server.web.ws_frames import MAX_FRAME_BYTES

    return uvicorn.Config(
        application,
        host=settings.host,
        port=settings.port,
        log_level="info",
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        ws_max_size=MAX_FRAME_BYTES,  # a bigger frame is closed with 1009 by the transport
        # X-Forwarded-* are read by Plateau itself, from PLATEAU_TRUSTED_PROXIES only.
        proxy_headers=False,
    )


def _tls_for(settings: Settings, enabled: bool) -> tuple[Path, Path] | None:
    if settings.tls_cert and settings.tls_key:
        return settings.tls_cert, settings.tls_key
    if not enabled:
        return None
    from server.core.tls import default_hostnames, ensure_server_certificate

    names = default_hostnames(settings.public_name_list)
    files = ensure_server_certificate(settings.data_dir / "tls", names)
    typer.echo(f"HTTPS : certificat émis par l'autorité locale {files.ca_cert}")
    return files.cert, files.key


@app.command()
def demo(
    host: HostOpt = None,
    port: PortOpt = None,
    lan: Annotated[
        bool, typer.Option("--lan", help="Ouvrir au réseau local, en HTTPS (autorité locale).")
    ] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Dossier des données de la démo.")
    ] = None,
    speed: Annotated[
        float | None,
        typer.Option(
            "--speed",
            help="Répétition en accéléré : le temps de l'épreuve passe N fois plus vite "
            "(60 : un titre de 4 h en 4 min). Chaque lancement crée une session neuve.",
        ),
    ] = None,
) -> None:
    """Crée une base SQLite, la migre, charge les scénarios, crée une session de démonstration
    et sert les pages."""
    base = _settings(data_dir=data_dir)
    writable_dir(base.data_dir)
    if speed is not None:
        _check_speed(speed)
    secret = demo_secret(base.data_dir)
    settings = _settings(
        data_dir=base.data_dir,
        secret_key=secret,
        host=host or ("0.0.0.0" if lan else None),
        port=port,
    )
    sock = listening_socket(settings.host, settings.port)  # taken? said before any work
    sock.close()
    _prepare_files(settings)
    _migrate(settings.database_url)
    from server.app import build_context
    from server.demo import seed_demo

    # An accelerated clock starts from the migrated database's last instant (never backward).
    clock = _rehearsal_clock(speed, settings) if speed is not None else None
    logins = asyncio.run(_seed(build_context(settings, clock=clock), seed_demo))
    _check_recordings(settings)
    switch = plain_http_refusal(settings.host, lan)
    if switch:
        typer.secho(switch, fg=typer.colors.YELLOW, err=True)
    tls = _tls_for(settings, lan or switch is not None)
    scheme = "https" if tls else "http"
    shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    url = f"{scheme}://{shown_host}:{settings.port}"
    lines = [
        "",
        "Plateau — session de démonstration prête.",
        f"  Base : {settings.database_url}",
        f"  Connexion : {url}/connexion",
        f"  Responsable de session : identifiant « {logins.organiser_username} », "
        f"mot de passe « {logins.organiser_password} »",
    ]
    for line in logins.codes:
        lines.append(
            f"  {line.role.label:<12} {line.display_name:<28} {url}/connexion?code={line.code}"
        )
    if clock is not None:
        lines.append(
            f"  Horloge accélérée ×{speed:g} : une épreuve de titre (4 h) dure "
            f"{240 / (speed or 1):.0f} min ; les échéances, alertes et pauses suivent."
        )
    lines.append("Ctrl-C pour arrêter.\n")
    _serve(settings, tls=tls, banner="\n".join(lines), clock=clock)


def _check_speed(speed: float) -> None:
    from server.core.clock import AcceleratedClock

    if not 1 <= speed <= AcceleratedClock.MAX_RATE:
        _fail(f"--speed : un nombre de 1 à {AcceleratedClock.MAX_RATE:g} (60 : 4 h en 4 min).")


def _rehearsal_clock(speed: float, settings: Settings) -> Clock:
    from server.core.clock import AcceleratedClock
    from server.demo import rehearsal_start

    _check_speed(speed)
    return AcceleratedClock(speed, asyncio.run(rehearsal_start(settings.database_url)))


def _prepare_files(settings: Settings, *, create_database: bool = True) -> None:
    """The data and recordings folders and the SQLite file, owner-only; refused in French."""
    from server.core.files import prepare_private_files

    try:
        prepare_private_files(settings, create_database=create_database)
    except OSError as exc:
        _fail(
            f"Impossible de préparer les fichiers de Plateau ({os_reason(exc)} : "
            f"{exc.filename}). Vérifiez PLATEAU_DATA_DIR, PLATEAU_RECORDINGS_DIR, "
            "PLATEAU_DATABASE_URL et les droits sur leurs dossiers."
        )


def _check_recordings(settings: Settings) -> None:
    """The recordings directory (and the fallback one) can be written and has room for the
    calls planned from today on: refused in French otherwise, before anything is served."""
    from datetime import datetime

    from server.telephony.storage import refusal_at_start

    refusal = asyncio.run(refusal_at_start(settings, datetime.now(settings.zone).date()))
    if refusal is not None:
        _fail(refusal)


def _migrate(url: str, revision: str = "heads") -> None:
    """Migrations with their failures in French (an unreachable or unwritable database)."""
    from sqlalchemy.exc import SQLAlchemyError

    from server.core.migrations import upgrade

    try:
        upgrade(url, revision)
    except (OSError, SQLAlchemyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        _fail(
            f"Impossible de migrer la base de données ({first}). Vérifiez "
            "PLATEAU_DATABASE_URL et les droits sur son dossier."
        )


def plain_http_refusal(host: str, lan: bool) -> str | None:
    """A demo listening beyond this machine serves HTTPS, `--lan` or not: the organiser's
    password must not cross the network in clear. Returns the French notice, or None."""
    if lan or _loopback(host):
        return None
    return (
        f"--host {host} ouvre la démonstration au réseau : elle est servie en HTTPS "
        "(autorité locale, comme avec --lan), car le mot de passe du responsable ne doit pas "
        "circuler en clair. Pour rester en HTTP, écoutez sur 127.0.0.1."
    )


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _seed(ctx: Any, seed: Any) -> Any:
    try:
        return await seed(ctx)
    finally:
        await ctx.db.dispose()


@app.command()
def serve(
    host: HostOpt = None,
    port: PortOpt = None,
    media_workers: Annotated[
        int | None,
        typer.Option(
            "--media-workers",
            help="Workers média lancés ici (défaut : un par cœur ; 0 : ils tournent ailleurs).",
        ),
    ] = None,
) -> None:
    """Sert Plateau en production (lit PLATEAU_DATABASE_URL, PLATEAU_SECRET_KEY…), en HTTPS."""
    settings = _settings(default_media_mode="workers", host=host, port=port)
    try:
        settings.require_strong_secret()
    except ConfigError as exc:
        _fail(str(exc))
    from server.core.migrations import NotMigrated, require_current

    try:
        asyncio.run(require_current(settings.database_url))
    except NotMigrated as exc:
        _fail(str(exc))
    _prepare_files(settings, create_database=False)
    _check_recordings(settings)
    from server.cli_media import MediaUnavailable, local_media_workers

    previous = _terminate_by_exception()
    try:
        with local_media_workers(settings, media_workers) as workers:
            _serve(settings, tls=_tls_for(settings, True), media_supervisor=workers)
    except MediaUnavailable as exc:
        _fail(str(exc))
    except _Terminated:  # the workers are stopped: now end as SIGTERM asked
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM reached `plateau serve`: unwind (stopping the media workers) before exiting."""


def _terminate_by_exception() -> Any:
    """uvicorn shuts down on SIGTERM, then raises the signal again for the handler that was
    there before it: the default one would end the process at once and leave the media
    workers running. This one unwinds instead. Returns the previous handler."""

    def handler(signum: int, frame: Any) -> None:
        raise _Terminated

    return signal.signal(signal.SIGTERM, handler)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Révision cible.")] = "heads") -> None:
    """Applique les migrations (PLATEAU_DATABASE_URL)."""
    settings = _settings()
    _prepare_files(settings)
    _migrate(settings.database_url, revision)
    typer.echo(f"Base migrée ({revision}) : {settings.database_url}")


@scenarios_app.command("validate")
def scenarios_validate(
    path: Annotated[Path, typer.Argument(help="Un fichier de titre, un pack, ou un dossier.")],
) -> None:
    """Valide un référentiel de titre ou un pack de scénarios ; affiche chaque problème."""
    from server.scenarios.validate import validate_report

    settings = _settings()
    report = validate_report(path, settings.scenarios_dir / "titles")
    problems = report.all_problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if not report.valid:
        for result in report.results:  # which title or pack passed, failed, was not checked
            typer.echo(result.summary())
        skipped = sum(bool(r.skipped) for r in report.results)
        unchecked = f", {skipped} non vérifié(s)" if skipped else ""
        _fail(f"{len(problems)} problème(s){unchecked} dans {path.expanduser().resolve()}.")
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

    settings = _settings()
    secret = settings.secret_key or _stored_demo_secret(settings.data_dir)
    if not secret:
        _fail("PLATEAU_SECRET_KEY est absent : les sceaux du journal ne peuvent être vérifiés.")
    seal = AuditSeal.from_secret(secret, settings.data_dir)
    extra: Checkpoint | None = None
    if point is not None:
        try:
            data = json.loads(point.read_text(encoding="utf-8"))
            extra = Checkpoint.from_dict(data.get("audit_checkpoint", data))
        except (OSError, ValueError, AttributeError) as exc:
            _fail(f"Point de contrôle illisible dans {point} : {exc}")

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
        _fail(
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
    settings = _settings()

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
        _fail(str(exc))
    typer.echo(f"Compte « {username} » créé.")


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="plateau")
