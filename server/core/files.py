"""Files Plateau creates are its owner's only: the database, the secret, the recordings, the
local authority, the audit checkpoint, the archives being built (0600 files, 0700 folders).

The process's umask is set once at start-up (`plateau demo`, `serve`, `db upgrade`; the media
workers `serve` starts inherit it), so every file any module creates is covered, and the
folders that exist already are tightened."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from server.core.config import Settings

PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Creates (or replaces) a text file readable by its owner only, never wider meanwhile."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(0o600)


def sqlite_file(database_url: str) -> Path | None:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_private_files(settings: Settings, *, create_database: bool = True) -> None:
    """Umask, data and recordings folders, and the SQLite file (with its WAL) owner-only;
    `create_database`: create the SQLite file (empty, 0600) before the migrations do."""
    keep_files_private()
    private_dir(settings.data_dir)
    private_dir(settings.recordings_path)
    db_file = sqlite_file(settings.database_url)
    if db_file is None:
        return
    db_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if create_database and not db_file.exists():
        os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, 0o600))
    for path in (db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm")):
        if path.exists():
            path.chmod(0o600)
