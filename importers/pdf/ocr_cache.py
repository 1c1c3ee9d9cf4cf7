"""OCR results on disk, so re-ingesting a document (and the test-suite) does not pay ~2 s a
page again. Keyed by everything that changes the output: the PDF's bytes, the page, the
tesseract version, languages, resolution and the reading method. A damaged cache entry is a miss, never an error.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import astuple, dataclass
from pathlib import Path

from importers.document import Word
from registry import settings


@dataclass(frozen=True, slots=True)
class Key:
    sha256: str
    page: int
    tesseract: str
    languages: str
    dpi: int
    method: str

    def path(self) -> Path:
        digest = hashlib.sha256(json.dumps(astuple(self)).encode()).hexdigest()
        return cache_dir() / digest[:2] / f"{digest}.json"


def cache_dir() -> Path:
    return settings.data_dir() / "ocr-cache"


def load(key: Key) -> list[Word] | None:
    try:
        raw = json.loads(key.path().read_text(encoding="utf-8"))
        return [Word(item["text"], tuple(item["bbox"])) for item in raw["words"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: Key, words: list[Word]) -> None:
    path = key.path()
    payload = {"key": astuple(key), "words": [{"text": w.text, "bbox": w.bbox} for w in words]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False)
        os.replace(temporary, path)
    except OSError:
        return  # a read-only or full disk only costs speed
