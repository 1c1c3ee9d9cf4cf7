"""Write-side plumbing shared by the officer services, the audit log and the importers.

Why a module of its own: both engines must give the same guarantees with different tools.
SQLite serialises writers with `BEGIN IMMEDIATE` (the write lock is taken up front, so two
read-then-write transactions cannot interleave); PostgreSQL locks the rows being changed
(`SELECT ... FOR UPDATE`) and serialises the audit chain with a transaction-scoped advisory
lock; every PostgreSQL write transaction also NOTIFYs `CHANGE_CHANNEL` so the other
processes' lookup indexes catch up within milliseconds, and every commit tells this process's
own index (`on_commit`). Bulk writes bypass Piccolo's per-row objects and use the driver's batch path
(`executemany` on SQLite, binary `COPY` on PostgreSQL) inside the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.sqlite import TransactionType
from piccolo.table import Table

from registry import point_reads
from registry.db import current_engine, is_sqlite

SQLITE_ROWS_PER_CHUNK = 5000
CHANGE_CHANNEL = "fairrecruit_registry"
"""PostgreSQL channel notified by every write transaction (see `registry.change_feed`)."""


_committed_callbacks: list[Callable[[], None]] = []


def on_commit(callback: Callable[[], None]) -> None:
    """Call `callback` when a `write_transaction` block of this process ends without an error
    (for nested blocks the outermost one's end is the commit; an inner one's call is early and
    harmless: the outer block calls again).

    Why: the lookup index trusts a change feed that delivers other processes' writes a few
    milliseconds late; this process's own writes must show in its very next lookup."""
    _committed_callbacks.append(callback)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One transaction for a read-check-write action; nested use joins the outer transaction."""
    engine = current_engine()
    if is_sqlite(engine):
        async with engine.transaction(transaction_type=TransactionType.immediate) as active:
            yield active
    else:
        async with engine.transaction() as active:
            # Delivered at commit only, so other processes' change feeds never see a rolled-back write.
            await fetch(f"NOTIFY {CHANGE_CHANNEL}")
            yield active
    for callback in _committed_callbacks:
        callback()


@asynccontextmanager
async def read_transaction() -> AsyncIterator[Any]:
    """Several reads on one connection (SQLite opens a connection per query otherwise)."""
    async with current_engine().transaction() as active:
        yield active


def transaction_connection() -> Any:
    engine = current_engine()
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("bulk writes must run inside write_transaction()")
    return transaction.connection


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Raw SQL with `{}` placeholders (Piccolo's style), inside or outside a transaction."""
    from registry.tables import Licence

    return await Licence.raw(sql, *args).run()


async def statement(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """A write with `{}` placeholders on the write transaction's own connection; the rows it
    returns (RETURNING) as tuples. Why: for the few statements of one ingested document,
    building Piccolo queries cost more CPU than running them. Outside a write transaction it
    raises, so no statement can escape the transaction's all-or-nothing."""
    transaction_connection()
    return await point_reads.rows(sql, *args)


async def lock_for_update(table: type[Table], row_id: int) -> None:
    """Hold the row until commit on PostgreSQL; SQLite's IMMEDIATE transaction already does."""
    if not is_sqlite(current_engine()):
        await fetch(f'SELECT id FROM "{table._meta.tablename}" WHERE id = {{}} FOR UPDATE', row_id)


async def advisory_lock(key: int) -> None:
    """Serialise a critical section across PostgreSQL sessions until the transaction ends."""
    if not is_sqlite(current_engine()):
        await fetch("SELECT pg_advisory_xact_lock({})", key)


async def allocate_ids(table: type[Table], count: int) -> list[int]:
    """Primary keys for rows about to be bulk-inserted, so children can reference them (in a write transaction)."""
    if count == 0:
        return []
    name = table._meta.tablename
    if is_sqlite(current_engine()):
        rows = await fetch(f'SELECT COALESCE(MAX(id), 0) AS top FROM "{name}"')
        top = int(rows[0]["top"])
        return list(range(top + 1, top + 1 + count))
    rows = await transaction_connection().fetch(  # the driver's records: 10x cheaper than Piccolo's dicts
        f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, $1)", count
    )
    return [row[0] for row in rows]


async def bulk_insert(table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows in the current transaction; JSON values must already be JSON text."""
    if not rows:
        return
    name = table._meta.tablename
    connection = transaction_connection()
    if is_sqlite(current_engine()):
        column_list = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{name}" ({column_list}) VALUES ({marks})'
        for start in range(0, len(rows), SQLITE_ROWS_PER_CHUNK):
            await connection.executemany(sql, rows[start:start + SQLITE_ROWS_PER_CHUNK])
    else:
        await connection.copy_records_to_table(name, records=rows, columns=list(columns))


def _same(value: Any) -> Any:
    return value


def bulk_date() -> Callable[[dt.date], Any]:
    """How `bulk_insert` should be given a date on the current engine.

    SQLite: the ISO text Piccolo's adapter would store, made by the caller, because the driver
    calling a Python adapter for every date of a million rows costs more than the insert.
    PostgreSQL: the date itself (COPY encodes it in C).
    """
    return dt.date.isoformat if is_sqlite(current_engine()) else _same


def bulk_timestamp(moment: dt.datetime) -> Any:
    """A timestamptz for `bulk_insert`: on SQLite the UTC text Piccolo's adapter stores."""
    if is_sqlite(current_engine()):
        return str(moment.astimezone(dt.timezone.utc))
    return moment


async def bulk_update(table: type[Table], set_columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """`UPDATE table SET c1=?, ... WHERE id=?` for many rows; each row is (*values, id)."""
    if not rows:
        return
    name = table._meta.tablename
    connection = transaction_connection()
    if is_sqlite(current_engine()):
        assignments = ", ".join(f'"{c}" = ?' for c in set_columns)
        await connection.executemany(f'UPDATE "{name}" SET {assignments} WHERE id = ?', rows)
    else:
        assignments = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(set_columns, start=1))
        await connection.executemany(
            f'UPDATE "{name}" SET {assignments} WHERE id = ${len(set_columns) + 1}', rows
        )
