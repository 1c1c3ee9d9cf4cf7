"""Issue 7 item 5: a registry import or a contract ingest killed with SIGKILL in the middle of a
write leaves a consistent database (no partial import, no contract without its flags), and
running the same command again completes without duplicates. Both engines.

The kill lands while the process holds an open write transaction: the probe watches for it
(SQLite: the write lock is taken; PostgreSQL: the backend has a transaction id), so the test
proves the crash-mid-write case, not merely a kill between two documents.
"""
from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pdf_factory as make
from registry.tables import Agency

REPO = Path(__file__).resolve().parent.parent
BIG_REGISTRY = REPO.parent / "shared" / "tools" / "make_big_registry.py"
REGISTRY_TABLES = ("agency", "licence", "licence_event", "broker", "sub_licence", "sub_licence_event", "audit_log")
CONTRACTS = 24
"""Enough documents that the probe, polling every 5 ms, finds one of their write transactions
open: since ingest's storage was made cheaper a transaction lasts a few milliseconds, and with 8
documents a CI run once saw none of the 7 after the first commit."""
DEADLINE = 240.0


class Probe:
    """Reads the database under test from outside Piccolo, while the killed process writes."""

    def __init__(self, url: str) -> None:
        self.sqlite_path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else None
        if self.sqlite_path is None:
            import asyncpg

            self.loop = asyncio.new_event_loop()
            self.connection = self.loop.run_until_complete(asyncpg.connect(url))

    def scalar(self, sql: str):
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
                return connection.execute(sql).fetchone()[0]
        return self.loop.run_until_complete(self.connection.fetchval(sql))

    def writer_active(self) -> bool:
        """Another session holds an uncommitted write."""
        if self.sqlite_path:
            connection = sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                connection.close()
        return bool(self.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        ))

    def close(self) -> None:
        if self.sqlite_path is None:
            self.loop.run_until_complete(self.connection.close())
            self.loop.close()


@pytest.fixture
def probe(db):
    opened = Probe(db.url)
    yield opened
    opened.close()


