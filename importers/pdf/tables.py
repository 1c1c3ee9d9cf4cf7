"""Tables: pdfplumber finds the ruled grid; the text of each cell comes from the page's chosen
layer (or OCR), because pdfplumber's own Khmer text is scrambled."""
from __future__ import annotations

import pypdfium2.raw as pdfium_c

from importers.document import BBox, Table, Word
from importers.pdf import layout, plumber

_MIN_RULES = 4
"""Pages with fewer drawn paths than this cannot hold a ruled table; pdfplumber is skipped."""


def may_have_table(pdfium_page) -> bool:
    count = 0
    for _ in pdfium_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        count += 1
        if count >= _MIN_RULES:
            return True
    return False


def tables_for_page(plumber_page, words: list[Word]) -> list[Table]:
    return [
        Table([[_cell_text(cell, words) for cell in row] for row in rows], bbox)
        for bbox, rows in plumber.table_cells(plumber_page)
    ]


def _cell_text(cell: BBox | None, words: list[Word]) -> str:
    if cell is None:
        return ""
    x0, top, x1, bottom = cell
    inside = [
        word
        for word in words
        if x0 <= (word.bbox[0] + word.bbox[2]) / 2 <= x1
        and top <= (word.bbox[1] + word.bbox[3]) / 2 <= bottom
    ]
    return "\n".join(line.text for line in layout.lines_in_reading_order(inside))
