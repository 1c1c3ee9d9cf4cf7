"""Two engines in one suite: every test that takes `db` runs on SQLite and on PostgreSQL.

PostgreSQL tests run whenever a server is reachable (FAIRRECRUIT_TEST_POSTGRES_ADMIN_URL,
default postgresql://postgres@127.0.0.1:5432/postgres); under CI=true an unreachable server
fails the run instead of skipping. Each run gets its own database, dropped at the end.
Tests marked `postgres_only` / `sqlite_only` run on that engine alone.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

import registry  # noqa: F401  (sets PICCOLO_CONF)
from registry.db import engine_from_url, is_sqlite, migrate, use_engine
from registry.tables import ALL_TABLES

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
PG_ADMIN_URL = os.environ.get(
    "FAIRRECRUIT_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_configure(config) -> None:
    """One OCR cache for the whole run, so every corpus test after the first reads OCR'd pages
    from disk. It starts empty (the first reader pays for real OCR) unless the developer points
    FAIRRECRUIT_TEST_OCR_CACHE at a warm one."""
    if not os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE"):
        import tempfile

        os.environ["FAIRRECRUIT_TEST_OCR_CACHE"] = tempfile.mkdtemp(prefix="fairrecruit-ocr-")


@dataclass
class DatabaseUnderTest:
    name: str
    url: str
    engine: object


async def _pg_admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


class _Engines:
    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.made: dict[str, DatabaseUnderTest] = {}
        self.pg_error: str | None = None
        self.pg_database: str | None = None

    def get(self, name: str) -> DatabaseUnderTest:
        if name not in self.made:
            self.made[name] = self._make(name)
        return self.made[name]

    def _make(self, name: str) -> DatabaseUnderTest:
        if name == "sqlite":
            url = f"sqlite:///{self.tmp_dir / 'test.sqlite'}"
        else:
            self.pg_database = f"fairrecruit_test_{uuid.uuid4().hex[:10]}"
            asyncio.run(_pg_admin(f'CREATE DATABASE "{self.pg_database}"'))
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.pg_database}"
        engine = engine_from_url(url)
        asyncio.run(migrate(engine))
        return DatabaseUnderTest(name, url, engine)

    def close(self) -> None:
        if self.pg_database:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _engines(tmp_path_factory):
    engines = _Engines(tmp_path_factory.mktemp("db"))
    yield engines
    engines.close()


def _postgres_reachable() -> str | None:
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return f"{type(exc).__name__}: {exc}"
    return None


_PG_PROBE: dict[str, str | None] = {}


def _pg_problem() -> str | None:
    if "result" not in _PG_PROBE:
        _PG_PROBE["result"] = _postgres_reachable()
    return _PG_PROBE["result"]


async def truncate_all(engine) -> None:
    names = [table._meta.tablename for table in ALL_TABLES]
    if is_sqlite(engine):
        for name in reversed(names):
            await engine.run_ddl(f'DELETE FROM "{name}"')
    else:
        await engine.run_ddl(
            "TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"
        )


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, _engines) -> DatabaseUnderTest:
    """A migrated, empty database on each engine; Piccolo's tables point at it."""
    name = request.param
    if name == "sqlite" and request.node.get_closest_marker("postgres_only"):
        pytest.skip("PostgreSQL-only test")
    if name == "postgres":
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("SQLite-only test")
        problem = _pg_problem()
        if problem:
            if os.environ.get("CI") == "true":
                pytest.fail(f"PostgreSQL unreachable under CI=true: {problem}")
            pytest.skip(f"PostgreSQL unreachable: {problem}")
    database = _engines.get(name)
    use_engine(database.engine)
    asyncio.run(truncate_all(database.engine))
    return database


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def registry_loaded(db, corpus, monkeypatch, tmp_path):
    """The shared sample's registry imported, OCR read from the run's shared cache, and the
    lookup index rebuilt before and after (the tables were emptied under it)."""
    from importers.registry_import import import_registry
    from registry.lookup import service as lookup_service

    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE", str(tmp_path)))
    lookup_service.forget()
    asyncio.run(import_registry([corpus / "registry"], actor="test"))
    lookup_service.forget()
    return db
