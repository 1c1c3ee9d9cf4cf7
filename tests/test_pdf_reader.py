"""The reader on the shared sample: golden text for a few pages, reading order of side-by-side
bilingual layouts, layer choice, tables, OCR of scans and the needs_ocr path."""
from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from importers.pdf import ocr, read_pdf
from importers.pdf.khmer import has_khmer

GOLDEN = Path(__file__).parent / "golden" / "pdf"
GOLDEN_PAGES = [
    ("contract_p002.pdf", 1),  # Chromium, Khmer section then English
    ("contract_p004.pdf", 2),  # Chromium, Khmer and English side by side
    ("contract_p008.pdf", 1),  # ReportLab, English typed form
    ("contract_p022.pdf", 1),  # Chromium, Khmer only
]


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


@cache
def _read(path: Path, use_ocr: bool):
    return read_pdf(path.read_bytes(), ocr=use_ocr)


def read(corpus: Path, name: str, use_ocr: bool = False):
    return _read(corpus / "contracts" / name, use_ocr)


@pytest.mark.parametrize(("name", "page"), GOLDEN_PAGES)
def test_page_text_matches_golden(corpus, name, page):
    text = normalised(read(corpus, name).pages[page - 1].text)
    golden = GOLDEN / f"{Path(name).stem}_p{page}.txt"
    if os.environ.get("FAIRRECRUIT_UPDATE_GOLDEN") == "1":
        golden.write_text(text + "\n", encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8").rstrip("\n")


def test_side_by_side_columns_never_share_a_line(corpus):
    """Regression: a Khmer line and the English line beside it were merged into one."""
    for name in ("contract_p004.pdf", "contract_p038.pdf"):
        for page in read(corpus, name).pages:
            for line in page.lines:
                latin_words = [w for w in line.words if re.search("[A-Za-z]{3,}", w.text)]
                khmer_words = [w for w in line.words if has_khmer(w.text)]
                if latin_words and khmer_words:
                    # mixed lines exist (a Latin place name inside a Khmer sentence), but
                    # never a Khmer word left of the gutter with English right of it
                    gap = min(w.bbox[0] for w in latin_words) - max(w.bbox[2] for w in khmer_words)
                    assert gap < 20, f"{name} p{page.number}: {line.text!r}"


def test_side_by_side_english_clause_reads_as_one_paragraph(corpus):
    text = normalised(read(corpus, "contract_p004.pdf").pages[1].text)
    assert (
        "Basic salary: ₩10,670 per hour, paid in cash or by\nbank transfer." in text
    )


def test_registered_khmer_name_read_verbatim_from_chromium_pdf(corpus):
    document = read(corpus, "contract_p002.pdf")
    assert "ក្រុមហ៊ុន អប្សរា ម៉ែនផៅវ័រ" in document.text
    assert "សង្កាត់ចាក់អង្រែលើ ខណ្ឌមានជ័យ" in document.text
    assert {page.source for page in document.pages} <= {"pdftotext", "pypdfium2"}


def test_words_carry_boxes_inside_the_page(corpus):
    page = read(corpus, "contract_p001.pdf").pages[0]
    assert page.lines
    for line in page.lines:
        for word in line.words:
            x0, top, x1, bottom = word.bbox
            assert 0 <= x0 <= x1 <= page.width and 0 <= top <= bottom <= page.height


def test_fee_table_cells_come_from_the_chosen_layer(corpus):
    tables = [t for p in read(corpus, "contract_p002.pdf").pages for t in p.tables]
    khmer_table = next(t for t in tables if has_khmer(t.rows[0][0]))
    assert khmer_table.rows[0] == ["មុខចំណាយ", "ចំនួនទឹកប្រាក់", "អ្នកបង់"]
    english = next(t for t in tables if t.rows[0][0] == "Item")
    assert ["Passport", "$120", "Employer"] in english.rows


def test_libreoffice_khmer_pages_are_not_trusted(corpus):
    """Their marks sit on the wrong base in every layer: without OCR they need OCR."""
    document = read(corpus, "contract_p010.pdf")
    assert document.needs_ocr_pages == [1, 2, 3, 4, 5]
    assert all(page.lines == [] for page in document.pages)


def test_scan_without_ocr_engine_is_reported_not_empty(corpus, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    document = read_pdf((corpus / "contracts" / "contract_p039.pdf").read_bytes())
    assert document.needs_ocr and document.needs_ocr_pages == [1, 2, 3]


def _one_page(path: Path, index: int = 0) -> bytes:
    """One page of a corpus PDF as its own PDF: OCR tests pay for one page, not six."""
    import io

    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(path.read_bytes())
    single = pdfium.PdfDocument.new()
    single.import_pages(source, [index])
    buffer = io.BytesIO()
    single.save(buffer)
    return buffer.getvalue()


@pytest.mark.skipif(not ocr.available(), reason="tesseract not installed")
def test_scanned_page_is_ocrd_with_positions(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(_ocr_cache_home(tmp_path)))
    labels = {json.loads(l)["file"]: json.loads(l) for l in (corpus / "contracts" / "labels.jsonl").open()}
    document = read_pdf(_one_page(corpus / "contracts" / "contract_p039.pdf"))
    page = document.pages[0]
    assert page.source == "ocr" and not document.needs_ocr
    text = " ".join(document.text.split())
    assert labels["contract_p039.pdf"]["fields"]["agency_licence_no"] in text
    assert all(0 <= w.bbox[0] < w.bbox[2] <= page.width for l in page.lines for w in l.words)


@pytest.mark.skipif(not ocr.available(), reason="tesseract not installed")
def test_libreoffice_khmer_page_is_ocrd_and_its_digits_come_from_the_text_layer(
    corpus, tmp_path, monkeypatch
):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(_ocr_cache_home(tmp_path)))
    with (corpus / "registry" / "agencies.csv").open(encoding="utf-8") as handle:
        agency = next(row for row in csv.DictReader(handle) if row["licence_no"] == "MLVT-PRA-201/2023")
    document = read_pdf(_one_page(corpus / "contracts" / "contract_p011.pdf"))
    assert document.pages[0].source == "ocr"
    text = unicodedata.normalize("NFC", document.text)
    expected = unicodedata.normalize("NFC", agency["address_km"]).split()
    found = [word for word in expected if word in text]
    assert len(found) >= len(expected) - 1, (expected, text[:400])
    assert "MLVT-PRA-201/2023" in text  # Latin taken verbatim from the text layer


def _ocr_cache_home(tmp_path: Path) -> Path:
    """A shared OCR cache speeds re-runs; FAIRRECRUIT_TEST_OCR_CACHE points at one."""
    shared = os.environ.get("FAIRRECRUIT_TEST_OCR_CACHE")
    return Path(shared) if shared else tmp_path


@pytest.mark.skipif(not ocr.available(), reason="tesseract not installed")
def test_regression_ocr_layout_analysis_dropped_an_article_the_text_layer_has(corpus, tmp_path, monkeypatch):
    """Tesseract's layout analysis of contract_p013's page 2 (LibreOffice, Khmer) dropped the
    passport article entirely; its rejected text layer still shows lines there, so the reader
    reads those regions again and the article is back, at its place on the page."""
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))  # real OCR, never a cached answer
    page = read_pdf(_one_page(corpus / "contracts" / "contract_p013.pdf", 1)).pages[0]
    assert page.source == "ocr"
    passport = "លិខិតឆ្លងដែន"  # the word for passport, in the article's heading and body
    lines = [line for line in page.lines if passport in unicodedata.normalize("NFC", line.text)]
    assert len(lines) >= 2, page.text[:800]
    assert all(200 < line.bbox[1] < 260 for line in lines[:2])



