"""`plateau media-worker`: one media worker process (run one per core; on this host or others),
and `local_media_workers`, which `plateau serve` wraps around the web server in workers mode.

Registered in `server/cli.py` with:
    from server.cli_media import media_worker
    app.command("media-worker")(media_worker)
Also runnable alone: `python -m server.cli_media --port 8701`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from server.core.config import Settings
    from server.telephony.workers.local import LocalWorkers


class MediaUnavailable(RuntimeError):
    """Workers mode cannot start: the message says what to start or set."""


def require_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise MediaUnavailable(
            f"Redis injoignable ({url}) : les workers média s'y inscrivent. Démarrez Redis, "
            "réglez PLATEAU_MEDIA_REDIS_URL, ou servez l'audio dans le processus web "
            "(PLATEAU_MEDIA_MODE=inprocess, une seule machine, un seul cœur pour l'audio)."
        ) from exc
    finally:
        client.close()


@contextmanager
def local_media_workers(
    settings: Settings, count: int | None = None
) -> Iterator[LocalWorkers | None]:
    """In workers mode (the default of `plateau serve`; `PLATEAU_MEDIA_MODE`), check Redis, start
    `count` local media workers (default `PLATEAU_MEDIA_WORKERS`, else one per core; 0: none, the
    workers run on other hosts), wait until they answer, yield their supervisor (None when no
    worker runs here), stop them on exit. Raises `MediaUnavailable` with the remedy."""
    from server.telephony.workers.local import LocalWorkers
    from server.telephony.workers.settings import MediaSettings

    media = MediaSettings()
    if media.chosen_mode(settings.default_media_mode) != "workers":
        yield None
        return
    require_redis(media.redis_url)
    if count == 0:
        yield None
        return
    workers = LocalWorkers(
        media, media.api_token(settings.secret_key), settings.recordings_path, count=count
    )
    try:
        workers.start()
        try:
            workers.wait_registered()
        except RuntimeError as exc:
            raise MediaUnavailable(f"{exc} : voir sa sortie ci-dessus.") from exc
        typer.echo(f"{workers.count} worker(s) média locaux : ports {workers.ports()}")
        yield workers
    finally:
        workers.stop()


def media_worker(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port d'écoute.")] = 8701,
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", help="Appels simultanés acceptés (défaut : réglage)."),
    ] = None,
    worker_id: Annotated[
        str | None, typer.Option("--worker-id", help="Nom unique du worker.")
    ] = None,
    advertise: Annotated[
        str | None,
        typer.Option(
            "--advertise", help="URL annoncée au serveur web (défaut : http://hôte:port)."
        ),
    ] = None,
    recordings_dir: Annotated[
        Path | None,
        typer.Option("--recordings-dir", help="Dossier des enregistrements (stockage partagé)."),
    ] = None,
    parent_pid: Annotated[
        int | None,
        typer.Option("--parent-pid", hidden=True, help="Serveur dont le worker dépend."),
    ] = None,
    owner: Annotated[
        str, typer.Option("--owner", hidden=True, help="Instance du serveur qui l'a lancé.")
    ] = "",
) -> None:
    """Lance un worker média : relais audio, mixage et enregistrement des appels de ses salles ;
    il s'inscrit dans Redis (PLATEAU_MEDIA_REDIS_URL) avec sa capacité."""
    if parent_pid:  # started by `plateau serve`: die with it, even if it is killed
        from server.telephony.workers.supervision import die_with_parent

        die_with_parent(parent_pid)
    import logging

    from server.core.config import Settings
    from server.telephony.workers.registry import Registry
    from server.telephony.workers.settings import MediaSettings
    from server.telephony.workers.worker import MediaWorker, serve_worker

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    media = MediaSettings()
    try:
        token = media.api_token(settings.secret_key)
    except ValueError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    worker = MediaWorker(
        worker_id=worker_id or f"{socket.gethostname()}-{port}",
        url=advertise or f"http://{shown}:{port}",
        capacity=capacity or media.rooms_per_worker,
        token=token,
        recordings_root=recordings_dir or settings.recordings_path,
        registry=Registry.from_url(media.redis_url, media.namespace, media.ttl_s),
        heartbeat_s=media.heartbeat_s,
        owner=owner,
        parent_pid=parent_pid,
        fallback_root=settings.recordings_fallback_dir,
    )
    shown_capacity = worker.port.admission.capacity
    typer.echo(f"Worker média {worker.worker_id} : {worker.url}, capacité {shown_capacity}")
    serve_worker(worker, host, port, realtime=media.realtime_priority, nice=media.nice)


if __name__ == "__main__":  # pragma: no cover
    typer.run(media_worker)
