"""Evaluate the contract pipeline on a labelled set: per-rule precision/recall, field accuracy,
traps flagged.

    python bench/eval_contracts.py ../shared/corpus/contracts/labels.jsonl [--registry DIR] [--json]

Ingests the labelled PDFs (in file order) into a fresh SQLite database after importing the
registry (default: the `registry/` folder beside the labels' folder), then compares the flags
stored for each contract with `expected_rules` and the extracted fields with `fields`.
Set FAIRRECRUIT_DATA_DIR to keep the OCR cache between runs.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from importers.evaluation import evaluate, report
    from registry.db import migrate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--registry", type=Path, default=None, help="registry folder to import first")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()
    registry_dir = args.registry or args.labels.resolve().parent.parent / "registry"

    async def run() -> dict:
        await migrate()
        return await evaluate(args.labels.resolve(), registry_dir.resolve())

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FAIRRECRUIT_DATABASE_URL"] = f"sqlite:///{tmp}/eval.sqlite"
        os.environ.setdefault("FAIRRECRUIT_DATA_DIR", tmp)
        result = asyncio.run(run())
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
