"""One PDF into an `importers.document.Document`: per page, every candidate text layer is
judged and the best one kept; pages no layer can be trusted with are OCR'd (and listed in
`needs_ocr_pages` when no OCR engine is available or OCR gives no trustworthy text either);
ruled tables get their cell text from
the page's chosen text."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pypdfium2 as pdfium

from importers.document import Document, Line, Page, PageSource, Word
from importers.pdf import fusion, khmer, layout, ocr as ocr_engine, pdfium as pdfium_layer, poppler
from importers.pdf import quality, tables
from importers.pdf.limits import ReadLimits
from importers.pdf.preflight import open_checked

_SWITCH_MARGIN = 0.02
"""A later layer must score this much better to replace an earlier one: layers are listed
best-on-average first (pdftotext recovers the most Khmer), and pdfium sometimes repeats text
runs, which no per-character score can see."""


@dataclass(slots=True)
class Candidate:
    """One layer of a page, scored. Its lines are laid out when first asked for: a layer
    without Khmer scores the same in any word order (the score counts characters and
    whitespace-separated tokens; only Khmer pieces are joined by the layout), so a losing
    Latin-only layer is never laid out."""

    source: PageSource
    words: list[Word]
    quality: quality.Quality
    text: str
    """The laid-out text, or for a layer without Khmer its words in any order."""
    laid_out: list[Line] | None = None

    @property
    def lines(self) -> list[Line]:
        if self.laid_out is None:
            self.laid_out = layout.lines_in_reading_order(self.words)
        return self.laid_out

    @classmethod
    def of(cls, source: PageSource, words: list[Word]) -> "Candidate":
        if khmer.has_khmer("".join([word.text for word in words])):
            lines = layout.lines_in_reading_order(words)
            text = "\n".join(line.text for line in lines)
            return cls(source, words, quality.assess(text), text, lines)
        text = " ".join([khmer.normalise(word.text) for word in words if word.text.strip()])
        return cls(source, words, quality.assess(text), text)


def candidates_for_page(layers: dict[PageSource, list[Word]]) -> list[Candidate]:
    """Every layer of one page, scored, the one to use first."""
    ranked: list[Candidate] = []
    for source, words in layers.items():
        _rank(ranked, Candidate.of(source, words))
    return ranked


def _rank(ranked: list[Candidate], candidate: Candidate) -> None:
    if ranked and candidate.quality.score > ranked[0].quality.score + _SWITCH_MARGIN:
        ranked.insert(0, candidate)
    else:
        ranked.append(candidate)


def _second_opinion_moot(first: Candidate, pdf_page: pdfium.PdfPage) -> bool:
    """pdfium's words cannot change this page: the first layer scores so high that no layer can
    beat it by the switch margin, and neither layer has Khmer, so there is no agreement to
    measure and no Khmer word to join. (pdfium's plain text answers the Khmer question for a
    fraction of the cost of its words with boxes; a pdftotext that lost a page's Khmer still
    gets its second opinion.)"""
    return (
        first.quality.score + _SWITCH_MARGIN >= 1.0  # quality scores are at most 1.0
        and not first.quality.khmer_chars
        and not pdfium_layer.page_has_khmer(pdf_page)
    )


def read_pdf(
    data: bytes,
    *,
    limits: ReadLimits | None = None,
    ocr: bool = True,
    password: str | None = None,
) -> Document:
    """Read a PDF in this process. Use `read_pdf_isolated` for untrusted input on a server.

    Raises `UnreadableDocumentError` when the document is rejected (empty, not a PDF,
    encrypted, over a limit, ...). A page without trustworthy text is OCR'd when `ocr` is
    true and tesseract is installed; when that is impossible, or the OCR text scores below
    `quality.TRUSTED` (a blank page, a page of random glyphs), its number goes to
    `needs_ocr_pages` and the page stays empty, so no one checks a contract on noise.
    """
    limits = limits or ReadLimits.from_env()
    pdf, pdf_pages = open_checked(data, limits, password)
    try:
        document = Document(hashlib.sha256(data).hexdigest(), [], producer=_producer(pdf))
        # pdftotext would need the password on its command line, visible to other users.
        poppler_pages = (
            None if password else poppler.words_by_page(data, len(pdf), timeout=limits.max_seconds)
        )
        rejected: dict[int, list[Word]] = {}
        for index, pdf_page in enumerate(pdf_pages):
            document.pages.append(_read_page(pdf_page, index, poppler_pages, rejected))
        untrusted = [page for page in document.pages if page.source == "none"]
        if untrusted and ocr and ocr_engine.available():
            _ocr_pages(document, pdf, untrusted, rejected, limits)
        else:
            document.needs_ocr_pages = [page.number for page in untrusted]
        _add_tables(document, pdf_pages)
        return document
    finally:
        for pdf_page in pdf_pages:
            pdf_page.close()
        pdf.close()


def _ocr_pages(document, pdf, untrusted: list[Page], rejected, limits: ReadLimits) -> None:
    for page in untrusted:
        fallback = rejected.get(page.number)
        layer_lines = layout.lines_in_reading_order(fallback) if fallback else None
        words = ocr_engine.ocr_page(pdf, page.number - 1, document.sha256, limits, layer_lines)
        if words is None:
            document.needs_ocr_pages.append(page.number)
            continue
        if fallback is not None:
            words = fusion.correct_ocr(words, fallback)
        lines = layout.lines_in_reading_order(words)
        score = quality.assess("\n".join(line.text for line in lines)).score
        page.quality = score
        if score < quality.TRUSTED:
            document.needs_ocr_pages.append(page.number)
            continue
        page.lines, page.source = lines, "ocr"


def _read_page(
    pdf_page: pdfium.PdfPage, index: int, poppler_pages, rejected: dict[int, list[Word]]
) -> Page:
    """The page from its best layer; an untrusted page stays empty, and its best layer goes
    to `rejected` when only its Khmer failed (its Latin and digits can still correct OCR)."""
    width, height = pdf_page.get_size()
    layers: dict[PageSource, list[Word]] = {}
    if poppler_pages is not None:
        layers["pdftotext"] = poppler_pages[index]
    ranked = candidates_for_page(layers)
    if not (ranked and _second_opinion_moot(ranked[0], pdf_page)):
        layers["pypdfium2"] = pdfium_layer.page_words(pdf_page)
        _rank(ranked, Candidate.of("pypdfium2", layers["pypdfium2"]))
    best = ranked[0]
    lines = best.lines
    if best.source == "pdftotext" and "pypdfium2" in layers:
        lines = fusion.join_khmer_pieces(lines, fusion.reference_text(layers["pypdfium2"]))
    page = Page(index + 1, width, height, quality=best.quality.score)
    # Measured when the other layer has Khmer enough to compare, also when the chosen one has
    # none (it lost the page's Khmer); most pages have no Khmer, and their text is then not
    # joined up for it.
    if len(ranked) > 1 and ranked[1].quality.khmer_chars >= quality.MIN_KHMER_FOR_AGREEMENT:
        agreement = quality.khmer_agreement("\n".join(line.text for line in lines), ranked[1].text)
        if agreement is not None and agreement < quality.AGREEMENT:
            page.quality = min(page.quality, agreement)
    if page.quality >= quality.TRUSTED:
        page.lines, page.source = lines, best.source
    elif best.quality.latin_reliable:
        rejected[page.number] = layers[best.source]
    return page


def _add_tables(document: Document, pdf_pages: list[pdfium.PdfPage]) -> None:
    for page in document.pages:
        pdf_page = pdf_pages[page.number - 1]
        if page.lines and tables.may_have_table(pdf_page):
            words = [word for line in page.lines for word in line.words]
            page.tables = tables.tables_for_page(pdf_page, words)


def _producer(pdf: pdfium.PdfDocument) -> str:
    try:
        metadata = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 - metadata is decoration; a broken Info dict is no error
        return ""
    return " / ".join(v for k, v in metadata.items() if k in ("Creator", "Producer"))
