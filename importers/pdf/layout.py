"""Words with boxes into lines in reading order.

Recursive XY-cut: a region is split at a vertical gutter that runs through it (columns, e.g.
Khmer and English side by side), otherwise at every horizontal gap that runs across all of it
(rows, paragraphs). A gutter may be crossed by a few words (a justified Khmer line reaching
into the gap); each word goes to the side of its centre. Lines are only formed inside one
leaf region and are cut at very wide gaps, so a line never joins two columns.
Within a line, pieces a text layer split out of one Khmer word (a vowel sign or subscript
drawn as its own glyph) are joined back.
"""
from __future__ import annotations

from bisect import bisect_left, insort

from importers.document import Line, Word, union_bbox
from importers.pdf import khmer

_MIN_GUTTER_PT = 7.0
_GUTTER_HEIGHTS = 0.7
"""A gutter is at least this many median word heights wide (and at least _MIN_GUTTER_PT)."""
_CROSSING_ROWS = 12
"""One word per this many rows may cross a gutter."""
_MIN_COLUMN_ROWS = 0.25
"""Each column holds at least this share of the region's rows."""
_CORE_TRIM = 0.2
"""Share of a word's height trimmed at top and bottom when looking for gaps between rows."""
_ROW_BREAK_GUTTERS = 4
"""Inside one row, a gap this many gutters wide separates two lines (a label and its value,
two column heads); narrower gaps are justified spacing and stay inside the line."""


def lines_in_reading_order(words: list[Word]) -> list[Line]:
    placed = [_Placed(_upright(word)) for word in words if word.text.strip() and _placeable(word)]
    if not placed:
        return []
    heights = sorted([p.height for p in placed])
    gutter = max(_MIN_GUTTER_PT, _GUTTER_HEIGHTS * _sorted_median(heights))
    lines: list[Line] = []
    gutters: list[float] = []
    _cut(placed, gutter, lines, gutters)
    if not gutters:
        return lines
    return [piece for line in lines for piece in _split_at_gutters(line, gutter, gutters)]


_FARTHEST = 1e9
"""Points. Pages are at most 14,400 units across (ISO 32000 implementation limits), and the
layers report page-space points, so a coordinate beyond this, infinite or not a number comes
only from a broken or hostile text layer: such a word has no place on the page, and
comparisons with NaN or sums that overflow to infinity made the cut recurse without end."""


def _placeable(word: Word) -> bool:
    return all(-_FARTHEST < value < _FARTHEST for value in word.bbox)  # False for NaN too


def _upright(word: Word) -> Word:
    """The word with x0 <= x1 and top <= bottom. A layer of a hostile PDF can give a box upside
    down, and a row cut between the two edges of such a box never separates anything: the cut
    recursed until Python's stack ran out."""
    x0, top, x1, bottom = word.bbox
    if x0 <= x1 and top <= bottom:
        return word
    return Word(word.text, (min(x0, x1), min(top, bottom), max(x0, x1), max(top, bottom)))


class _Placed:
    """A word with the values every level of the cut asks for, worked out once: the cut
    recurses a few levels deep and visits every word at each.

    `core` is the vertical extent shrunk to its middle: Khmer boxes carry room for stacked
    vowels and subscripts that overlaps the neighbouring lines, which would chain all rows
    together. `centre` decides the side of a cut a word goes to; it always lies inside `core`
    (trimmed by a share of the box's own height), so a row cut, which falls between cores,
    always has words on both sides and the cut ends."""

    __slots__ = ("word", "bbox", "height", "core", "centre")

    def __init__(self, word: Word) -> None:
        self.word = word
        self.bbox = x0, top, x1, bottom = word.bbox
        self.height = _height(word)
        trim = _CORE_TRIM * (bottom - top)
        self.core = (top + trim, bottom - trim)
        self.centre = ((x0 + x1) / 2, (top + bottom) / 2)


