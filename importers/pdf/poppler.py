"""Poppler's `pdftotext -bbox-layout`: the best Khmer text layer for most producers, because
it follows the font's glyph-to-Unicode map in logical order. Runs once per document."""
from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

from importers.document import Word

LayerPages = list[list[Word]]
_NS = "{http://www.w3.org/1999/xhtml}"


def available() -> bool:
    from shutil import which

    return which("pdftotext") is not None


def words_by_page(data: bytes, page_count: int, *, timeout: float = 60.0) -> LayerPages | None:
    """Words with boxes for every page, or None when poppler is missing or fails.

    A failure here is not fatal: another layer (or OCR) can still read the document.
    """
    if not available():
        return None
    try:
        # The PDF on stdin (`-`): no temporary file to write and remove for every document.
        result = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-bbox-layout", "-", "-"],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0 or not result.stdout:
        return None
    return parse_bbox_layout(result.stdout, page_count)


def parse_bbox_layout(xhtml: bytes, page_count: int) -> LayerPages | None:
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError:
        return None
    pages: LayerPages = []
    for page in root.iter(f"{_NS}page"):
        words = [
            Word(
                element.text or "",
                (
                    float(element.get("xMin", 0)),
                    float(element.get("yMin", 0)),
                    float(element.get("xMax", 0)),
                    float(element.get("yMax", 0)),
                ),
            )
            for element in page.iter(f"{_NS}word")
            if (element.text or "").strip()
        ]
        pages.append(words)
    if len(pages) != page_count:
        return None
    return pages
