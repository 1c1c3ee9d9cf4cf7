"""A read PDF, independent of the library that read it: pages, lines, words with positions, tables.

Coordinates are PDF points from the page's top-left corner (pdfplumber's convention):
`x0, top, x1, bottom`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

BBox = tuple[float, float, float, float]
PageSource = Literal["pdftotext", "pypdfium2", "pdfplumber", "ocr", "none"]


@dataclass(slots=True)
class Word:
    text: str
    bbox: BBox


@dataclass
class Line:
    """Words of one visual line (one column of a multi-column layout), in reading order.

    Its box is worked out from the words once, on first use (no slots, so it can be kept):
    the layout code asks for it once per word of a line. A line's words never change once
    the line is made."""

    words: list[Word]

    @property
    def text(self) -> str:
        # A list, not a generator: `join` makes one from a generator anyway, more slowly,
        # and this runs for every line each time a layer is scored or a page is read.
        return " ".join([word.text for word in self.words])

    @cached_property
    def bbox(self) -> BBox:
        return union_bbox(word.bbox for word in self.words)


@dataclass(slots=True)
class Table:
    rows: list[list[str]]
    bbox: BBox


@dataclass(slots=True)
class Page:
    number: int
    """1-based page number."""
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    source: PageSource = "none"
    """Which layer (or OCR) the text came from."""
    quality: float = 0.0
    """The chosen layer's quality score in [0, 1] (see importers.pdf.quality)."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class Document:
    sha256: str
    pages: list[Page]
    producer: str = ""
    needs_ocr_pages: list[int] = field(default_factory=list)
    """Pages with no trustworthy text that could not be OCR'd (no OCR engine available, or OCR gave no trustworthy text)."""

    @property
    def text(self) -> str:
        return "\n\f".join(page.text for page in self.pages)

    @property
    def needs_ocr(self) -> bool:
        return bool(self.needs_ocr_pages)


def union_bbox(boxes) -> BBox:
    columns = tuple(zip(*boxes))
    if not columns:
        return (0.0, 0.0, 0.0, 0.0)
    x0, top, x1, bottom = columns
    return (min(x0), min(top), max(x1), max(bottom))
