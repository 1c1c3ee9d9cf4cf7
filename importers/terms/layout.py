"""Page geometry shared by clause splitting and field extraction: side-by-side columns and
table-like rows, found from word positions rather than from any particular PDF producer."""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

from importers.document import BBox, Line, Page, Word, union_bbox

from .script import language_of

MIN_PROSE_FILL = 0.6
"""A line of column prose fills most of its column's width; label cells do not."""
MIN_COLUMN_LINES = 2
MAX_COLUMN_IMBALANCE = 1.8
"""Side-by-side translations give both columns similar widths; a label column is far narrower."""
MIN_GUTTER_GAP = 6.0


@dataclass
class Cell:
    """Words that sit together in a row. Built once, never changed: its text and box are
    worked out when it is made (clause splitting asks for every cell's, several times)."""

    words: list[Word]
    text: str = field(init=False)
    bbox: BBox = field(init=False)

    def __post_init__(self) -> None:
        self.text = " ".join(word.text for word in self.words)
        self.bbox = union_bbox(word.bbox for word in self.words)


@dataclass
class Row:
    """Cells that share one vertical band, left to right (a table row, a `label  value` pair,
    or a single line of prose when it has one cell). Built once, never changed: its box is
    worked out when it is made (every row's is asked for)."""

    cells: list[Cell] = field(default_factory=list)
    bbox: BBox = field(init=False)

    def __post_init__(self) -> None:
        self.bbox = union_bbox(cell.bbox for cell in self.cells)

    @property
    def text(self) -> str:
        return " | ".join(cell.text for cell in self.cells)


def _crosses(boxes: list[BBox], x: float) -> bool:
    return any(box[0] < x < box[2] for box in boxes)


def _fills(boxes: list[BBox], extent: float) -> bool:
    return bool(boxes) and extent > 0 and _span(boxes) >= MIN_PROSE_FILL * extent


def _gutter_candidates(page: Page) -> set[float]:
    """Left edges of text that follows a wide gap (or starts a line) in the middle of the page."""
    low, high = page.width * 0.3, page.width * 0.7
    found: set[float] = set()
    for line in page.lines:
        words = sorted(line.words, key=lambda w: w.bbox[0])
        for before, after in zip([None, *words], words):
            if before is None or after.bbox[0] - before.bbox[2] >= MIN_GUTTER_GAP:
                if low <= after.bbox[0] <= high:
                    found.add(round(after.bbox[0]) - 3.0)
    return found


def _margins(ordered: list[Line]) -> tuple[float, float]:
    """Left and right edge of the page's text."""
    return min(line.bbox[0] for line in ordered), max(line.bbox[2] for line in ordered)


def _regions_for(ordered: list[Line], boxes: list[list[BBox]], x: float,
                 margins: tuple[float, float]) -> list[tuple[int, int]]:
    """Runs of consecutive lines (indexes into `ordered`; `boxes` holds their word boxes) that
    no word crosses at `x` and that hold at least MIN_COLUMN_LINES full lines on each side:
    side-by-side columns."""
    margin_left, margin_right = margins
    left_extent, right_extent = x - margin_left, margin_right - x
    if min(left_extent, right_extent) <= 0:
        return []
    if max(left_extent, right_extent) / min(left_extent, right_extent) > MAX_COLUMN_IMBALANCE:
        return []
    regions: list[tuple[int, int]] = []
    start = 0
    for end in range(len(ordered) + 1):
        if end < len(ordered) and not _crosses(boxes[end], x):
            continue
        # A run shorter than MIN_COLUMN_LINES cannot fill that many lines; each test below
        # runs only if the ones before it passed.
        run = boxes[start:end]
        if (
            end - start >= MIN_COLUMN_LINES
            and sum(_fills([b for b in line if b[2] <= x], left_extent) for line in run) >= MIN_COLUMN_LINES
            and sum(_fills([b for b in line if b[0] >= x], right_extent) for line in run) >= MIN_COLUMN_LINES
            and _two_scripts(ordered[start:end], x)
        ):
            regions.append((start, end))
        start = end + 1
    return regions


def _two_scripts(run: list[Line], x: float) -> bool:
    """Side-by-side columns here are a text and its translation: one column Khmer, the other
    not. Justified one-language prose can leave gaps that line up; it fails this test."""
    left = language_of(" ".join(w.text for line in run for w in line.words if w.bbox[2] <= x))
    right = language_of(" ".join(w.text for line in run for w in line.words if w.bbox[0] >= x))
    return {left, right} == {"km", "en"}


def _span(boxes: list[BBox]) -> float:
    return max(box[2] for box in boxes) - min(box[0] for box in boxes)


def split_at(line: Line, x: float) -> list[Line]:
    left = [w for w in line.words if (w.bbox[0] + w.bbox[2]) / 2 < x]
    right = [w for w in line.words if (w.bbox[0] + w.bbox[2]) / 2 >= x]
    return [Line(part) for part in (left, right) if part]


