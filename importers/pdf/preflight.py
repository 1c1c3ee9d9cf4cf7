"""Checks that reject a hostile or broken PDF cheaply, before any page is parsed.

Order matters: the cheapest, most certain checks come first, so a renamed JPEG or a zero-byte
upload never reaches a PDF parser, and a decompression bomb is found by inflating its streams
in bounded chunks instead of letting a parser allocate the whole output.
"""
from __future__ import annotations

import ctypes
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from importers.pdf import page_objects
from importers.pdf.errors import UnreadableDocumentError
from importers.pdf.limits import ReadLimits

_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_CHUNK = 1 << 16
_BOMB_FLOOR = 16 * 1024 * 1024
"""Ratios only count for streams that inflate past this; small repetitive streams are normal."""
_DEFLATE_MAX_RATIO = 1032
"""Most bytes one byte of a deflate stream can inflate to (a 258-byte copy per two bits)."""


def check_bytes(data: bytes, limits: ReadLimits) -> None:
    if not data:
        raise UnreadableDocumentError("empty", "The file is empty (0 bytes).")
    if len(data) > limits.max_bytes:
        raise UnreadableDocumentError(
            "too_large",
            f"The file is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes.",
        )
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocumentError(
            "not_pdf", "The file is not a PDF (no %PDF- header); was another file renamed?"
        )
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocumentError(
            "truncated", "The PDF is incomplete (no end-of-file marker): upload the whole file."
        )
    _check_streams(data, limits)


def _check_streams(data: bytes, limits: ReadLimits) -> None:
    # A stream that could not inflate past either limit even at deflate's highest ratio is
    # not inflated: most streams of a contract are a few kilobytes.
    harmless_size = min(_BOMB_FLOOR, limits.max_stream_bytes) // _DEFLATE_MAX_RATIO
    for match in _STREAM.finditer(data):  # a literal first: the search skips ahead in C
        if data[max(0, match.start() - 3) : match.start()] == b"end":
            continue  # `endstream` followed by a line end
        end = data.find(b"endstream", match.end())
        if end < 0:
            end = len(data)
        if end - match.end() <= harmless_size:
            continue
        header = data[max(0, match.start() - 2048) : match.start()]
        start = header.rfind(b" obj")  # this stream's dictionary starts after its object header
        if not _FLATE.search(header[start:] if start >= 0 else header):
            continue
        _inflate_bounded(data[match.end() : end], limits)


def _inflate_bounded(compressed: bytes, limits: ReadLimits) -> None:
    inflater = zlib.decompressobj()
    produced = 0
    pending = compressed
    try:
        while pending:
            chunk = inflater.decompress(pending, _CHUNK)
            produced += len(chunk)
            pending = inflater.unconsumed_tail
            consumed = len(compressed) - len(pending)
            if produced > limits.max_stream_bytes or (
                produced > _BOMB_FLOOR
                and produced / max(consumed, 1) > limits.max_decompression_ratio
            ):
                raise UnreadableDocumentError(
                    "decompression_bomb",
                    f"A compressed stream ({consumed:,} bytes read) inflates past "
                    f"{produced:,} bytes (limits: ratio {limits.max_decompression_ratio:g}, "
                    f"{limits.max_stream_bytes:,} bytes): refused as a decompression bomb.",
                )
            if not chunk:
                break
    except zlib.error:
        return  # a damaged stream is the parser's business; it fails or skips it


def open_checked(
    data: bytes, limits: ReadLimits, password: str | None = None
) -> tuple[pdfium.PdfDocument, list[pdfium.PdfPage]]:
    """The opened document and its pages (loaded once: loading a page parses its content,
    and the reader needs them all), or UnreadableDocumentError saying why it cannot be read.
    The caller closes the pages, then the document."""
    check_bytes(data, limits)
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc, password) from None
    pages: list[pdfium.PdfPage] = []
    try:
        count = len(pdf)
        if count == 0:
            raise UnreadableDocumentError("damaged", "The PDF has no readable pages.")
        if count > limits.max_pages:
            raise UnreadableDocumentError(
                "too_many_pages", f"The PDF has {count:,} pages; the limit is {limits.max_pages:,}."
            )
        for index in range(count):
            pages.append(_load_page(pdf, index))
            _check_page(pages[-1], index, limits)
    except BaseException:
        for page in pages:
            page.close()
        pdf.close()
        raise
    return pdf, pages


def _open_error(exc: pdfium.PdfiumError, password: str | None) -> UnreadableDocumentError:
    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        if password:
            return UnreadableDocumentError(
                "wrong_password", "The PDF is encrypted and the given password is wrong."
            )
        return UnreadableDocumentError(
            "encrypted", "The PDF is password-protected; it can only be read with its password."
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return UnreadableDocumentError(
            "encrypted", "The PDF uses an unsupported encryption (security handler)."
        )
    return UnreadableDocumentError(
        "damaged", "The PDF is damaged: its structure cannot be parsed (" + str(exc) + ")."
    )


def _load_page(pdf: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    try:
        return pdf[index]
    except pdfium.PdfiumError:
        raise UnreadableDocumentError(
            "damaged", f"Page {index + 1} cannot be loaded: the page tree is damaged."
        ) from None


def _check_page(page: pdfium.PdfPage, index: int, limits: ReadLimits) -> None:
    """Page size and embedded image sizes, from metadata only (nothing is decoded)."""
    width, height = page.get_size()
    pixels = (width / 72 * limits.ocr_dpi) * (height / 72 * limits.ocr_dpi)
    if pixels > limits.max_page_pixels * 4:
        raise UnreadableDocumentError(
            "page_too_large",
            f"Page {index + 1} measures {width:.0f} x {height:.0f} points, far beyond any "
            "paper size.",
        )
    for obj, kind in page_objects.raw_objects(page, max_depth=4):
        if kind != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        w, h = _pixel_size(obj)
        if w * h > limits.max_page_pixels:
            raise UnreadableDocumentError(
                "page_too_large",
                f"Page {index + 1} embeds an image of {w:,} x {h:,} pixels; the limit is "
                f"{limits.max_page_pixels:,} pixels.",
            )


def _pixel_size(image) -> tuple[int, int]:
    w, h = ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFImageObj_GetImagePixelSize(image, w, h):
        raise pdfium.PdfiumError("Failed to get image size.")
    return w.value, h.value
