"""Table grids from pdfium's ruling lines must be the grids pdfplumber finds by parsing the
page itself (the reader stopped using pdfplumber's page parser for speed)."""
from __future__ import annotations

import pdfplumber
import pypdfium2 as pdfium
import pytest

import pdf_factory
from importers.pdf import tables


def _rounded(found):
    return [
        (tuple(round(v) for v in bbox), [[None if c is None else tuple(round(v) for v in c) for c in row] for row in rows])
        for bbox, rows in found
    ]


@pytest.mark.parametrize(("name", "index"), [("contract_p001.pdf", 0), ("contract_p010.pdf", 0)])
def test_table_grid_from_pdfium_rulings_matches_pdfplumber(corpus, name, index):
    path = corpus / "contracts" / name
    with pdfplumber.open(path) as opened:
        expected = [
            (tuple(t.bbox), [list(row.cells) for row in t.rows])
            for t in opened.pages[index].find_tables()
            if len(t.rows) >= 2 and max(len(row.cells) for row in t.rows) >= 2
        ]
    pdf = pdfium.PdfDocument(path.read_bytes())
    page = pdf[index]
    try:
        found = tables.table_cells(page)
    finally:
        page.close()
        pdf.close()
    assert expected, "the sample page has a ruled table"
    assert _rounded(found) == _rounded(expected)


def test_page_without_rulings_is_not_searched_for_tables():
    pdf = pdfium.PdfDocument(pdf_factory.simple())
    page = pdf[0]
    try:
        assert not tables.may_have_table(page)
        assert tables.table_cells(page) == []
    finally:
        page.close()
        pdf.close()
