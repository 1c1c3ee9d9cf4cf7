"""API throughput with `wrk` (issue 6, target 4), every figure from the same run.

Starts uvicorn servers itself on 127.0.0.1 (same server, same worker count): a bare Litestar
JSON endpoint, and the fairrecruit app on a fresh SQLite registry (the sample's registry
imported) with the public rate limit lifted (`FAIRRECRUIT_PUBLIC_RATE`, see docs/api.md);
runs wrk for `--seconds` per case; stops the servers. Beside wrk's figures it prints the
server's CPU time per request (from /proc, the server's process group), which a busy machine
disturbs much less than requests per second. Cases: bare endpoint, public lookup by
licence number, public lookup by name (queries rotate, a Lua script). The in-process cost of
the same lookups (the service function, no HTTP) is measured in this process, for names right
before and right after their wrk run.

    python bench/bench_api.py [CORPUS_DIR] [--seconds 10] [--connections 64] [--workers 1] [--loops asyncio uvloop]
    python bench/bench_api.py --registry /work/big/full --loops asyncio   # national scale

Every case runs under each event loop given (default: the one `fairrecruit serve` uses, then
uvloop), the bare endpoint included, so each ratio compares like with like.

The registry served is the sample's (60 agencies, 200 brokers; its worker-style queries: 10
names, 10 numbers) unless `--registry` names a folder of registry CSVs, e.g. the output of
`make_big_registry.py` at 100 k agencies + 1 M brokers: it is imported into the server's SQLite
database first (about a minute at that size), the server builds its index before it opens its
port (~25 s at that size), and the name queries are misspelt registered names made as `bench_lookup.py` makes
them (`--queries`, rotating; numbers are registered licence numbers). On the sample a name
lookup costs well under a millisecond and what HTTP adds weighs more than it does at
national scale, where the lookup costs several.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.cli.serve_cmds import EVENT_LOOP  # noqa: E402  (the loop `fairrecruit serve` runs)


START_SECONDS = 300
"""A served process builds its lookup index before it opens its port: ~25 s at national scale."""
BARE, BARE_AGAIN = "bare Litestar JSON", "bare Litestar JSON, again"
"""The baseline runs first and last; each ratio uses the mean of the two."""


def bare_app():
    """The baseline: one Litestar JSON route, nothing else (uvicorn factory)."""
    from litestar import Litestar, get

    @get("/bare")
    async def bare() -> dict[str, str]:
        return {"status": "active", "number": "MLVT-PRA-000/2000"}

    return Litestar(route_handlers=[bare])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(target: str, port: int, workers: int, loop: str, env: dict[str, str]) -> subprocess.Popen:
    """`target` served the way `fairrecruit serve` serves the app (`api.server.run`)."""
    serve = ("import sys; from api.server import run; run(sys.argv[1], factory=True, host='127.0.0.1', "
             "port=int(sys.argv[2]), workers=int(sys.argv[3]), loop=sys.argv[4], log_level='warning', access_log=False)")
    process = subprocess.Popen(
        [sys.executable, "-c", serve, target, str(port), str(workers), loop],
        env=env | {"PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)},
        cwd=ROOT, start_new_session=True,
    )
    return listening(process, port, target)


def listening(process: subprocess.Popen, port: int, name: str) -> subprocess.Popen:
    """`process` once its port takes connections; stopped, and an error, if it exits or takes
    longer than START_SECONDS. With several workers the port opens before any worker is ready
    (`settled` waits for them)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server {name} exited with {process.returncode}")
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"server {name} did not start within {START_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, 9)
        process.wait()


