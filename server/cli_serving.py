"""What `plateau demo` and `plateau serve` share (server/cli.py): the app served under uvicorn
(TLS from the settings or from the local authority), the data files and the recordings checked
before anything is served, the migrations, the accelerated clock of a rehearsal, and SIGTERM
unwinding the media workers. Failures in French, like the commands."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from server.cli_common import fail, listening_socket, os_reason
from server.core.clock import Clock
from server.core.config import Settings

if TYPE_CHECKING:
    from server.telephony.workers.local import LocalWorkers


def serve_app(
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


def tls_for(settings: Settings, enabled: bool) -> tuple[Path, Path] | None:
    if settings.tls_cert and settings.tls_key:
        return settings.tls_cert, settings.tls_key
    if not enabled:
        return None
    from server.core.tls import default_hostnames, ensure_server_certificate

    names = default_hostnames(settings.public_name_list)
    files = ensure_server_certificate(settings.data_dir / "tls", names)
    typer.echo(f"HTTPS : certificat émis par l'autorité locale {files.ca_cert}")
    return files.cert, files.key


def check_speed(speed: float) -> None:
    from server.core.clock import AcceleratedClock

    if not 1 <= speed <= AcceleratedClock.MAX_RATE:
        fail(f"--speed : un nombre de 1 à {AcceleratedClock.MAX_RATE:g} (60 : 4 h en 4 min).")


def rehearsal_clock(speed: float, settings: Settings) -> Clock:
    from server.core.clock import AcceleratedClock
    from server.demo import rehearsal_start

    check_speed(speed)
    return AcceleratedClock(speed, asyncio.run(rehearsal_start(settings.database_url)))


def prepare_files(settings: Settings, *, create_database: bool = True) -> None:
    """The data and recordings folders and the SQLite file, owner-only; refused in French."""
    from server.core.files import prepare_private_files

    try:
        prepare_private_files(settings, create_database=create_database)
    except OSError as exc:
        fail(
            f"Impossible de préparer les fichiers de Plateau ({os_reason(exc)} : "
            f"{exc.filename}). Vérifiez PLATEAU_DATA_DIR, PLATEAU_RECORDINGS_DIR, "
            "PLATEAU_DATABASE_URL et les droits sur leurs dossiers."
        )


def check_recordings(settings: Settings) -> None:
    """The recordings directory (and the fallback one) can be written and has room for the
    calls planned from today on: refused in French otherwise, before anything is served."""
    from datetime import datetime

    from server.telephony.storage import refusal_at_start

    refusal = asyncio.run(refusal_at_start(settings, datetime.now(settings.zone).date()))
    if refusal is not None:
        fail(refusal)


def migrate(url: str, revision: str = "heads") -> None:
    """Migrations with their failures in French (an unreachable or unwritable database)."""
    from sqlalchemy.exc import SQLAlchemyError

    from server.core.migrations import upgrade

    try:
        upgrade(url, revision)
    except (OSError, SQLAlchemyError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        fail(
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


async def seed_then_dispose(ctx: Any, seed: Any) -> Any:
    try:
        return await seed(ctx)
    finally:
        await ctx.db.dispose()


class Terminated(BaseException):
    """SIGTERM reached `plateau serve`: unwind (stopping the media workers) before exiting."""


def terminate_by_exception() -> Any:
    """uvicorn shuts down on SIGTERM, then raises the signal again for the handler that was
    there before it: the default one would end the process at once and leave the media
    workers running. This one unwinds instead. Returns the previous handler."""

    def handler(signum: int, frame: Any) -> None:
        raise Terminated

    return signal.signal(signal.SIGTERM, handler)
