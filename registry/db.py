"""Engines from URLs, switching the engine at run time, and applying migrations.

Why a module of its own: Piccolo binds an engine to each table class when the class is first
used. The CLI picks the engine from FAIRRECRUIT_DATABASE_URL, and the test-suite runs the same
code against SQLite and PostgreSQL in one process, so both go through `use_engine`.
"""
from __future__ import annotations

import contextlib
import io
import sqlite3
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


class DatabaseURLError(ValueError):
    """The database URL names no engine fairrecruit supports."""


def engine_from_url(url: str) -> Engine:
    """`sqlite:///relative/or/absolute.sqlite` or `postgresql://user@host:port/db`."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        if not path:
            raise DatabaseURLError(f"sqlite URL without a file path: {url!r}")
        # check_same_thread off: aiosqlite runs the connection in its own thread.
        return SQLiteEngine(path=path, timeout=30)
    if parsed.scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url})
    raise DatabaseURLError(
        f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
    )


def is_sqlite(engine: Engine) -> bool:
    return isinstance(engine, SQLiteEngine)


@cache
def _piccolo_conf() -> ModuleType:
    """Imported on first use (it imports this module, so not at the top), then kept:
    `current_engine` runs several times per request, and an import statement costs more than
    reading the attribute."""
    from registry import piccolo_conf

    return piccolo_conf


def current_engine() -> Engine:
    return _piccolo_conf().DB


def use_engine(engine: Engine) -> None:
    """Point Piccolo's configuration and every table (ours and the migrations table) at `engine`."""
    from piccolo.apps.migrations.tables import Migration
    from piccolo.apps.user.tables import BaseUser
    from piccolo_api.session_auth.tables import SessionsBase

    from registry import piccolo_conf
    from registry.tables import ALL_TABLES

    piccolo_conf.DB = engine
    for table in (*ALL_TABLES, Migration, BaseUser, SessionsBase):
        table._meta.db = engine


def _prepare_sqlite_file(engine: SQLiteEngine) -> None:
    """WAL journal (readers never block the writer) with durable (FULL) commits."""
    path = engine.connection_kwargs["database"]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")


MIGRATED_APPS = ("registry", "user", "session_auth")
"""Our tables, then Piccolo Admin's login tables (users and sessions)."""


async def migrate(engine: Engine | None = None, *, quiet: bool = True) -> list[str]:
    """Apply every pending migration; return the IDs applied (empty when up to date)."""
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
    from piccolo.apps.migrations.tables import Migration

    if engine is not None:
        use_engine(engine)
    engine = current_engine()
    if is_sqlite(engine):
        _prepare_sqlite_file(engine)
    before = set(await _applied(Migration))
    sink = io.StringIO()
    for app_name in MIGRATED_APPS:
        manager = ForwardsMigrationManager(app_name=app_name, migration_id="all", fake=False)
        with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
            result = await manager.run()
        if not result.success:
            raise RuntimeError(f"migration of {app_name} failed: {result.message}\n{sink.getvalue()}")
    return sorted(set(await _applied(Migration)) - before)


async def _applied(migration_table) -> list[str]:
    if not await migration_table.table_exists().run():
        return []
    rows = await migration_table.select(migration_table.name).where(
        migration_table.app_name.is_in(list(MIGRATED_APPS))
    )
    return [row["name"] for row in rows]


_schema_ready: set[int] = set()


async def ensure_schema() -> None:
    """Apply migrations once per engine per process: commands that need the schema call this."""
    engine = current_engine()
    if id(engine) not in _schema_ready:
        await migrate()
        _schema_ready.add(id(engine))
