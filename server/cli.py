"""The `plateau` command (typer). Help and messages in French, like the pages."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import typer

from server.cli_admin import account_app, audit_app, db_app, scenarios_app
from server.cli_common import fail, listening_socket, load_settings, writable_dir
from server.cli_french import FrenchCommand, FrenchGroup, french_typer
from server.cli_serving import (
    Terminated,
    check_recordings,
    check_speed,
    migrate,
    plain_http_refusal,
    prepare_files,
    rehearsal_clock,
    seed_then_dispose,
    terminate_by_exception,
    tls_for,
    uvicorn_config,
)
from server.cli_serving import serve_app as _serve  # by this name: a test replaces it
from server.core.config import ConfigError, Settings, demo_secret

# `plateau demo` and `plateau serve` are here; what they share is in cli_serving.py, the
# administration commands in cli_admin.py (their groups added below), the exam sessions' in
# cli_sessions.py and cli_day.py, the media worker's in cli_media.py.
__all__ = ["app", "plain_http_refusal", "uvicorn_config"]

app = french_typer(help="Plateau : plateforme d'examen du titre CRCD.")
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
        check_speed(speed)
    secret = demo_secret(base.data_dir)
    settings = _settings(
        data_dir=base.data_dir,
        secret_key=secret,
        host=host or ("0.0.0.0" if lan else None),
        port=port,
    )
    sock = listening_socket(settings.host, settings.port)  # taken? said before any work
    sock.close()
    prepare_files(settings)
    migrate(settings.database_url)
    from server.app import build_context
    from server.demo import seed_demo

    # An accelerated clock starts from the migrated database's last instant (never backward).
    clock = rehearsal_clock(speed, settings) if speed is not None else None
    logins = asyncio.run(seed_then_dispose(build_context(settings, clock=clock), seed_demo))
    check_recordings(settings)
    switch = plain_http_refusal(settings.host, lan)
    if switch:
        typer.secho(switch, fg=typer.colors.YELLOW, err=True)
    tls = tls_for(settings, lan or switch is not None)
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
    prepare_files(settings, create_database=False)
    check_recordings(settings)
    from server.cli_media import MediaUnavailable, local_media_workers

    previous = terminate_by_exception()
    try:
        with local_media_workers(settings, media_workers) as workers:
            _serve(settings, tls=tls_for(settings, True), media_supervisor=workers)
    except MediaUnavailable as exc:
        _fail(str(exc))
    except Terminated:  # the workers are stopped: now end as SIGTERM asked
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="plateau")
