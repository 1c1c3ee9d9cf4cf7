"""Single-statement reads on a connection that outlives the query (status by number).

Why a module of its own: Piccolo's SQLite engine opens a new connection for every query and
its PostgreSQL engine does the same unless a pool was started, which costs far more than the
indexed lookup itself. Here SQLite reads go through one plain `sqlite3` connection per
database file kept for the process, run on the event loop's own thread: an indexed read takes
tens of microseconds, less than a hop to aiosqlite's worker thread. In autocommit mode every
statement sees the latest commit (WAL: readers never wait for the writer). PostgreSQL reads
use the engine's pool (`engine.start_connection_pool()`, done by the server at start-up) and
open a connection only when no pool was started (CLI, scripts). Inside a Piccolo transaction
the transaction's own connection is used so uncommitted writes are seen.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Any

from registry.db import current_engine, is_sqlite

_sqlite_connections: dict[tuple[str, int], sqlite3.Connection] = {}


def _sqlite_connection(path: str) -> tuple[tuple[str, int], sqlite3.Connection]:
    """(key, connection), keyed by the file's inode too: a database deleted and recreated at the
    same path is a new one."""
    key = (path, os.stat(path).st_ino)
    connection = _sqlite_connections.get(key)
    if connection is None:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        connection.execute("PRAGMA query_only = ON")
        _sqlite_connections[key] = connection
    return key, connection


def _placeholders(sql: str, sqlite: bool) -> str:
    """`{}` placeholders (as in `registry.writes.fetch`) in the driver's own style."""
    if sqlite:
        return sql.replace("{}", "?")
    parts = sql.split("{}")
    return "".join(part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, start=1))


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


async def rows(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows as tuples, in the SELECT's column order; dates may come back as ISO text on SQLite."""
    engine = current_engine()
    sqlite = is_sqlite(engine)
    query = _placeholders(sql, sqlite)
    transaction = engine.current_transaction.get()
    if transaction is not None:
        connection = transaction.connection
        if sqlite:
            return [_values(r) for r in await connection.execute_fetchall(query, args)]
        return [tuple(r) for r in await connection.fetch(query, *args)]
    if sqlite:
        return _sqlite_connection(engine.connection_kwargs["database"])[1].execute(query, args).fetchall()
    if engine.pool is not None:
        async with engine.pool.acquire() as connection:
            return [tuple(r) for r in await connection.fetch(query, *args)]
    connection = await engine.get_new_connection()
    try:
        return [tuple(r) for r in await connection.fetch(query, *args)]
    finally:
        await connection.close()


def commits_seen() -> tuple[object, ...] | None:
    """A token that changes whenever another connection commits to the SQLite database
    (`PRAGMA data_version` on the kept connection, with the file's identity); None on
    PostgreSQL, which has no such counter. Why: it costs a few microseconds, and a reader that
    must notice every commit (the lookup index) can skip its own query while it is unchanged.
    Read it BEFORE what it guards, so a commit in between is noticed the next time."""
    engine = current_engine()
    if not is_sqlite(engine):
        return None
    key, connection = _sqlite_connection(engine.connection_kwargs["database"])
    return (*key, connection.execute("PRAGMA data_version").fetchone()[0])


def close_all() -> None:
    """Close the kept SQLite connections (before a database file is deleted or replaced)."""
    while _sqlite_connections:
        _sqlite_connections.popitem()[1].close()
