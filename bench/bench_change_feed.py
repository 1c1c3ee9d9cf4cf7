"""Several processes, one database: how long until a suspension shows in other processes' lookups.

    python bench/bench_change_feed.py --database-url postgresql://postgres@127.0.0.1:5432/bench \
        [--watchers 2] [--rounds 20]
    python bench/bench_change_feed.py [--rounds 20]      # a new SQLite file (the commit-counter poll)
    python bench/bench_change_feed.py --database-url postgresql://... --serve-workers 2 [--rounds 20]

Empties the registry tables of a PostgreSQL database (a SQLite database must be a new file),
registers one licence, starts WATCHERS other
processes (`tests/registry_feed_watcher.py`: own lookup index + change feed, lookups that never
query the database while the feed is live), then suspends and reinstates the licence ROUNDS
times through `registry.services` in this process. For each change it prints the delay from
the start of the write (so the write itself is included) to the slowest watcher reporting the new status (p50/p99/max), against
the target of 1 s.

With `--serve-workers N` the other processes are `fairrecruit serve --workers N` itself, asked
over HTTP: after each write, the public lookup on PROBES new connections (each goes to whichever
worker accepts it first) until every one shows the new status. It also times lookups on one
kept-alive connection, which several workers once answered ~43 ms late (docs/performance.md).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_api import free_port, listening, settled, stop

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
    parser.add_argument("--serve-workers", type=int, help="watch through `fairrecruit serve --workers N` over HTTP")
    parser.add_argument("--probes", type=int, default=20, help="with --serve-workers: new connections asked per check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fr-bench-feed-") as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'feed.sqlite'}"
        if url.startswith("sqlite:///") and args.database_url and Path(url[len("sqlite:///"):]).exists():
            parser.error("a SQLite database for this bench must be a new file (its rows are not emptied)")
        if args.serve_workers:
            measure_served(url, args.serve_workers, args.rounds, args.probes, Path(scratch))
        else:
            measure(url, args.watchers, args.rounds)


def _change(round_no: int):
    """The write of a round (suspend, then reinstate, alternately) and the status it leads to."""
    from registry import services

    day = D(2020, 1, 2) + dt.timedelta(days=round_no)
    action, expected = ((services.suspend_licence, "suspended") if round_no % 2 == 0
                        else (services.reinstate_licence, "active"))
    return lambda: asyncio.run(action(NUMBER, on=day, reason="bench", actor="bench")), expected


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    """(p50, p99, max) in milliseconds."""
    ordered = sorted(values)
    return (statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
            ordered[-1] * 1000)


def measure(url: str, watcher_count: int, rounds: int) -> None:
    import registry  # noqa: F401  (sets PICCOLO_CONF)

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
            write, expected = _change(round_no)
            started = time.time()  # before the write: the delay measured includes the write itself
            write()
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
    p50, p99, most = _percentiles(delays)
    print(f"{url.split(':')[0]}: {rounds} changes, {watcher_count} other processes: start of the write -> slowest other process's lookup shows it: "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {most:.1f} ms "
          f"(target <= 1000 ms); the write itself (asyncio.run + service call): p50 {statistics.median(writes) * 1000:.1f} ms")


def measure_served(url: str, workers: int, rounds: int, probes: int, scratch: Path) -> None:
    import registry  # noqa: F401  (sets PICCOLO_CONF)

    asyncio.run(_seed(url))
    port = free_port()
    env = dict(os.environ, FAIRRECRUIT_DATABASE_URL=url, FAIRRECRUIT_PUBLIC_RATE="1000000/second",
               FAIRRECRUIT_DATA_DIR=str(scratch))
    server = listening(subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers), "--port", str(port)],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    ), port, "fairrecruit serve")
    path = "/api/v1/public/lookup?q=" + urllib.request.quote(NUMBER)

    def fresh() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            return json.loads(answer.read())["status"]

    try:
        assert fresh() == "active"
        settled(server.pid)
        kept = http.client.HTTPConnection("127.0.0.1", port)
        latencies = []
        for _ in range(200):
            started = time.perf_counter()
            kept.request("GET", path)
            kept.getresponse().read()
            latencies.append(time.perf_counter() - started)
        kept.close()
        delays = []
        for round_no in range(rounds):
            write, expected = _change(round_no)
            started = time.time()
            write()
            while {fresh() for _ in range(probes)} != {expected}:
                if time.time() - started > 10:
                    raise RuntimeError(f"round {round_no}: not every worker showed {expected} within 10 s")
            delays.append(time.time() - started)
    finally:
        stop(server)
    k50, k99, kmax = _percentiles(latencies)
    p50, p99, most = _percentiles(delays)
    print(f"{url.split(':')[0]}, fairrecruit serve --workers {workers}: one kept-alive connection, 200 lookups: "
          f"p50 {k50:.2f} ms, p99 {k99:.2f} ms, max {kmax:.2f} ms")
    print(f"{rounds} changes: start of the write -> {probes} lookups on new connections all show it: "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {most:.1f} ms (target <= 1000 ms)")


if __name__ == "__main__":
    main()