def _count_pdfium_words(monkeypatch) -> list[int]:
    """One entry per page whose pypdfium2 words the reader builds."""
    from importers.pdf import reader

    built: list[int] = []
    original = reader.pdfium_layer.page_words

    def counted(page):
        built.append(1)
        return original(page)

    monkeypatch.setattr(reader.pdfium_layer, "page_words", counted)
    return built


def _lines(document) -> list[tuple[str, float, list[str]]]:
    return [(page.source, page.quality, [line.text for line in page.lines]) for page in document.pages]


def test_english_pages_skip_pdfiums_words_and_read_the_same(corpus, monkeypatch):
    """pdfium's words with boxes are not built where they cannot change the page (pdftotext's
    layer scores near 1, no Khmer in either layer); the document reads exactly as with them."""
    from importers.pdf import reader

    data = (corpus / "contracts" / "contract_p015.pdf").read_bytes()  # ReportLab, English, 3 pages
    built = _count_pdfium_words(monkeypatch)
    shortcut = read_pdf(data, ocr=False)
    assert len(shortcut.pages) == 3 and not built
    monkeypatch.setattr(reader, "_second_opinion_moot", lambda first, page: False)
    assert _lines(read_pdf(data, ocr=False)) == _lines(shortcut)
    assert len(built) == 3


def test_pdftotext_that_lost_a_pages_khmer_still_gets_pdfiums_second_opinion(corpus, monkeypatch):
    """The Khmer check reads pdfium's own text: a pdftotext layer with its Khmer gone (a font
    it cannot map) does not pass for a clean English page, whose pdfium words are skipped."""
    import pypdfium2

    from importers.pdf import poppler, reader

    data = (corpus / "contracts" / "contract_p002.pdf").read_bytes()  # Chromium, Khmer section then English
    pdf = pypdfium2.PdfDocument(data)
    pdfium_khmer = sum(has_khmer(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf)))
    assert 0 < pdfium_khmer < len(pdf)
    original = poppler.words_by_page

    def without_khmer(*args, **kwargs):
        pages = original(*args, **kwargs)
        return [[word for word in words if not has_khmer(word.text)] for words in pages]

    monkeypatch.setattr(reader.poppler, "words_by_page", without_khmer)
    built = _count_pdfium_words(monkeypatch)
    read_pdf(data, ocr=False)
    assert len(built) == pdfium_khmer


def test_regression_a_text_layer_that_lost_a_pages_khmer_was_trusted(corpus, monkeypatch):
    """The layers' Khmer agreement needed enough Khmer in BOTH layers: a pdftotext layer that
    kept a page's Latin names but lost its Khmer passed as a clean page with the Khmer
    clauses gone, although pdfium's layer has them. Now that page is not trusted (OCR'd, or
    listed as needing OCR), as any page whose layers disagree."""
    from importers.pdf import poppler, reader

    original = poppler.words_by_page

    def without_khmer(*args, **kwargs):
        pages = original(*args, **kwargs)
        return [[word for word in words if not has_khmer(word.text)] for words in pages]

    normal = read(corpus, "contract_p002.pdf")
    assert normal.pages[2].source == "pdftotext" and has_khmer(_text(normal.pages[2]))  # signatures page
    monkeypatch.setattr(reader.poppler, "words_by_page", without_khmer)
    document = read_pdf((corpus / "contracts" / "contract_p002.pdf").read_bytes(), ocr=False)
    assert 3 in document.needs_ocr_pages and not document.pages[2].lines



def _text(page) -> str:
    return "\n".join(line.text for line in page.lines)
