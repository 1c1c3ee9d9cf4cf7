"""What a reader worker costs to start (issue 6, target 3): CPU of the reader workers per
document, with workers kept for `FAIRRECRUIT_PDF_WORKER_DOCUMENTS` documents (the default)
and with one worker per document, which is where starting workers dominates.

Each round reads and extracts the same contracts through `read_contract_isolated` with a
fresh pool (and zygote), then ends them so that their CPU reaches this process's
RUSAGE_CHILDREN. Each setting runs in its own process (the setting is read at import).

    python bench/bench_reader_workers.py [CORPUS_DIR] [--documents 10] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SETTINGS = {"workers kept (default)": None, "one worker per document": "1"}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(files: list[Path], rounds: int) -> list[float]:
    """Worker CPU ms per document, one figure per round."""
    from importers.pdf.isolated import close_workers
    from importers.terms.isolated import read_contract_isolated

    documents = [path.read_bytes() for path in files]
    figures = []
    for _ in range(rounds):
        start = children_cpu()
        for data in documents:
            read_contract_isolated(data, passport_key=bytes(32))
        close_workers()
        figures.append((children_cpu() - start) * 1000 / len(documents))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "contracts")
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.pdf"))[: args.documents]
    if args.measure:
        print(json.dumps(measure(files, args.rounds)))
        return
    print(f"{len(files)} PDFs from {args.corpus}, {args.rounds} rounds; worker CPU ms per document")
    for name, value in SETTINGS.items():
        env = dict(os.environ)
        env.pop("FAIRRECRUIT_PDF_WORKER_DOCUMENTS", None)
        if value is not None:
            env["FAIRRECRUIT_PDF_WORKER_DOCUMENTS"] = value
        out = subprocess.run([sys.executable, __file__, str(args.corpus), "--documents", str(args.documents),
                              "--rounds", str(args.rounds), "--measure"], env=env, check=True,
                             capture_output=True, text=True).stdout
        figures = json.loads(out.splitlines()[-1])
        print(f"{name:28} " + "  ".join(f"{figure:6.1f}" for figure in figures))
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