def _cli(db, tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "FAIRRECRUIT_DATABASE_URL": db.url, "FAIRRECRUIT_DATA_DIR": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_mid_write(process: subprocess.Popen, probe: Probe, ready=lambda: True) -> None:
    """SIGKILL the process group (the CLI and its PDF reader child) inside a write transaction."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the process ended (exit {process.returncode}) before it could be killed mid-write; "
                        f"give it more work\n{process.stderr.read()}")
        if ready() and probe.writer_active():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            process.stdout.close()
            process.stderr.close()
            assert process.returncode == -signal.SIGKILL
            return
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    pytest.fail("no write transaction seen before the deadline")


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=DEADLINE)
    return process.returncode, out, err


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture(scope="module")
def big_registry(tmp_path_factory) -> Path:
    if not BIG_REGISTRY.exists():
        pytest.skip(f"shared registry generator not found at {BIG_REGISTRY}")
    out = tmp_path_factory.mktemp("big-registry")
    subprocess.run([sys.executable, str(BIG_REGISTRY), "--agencies", "1500", "--brokers", "10000", "--seed", "7",
                    "--out", str(out)], check=True, capture_output=True, timeout=120)
    return out


def test_registry_import_killed_mid_write_leaves_nothing_and_reruns_cleanly(db, probe, big_registry, tmp_path):
    _kill_mid_write(_cli(db, tmp_path, "registry", "import", str(big_registry)), probe)
    assert {table: probe.scalar(f'SELECT count(*) FROM "{table}"') for table in REGISTRY_TABLES} == dict.fromkeys(
        REGISTRY_TABLES, 0), "a killed import left part of its batch behind"
    if probe.sqlite_path:
        assert probe.scalar("PRAGMA integrity_check") == "ok"

    code, _, err = _finish(_cli(db, tmp_path, "registry", "import", str(big_registry)))
    assert code == 0, err
    agencies, brokers = _csv_rows(big_registry / "agencies.csv"), _csv_rows(big_registry / "brokers.csv")
    assert probe.scalar('SELECT count(*) FROM "agency"') == agencies
    assert probe.scalar('SELECT count(*) FROM "licence"') == agencies
    assert probe.scalar('SELECT count(DISTINCT number_norm) FROM "licence"') == agencies
    assert probe.scalar('SELECT count(*) FROM "sub_licence"') == brokers
    assert probe.scalar('SELECT count(DISTINCT number_norm) FROM "sub_licence"') == brokers


def _contract_pdfs(folder: Path) -> None:
    for n in range(CONTRACTS):
        lines = [*make.CONTRACT_LINES, f"Contract reference FR-{n:04d}."]
        (folder / f"contract_{n:02d}.pdf").write_bytes(make.text_pdf([lines]))


def _flags_by_contract(probe: Probe) -> dict[int, list[tuple[str, int]]]:
    """contract id -> [(rule, number of events of that flag)]."""
    sql = ('SELECT c.id, f.rule, (SELECT count(*) FROM "flag_event" e WHERE e.flag = f.id) '
           'FROM "contract" c LEFT JOIN "flag" f ON f.contract = c.id')
    if probe.sqlite_path:
        with sqlite3.connect(probe.sqlite_path) as connection:
            rows = connection.execute(sql).fetchall()
    else:
        rows = [tuple(r) for r in probe.loop.run_until_complete(probe.connection.fetch(sql))]
    grouped: dict[int, list[tuple[str, int]]] = {}
    for contract_id, rule, events in rows:
        grouped.setdefault(contract_id, [])
        if rule is not None:
            grouped[contract_id].append((rule, events))
    return grouped


def test_contract_ingest_killed_mid_write_keeps_whole_documents_and_reruns_cleanly(db, probe, tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    _contract_pdfs(folder)
    process = _cli(db, tmp_path, "contracts", "ingest", "--json", str(folder))
    _kill_mid_write(process, probe, ready=lambda: probe.scalar('SELECT count(*) FROM "contract"') >= 1)
    survived = _flags_by_contract(probe)
    assert 1 <= len(survived) < CONTRACTS

    code, out, err = _finish(_cli(db, tmp_path, "contracts", "ingest", "--json", str(folder)))
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in results] == ["checked"] * CONTRACTS
    fresh = [r for r in results if not r.get("already_ingested")]
    assert fresh, "the killed run cannot have stored every contract"
    expected_rules = sorted(f["rule"] for f in fresh[0]["findings"])
    assert expected_rules, "the generated contracts raise flags, so a lost flag would show"

    stored = _flags_by_contract(probe)
    assert len(stored) == CONTRACTS
    assert probe.scalar('SELECT count(DISTINCT sha256) FROM "contract"') == CONTRACTS
    for contract_id, flags in stored.items():
        assert sorted(rule for rule, _ in flags) == expected_rules, f"contract {contract_id} lost or doubled flags"
        assert all(events == 1 for _, events in flags), f"contract {contract_id}: a flag without its single event"
    assert {cid: stored[cid] for cid in survived} == survived, "re-running changed what the killed run stored"


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_durable_commits(db):
    """Checked on the application's own connections (Piccolo's), inside and outside a transaction:
    `synchronous` is a per-connection setting, so the migration's PRAGMA alone proves nothing."""

    async def pragmas() -> list[tuple[str, int]]:
        outside = (await Agency.raw("PRAGMA journal_mode").run())[0]["journal_mode"], \
            (await Agency.raw("PRAGMA synchronous").run())[0]["synchronous"]
        async with db.engine.transaction():
            inside = (await Agency.raw("PRAGMA journal_mode").run())[0]["journal_mode"], \
                (await Agency.raw("PRAGMA synchronous").run())[0]["synchronous"]
        return [outside, inside]

    assert asyncio.run(pragmas()) == [("wal", 2), ("wal", 2)]  # 2 = FULL: fsync at every commit