def columns(page: Page) -> list[list[Line]]:
    """The page's lines as streams in reading order: full-width stretches as they are, and each
    stretch of side-by-side columns (a Khmer text beside its English translation) as its left
    column followed by its right column.

    A gutter is an x that no word crosses over a run of lines, with columns of similar width on
    both sides, each filled by at least MIN_COLUMN_LINES lines, one column Khmer and the other
    not; label/value forms fail the balance and fill tests, justified one-language prose the
    script test.
    """
    ordered = sorted(page.lines, key=lambda line: (line.bbox[1], line.bbox[0]))
    if not ordered:
        return []
    best: tuple[int, float, list[tuple[int, int]]] | None = None
    candidates = sorted(_gutter_candidates(page))
    margins = _margins(ordered) if candidates else (0.0, 0.0)  # once per page, not per candidate
    boxes = [[word.bbox for word in line.words] for line in ordered] if candidates else []
    for x in candidates:
        regions = _regions_for(ordered, boxes, x, margins)
        covered = sum(end - start for start, end in regions)
        if regions and (best is None or covered > best[0]):
            best = (covered, x, regions)
    if best is None:
        return [ordered]
    _, x, regions = best
    streams: list[list[Line]] = []
    cursor = 0
    for start, end in regions:
        if ordered[cursor:start]:
            streams.append(ordered[cursor:start])
        left: list[Line] = []
        right: list[Line] = []
        for line in ordered[start:end]:
            for part in split_at(line, x):
                (left if part.bbox[2] <= x + 1 else right).append(part)
        streams.extend(stream for stream in (left, right) if stream)
        cursor = end
    if ordered[cursor:]:
        streams.append(ordered[cursor:])
    return streams


def rows(lines: list[Line]) -> list[Row]:
    """Group lines into rows by vertical overlap, then split each row into cells wherever
    the horizontal gap between words is wider than CELL_GAP times the text height."""
    boxes = [(line.bbox, line) for line in lines]
    boxes.sort(key=lambda pair: (pair[0][1], pair[0][0]))
    bands: list[list[Line]] = []
    band_box: BBox | None = None
    for box, line in boxes:
        if band_box is not None and _same_band(band_box, box):
            bands[-1].append(line)
            band_box = union_bbox((band_box, box))
        else:
            bands.append([line])
            band_box = box
    return [_cells(band) for band in bands]


CELL_GAP = 0.6


def _same_band(band: BBox, box: BBox) -> bool:
    """Most of the shorter box lies within the other's vertical extent (a small Khmer
    fragment inside a tall line's box counts; the next line of prose does not)."""
    overlap = min(band[3], box[3]) - max(band[1], box[1])
    shorter = min(band[3] - band[1], box[3] - box[1])
    return overlap > 0 and overlap >= 0.5 * max(shorter, 1.0)


def _cells(band: list[Line]) -> Row:
    # Each word as (left edge, reading-order key, word); the keys are plain tuples so that
    # the sorts below compare them in C rather than through a Python key function per word.
    tagged = [
        (w.bbox[0], (line.bbox[1], index, order), w)
        for index, line in enumerate(band)
        for order, w in enumerate(line.words)
    ]
    tagged.sort(key=_LEFT)
    heights = sorted(w.bbox[3] - w.bbox[1] for _, _, w in tagged)
    gap_limit = max(heights[len(heights) // 2] * CELL_GAP, 3.0)
    groups: list[list[tuple[float, tuple[float, int, int], Word]]] = []
    right_edge = None
    for item in tagged:
        left, _, word = item
        if right_edge is not None and left - right_edge <= gap_limit:
            groups[-1].append(item)
        else:
            groups.append([item])
        right_edge = word.bbox[2] if right_edge is None else max(right_edge, word.bbox[2])
    # Reading order inside a cell: line by line (top first), each line in its own order; a
    # tall Khmer line may carry small fragments that belong after it.
    return Row([Cell([w for _, _, w in sorted(group, key=_READING_ORDER)]) for group in groups])


_LEFT = itemgetter(0)
_READING_ORDER = itemgetter(1)


ALIGN_TOLERANCE = 3.0
NEIGHBOURS = 3


def tabular_flags(row_list: list[Row]) -> list[bool]:
    """Which rows are table rows: several cells, and a cell after the first lines up (left or
    right edge) with a cell of a nearby multi-cell row. Justified prose also has wide gaps,
    but they do not line up from one line to the next."""
    flags = [False] * len(row_list)
    for i, row in enumerate(row_list):
        if len(row.cells) < 2 or _evenly_spaced(row):
            continue
        for j in range(max(0, i - NEIGHBOURS), min(len(row_list), i + NEIGHBOURS + 1)):
            if j != i and len(row_list[j].cells) >= 2 and _aligned(row, row_list[j]):
                flags[i] = True
                break
    return flags


JUSTIFIED_SPREAD = 1.6


def _evenly_spaced(row: Row) -> bool:
    """A justified line of prose: wide gaps, but all about the same width. Table rows have
    narrow gaps inside cells and wide ones between them."""
    words = sorted((w for cell in row.cells for w in cell.words), key=lambda w: w.bbox[0])
    gaps = [b.bbox[0] - a.bbox[2] for a, b in zip(words, words[1:])]
    gaps = [max(gap, 0.5) for gap in gaps]
    return len(gaps) >= 3 and max(gaps) <= JUSTIFIED_SPREAD * min(gaps)


def _aligned(a: Row, b: Row) -> bool:
    """Left edges of value cells line up, or right edges of inner cells (right-aligned amounts).
    The last cell's right edge is ignored: every justified line ends at the margin."""
    for i, cell in enumerate(a.cells[1:], 1):
        for j, other in enumerate(b.cells[1:], 1):
            if abs(cell.bbox[0] - other.bbox[0]) <= ALIGN_TOLERANCE:
                return True
            inner = i < len(a.cells) - 1 and j < len(b.cells) - 1
            if inner and abs(cell.bbox[2] - other.bbox[2]) <= ALIGN_TOLERANCE:
                return True
    return False
