"""Tesseract OCR of one page: a render at `limits.ocr_dpi`, `khm+eng`, TSV words with boxes
converted back to PDF points.

Tesseract's page layout analysis sometimes drops a whole block of a page (seen: one article
of a LibreOffice-made Khmer contract, gone from the grayscale render's OCR while the colour
render kept it). When the page has a text layer that was rejected for its Khmer only, that
layer still says where the text lines are: lines the page's OCR left uncovered are cut out
of the render and read again as one uniform block (`--psm 6`), which skips layout analysis.

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

from importers.document import Line, Word
from importers.pdf import ocr_cache
from importers.pdf.fusion import centre_inside
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.limits import ReadLimits

LANGUAGES = "khm+eng"
_MIN_CONFIDENCE = 10.0
"""Tesseract words below this confidence are speckle and noise, not text."""
METHOD = "page+layer-gaps/2"
"""Part of the cache key: cached words were made this way (bump when the method changes)."""
_MIN_COVERAGE = 0.1
"""A text-layer line is a gap when OCR words cover less than this share of its words' width:
a line OCR left out. (Rows of a form, where the layers cut words differently, are covered
10-50 % and read fine; re-reading them only costs a tesseract run.)"""


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


def ocr_page(
    pdf, index: int, sha256: str, limits: ReadLimits, layer_lines: list[Line] | None = None
) -> list[Word] | None:
    """Words of page `index` (0-based) of an open pypdfium2 document, cached per PDF hash;
    None when tesseract failed on it (the page still needs OCR). `layer_lines` are the lines
    of the page's rejected text layer, if any: where OCR left them uncovered, it reads again."""
    key = ocr_cache.Key(sha256, index + 1, version(), LANGUAGES, limits.ocr_dpi, METHOD)
    cached = ocr_cache.load(key)
    if cached is not None:
        return cached
    image, scale = render_image(pdf, index, limits)
    words = recognise(png_bytes(image, limits), 1 / scale, limits)
    if words is not None:
        if layer_lines:
            words += _read_gaps(image, scale, words, layer_lines, limits)
        ocr_cache.store(key, words)
    return words


def render_image(pdf, index: int, limits: ReadLimits):
    """Grayscale PIL image of the page and its pixels per point (lower than the OCR dpi for
    huge pages)."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = limits.ocr_dpi / 72
        if width * scale * height * scale > limits.max_page_pixels:
            scale = (limits.max_page_pixels / (width * height)) ** 0.5
        return page.render(scale=scale, grayscale=True).to_pil(), scale
    finally:
        page.close()


def png_bytes(image, limits: ReadLimits) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(limits.ocr_dpi, limits.ocr_dpi))
    return buffer.getvalue()


def render_png(pdf, index: int, limits: ReadLimits) -> tuple[bytes, float]:
    """PNG of the page and its pixels per point, as the page's OCR sees it."""
    image, scale = render_image(pdf, index, limits)
    return png_bytes(image, limits), scale


def uncovered_lines(layer_lines: list[Line], words: list[Word]) -> list[Line]:
    """Text-layer lines with some letters whose words OCR covers less than `_MIN_COVERAGE` of
    (by width: a label and its value far apart on one line are not a gap between them)."""
    gaps: list[Line] = []
    for line in layer_lines:
        if sum(ch.isalnum() for ch in line.text) < 2:
            continue  # a rule, a stray mark: nothing to read
        x0, top, x1, bottom = line.bbox
        spans = _merged(  # OCR words centred on the line: Khmer lines' boxes overlap their neighbours
            (word.bbox[0], word.bbox[2]) for word in words if top <= (word.bbox[1] + word.bbox[3]) / 2 <= bottom
        )
        total = sum(word.bbox[2] - word.bbox[0] for word in line.words)
        covered = sum(
            max(0.0, min(end, word.bbox[2]) - max(start, word.bbox[0]))
            for word in line.words
            for start, end in spans
        )
        if total > 0 and covered < _MIN_COVERAGE * total:
            gaps.append(line)
    return gaps


def _merged(spans) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def gap_regions(gaps: list[Line]) -> list[tuple[float, float, float, float]]:
    """Neighbouring gap lines merged into blocks (PDF points), with a margin of half a line
    around each so no glyph is cut."""
    regions: list[list[float]] = []
    for line in sorted(gaps, key=lambda line: line.bbox[1]):
        x0, top, x1, bottom = line.bbox
        if regions and top - regions[-1][3] < 1.5 * (bottom - top):
            region = regions[-1]
            region[0], region[2], region[3] = min(region[0], x0), max(region[2], x1), max(region[3], bottom)
        else:
            regions.append([x0, top, x1, bottom])
    margin = max(4.0, 0.5 * min((line.bbox[3] - line.bbox[1] for line in gaps), default=0))
    return [(x0 - margin, top - margin, x1 + margin, bottom + margin) for x0, top, x1, bottom in regions]


_STRIP_SPACING = 24
"""White pixels between two gap regions stacked into one image."""


def _read_gaps(image, scale: float, words: list[Word], layer_lines: list[Line], limits) -> list[Word]:
    """OCR words for the regions the page's OCR missed, minus any it already has. The regions
    are stacked into one image, so a page costs one more tesseract run, not one per region."""
    from PIL import Image

    boxes = []
    for x0, top, x1, bottom in gap_regions(uncovered_lines(layer_lines, words)):
        box = (max(0, int(x0 * scale)), max(0, int(top * scale)),
               min(image.width, int(x1 * scale) + 1), min(image.height, int(bottom * scale) + 1))
        if box[2] > box[0] and box[3] > box[1]:
            boxes.append(box)
    if not boxes:
        return []
    strips = Image.new("L", (max(b[2] - b[0] for b in boxes) + 2 * _STRIP_SPACING,
                             sum(b[3] - b[1] + _STRIP_SPACING for b in boxes) + _STRIP_SPACING), 255)
    placed: list[tuple[int, int, tuple[int, int, int, int]]] = []  # strip top, bottom, source box
    y = _STRIP_SPACING
    for box in boxes:
        strips.paste(image.crop(box), (_STRIP_SPACING, y))
        placed.append((y, y + box[3] - box[1], box))
        y += box[3] - box[1] + _STRIP_SPACING
    found: list[Word] = []
    for word in recognise(png_bytes(strips, limits), 1.0, limits, psm=6) or []:
        middle = (word.bbox[1] + word.bbox[3]) / 2
        for strip_top, strip_bottom, box in placed:
            if strip_top <= middle <= strip_bottom:
                dx, dy = box[0] - _STRIP_SPACING, box[1] - strip_top
                x0, top, x1, bottom = word.bbox
                moved = Word(word.text, ((x0 + dx) / scale, (top + dy) / scale, (x1 + dx) / scale, (bottom + dy) / scale))
                if not any(centre_inside(moved, known) for known in words):
                    found.append(moved)
                break
    return found


def recognise(
    png: bytes, points_per_pixel: float, limits: ReadLimits, psm: int = 3
) -> list[Word] | None:
    """Tesseract on one rendered page or region (no cache); None when tesseract failed.
    `psm` 3 analyses the page's layout; 6 reads the image as one block of text."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="fr-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        image.write_bytes(png)
        try:
            result = subprocess.run(
                ["tesseract", str(image), "-", "-l", LANGUAGES, "--psm", str(psm), "tsv"],
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
