"""Registry import throughput and status-by-number latency, each beside the raw driver's figure.

    python bench/bench_registry_import.py --agencies 100000 --brokers 1000000 \
        [--database-url postgresql://postgres@127.0.0.1:5432/bench] [--lookups 2000]

Uses the shared scale generator (`shared/tools/make_big_registry.py`, standard library only).
Without --database-url a fresh SQLite file in a temporary folder is used; a PostgreSQL
database is emptied of the registry's rows first. Prints, in one run:
  * the raw driver's bulk path (sqlite3 executemany / asyncpg COPY) loading the same CSV rows
    as text into a scratch table, rows/s;
  * the first import (everything new, full validation and planning) and the re-import
    (nothing changes), rows/s and the ratio to the raw figure;
  * the floor for this schema: the raw driver writing the rows the first import wrote (about
    2.4 table rows per CSV row: a broker is a broker, a sub-licence and its events) into empty
    copies of the registry tables, unique indexes in place, the other indexes (and on
    PostgreSQL the foreign keys) added after the load as `registry.bulk_load` does, foreign
    keys enforced on SQLite as the product's connections do: no import of this schema can
    beat it;
  * `registry.queries.licence_answer` by number (the product's service layer, kept
    connection on SQLite, started pool on PostgreSQL) against the raw driver running one
    indexed SELECT on a kept connection: p50/p99 in ms.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "tools" / "make_big_registry.py"
FILES = ("agencies.csv", "licence_events.csv", "brokers.csv")


def _csv_rows(folder: Path) -> dict[str, list[list[str]]]:
    out = {}
    for name in FILES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            out[name] = list(csv.reader(handle))
    return out


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms"


async def _raw_bulk(url: str, tables: dict[str, list[list[str]]]) -> float:
    """Seconds for the driver alone to load every CSV row (as text) into scratch tables."""
    total = 0.0
    for index, rows in enumerate(tables.values()):
        header, body = rows[0], rows[1:]
        name = f"bench_raw_{index}"
        columns = ", ".join(f'"{c}" TEXT' for c in header)
        if url.startswith("sqlite"):
            import sqlite3

            connection = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
            connection.execute(f"DROP TABLE IF EXISTS {name}")
            connection.execute(f"CREATE TABLE {name} ({columns})")
            start = time.perf_counter()
            connection.execute("BEGIN")
            connection.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in header)})", body)
            connection.execute("COMMIT")
            total += time.perf_counter() - start
            connection.execute(f"DROP TABLE {name}")
            connection.close()
        else:
            import asyncpg

            connection = await asyncpg.connect(url)
            await connection.execute(f"DROP TABLE IF EXISTS {name}")
            await connection.execute(f"CREATE TABLE {name} ({columns})")
            start = time.perf_counter()
            async with connection.transaction():
                await connection.copy_records_to_table(name, records=[tuple(r) for r in body], columns=header)
            total += time.perf_counter() - start
            await connection.execute(f"DROP TABLE {name}")
            await connection.close()
    return total


def _sqlite_floor(url: str, tables: list[str]) -> tuple[int, float]:
    import sqlite3

    source = sqlite3.connect(url[len("sqlite:///"):])
    rows = {name: source.execute(f'SELECT * FROM "{name}"').fetchall() for name in tables}
    ddl = source.execute(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name IN ({}) AND sql IS NOT NULL ORDER BY type DESC".format(
            ", ".join("?" for _ in tables)), tables).fetchall()
    source.close()
    with tempfile.TemporaryDirectory() as tmp:
        target = sqlite3.connect(str(Path(tmp) / "floor.sqlite"), isolation_level=None)
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("PRAGMA foreign_keys = 1")  # as Piccolo's SQLite engine sets it
        later = []
        for kind, sql in ddl:  # tables first, then unique indexes; other indexes after the load
            if kind == "index" and not sql.upper().startswith("CREATE UNIQUE"):
                later.append(sql)
            else:
                target.execute(sql)
        start = time.perf_counter()
        target.execute("BEGIN")
        for name in tables:
            if rows[name]:
                marks = ", ".join("?" for _ in rows[name][0])
                target.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows[name])
        for sql in later:
            target.execute(sql)
        target.execute("COMMIT")
        seconds = time.perf_counter() - start
        target.close()
    return sum(len(r) for r in rows.values()), seconds


async def _postgres_floor(url: str, tables: list[str]) -> tuple[int, float]:
    import asyncpg

    connection = await asyncpg.connect(url)
    await connection.execute("DROP SCHEMA IF EXISTS bench_floor CASCADE; CREATE SCHEMA bench_floor")
    rows, later = {}, []
    for name in tables:
        rows[name] = [tuple(r) for r in await connection.fetch(f'SELECT * FROM public."{name}"')]
        await connection.execute(f'CREATE TABLE bench_floor."{name}" (LIKE public."{name}" INCLUDING ALL EXCLUDING INDEXES)')
        for unique, sql in await connection.fetch(
            "SELECT x.indisunique, pg_get_indexdef(x.indexrelid) FROM pg_index x WHERE x.indrelid = $1::text::regclass",
            f'public."{name}"',
        ):
            sql = sql.replace(" ON public.", " ON bench_floor.")
            if unique:
                await connection.execute(sql)
            else:
                later.append(sql)
        for constraint, definition in await connection.fetch(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::text::regclass AND contype = 'f'",
            f'public."{name}"',
        ):
            definition = re.sub(r"REFERENCES (\w+)\(", r"REFERENCES bench_floor.\1(", definition)
            later.append(f'ALTER TABLE bench_floor."{name}" ADD CONSTRAINT "{constraint}" {definition}')
    start = time.perf_counter()
    async with connection.transaction():
        for name in tables:
            await connection.copy_records_to_table(name, records=rows[name], schema_name="bench_floor")
        for sql in later:
            await connection.execute(sql)
    seconds = time.perf_counter() - start
    await connection.execute("DROP SCHEMA bench_floor CASCADE")
    await connection.close()
    return sum(len(r) for r in rows.values()), seconds


async def _raw_lookup_samples(url: str, numbers: list[str]) -> list[float]:
    from registry.numbers import number_norm

    sql = "SELECT id, number FROM licence WHERE number_norm = {}"
    samples = []
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
        for number in numbers:
            start = time.perf_counter()
            connection.execute(sql.format("?"), (number_norm(number),)).fetchall()
            samples.append(time.perf_counter() - start)
        connection.close()
        return samples
    import asyncpg

    connection = await asyncpg.connect(url)
    for number in numbers:
        start = time.perf_counter()
        await connection.fetch(sql.format("$1"), number_norm(number))
        samples.append(time.perf_counter() - start)
    await connection.close()
    return samples


async def _run(folder: Path, url: str, lookups: int) -> None:
    import registry  # noqa: F401  (sets PICCOLO_CONF)
    from importers.registry_import import import_registry
    from importers.registry_sync import REGISTRY_TABLES
    from registry.db import current_engine, engine_from_url, is_sqlite, migrate
    from registry.queries import licence_answer
    from registry.tables import ALL_TABLES

    engine = engine_from_url(url)
    await migrate(engine)
    if not is_sqlite(engine):
        await engine.run_ddl("TRUNCATE " + ", ".join(f'"{t._meta.tablename}"' for t in ALL_TABLES) + " RESTART IDENTITY CASCADE")
    tables = _csv_rows(folder)
    rows = sum(len(r) - 1 for r in tables.values())
    raw_seconds = await _raw_bulk(url, tables)
    raw_rate = rows / raw_seconds
    print(f"raw driver bulk load ({'sqlite3 executemany' if is_sqlite(engine) else 'asyncpg COPY'}): "
          f"{rows} rows in {raw_seconds:.2f} s = {raw_rate:,.0f} rows/s")
    for label in ("first import", "re-import"):
        start = time.perf_counter()
        summary = await import_registry([folder], actor="bench")
        seconds = time.perf_counter() - start
        print(f"{label}: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
              f"= {rows / seconds / raw_rate:.2f}x raw ({len(summary.changed)} numbers changed)")
        if label == "first import":
            first_seconds = seconds
    names = [t._meta.tablename for t in REGISTRY_TABLES]
    written, floor_seconds = _sqlite_floor(url, names) if is_sqlite(engine) else await _postgres_floor(url, names)
    print(f"floor, raw driver writing the {written} table rows the first import wrote: {floor_seconds:.2f} s "
          f"= {rows / floor_seconds:,.0f} CSV rows/s = {rows / floor_seconds / raw_rate:.2f}x raw; "
          f"first import / floor time: {first_seconds / floor_seconds:.2f}")

    numbers = [r[0] for r in tables["agencies.csv"][1:]] + [r[0] for r in tables["brokers.csv"][1:]]
    sample = random.Random(7).sample(numbers, min(lookups, len(numbers)))
    if not is_sqlite(engine):
        await current_engine().start_connection_pool(min_size=1, max_size=4)
    for number in sample[:50]:  # warm-up: connection, statement caches
        await licence_answer(number)
    samples: dict[str, list[float]] = {"licence": [], "sub-licence": []}
    for number in sample:
        start = time.perf_counter()
        answer = await licence_answer(number)
        samples["licence" if answer["kind"] == "licence" else "sub-licence"].append(time.perf_counter() - start)
    if not is_sqlite(engine):
        await current_engine().close_connection_pool()
    licence_sample = [n for n in sample if "-PRA-" in n] or sample
    raw = await _raw_lookup_samples(url, licence_sample)
    for kind, kind_samples in samples.items():
        if kind_samples:
            print(f"status by number, licence_answer, {len(kind_samples)} {kind} numbers: {_percentiles(kind_samples)}")
    print(f"status by number, licence_answer, all {len(sample)}: {_percentiles([*samples['licence'], *samples['sub-licence']])}")
    print(f"status by number, raw driver one indexed SELECT ({len(licence_sample)} licence numbers): {_percentiles(raw)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10000)
    parser.add_argument("--brokers", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "registry"
        subprocess.run([sys.executable, str(GENERATOR), "--agencies", str(args.agencies), "--brokers",
                        str(args.brokers), "--seed", str(args.seed), "--out", str(folder)], check=True)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        asyncio.run(_run(folder, url, args.lookups))


if __name__ == "__main__":
    main()
