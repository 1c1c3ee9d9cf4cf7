"""Contract text cut into the units rules judge: numbered clauses, paragraphs, table rows.

Cues are structural (numbering, section words, vertical gaps, column gutters, aligned table
cells, a switch between Khmer and English), so a contract in other words or another layout
splits the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from compliance_rules.model import Clause
from importers.document import Document, Line, union_bbox

from . import layout
from .patterns import clean_text
from .script import khmer_share, language_of, language_of_share
from .vocab import load

MAX_HEADING_CHARS = 70
PARAGRAPH_EXTRA = 0.4
"""A gap wider than the column's usual gap between lines plus this share of a line's height
starts a paragraph (relative to the usual gap: OCR boxes hug the glyphs, text-layer boxes do
not)."""
PARAGRAPH_GAP = 0.6
"""Without a usual gap (a column of one or two lines): a gap wider than this share of the
previous line's height starts a paragraph."""

_NUMBER = r"(?:[0-9០-៩]+(?:\.[0-9០-៩]+)*|[ivxlcIVXLC]+|[A-Za-z])"
_LABEL = re.compile(r"^\s*[^\s:៖|]+(?:\s+[^\s:៖|]+){0,3}\s*[:៖]")


def _section_word_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in sorted(load("headings")["section_words"], key=len, reverse=True))
    return re.compile(
        rf"^\s*(?:(?:{words})\s*{_NUMBER}(?=[\s.:៖)–—-]|$)"
        rf"|[0-9០-៩]+(?:\.[0-9០-៩]+)*\s?[.)៖:](?=\s*\S*[^\W\d_]))",
        re.I,
    )


_SECTION = _section_word_pattern()
"""`Article 4`, `ប្រការ ៥`, `3.`, `2.1`, `4)`: a numbered section or item."""
_BARE_NUMBER = re.compile(r"^\s*[0-9០-៩]+\s+(?=[^\W\d_])")
"""`១ ការងារ`: a number without a dot, as Khmer headings are often set; too weak alone to start a
unit inside prose (`120 USD; ...` is a wrapped line), enough for a short line without figures."""
_STRAY_PUNCTUATION = re.compile(r"(?:(?<=\s)|^)[.·,;:]+(?=\s|$)")
"""A lone dot: Khmer bold headings leave their pieces (and a dot) on separate text runs."""
_SENTENCE_END = re.compile(r"[.;។៕!?]\s*$")


def is_heading(text: str) -> bool:
    """A short numbered or section-word line that is not a sentence ("3. Wages", "Article 4 –
    Hours", "ប្រការ ៥៖ ..."); "1. Keep the rooms clean." is a list item, not a heading."""
    text = _STRAY_PUNCTUATION.sub(" ", text).strip()
    if len(text) > MAX_HEADING_CHARS or _SENTENCE_END.search(text):
        return False
    if _SECTION.match(text):
        return True
    bare = _BARE_NUMBER.match(text)
    return bool(bare) and not re.search(r"[0-9០-៩;,]", text[bare.end():])


def starts_unit(text: str) -> bool:
    """Numbered items and `Label: value` lines begin a unit of their own."""
    return bool(_SECTION.match(text)) or bool(_LABEL.match(text))


@dataclass
class _Unit:
    page: int
    lines: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    heading: str | None = None
    table: bool = False
    value_x: list[float] = field(default_factory=list)
    cells: list[tuple[float, str]] = field(default_factory=list)
    """A table row's cells (left edge, text), grown cell by cell when a cell wraps."""

    @property
    def text(self) -> str:
        """Lines joined with a space, except after a line-final hyphen (`MLVT-SUB-` / `0243`,
        `Nonsan-` / `si`); a table row, its cells joined by ` | `."""
        if self.cells:
            return " | ".join(text for _, text in self.cells)
        out = ""
        for text, _ in self.lines:
            out = _join(out, text)
        return out

    def wraps_into(self, row: layout.Row) -> bool:
        """`Recruitment | ... MLVT-PRA-` then `agency | 105/2021`: every cell of the next row
        sits under one of this row's cells, and one of them continues a word broken by a hyphen."""
        if not self.cells or len(row.cells) > len(self.cells):
            return False
        slots = [self._slot(cell.bbox[0]) for cell in row.cells]
        if None in slots or len(set(slots)) != len(slots):
            return False
        return any(_WRAPPED_WORD.search(self.cells[i][1]) for i in slots)

    def add_row(self, row: layout.Row) -> None:
        """The row's cells go on the cells above them (a cell that sits under none goes on the
        cell before it)."""
        i = len(self.cells) - 1
        for cell in row.cells:
            i = self._slot(cell.bbox[0]) if self._slot(cell.bbox[0]) is not None else i
            x, text = self.cells[i]
            self.cells[i] = (x, _join(text, cell.text))
        self.lines.append((row.text, row.bbox))

    def _slot(self, x: float) -> int | None:
        return next((i for i, (left, _) in enumerate(self.cells) if abs(left - x) <= layout.ALIGN_TOLERANCE), None)

    @property
    def bottom(self) -> float:
        return self.lines[-1][1][3]

    @property
    def height(self) -> float:
        box = self.lines[-1][1]
        return box[3] - box[1]

    def clause(self) -> Clause:
        text = clean_text(self.text).strip()
        return Clause(
            page=self.page,
            text=text,
            bbox=union_bbox(box for _, box in self.lines),
            heading=self.heading,
            language=language_of(text),
        )


