"""Reference vocabularies (labels, country names, currency words, number words) live in
`data/*.json` so that adding a synonym never means touching extraction code."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    with (DATA / f"{name}.json").open(encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, dict):
        data.pop("_why", None)
    return data
