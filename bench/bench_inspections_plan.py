"""Inspection planning at scale: how long `plan()` takes as contracts and flags pile up.

    /work/venv/bin/python bench/bench_inspections_plan.py [--agencies 2000] [--brokers 20000]
        [--contracts 50000] [--flags-per-contract 3] [--seed 1] [--database sqlite:///PATH]

Fills a fresh database (default: a temporary SQLite file) with synthetic agencies, licences,
brokers, sub-licences, contracts and flags through the bulk write path, then measures, three
times each: the loader (queries), the scorer (pure Python) and the whole `plan()`; prints the
median and the worklist length. Nothing here is asserted: figures go in the report.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from registry.db import engine_from_url, migrate
from registry.risk.loader import load_inputs
from registry.risk.score import rank
from registry.risk.service import plan
from registry.risk.weights import load_weights
from registry.tables import (
    Agency,
    Broker,
    Contract,
    Flag,
    Licence,
    LicenceEvent,
    SubLicence,
    SubLicenceEvent,
)
from registry.writes import bulk_insert, write_transaction

RULES = [("WRK006", "critical"), ("FEE003", "critical"), ("FEE001", "high"), ("WRK005", "medium"),
         ("WRK010", "medium"), ("LIC002", "high"), ("WRK001", "high"), ("FRD001", "critical")]
STATUSES = ["open"] * 6 + ["in_review", "confirmed", "dismissed", "closed"]
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


async def fill(args: argparse.Namespace) -> None:
    rnd = random.Random(args.seed)
    a, b, c = args.agencies, args.brokers, args.contracts
    async with write_transaction():
        await bulk_insert(Agency, ("id", "name_en", "name_km", "address_en", "address_km", "province", "phone", "officers", "created_at"),
                          [(i, f"Agency {i}", "", "", "", f"Province {i % 25}", "", "[]", NOW) for i in range(1, a + 1)])
        await bulk_insert(Licence, ("id", "number", "number_norm", "agency", "destinations", "sectors", "version"),
                          [(i, f"B-PRA-{i}/2020", f"BPRA{i}2020", i, "[]", "[]", 0) for i in range(1, a + 1)])
        events = [(i, "issued", dt.date(2020, 1, 1), dt.date(2028, 1, 1), "", "bench", NOW) for i in range(1, a + 1)]
        events += [(i, "suspended", dt.date(2024, 3, 1), None, "bench", "bench", NOW) for i in range(1, a + 1, 10)]
        await bulk_insert(LicenceEvent, ("licence", "event", "date", "valid_until", "reason", "actor", "recorded_at"), events)
        await bulk_insert(Broker, ("id", "name_en", "name_km", "sex", "province", "district", "phone", "created_at"),
                          [(i, f"Broker {i}", "", "", f"Province {i % 25}", "", "", NOW) for i in range(1, b + 1)])
        await bulk_insert(SubLicence, ("id", "number", "number_norm", "broker", "licence", "version"),
                          [(i, f"B-SUB-{i}/2021", f"BSUB{i}2021", i, 1 + i % a, 0) for i in range(1, b + 1)])
        await bulk_insert(SubLicenceEvent, ("sub_licence", "event", "date", "valid_until", "reason", "actor", "recorded_at"),
                          [(i, "granted", dt.date(2021, 1, 1), dt.date(2027, 1, 1), "", "bench", NOW) for i in range(1, b + 1)])
        contracts, flags = [], []
        for i in range(1, c + 1):
            sub = rnd.randint(1, b)
            licence = 1 + sub % a
            signed = dt.date(2022, 1, 1) + dt.timedelta(days=rnd.randint(0, 1700))
            contracts.append((i, f"{i:064x}", f"c{i}.pdf", 1, "checked", "en", signed, licence, sub,
                              f"p{rnd.randint(1, c // 2)}", json.dumps({}), NOW))
            for rule, severity in rnd.sample(RULES, args.flags_per_contract):
                flags.append((i, rule, severity, rule, "bench", "[]", licence, sub, rnd.choice(STATUSES), "",
                              NOW - dt.timedelta(days=rnd.randint(0, 900)), 0))
        await bulk_insert(Contract, ("id", "sha256", "file_name", "pages", "status", "language", "signing_date", "licence",
                                     "sub_licence", "passport_hash", "terms", "ingested_at"), contracts)
        await bulk_insert(Flag, ("contract", "rule", "severity", "title", "explanation", "evidence", "licence",
                                 "sub_licence", "status", "assignee", "created_at", "version"), flags)


async def measure(args: argparse.Namespace) -> None:
    weights = load_weights()
    as_of = dt.date(2026, 11, 15)
    timings: dict[str, list[float]] = {"load": [], "score": [], "plan": []}
    for _ in range(3):
        start = time.perf_counter()
        inputs = await load_inputs(as_of, weights)
        timings["load"].append(time.perf_counter() - start)
        start = time.perf_counter()
        rank(inputs, weights)
        timings["score"].append(time.perf_counter() - start)
        start = time.perf_counter()
        entries = await plan(as_of=as_of)
        timings["plan"].append(time.perf_counter() - start)
    flags = args.contracts * args.flags_per_contract
    print(f"registry: {args.agencies} agencies, {args.brokers} brokers, {args.contracts} contracts, {flags} flags")
    for name, values in timings.items():
        print(f"  {name:<5} median {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"  worklist: {len(entries)} entries; top score {entries[0].score if entries else 0}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--brokers", type=int, default=20000)
    parser.add_argument("--contracts", type=int, default=50000)
    parser.add_argument("--flags-per-contract", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        await migrate(engine_from_url(url))
        start = time.perf_counter()
        await fill(args)
        print(f"filled {url} in {time.perf_counter() - start:.1f} s")
        await measure(args)


if __name__ == "__main__":
    asyncio.run(main())
