"""What every `plateau` command shares: refusals in French (never a traceback), settings read
once with their errors in French, days and instants typed by a person, the listening socket
opened before anything is printed."""

from __future__ import annotations

import errno
import socket
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError

from server.core.config import Settings
from server.core.french_errors import french_message

OS_ERRORS = {
    errno.ENOENT: "dossier parent introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération interdite",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.ENOTDIR: "un fichier porte déjà ce nom",
    errno.EEXIST: "existe déjà",
}


def os_reason(exc: OSError) -> str:
    """An operating-system error in French (its English text for an unusual one)."""
    return OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def load_settings(**overrides: object) -> Settings:
    """The settings (PLATEAU_… and `overrides`), or a French refusal naming each bad one."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [
            f"  PLATEAU_{'_'.join(str(p) for p in err['loc']).upper() or '?'} : "
            f"{french_message(err)}"
            for err in exc.errors()
        ]
        fail("Configuration invalide :\n" + "\n".join(lines))


def writable_dir(path: Path, what: str = "Le dossier de données") -> Path:
    """Creates `path` if needed; a French refusal when it cannot be created or written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".plateau-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        fail(
            f"{what} {path} n'est pas utilisable ({os_reason(exc)}) : choisissez-en un "
            "autre (--data-dir ou PLATEAU_DATA_DIR) ou donnez-en les droits d'écriture."
        )
    return path


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"Date invalide : « {text} » (format AAAA-MM-JJ, par exemple 2026-12-04).")


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """« 2026-12-04 14:30 » in the centre's time zone, or an ISO instant with its offset."""
    raw = text.strip().replace("T", " ")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        fail(
            f"Heure invalide : « {text} » (format AAAA-MM-JJ HH:MM, heure du centre, par "
            "exemple 2026-12-04 14:30)."
        )
    return value if value.tzinfo else value.replace(tzinfo=zone)


def listening_socket(host: str, port: int, *, any_port: bool = False) -> socket.socket:
    """The server's socket, bound now: a port already taken, a port out of range, a protected
    port or an unknown address is refused in French before anything else is printed.
    `any_port`: 0 lets the system choose one (read it back from the socket)."""
    if not (0 if any_port else 1) <= port <= 65535:
        fail(f"Port invalide : {port} (de 1 à 65535).")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        fail(f"Adresse d'écoute inconnue : « {host} ».")
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(
                f"Le port {port} est déjà utilisé sur {host} (un autre Plateau, ou un autre "
                "service) : arrêtez-le ou choisissez un autre port avec --port."
            )
        if exc.errno == errno.EACCES:
            fail(f"Le port {port} est réservé à l'administrateur : choisissez un port ≥ 1024.")
        if exc.errno == errno.EADDRNOTAVAIL:
            fail(f"L'adresse {host} n'appartient pas à cette machine : choisissez --host.")
        fail(f"Impossible d'écouter sur {host}:{port} : {os_reason(exc)}.")
    sock.set_inheritable(True)
    return sock
