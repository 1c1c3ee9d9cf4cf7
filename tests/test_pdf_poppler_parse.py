"""pdftotext's XHTML is read with a pattern (issue 6, ingest speed); whatever the output, the
words must be what the XML parser reads, and output it rejects must still be rejected."""
from __future__ import annotations

import subprocess

import pytest

import pdf_factory as make
from importers.pdf import poppler

HEAD = b'<html xmlns="http://www.w3.org/1999/xhtml"><body><doc>'
TAIL = b"</doc></body></html>"


def _page(*words: bytes) -> bytes:
    return b'<page width="595" height="842">' + b"".join(words) + b"</page>"


def _word(text: bytes, box: bytes = b'xMin="1.5" yMin="2" xMax="30.25" yMax="12"') -> bytes:
    return b"<word " + box + b">" + text + b"</word>"


CASES = {
    "plain": HEAD + _page(_word(b"Employer"), _word("ឈ្មោះ".encode())) + _page(_word(b"Page")) + TAIL,
    "pdftotext_entities": HEAD + _page(_word(b"Worker&apos;s"), _word(b"A&amp;B"), _word(b"&lt;&gt;&quot;")) + TAIL,
    "character_reference": HEAD + _page(_word(b"&#65;BC")) + TAIL,
    "bare_ampersand": HEAD + _page(_word(b"A & B")) + TAIL,
    "control_character": HEAD + _page(_word(b"A\x01B")) + TAIL,
    "carriage_return": HEAD + _page(_word(b"A\r\nB")) + TAIL,
    "blank_word": HEAD + _page(_word(b" "), _word(b"x")) + TAIL,
    "other_attribute_order": HEAD + _page(_word(b"x", b'yMin="2" xMin="1" xMax="3" yMax="4"')) + TAIL,
    "no_namespace": b"<html><body><doc>" + _page(_word(b"x")) + TAIL,
    "not_utf8": HEAD + _page(_word(b"\xff\xfe")) + TAIL,
    "truncated": (HEAD + _page(_word(b"x")))[:-10],
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("pages", [1, 2])
def test_pattern_reads_what_the_xml_parser_reads(name, pages):
    xhtml = CASES[name]
    assert poppler.parse_bbox(xhtml, pages) == poppler._parse_xml(xhtml, pages)


@pytest.mark.skipif(not poppler.available(), reason="pdftotext not installed")
def test_pattern_reads_real_pdftotext_output_as_the_xml_parser_does():
    output = subprocess.run(poppler.COMMAND, input=make.simple(), capture_output=True, check=True).stdout
    words = poppler.parse_bbox(output, 1)
    assert words and words == poppler._parse_xml(output, 1)
