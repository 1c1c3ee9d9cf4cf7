"""Registry import throughput: generate a large registry, import it, re-import it.

    python bench/bench_registry_import.py --agencies 100000 --brokers 1000000 \
        [--database-url postgresql://postgres@127.0.0.1:5432/bench]

Uses the shared scale generator (`shared/tools/make_big_registry.py`, standard library only).
Without --database-url a fresh SQLite file in a temporary folder is used. Prints rows read,
seconds and rows/s for the first import (everything new) and the re-import (nothing changes).
"""
from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "tools" / "make_big_registry.py"


def _rows(folder: Path) -> int:
    return sum(sum(1 for _ in (folder / n).open(encoding="utf-8")) - 1
               for n in ("agencies.csv", "licence_events.csv", "brokers.csv"))


async def _run(folder: Path, url: str) -> None:
    import registry  # noqa: F401  (sets PICCOLO_CONF)
    from importers.registry_import import import_registry
    from registry.db import engine_from_url, migrate

    await migrate(engine_from_url(url))
    rows = _rows(folder)
    for label in ("first import", "re-import"):
        start = time.perf_counter()
        summary = await import_registry([folder], actor="bench")
        seconds = time.perf_counter() - start
        changed = len(summary.changed)
        print(f"{label}: {rows} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s ({changed} numbers changed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10000)
    parser.add_argument("--brokers", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "registry"
        subprocess.run([sys.executable, str(GENERATOR), "--agencies", str(args.agencies), "--brokers",
                        str(args.brokers), "--seed", str(args.seed), "--out", str(folder)], check=True)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        asyncio.run(_run(folder, url))


if __name__ == "__main__":
    main()
