"""The layout takes any boxes a text layer of a hostile PDF can give (upside down, zero or
sub-point high, far off the page, infinite, NaN) and neither raises nor loses a Latin word
that has a place on the page: three such boxes each made the cut recurse until
RecursionError, which failed the whole document in its reader worker."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.document import Word
from importers.pdf import layout

_COORDINATES = st.one_of(
    st.floats(min_value=-50, max_value=900, allow_nan=False),
    st.sampled_from([0.0, 10.0, 10.01, 10.02, 1e308, -1e308, float("inf"), float("-inf"), float("nan")]),
)
_BOXES = st.tuples(_COORDINATES, _COORDINATES, _COORDINATES, _COORDINATES)


def _words(texts: list[str]) -> st.SearchStrategy[list[Word]]:
    return st.lists(st.builds(Word, st.sampled_from(texts), _BOXES), max_size=12)


@given(_words(["a", "bc", "\u200b", "\u1780\u17c1", "\u17c1", "\u17b4"]))
@settings(max_examples=300, deadline=None)
def test_any_boxes_are_laid_out_without_error(words):
    for line in layout.lines_in_reading_order(words):
        assert line.words and all(word.text for word in line.words)


@given(_words(["a", "bc", "Fee", "\u200b"]))
@settings(max_examples=300, deadline=None)
def test_every_latin_word_with_a_place_on_the_page_is_kept(words):
    """Khmer pieces are left out here: a mark glyph is joined to the word before it by design."""
    lines = layout.lines_in_reading_order(words)
    placed = Counter(w.text for w in words if w.text != "\u200b" and layout._placeable(w))
    assert Counter(w.text for line in lines for w in line.words) == placed
