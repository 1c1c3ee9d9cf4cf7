"""pdfplumber as a text layer: weak on Khmer (it works glyph by glyph in visual order) and slow
(pdfminer parses every page in Python), so the reader does not use it; the bench measures it.
Its table grid finder is used on pdfium's ruling lines instead (`tables.py`)."""
from __future__ import annotations

import io
import logging

from importers.document import Word

# pdfminer warns on every font without a FontBBox (all Chromium PDFs); it changes nothing.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def open_pdf(data: bytes, password: str | None = None):
    """Imported on first use: pdfminer is slow to import and most pages have no table."""
    import pdfplumber

    return pdfplumber.open(io.BytesIO(data), password=password or "")


def page_words(page) -> list[Word]:
    return [
        Word(item["text"], (item["x0"], item["top"], item["x1"], item["bottom"]))
        for item in page.extract_words(keep_blank_chars=False, use_text_flow=False)
    ]