def _split_at_gutters(line: Line, gutter: float, gutters: list[float]) -> list[Line]:
    """A line that reaches across a column gutter found elsewhere on the page is two lines.

    A single row (the last line of two columns, say) has no column structure of its own;
    the page's other rows tell where the columns are.
    """
    pieces = [[line.words[0]]]
    for word in line.words[1:]:
        left, right = pieces[-1][-1].bbox[2], word.bbox[0]
        if right - left >= gutter and any(left <= x <= right for x in gutters):
            pieces.append([])
        pieces[-1].append(word)
    if len(pieces) == 1:
        return [line]
    return [Line(piece) for piece in pieces]


def _height(word: Word) -> float:
    return max(word.bbox[3] - word.bbox[1], 0.1)


def _gaps(intervals: list[tuple[float, float]], minimum: float) -> list[float]:
    """Midpoints of the empty stretches at least `minimum` wide between covered intervals."""
    intervals.sort()
    cuts: list[float] = []
    reach = intervals[0][1]
    for start, end in intervals[1:]:
        if start - reach >= minimum:
            cuts.append((start + reach) / 2)
        if end > reach:  # max(reach, end), without a call for every word of every level
            reach = end
    return cuts


def _gutters(words: list[Word] | list[_Placed], width: float, allowed: int) -> list[float]:
    """Vertical gutters at least `width` wide crossed by at most `allowed` words.

    A word covers the whole points strictly inside its box. The number of words over a
    point only changes where a word starts or ends, so only those points are visited."""
    if allowed == 0:
        return _gaps([(w.bbox[0], w.bbox[2]) for w in words], width)
    left = int(min(w.bbox[0] for w in words))
    end = int(max(w.bbox[2] for w in words)) + 2 - left  # past the last point: crowded
    changes: dict[int, int] = {}
    for word in words:
        first, stop = int(word.bbox[0]) - left + 1, int(word.bbox[2]) - left
        if first < stop:
            changes[first] = changes.get(first, 0) + 1
            changes[stop] = changes.get(stop, 0) - 1
    cuts: list[float] = []
    run_start: int | None = 0  # no word covers the first point
    count = 0
    for x in [*sorted(changes), end]:
        count = count + changes[x] if x < end else allowed + 1
        if count <= allowed:
            run_start = x if run_start is None else run_start
            continue
        if run_start is not None and run_start > 0 and x - run_start >= width:
            cuts.append(left + (run_start + x) / 2)
        run_start = None
    return cuts


def _split(placed: list[_Placed], cuts: list[float], axis: int) -> list[list[_Placed]]:
    """Words by the side of the (ascending) cuts their centre falls on."""
    if not cuts:
        return [placed]
    parts: list[list[_Placed]] = [[] for _ in range(len(cuts) + 1)]
    for p in placed:
        parts[bisect_left(cuts, p.centre[axis])].append(p)
    return [part for part in parts if part]


def _row_cuts(placed: list[_Placed]) -> list[float]:
    return _gaps([p.core for p in placed], 0.01)