_WRAPPED_WORD = re.compile(r"[^\W_]-$")
"""A line that ends inside a word (`MLVT-PRA-`, `Nonsan-`) goes on on the next line."""


def _join(text: str, more: str) -> str:
    return text + more if text.endswith("-") or not text else f"{text} {more}"


def split_clauses(document: Document) -> list[Clause]:
    """The document's clauses in reading order. A section continues across pages, so a clause
    at the top of a page keeps the last heading seen in its language (a Khmer column continues
    the Khmer section, the English column beside it the English one)."""
    out: list[Clause] = []
    last_heading: dict[str, str] = {}
    for page in document.pages:
        for column in layout.columns(page):
            language = language_of(" ".join(line.text for line in column))
            units = _units(page.number, column, last_heading.get(language))
            for unit in units:
                if unit.heading is not None:
                    last_heading[language_of(unit.heading)] = unit.heading
                    last_heading[language] = unit.heading
            # Cleaning and stripping remove no letter or digit, so the clause text tells as
            # well as the unit's whether there is any (and the unit's is not joined twice).
            clauses = (unit.clause() for unit in units)
            out.extend(clause for clause in clauses if any(ch.isalnum() for ch in clause.text))
    return out


def _units(page: int, lines: list[Line], heading: str | None = None) -> list[_Unit]:
    row_list = layout.rows(lines)
    tabular = layout.tabular_flags(row_list)
    usual = _usual_gap(row_list)
    units: list[_Unit] = []
    for row, is_table in zip(row_list, tabular):
        box = row.bbox
        if is_table:
            current = units[-1] if units else None
            if current is not None and current.table and _close(current, box, usual) and current.wraps_into(row):
                current.add_row(row)
                continue
            units.append(_Unit(page, [(row.text, box)], heading, table=True,
                               value_x=[cell.bbox[0] for cell in row.cells[1:]],
                               cells=[(cell.bbox[0], cell.text) for cell in row.cells]))
            continue
        text = " ".join(cell.text for cell in row.cells)
        if is_heading(text):
            heading = text.strip()
            units.append(_Unit(page, [(text, box)], heading))
            continue
        current = units[-1] if units else None
        if current is not None and _continues(current, text, box, usual):
            if current.cells:
                current.add_row(row)
            else:
                current.lines.append((text, box))
        else:
            units.append(_Unit(page, [(text, box)], heading))
    return _drop_bare_headings(units)


def _usual_gap(row_list: list[layout.Row]) -> float | None:
    """Median gap between consecutive rows less than a line height apart (the spacing inside
    paragraphs), or None with too few rows to tell."""
    gaps = []
    for a, b in zip(row_list, row_list[1:]):
        gap = b.bbox[1] - a.bbox[3]
        if -1.0 <= gap <= a.bbox[3] - a.bbox[1]:
            gaps.append(max(gap, 0.0))
    return sorted(gaps)[len(gaps) // 2] if len(gaps) >= 3 else None


def _close(unit: _Unit, box: tuple[float, float, float, float], usual: float | None) -> bool:
    """No paragraph gap between the unit's last line and `box`."""
    height = max(unit.height, 1.0)
    limit = PARAGRAPH_GAP * height if usual is None else usual + PARAGRAPH_EXTRA * height
    return box[1] - unit.bottom <= limit


def _continues(unit: _Unit, text: str, box: tuple[float, float, float, float], usual: float | None) -> bool:
    if not _close(unit, box, usual):
        return False
    if unit.table:
        # A wrapped value cell: the next line starts under one of the row's value cells.
        return any(abs(box[0] - x) <= layout.ALIGN_TOLERANCE for x in unit.value_x)
    so_far = unit.text  # joined once: the unit grows line by line, each line asks again
    if _WRAPPED_WORD.search(so_far[-3:]):  # the end is all it looks at
        return True  # `(licence MLVT-PRA-` / `106/2022). Employer: ...` is one sentence
    if unit.heading is not None and so_far.strip() == unit.heading:
        return False
    if starts_unit(text) or so_far.rstrip().endswith((":", "៖")):
        return False
    if _LABEL.match(unit.lines[0][0]) and _is_caption(text):
        return False
    return not _language_switch(unit.lines[-1][0], text)


MAX_CAPTION_WORDS = 4


def _is_caption(text: str) -> bool:
    """A few words without figures or punctuation (`Recruitment agency`, `ពលករ`): after a run of
    `Label: value` lines it opens the next group rather than continuing a value."""
    return (
        len(text.split()) <= MAX_CAPTION_WORDS
        and not re.search(r"[0-9០-៩:៖,.;។]", text)
    )


def _language_switch(before: str, after: str) -> bool:
    """A Khmer line followed by an English one (or the reverse): a translation starts. A line
    without letters (`0243/2021។`, a wrapped number) switches nothing."""
    share = khmer_share(after)
    if share is None:
        return False
    return {language_of(before), language_of_share(share)} == {"km", "en"}


def _drop_bare_headings(units: list[_Unit]) -> list[_Unit]:
    """A heading is kept on the clauses under it; it stays a clause of its own only when
    nothing follows it (a heading-only section still says something)."""
    kept: list[_Unit] = []
    for i, unit in enumerate(units):
        followed = i + 1 < len(units) and units[i + 1].heading == unit.heading
        if followed and unit.heading is not None and unit.text.strip() == unit.heading:
            continue  # a bare heading
        kept.append(unit)
    return kept
