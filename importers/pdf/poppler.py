"""Poppler's `pdftotext -bbox`: the best Khmer text layer for most producers, because it
follows the font's glyph-to-Unicode map in logical order. Runs once per document.

`-bbox`, not `-bbox-layout`: the reader takes only the words and lays them out itself, and
the same words without pdftotext's flows, blocks and lines cost less to write and to read
(the Documents of the whole sample are identical either way)."""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

from importers.document import Word

LayerPages = list[list[Word]]
COMMAND = ["pdftotext", "-q", "-enc", "UTF-8", "-bbox", "-", "-"]
"""Words with boxes, as XHTML; the PDF on stdin (`-`): no temporary file to write and remove
for every document."""
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
        result = subprocess.run(
            COMMAND,
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0 or not result.stdout:
        return None
    return parse_bbox(result.stdout, page_count)


def parse_bbox(xhtml: bytes, page_count: int) -> LayerPages | None:
    """Words per page of pdftotext's XHTML. pdftotext writes it in one fixed shape, so a
    pattern reads it several times faster than an XML parser; output of any other shape goes
    to the XML parser, which then accepts or rejects it exactly as before."""
    text = _plain_text(xhtml)
    if text is None:
        return _parse_xml(xhtml, page_count)
    pages: LayerPages = []
    for chunk in _PAGE_START.split(text)[1:]:
        found = _WORD.findall(chunk)
        if len(found) != chunk.count("<word "):  # a word element the pattern does not know
            return _parse_xml(xhtml, page_count)
        pages.append([
            Word(_unescape(raw), (float(x0), float(y0), float(x1), float(y1)))
            for x0, y0, x1, y1, raw in found
            if raw.strip()
        ])
    if len(pages) != page_count:
        return None
    return pages


_PAGE_START = re.compile(r"<page[ >]")
_WORD = re.compile(r'<word xMin="([^"]*)" yMin="([^"]*)" xMax="([^"]*)" yMax="([^"]*)">([^<]*)</word>')
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
_ENTITY = re.compile("|".join(_ENTITIES))
_CONTROL = bytes(set(range(0x20)) - {0x09, 0x0A})
_UNUSUAL = ("\ufffe".encode(), "\uffff".encode(), b"]]>")


def _plain_text(xhtml: bytes) -> str | None:
    """The text when the pattern reads it as an XML parser would, else None: valid UTF-8 in
    the XHTML namespace, without the characters XML forbids (the parser rejects the
    document) or carriage returns (it turns them into line feeds), and with no entity but
    pdftotext's five (a character reference, or a bare `&` the parser rejects). Whole-buffer
    passes in C: a regex character class over megabytes of Khmer costs more than the XML
    parse it saves."""
    if len(xhtml.translate(None, _CONTROL)) != len(xhtml) or any(s in xhtml for s in _UNUSUAL):
        return None
    ampersands = xhtml.count(b"&")
    if ampersands and ampersands != sum(xhtml.count(entity.encode()) for entity in _ENTITIES):
        return None
    if b'xmlns="http://www.w3.org/1999/xhtml"' not in xhtml[:1024]:
        return None
    try:
        return xhtml.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unescape(raw: str) -> str:
    return _ENTITY.sub(lambda match: _ENTITIES[match.group(0)], raw) if "&" in raw else raw


def _parse_xml(xhtml: bytes, page_count: int) -> LayerPages | None:
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