def group_cpu_seconds(group: int) -> float:
    """User + system CPU of every process in a process group (the server and its workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the command: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def settled(group: int, quiet_cpu_seconds: float = 0.05, interval: float = 1.0) -> None:
    """Wait until the server's processes are idle. With several workers the first answers
    while the others may still be reading the registry (~25 s at national scale); wrk's
    connections, opened meanwhile, would all go to the first."""
    deadline = time.monotonic() + START_SECONDS
    last = group_cpu_seconds(group)
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = group_cpu_seconds(group)
        if now - last < quiet_cpu_seconds:
            return
        last = now
    raise RuntimeError(f"the server was still busy {START_SECONDS} s after it started")


def wrk(url: str, seconds: int, connections: int, paths: list[str], tmp: Path) -> dict:
    script = tmp / "paths.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(f"local paths = {{{quoted}}}\nlocal i = 0\n"
                      "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n")
    result = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                            capture_output=True, text=True, timeout=seconds + 60, check=True)
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
        "requests": requests,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


async def prepare_registry(url: str, registry: Path) -> None:
    from importers.registry_import import import_registry
    from registry.db import engine_from_url, migrate, use_engine

    use_engine(engine_from_url(url))
    await migrate()
    await import_registry([registry], actor="bench")


async def in_process_ms(queries: list[str], seconds: float) -> float:
    """CPU milliseconds per call of the service the public lookup route calls (process time, as
    the server's cost is counted), over whole passes through `queries` for at least `seconds`."""
    from api.checks import lookup_answer

    for query in queries:
        await lookup_answer(query, None, None)
    calls, start = 0, time.process_time()
    while not calls or time.process_time() - start < seconds:
        for query in queries:
            await lookup_answer(query, None, None)
        calls += len(queries)
    return (time.process_time() - start) * 1000 / calls


def registry_queries(registry: Path, count: int, seed: int = 6) -> tuple[list[str], list[str]]:
    """(misspelt names, licence numbers) made from a registry folder, names as bench_lookup
    makes its queries (a quarter in Khmer script, legal forms dropped or kept, 1-2 edits)."""
    from bench_lookup import make_queries
    from registry.lookup.csv_snapshot import snapshot_from_csv

    snapshot = snapshot_from_csv(registry)
    rng = random.Random(seed)
    names = [query for _, query in make_queries(snapshot, count, rng)]
    licences = list(snapshot.licences.values())
    return names, [rng.choice(licences).number for _ in range(max(10, count // 4))]


def run_cases(cases: dict[str, tuple[str, list[str]]], args: argparse.Namespace, loop: str,
              env: dict[str, str], tmp: Path, beside: dict[str, Callable[[], float]]) -> dict[str, dict]:
    """Each case under wrk; for a case in `beside`, its in-process cost is measured right before
    and right after the wrk run (this host's speed drifts by a third within minutes, so an
    in-process figure taken minutes away made the name ratio move from 1.0x to 1.6x)."""
    results = {}
    for name, (target, paths) in cases.items():
        port = free_port()
        server = start_server(target, port, args.workers, loop, env)
        try:
            for path in paths:  # warm up; and a wrong route must fail here, not in wrk
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
            settled(server.pid)
            measure = beside.get(name)
            before = measure() if measure else None
            cpu_before = group_cpu_seconds(server.pid)
            results[name] = wrk(f"http://127.0.0.1:{port}", args.seconds, args.connections, paths, tmp)
            results[name]["cpu_ms"] = (group_cpu_seconds(server.pid) - cpu_before) * 1000 / results[name]["requests"]
            if measure:
                results[name]["in_process_ms"] = (before, measure())
        finally:
            stop(server)
    return results


def report(loop: str, results: dict[str, dict], args: argparse.Namespace, number_ms: float) -> None:
    bare = (results[BARE]["rps"] + results[BARE_AGAIN]["rps"]) / 2  # the host's speed drifts: both ends
    served = " (what `fairrecruit serve` uses)" if loop == EVENT_LOOP else ""
    registry = f"registry {args.registry}" if args.registry else "the sample's registry"
    print(f"\nuvicorn --loop {loop}{served}, {args.workers} worker(s), wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"SQLite, {registry}")
    print(f"{'case':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8} {'server CPU ms/req':>18}")
    for name, row in results.items():
        print(f"{name:<26} {row['rps']:>9.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['errors']:>7} "
              f"{row['rps'] / bare:>8.2f} {row['cpu_ms']:>18.4f}")
    print(f"vs bare: against the mean of the two bare runs, first and last ({bare:.0f} req/s)")
    http_name_ms = 1000 * args.workers / results["public lookup by name"]["rps"]
    http_number_ms = 1000 * args.workers / results["public lookup by number"]["rps"]
    name_cpu_ms = results["public lookup by name"]["cpu_ms"]
    name_before, name_after = results["public lookup by name"]["in_process_ms"]
    name_ms = (name_before + name_after) / 2
    print(f"in-process lookup (CPU): by number {number_ms:.3f} ms/call; by name {name_ms:.3f} ms/call "
          f"(mean of {name_before:.3f} just before and {name_after:.3f} just after the wrk run)")
    print(f"HTTP cost per request per worker (1 / req/s): by number {http_number_ms:.3f} ms, by name {http_name_ms:.3f} ms "
          f"= {http_name_ms / name_ms:.2f}x the in-process name lookup")
    print(f"HTTP server CPU per name request {name_cpu_ms:.3f} ms = {name_cpu_ms / name_ms:.2f}x the in-process name lookup")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=ROOT.parent / "shared" / "corpus", type=Path)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--loops", nargs="+", default=[EVENT_LOOP, "uvloop"], choices=["asyncio", "uvloop"],
                        help="uvicorn event loops to run every case under (default: serve's, then uvloop)")
    parser.add_argument("--registry", type=Path, help="registry CSV folder to serve instead of the sample's")
    parser.add_argument("--queries", type=int, default=200, help="with --registry: name queries made from it")
    args = parser.parse_args()
    if args.registry:
        names, numbers = registry_queries(args.registry, args.queries)
    else:
        queries = [json.loads(line) for line in open(args.corpus / "lookup_queries.jsonl", encoding="utf-8")]
        numbers = [q["expected"] for q in queries if q["expected"] and q["kind"] == "agency"][:10]
        names = [q["query"] for q in queries if not re.search(r"\d", q["query"])][:10]
    lookup = "/api/v1/public/lookup?q="
    with tempfile.TemporaryDirectory(prefix="fr-bench-api-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp}/api.sqlite"
        env = dict(os.environ, FAIRRECRUIT_DATABASE_URL=url, FAIRRECRUIT_DATA_DIR=str(tmp),
                   FAIRRECRUIT_PUBLIC_RATE="1000000/second", PYTHONPATH=str(ROOT))
        os.environ.update(FAIRRECRUIT_DATABASE_URL=url, FAIRRECRUIT_DATA_DIR=str(tmp))
        started = time.perf_counter()
        asyncio.run(prepare_registry(url, args.registry or args.corpus / "registry"))
        print(f"registry imported in {time.perf_counter() - started:.1f} s")
        number_ms = asyncio.run(in_process_ms(numbers, 1.0))
        # >= 1 s each: 200 calls moved the figure by 13 % between runs
        beside = {"public lookup by name": lambda: asyncio.run(in_process_ms(names, 1.0))}
        cases = {
            BARE: ("bench_api:bare_app", ["/bare"]),
            "public lookup by number": ("api.app:app_from_environment",
                                        [lookup + urllib.parse.quote(n) for n in numbers]),
            "public lookup by name": ("api.app:app_from_environment",
                                      [lookup + urllib.parse.quote(n) for n in names]),
            BARE_AGAIN: ("bench_api:bare_app", ["/bare"]),
        }
        results = {loop: run_cases(cases, args, loop, env, tmp, beside) for loop in args.loops}
    for loop, rows in results.items():
        report(loop, rows, args, number_ms)
    print(f"load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