def _cut(placed: list[_Placed], gutter: float, out: list[Line], found: list[float]) -> None:
    if len(placed) > 1:
        row_cuts = _row_cuts(placed)
        rows = len(row_cuts) + 1
        columns = _gutters(placed, gutter, rows // _CROSSING_ROWS)
        parts = _split(placed, columns, 0)
        if len(parts) > 1 and _are_columns(parts, rows):
            found.extend(columns)
            for part in parts:
                _cut(part, gutter, out, found)
            return
        if rows > 1:
            for part in _split(placed, row_cuts, 1):
                _cut(part, gutter, out, found)
            return
    out.extend(_lines(placed, gutter))


def _are_columns(parts: list[list[_Placed]], rows: int) -> bool:
    """Columns have rows of their own: at least one side has several, and no side is a
    sliver of the region (a stray word beside a long paragraph is not a column). One row
    with wide gaps (a label and its value, justified text) is not split into columns."""
    part_rows = [len(_row_cuts(part)) + 1 for part in parts]
    return max(part_rows) >= 2 and min(part_rows) >= max(1, rows * _MIN_COLUMN_ROWS)


class _Row:
    """Words of one row and the medians of their tops and bottoms, kept up to date as words
    join (the medians of sorted lists, equal to `statistics.median` of the words)."""

    __slots__ = ("words", "centres", "tops", "bottoms", "top", "bottom")

    def __init__(self, p: _Placed) -> None:
        self.words = [p.word]
        self.centres = [p.centre[1]]
        self.tops, self.bottoms = [p.bbox[1]], [p.bbox[3]]
        self.top, self.bottom = p.bbox[1], p.bbox[3]

    def add(self, p: _Placed) -> None:
        self.words.append(p.word)
        self.centres.append(p.centre[1])
        insort(self.tops, p.bbox[1])
        insort(self.bottoms, p.bbox[3])
        self.top, self.bottom = _sorted_median(self.tops), _sorted_median(self.bottoms)

    def middle(self) -> float:
        """Median of the words' vertical centres: where the row sits on the page."""
        return _sorted_median(sorted(self.centres))


def _sorted_median(values: list[float]) -> float:
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _lines(placed: list[_Placed], gutter: float) -> list[Line]:
    """Group words whose vertical extents mostly overlap into rows, top to bottom; a row is
    cut into several lines at very wide gaps (label | value, two column heads)."""
    rows: list[_Row] = []
    for p in sorted(placed, key=_centre_y):
        best, best_overlap = None, 0.0
        _, word_top, _, word_bottom = p.bbox
        height = p.height
        for row in rows:
            overlap = min(row.bottom, word_bottom) - max(row.top, word_top)
            if overlap > 0:  # else the ratio (over a positive divisor) cannot beat 0.0
                ratio = overlap / max(min(row.bottom - row.top, height), 0.1)
                if ratio > best_overlap:
                    best, best_overlap = row, ratio
        if best is not None and best_overlap >= 0.5:
            best.add(p)
        else:
            rows.append(_Row(p))
    if len(rows) > 1:
        rows.sort(key=_Row.middle)
    lines: list[Line] = []
    for row in rows:
        pieces = _join_fragments(sorted(row.words, key=_left))
        if not pieces:  # a row of invisible characters only
            continue
        current = [pieces[0]]
        for word in pieces[1:]:
            if word.bbox[0] - current[-1].bbox[2] >= gutter * _ROW_BREAK_GUTTERS:
                lines.append(Line(current))
                current = []
            current.append(word)
        lines.append(Line(current))
    return lines


def _centre_y(p: _Placed) -> float:
    return p.centre[1]


def _left(word: Word) -> float:
    return word.bbox[0]


def _join_fragments(words: list[Word]) -> list[Word]:
    """Re-attach pieces of one Khmer word that a layer returned as separate words.

    A piece that starts with a mark cannot begin a word; Khmer pieces whose boxes touch were
    one run of glyphs. Latin words are never joined: their spaces are real.
    """
    joined: list[Word] = []
    for word in words:
        if joined:
            previous = joined[-1]
            gap = word.bbox[0] - previous.bbox[2]
            # Each test only when the one before it passed: this runs for every word pair.
            starts_with_mark = khmer.is_mark(word.text[0])
            near = starts_with_mark and gap <= 0.5 * max(_height(word), _height(previous))
            touching = not near and gap <= 0.6
            both_khmer = touching and khmer.is_khmer(previous.text[-1]) and khmer.is_khmer(word.text[0])
            if near or both_khmer:
                joined[-1] = Word(
                    khmer.normalise(previous.text + word.text),
                    union_bbox([previous.bbox, word.bbox]),
                )
                continue
        text = khmer.normalise(word.text)
        if not text:  # only invisible characters (zero-width space, inherent vowels): no word
            continue
        joined.append(word if text == word.text else Word(text, word.bbox))  # words never change
    return joined
