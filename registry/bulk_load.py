"""A bulk import into empty tables: set their secondary indexes (and PostgreSQL foreign keys) aside.

Why: keeping a B-tree up to date row by row (and, on PostgreSQL, running one foreign-key
trigger per row) costs more than storing the rows; building an index once over the loaded
rows is a sort, and a foreign key added back is checked by one join over the whole table.
Everything happens inside the caller's write transaction, so a failed import leaves the
indexes and constraints exactly as they were (both engines have transactional DDL), and a
row that breaks a foreign key still fails the whole import, at commit of the constraint.

Only tables that are empty when the import begins are touched (a first import), so the
rebuild costs in proportion to what was loaded; unique indexes stay in place. On SQLite the
indexes are dropped inside `BEGIN IMMEDIATE`: readers keep seeing the last commit (WAL). On
PostgreSQL dropping an index locks its table against readers until commit: lookups of a
registry that is being loaded for the first time wait for the load instead of seeing it empty
(an empty table is locked against writers in any case, for `BulkLoad.allocate_ids`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from piccolo.table import Table

from registry import point_reads
from registry.db import current_engine, is_sqlite
from registry.writes import allocate_ids, transaction_connection

_SQLITE_INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = {} AND sql IS NOT NULL"
_PG_INDEXES = (
    "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
    " WHERE x.indrelid = {}::text::regclass AND NOT x.indisunique AND NOT x.indisprimary"
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)"
)
_PG_FOREIGN_KEYS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = {}::text::regclass AND contype = 'f'"
)


@dataclass(frozen=True)
class _SetAside:
    table: str
    indexes: tuple[tuple[str, str], ...]
    """(name, CREATE INDEX statement)."""
    foreign_keys: tuple[tuple[str, str], ...] = ()
    """(constraint name, definition) - PostgreSQL only."""


async def _execute(sql: str) -> None:
    await transaction_connection().execute(sql)


async def _empty(name: str) -> bool:
    return not await point_reads.rows(f'SELECT 1 FROM "{name}" LIMIT 1')


async def _set_aside(name: str) -> _SetAside:
    if is_sqlite(current_engine()):
        found = _SetAside(name, tuple(await point_reads.rows(_SQLITE_INDEXES, name)))
    else:
        await _execute(f'LOCK TABLE "{name}" IN EXCLUSIVE MODE')  # see `BulkLoad.allocate_ids`
        found = _SetAside(name, tuple(await point_reads.rows(_PG_INDEXES, name)), tuple(await point_reads.rows(_PG_FOREIGN_KEYS, name)))
    for constraint, _ in found.foreign_keys:
        await _execute(f'ALTER TABLE "{name}" DROP CONSTRAINT "{constraint}"')
    for index, _ in found.indexes:
        await _execute(f'DROP INDEX "{index}"')
    return found


async def _restore(found: _SetAside) -> None:
    for _, definition in found.indexes:
        await _execute(definition)
    for constraint, definition in found.foreign_keys:
        await _execute(f'ALTER TABLE "{found.table}" ADD CONSTRAINT "{constraint}" {definition}')


@dataclass(frozen=True)
class BulkLoad:
    """The tables `empty_tables_unindexed` found empty, for the writes made inside it."""

    emptied: frozenset[str]

    async def allocate_ids(self, table: type[Table], count: int) -> Sequence[int]:
        """`registry.writes.allocate_ids`, in one sequence bump for a table that was empty.

        Such a table is locked against other writers until commit on PostgreSQL (and other
        imports wait for `registry_sync`'s lock), so nobody else draws from its sequence
        meanwhile and one `setval` can take `count` ids at once: one `nextval` per row took
        about a second of a 10k-agency, 100k-broker first import.
        """
        name = table._meta.tablename
        if count == 0 or name not in self.emptied or is_sqlite(current_engine()):
            return await allocate_ids(table, count)
        last = await transaction_connection().fetchval(
            "SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1)",
            name, count,
        )
        return range(last - count + 1, last + 1)


@asynccontextmanager
async def empty_tables_unindexed(tables: Sequence[type[Table]]) -> AsyncIterator[BulkLoad]:
    """Within a write transaction: load into `tables`, then get back every index and constraint.

    On an exception the transaction rolls back, which restores them too; nothing is rebuilt.
    On PostgreSQL the loaded tables are then ANALYZEd: planned while the tables were empty
    and before autovacuum's first pass, the status-by-number statement took 7.8 ms instead
    of 0.5 ms on a freshly loaded 1.1 M registry (prepared statements keep such plans).
    """
    set_aside = []
    for table in tables:
        name = table._meta.tablename
        if await _empty(name):
            set_aside.append(await _set_aside(name))
    yield BulkLoad(frozenset(found.table for found in set_aside))
    for found in set_aside:
        await _restore(found)
    if not is_sqlite(current_engine()):
        for found in set_aside:
            await _execute(f'ANALYZE "{found.table}"')
