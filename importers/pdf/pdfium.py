"""pypdfium2's text layer: character boxes grouped into words. Fast and independent of
poppler, so it is a second opinion per page.

Two properties of pdfium's text make Khmer work better than a naive reading:
- it tells real space characters from the ones it generates from gaps; Khmer word boundaries
  are the real ones (Chromium's glyph runs leave gaps inside words), so a generated space
  between two Khmer characters is ignored;
- shaping producers attach a cluster's text to each of its glyphs, so a mark glyph drawn
  above or below the line repeats the cluster's text with a box a fraction of the font size
  high; such ghost characters are dropped.
"""
from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c
from pypdfium2 import PdfiumError

from importers.document import Word, union_bbox
from importers.pdf import khmer, raw_calls

_GHOST_HEIGHT = 0.35
_GHOST_REACH = 6
"""Khmer characters whose box is lower than this share of the font size, and that repeat one
of the last few characters of the word, are ghost copies (a real small mark repeats nothing)."""


_LINE_END_HYPHEN = "\ufffe"
"""pdfium reports a hyphen at the end of a line as U+FFFE; the PDF has a plain hyphen there."""


def page_has_khmer(page) -> bool:
    """Whether the page's text has any Khmer character (the text alone, no boxes)."""
    textpage = page.get_textpage()
    try:
        return khmer.has_khmer(textpage.get_text_range())
    finally:
        textpage.close()


def page_words(page) -> list[Word]:
    """Words of one `pypdfium2.PdfPage`, boxes in top-left points.

    pdfium numbers every character, including the spaces and line breaks it generates, and
    `get_text_range` returns exactly one UTF-16 unit per index for BMP text, so the i-th
    character of the text belongs to the i-th box.
    """
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        text = textpage.get_text_range(0, count)
        aligned = len(text) == count
        height = page.get_height()
        words: list[Word] = []
        chars: list[str] = []
        boxes: list[tuple[float, float, float, float]] = []
        pending_generated_space = False
        raw = textpage.raw
        # The raw call with buffers reused: a page has thousands of characters, and
        # `get_charbox` allocates four ctypes doubles for each.
        c_left, c_right, c_bottom, c_top = (ctypes.c_double() for _ in range(4))
        r_left, r_right, r_bottom, r_top = (ctypes.byref(v) for v in (c_left, c_right, c_bottom, c_top))
        get_box, is_generated = raw_calls.text_char_box, raw_calls.text_is_generated
        numbered = enumerate(text) if aligned else ((i, textpage.get_text_range(i, 1)) for i in range(count))

        def flush() -> None:
            if chars and boxes:
                words.append(Word("".join(chars), union_bbox(boxes)))
            chars.clear()
            boxes.clear()

        for index, ch in numbered:
            if not ch:
                continue
            if ch == _LINE_END_HYPHEN:
                ch = "-"
            if ch.isspace():
                if ch == " " and is_generated(raw, index) == 1:
                    pending_generated_space = True
                elif chars:  # a line end is two characters; only the first ends a word
                    flush()
                continue
            if not get_box(raw, index, r_left, r_right, r_bottom, r_top):
                raise PdfiumError("Failed to get charbox.")
            left, right, bottom, top = c_left.value, c_right.value, c_bottom.value, c_top.value
            is_khmer = "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"  # khmer.is_khmer, inlined
            if is_khmer and ch in chars[-_GHOST_REACH:]:  # the cheap test first: most chars repeat nothing
                size = pdfium_c.FPDFText_GetFontSize(raw, index)
                if size > 0 and top - bottom < _GHOST_HEIGHT * size:
                    continue
            if chars and pending_generated_space and not (is_khmer and khmer.is_khmer(chars[-1])):
                flush()
            elif boxes and not is_khmer and height - top > boxes[-1][3]:
                flush()  # a word hyphenated across lines: each line keeps its own part
            pending_generated_space = False
            chars.append(ch)
            if right > left or top > bottom:
                boxes.append((left, height - top, right, height - bottom))
        flush()
        return words
    finally:
        textpage.close()
