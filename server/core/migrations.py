"""Running Alembic from the application (CLI, demo, tests) and checking the schema is current."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from server.core.config import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Blocking (Alembic's env runs its own event loop): call from a thread inside async code."""
    if url.startswith("sqlite") and ":///" in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "heads") -> None:
    await asyncio.to_thread(upgrade, url, revision)


def head_revisions(url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


async def current_revisions(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: set(MigrationContext.configure(sync).get_current_heads())
            )
    finally:
        await engine.dispose()


class NotMigrated(RuntimeError):
    pass


def _sqlite_file(url: str) -> Path | None:
    if url.startswith("sqlite") and ":///" in url:
        name = url.split(":///", 1)[1].split("?", 1)[0]
        return None if name in ("", ":memory:") else Path(name)
    return None


async def require_current(url: str) -> None:
    """Refuse (NotMigrated, with the command that fixes it) a database that is missing,
    unreachable, empty or behind; never let a driver traceback reach the operator."""
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        raise NotMigrated(
            f"La base de données {sqlite_file} n'existe pas. "
            "Lancez d'abord : plateau db upgrade (elle la crée et la migre)"
        )
    try:
        current = await current_revisions(url)
    except (OSError, SQLAlchemyError) as exc:
        raise NotMigrated(
            f"Impossible d'ouvrir la base de données ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else exc!r}). "
            "Vérifiez PLATEAU_DATABASE_URL, puis lancez : plateau db upgrade"
        ) from exc
    heads = head_revisions(url)
    if current != heads:
        state = (
            "vide (jamais migrée)" if not current else f"à la révision {', '.join(sorted(current))}"
        )
        raise NotMigrated(
            f"La base de données est {state} ; la version attendue est {', '.join(sorted(heads))}. "
            "Lancez d'abord : plateau db upgrade"
        )
