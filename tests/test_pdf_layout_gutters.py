"""Column gutters are found from where words start and end (issue 6, ingest speed); they must
be the gutters a point-by-point count of the words over each point finds."""
from __future__ import annotations

import random

from importers.document import Word
from importers.pdf import layout


def _gutters_point_by_point(words: list[Word], width: float, allowed: int) -> list[float]:
    left = int(min(w.bbox[0] for w in words))
    right = int(max(w.bbox[2] for w in words)) + 1
    cover = [0] * (right - left + 1)
    for word in words:
        for x in range(int(word.bbox[0]) - left + 1, int(word.bbox[2]) - left):
            cover[x] += 1
    cuts, run_start = [], None
    for x, count in enumerate(cover + [allowed + 1]):
        if count <= allowed:
            run_start = x if run_start is None else run_start
            continue
        if run_start is not None and run_start > 0 and x - run_start >= width:
            cuts.append(left + (run_start + x) / 2)
        run_start = None
    return cuts


def test_gutters_match_a_point_by_point_count():
    chance = random.Random(6)
    for _ in range(2000):
        words = []
        for _ in range(chance.randint(1, 40)):
            x0 = chance.uniform(-5, 500)
            words.append(Word("w", (x0, 0.0, x0 + chance.choice([-1, 0, 0.5, 3, 20, 150]) * chance.random(), 9.0)))
        width, allowed = chance.choice([0.5, 3.0, 7.0, 20.0]), chance.randint(1, 4)
        assert layout._gutters(words, width, allowed) == _gutters_point_by_point(words, width, allowed)


def test_two_columns_crossed_by_one_word_keep_their_gutter():
    rows = [Word("left", (50.0, y, 250.0, y + 9)) for y in range(0, 300, 12)]
    rows += [Word("right", (300.0, y, 500.0, y + 9)) for y in range(0, 300, 12)]
    rows.append(Word("crossing", (240.0, 400.0, 310.0, 409.0)))
    (gutter,) = layout._gutters(rows, 7.0, 1)
    assert 250 < gutter < 300
