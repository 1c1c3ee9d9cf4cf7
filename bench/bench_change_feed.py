"""Several processes, one database: how long until a suspension shows in other processes' lookups.

    python bench/bench_change_feed.py --database-url postgresql://postgres@127.0.0.1:5432/bench \
        [--watchers 2] [--rounds 20]
    python bench/bench_change_feed.py [--rounds 20]      # a new SQLite file (the commit-counter poll)

Empties the registry tables of a PostgreSQL database (a SQLite database must be a new file),
registers one licence, starts WATCHERS other
processes (`tests/registry_feed_watcher.py`: own lookup index + change feed, lookups that never
query the database while the feed is live), then suspends and reinstates the licence ROUNDS
times through `registry.services` in this process. For each change it prints the delay from
the start of the write (so the write itself is included) to the slowest watcher reporting the new status (p50/p99/max), against
the target of 1 s.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WATCHER = REPO / "tests" / "registry_feed_watcher.py"
NUMBER = "MLVT-PRA-902/2020"
D = dt.date


async def _seed(url: str) -> None:
    from registry import services
    from registry.db import engine_from_url, migrate
    from registry.tables import ALL_TABLES

    engine = engine_from_url(url)
    await migrate(engine)
    if not url.startswith("sqlite"):
        await engine.run_ddl("TRUNCATE " + ", ".join(f'"{t._meta.tablename}"' for t in ALL_TABLES) + " RESTART IDENTITY CASCADE")
    agency = await services.register_agency(name_en="Bench Feed Manpower Co., Ltd.", name_km="", actor="bench")
    await services.issue_licence(agency_id=agency, number=NUMBER, issued_on=D(2020, 1, 1),
                                 valid_until=D(2030, 12, 31), destinations=["TH"], actor="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgresql://... (LISTEN/NOTIFY); default: a new SQLite file")
    parser.add_argument("--watchers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fr-bench-feed-") as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'feed.sqlite'}"
        if url.startswith("sqlite:///") and args.database_url and Path(url[len("sqlite:///"):]).exists():
            parser.error("a SQLite database for this bench must be a new file (its rows are not emptied)")
        measure(url, args.watchers, args.rounds)


def measure(url: str, watcher_count: int, rounds: int) -> None:
    import registry  # noqa: F401  (sets PICCOLO_CONF)
    from registry import services

    asyncio.run(_seed(url))  # migrate() also makes it the engine the services write through
    as_of = D(2020, 1, 1) + dt.timedelta(days=rounds + 1)
    watchers = [subprocess.Popen([sys.executable, str(WATCHER), url, NUMBER, as_of.isoformat(), "600"],
                                 stdout=subprocess.PIPE, text=True) for _ in range(watcher_count)]
    try:
        for watcher in watchers:
            assert watcher.stdout.readline().split() == ["ready", "live"], "watcher has no live change feed"
            assert watcher.stdout.readline().split()[0] == "active"
        delays, writes = [], []
        for round_no in range(rounds):
            day = D(2020, 1, 2) + dt.timedelta(days=round_no)
            if round_no % 2 == 0:
                action, expected = services.suspend_licence, "suspended"
            else:
                action, expected = services.reinstate_licence, "active"
            started = time.time()  # before the write: the delay measured includes the write itself
            asyncio.run(action(NUMBER, on=day, reason="bench", actor="bench"))
            writes.append(time.time() - started)
            seen = []
            for watcher in watchers:
                status, when = watcher.stdout.readline().split()
                assert status == expected, f"watcher saw {status}, expected {expected}"
                seen.append(float(when))
            delays.append(max(seen) - started)
    finally:
        for watcher in watchers:
            watcher.kill()
            watcher.wait()
    ordered = sorted(delays)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{url.split(':')[0]}: {rounds} changes, {watcher_count} other processes: start of the write -> slowest other process's lookup shows it: "
          f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms "
          f"(target <= 1000 ms); the write itself (asyncio.run + service call): p50 {statistics.median(writes) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
