"""Khmer word boundaries for one layer's words, decided by another layer's real spaces.

pdftotext splits Khmer words wherever glyph runs leave a gap (a vowel drawn as its own glyph,
a ligature); pdfium knows which spaces are real characters of the PDF. Two neighbouring Khmer
pieces are one word when the reference text has them back to back (no real space between).
"""
from __future__ import annotations

from importers.document import Line, Word, union_bbox
from importers.pdf import khmer


_MIN_SPACE_SHARE = 0.01
"""The reference must show at least one real space per 100 Khmer characters; some producers
write no space characters at all, and then the reference knows no boundaries."""


def reference_text(words: list[Word]) -> str:
    """The reference layer's lines that show real spaces between Khmer words, one per text
    line; lines without any (a heading set without space characters) say nothing about
    boundaries and are left out, as is the whole page when too few spaces remain."""
    # One pass over all the text (counting per word cost a regex call for every word), and
    # first: a page without Khmer needs no lines.
    khmer_chars = khmer.count_khmer("".join([word.text for word in words]))
    if not khmer_chars:
        return ""
    lines: list[list[Word]] = []
    for word in words:
        if lines and _same_line(lines[-1][-1], word):
            lines[-1].append(word)
        else:
            lines.append([word])
    kept: list[str] = []
    spaces = 0
    for line in lines:
        boundaries = sum(
            1
            for previous, word in zip(line, line[1:])
            if khmer.is_khmer(previous.text[-1]) and khmer.is_khmer(word.text[0])
        )
        if boundaries:
            spaces += boundaries
            kept.append(" ".join(word.text for word in line))
    if spaces < _MIN_SPACE_SHARE * khmer_chars:
        return ""
    return "\n".join(kept)


def _same_line(first: Word, second: Word) -> bool:
    overlap = min(first.bbox[3], second.bbox[3]) - max(first.bbox[1], second.bbox[1])
    return overlap > 0.5 * min(first.bbox[3] - first.bbox[1], second.bbox[3] - second.bbox[1])


def join_khmer_pieces(lines: list[Line], reference: str) -> list[Line]:
    if not reference or not khmer.has_khmer(reference):
        return lines
    return [Line(_join_line(line.words, reference)) for line in lines]


def _join_line(words: list[Word], reference: str) -> list[Word]:
    joined: list[Word] = []
    for word in words:
        if joined:
            previous = joined[-1]
            if (
                khmer.is_khmer(previous.text[-1])
                and khmer.is_khmer(word.text[0])
                and previous.text + word.text in reference
            ):
                joined[-1] = Word(previous.text + word.text, union_bbox([previous.bbox, word.bbox]))
                continue
        joined.append(word)
    return joined


def correct_ocr(ocr_words: list[Word], layer_words: list[Word]) -> list[Word]:
    """OCR words corrected by a text layer that was rejected for its Khmer only.

    Where the layer has only Latin letters, digits and punctuation under an OCR word that
    looks Latin too, those characters are exact (they come from the font's own mapping) and
    OCR's guesses are not: the layer's words replace the OCR word. Where the layer has Khmer under it, OCR keeps the
    word, but its digits are taken from the layer when both have as many (OCR confuses ២/៤).
    """
    used: set[int] = set()
    corrected: list[Word] = []
    for word in ocr_words:
        under = [
            (index, layer)
            for index, layer in enumerate(layer_words)
            if index not in used and centre_inside(layer, word)
        ]
        if not under:
            corrected.append(word)
            continue
        under.sort(key=lambda pair: pair[1].bbox[0])
        layer_text = "".join(layer.text for _, layer in under)
        if not _has_khmer_letters(layer_text) and _looks_latin(word.text):
            used.update(index for index, _ in under)
            corrected.extend(layer for _, layer in under)
            continue
        corrected.append(Word(_digits_from(layer_text, word.text), word.bbox))
    return corrected


def centre_inside(inner: Word, outer: Word, slack: float = 1.5) -> bool:
    x = (inner.bbox[0] + inner.bbox[2]) / 2
    y = (inner.bbox[1] + inner.bbox[3]) / 2
    x0, top, x1, bottom = outer.bbox
    return x0 - slack <= x <= x1 + slack and top - slack <= y <= bottom + slack


def _looks_latin(text: str) -> bool:
    """No Khmer letter, or some ASCII letter or digit (OCR read a Latin word as Khmer)."""
    return not _has_khmer_letters(text) or any(ch.isascii() and ch.isalnum() for ch in text)


def _has_khmer_letters(text: str) -> bool:
    return any(khmer.is_khmer(ch) and not ch.isdigit() for ch in text)


def _digits_from(layer_text: str, ocr_text: str) -> str:
    layer_digits = [ch for ch in layer_text if ch.isdigit()]
    ocr_positions = [i for i, ch in enumerate(ocr_text) if ch.isdigit()]
    if not layer_digits or len(layer_digits) != len(ocr_positions):
        return ocr_text
    chars = list(ocr_text)
    for position, digit in zip(ocr_positions, layer_digits):
        chars[position] = digit
    return "".join(chars)
