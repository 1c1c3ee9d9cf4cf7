"""Tesseract OCR of one page: a render at `limits.ocr_dpi`, `khm+eng`, TSV words with boxes
converted back to PDF points.

`OMP_THREAD_LIMIT=1`: tesseract's OpenMP threading is slower than one thread on a shared
2-core machine (measured ~10 s vs ~2 s a page), and several documents can be read in parallel
instead.
"""
from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from importers.document import Word
from importers.pdf import ocr_cache
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.limits import ReadLimits

LANGUAGES = "khm+eng"
_MIN_CONFIDENCE = 10.0
"""Tesseract words below this confidence are speckle and noise, not text."""


def available() -> bool:
    return shutil.which("tesseract") is not None and bool(version())


@functools.cache
def version() -> str:
    try:
        result = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    first = (result.stdout or result.stderr).splitlines()
    return first[0].strip() if first else ""


def ocr_page(pdf, index: int, sha256: str, limits: ReadLimits) -> list[Word] | None:
    """Words of page `index` (0-based) of an open pypdfium2 document, cached per PDF hash;
    None when tesseract failed on it (the page still needs OCR)."""
    key = ocr_cache.Key(sha256, index + 1, version(), LANGUAGES, limits.ocr_dpi)
    cached = ocr_cache.load(key)
    if cached is not None:
        return cached
    png, scale = render_png(pdf, index, limits)
    words = recognise(png, 1 / scale, limits)
    if words is not None:
        ocr_cache.store(key, words)
    return words


def render_png(pdf, index: int, limits: ReadLimits) -> tuple[bytes, float]:
    """PNG of the page and its pixels per point (lower than the OCR dpi for huge pages)."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = limits.ocr_dpi / 72
        if width * scale * height * scale > limits.max_page_pixels:
            scale = (limits.max_page_pixels / (width * height)) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(limits.ocr_dpi, limits.ocr_dpi))
        return buffer.getvalue(), scale
    finally:
        page.close()


def recognise(png: bytes, points_per_pixel: float, limits: ReadLimits) -> list[Word] | None:
    """Tesseract on one rendered page (no cache); None when tesseract failed."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="fr-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        image.write_bytes(png)
        try:
            result = subprocess.run(
                ["tesseract", str(image), "-", "-l", LANGUAGES, "--psm", "3", "tsv"],
                capture_output=True,
                timeout=limits.max_seconds,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UnreadableDocumentError(
                "timeout", f"OCR of a page took longer than {limits.max_seconds:g} s."
            ) from None
    if result.returncode != 0:
        return None
    return parse_tsv(result.stdout.decode("utf-8", "replace"), points_per_pixel)


def parse_tsv(tsv: str, points_per_pixel: float) -> list[Word]:
    words: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        if float(row.get("conf") or -1) < _MIN_CONFIDENCE:
            continue
        left, top = float(row["left"]), float(row["top"])
        width, height = float(row["width"]), float(row["height"])
        words.append(
            Word(
                text,
                (
                    left * points_per_pixel,
                    top * points_per_pixel,
                    (left + width) * points_per_pixel,
                    (top + height) * points_per_pixel,
                ),
            )
        )
    return words
