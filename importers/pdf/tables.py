"""Tables: pdfplumber's grid finder on the ruling lines pdfium reads (`rulings.py`); the text
of each cell comes from the page's chosen layer (or OCR), because pdfplumber's own Khmer text
is scrambled."""
from __future__ import annotations

from dataclasses import dataclass, field

from importers.document import BBox, Table, Word
from importers.pdf import layout, rulings

_MIN_RULES = 4
"""Pages with fewer drawn paths than this cannot hold a ruled table; no grid is searched."""


def may_have_table(pdfium_page) -> bool:
    return rulings.path_count(pdfium_page, _MIN_RULES) >= _MIN_RULES


@dataclass
class _RuledPage:
    """What pdfplumber's `TableFinder` reads from a page: its box and its edges."""

    bbox: tuple[float, float, float, float]
    edges: list[rulings.Edge] = field(default_factory=list)


def table_cells(pdfium_page) -> list[tuple[BBox, list[list[BBox | None]]]]:
    """Ruled tables of a page: (table box, rows of cell boxes; None for a merged-away cell)."""
    from pdfplumber.table import TableFinder  # pdfminer is slow to import; few pages need it

    width, height = pdfium_page.get_size()
    page = _RuledPage((0.0, 0.0, width, height), rulings.page_edges(pdfium_page))
    found = []
    for table in TableFinder(page).tables:
        rows = [list(row.cells) for row in table.rows]
        if len(rows) < 2 or max(len(row) for row in rows) < 2:
            continue  # a single ruled box (a frame around a paragraph) is not a table
        found.append((tuple(table.bbox), rows))
    return found


def tables_for_page(pdfium_page, words: list[Word]) -> list[Table]:
    # Centres worked out once per page, not once per cell: every cell looks at every word.
    centred = [((w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2, w) for w in words]
    return [
        Table([[_cell_text(cell, centred) for cell in row] for row in rows], bbox)
        for bbox, rows in table_cells(pdfium_page)
    ]


def _cell_text(cell: BBox | None, centred: list[tuple[float, float, Word]]) -> str:
    if cell is None:
        return ""
    x0, top, x1, bottom = cell
    inside = [word for x, y, word in centred if x0 <= x <= x1 and top <= y <= bottom]
    return "\n".join(line.text for line in layout.lines_in_reading_order(inside))
