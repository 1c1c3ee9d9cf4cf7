"""pdfplumber: strong on layout structure (ruled tables), weak on Khmer text (it works glyph by
glyph in visual order). Used for table geometry, and measured as a text layer in the bench."""
from __future__ import annotations

import io
import logging

from importers.document import BBox, Word

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


def table_cells(page) -> list[tuple[BBox, list[list[BBox | None]]]]:
    """Ruled tables of a page: (table box, rows of cell boxes; None for a merged-away cell)."""
    found = []
    for table in page.find_tables():
        rows = [list(row.cells) for row in table.rows]
        if len(rows) < 2 or max(len(row) for row in rows) < 2:
            continue  # a single ruled box (a frame around a paragraph) is not a table
        found.append((tuple(table.bbox), rows))
    return found
