"""Shortcuts taken for reading speed must count exactly what the plain definitions count
(PDF reader speed work): Khmer cluster statistics by whole-text regex passes, marks by set
lookup, visible characters and tokens by `str.split`."""
from __future__ import annotations

import random

from importers.pdf import khmer, quality

_KHMER_BLOCK = [chr(c) for c in range(0x1780, 0x1800)]
_SYMBOLS = [chr(c) for c in range(0x19E0, 0x1A00)]
_BASES = [chr(c) for c in range(0x1780, 0x17A3)]
_MARKS = [chr(c) for c in range(0x17B4, 0x17DE)] + [khmer.COENG] * 8


def _cluster_stats_by_scan(text: str) -> tuple[int, int]:
    """The definition, one cluster at a time: a cluster directly followed by a stray mark is
    damaged as a whole, as is a mark with no base; other characters of the Khmer block
    (digits, punctuation) are good by nature; the symbols block is never good."""
    total = sum(1 for ch in text if "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff")
    good = 0
    for token in "".join(ch if "\u1780" <= ch <= "\u17ff" else " " for ch in text).split():
        position = 0
        while position < len(token):
            match = khmer._CLUSTER.match(token, position)
            if match:
                end = match.end()
                if end < len(token) and khmer._MARK_CHAR.match(token[end]):
                    position = end
                    while position < len(token) and khmer._MARK_CHAR.match(token[position]):
                        position += 1
                    continue
                good += end - position
                position = end
            else:
                good += not khmer._MARK_CHAR.match(token[position])
                position += 1
    return good, total


def test_cluster_stats_count_what_a_cluster_by_cluster_scan_counts():
    chance = random.Random(17)
    pools = [
        _KHMER_BLOCK + _SYMBOLS + list("ab 1\n"),
        _BASES * 3 + _MARKS + [" ", "\u17e2", "\u17d4"],
    ]
    for _ in range(20000):
        pool = chance.choice(pools)
        text = "".join(chance.choice(pool) for _ in range(chance.randint(0, 40)))
        assert khmer.cluster_stats(text) == _cluster_stats_by_scan(text), text


def test_a_cluster_followed_by_a_mark_is_damaged_whole_not_cut_shorter():
    # ក្ក and a coeng with no consonant after it: the whole cluster is damaged.
    assert khmer.cluster_stats("\u1780\u17d2\u1780\u17d2 a") == (0, 4)
    # ក្ក alone is well formed, though its shorter prefix ក is followed by a mark (the coeng).
    assert khmer.cluster_stats("\u1780\u17d2\u1780 a") == (3, 3)


def test_is_mark_is_the_mark_class():
    for code in range(0x10000):
        ch = chr(code)
        assert khmer.is_mark(ch) == bool(khmer._MARK_CHAR.match(ch)), hex(code)
    assert not khmer.is_mark("")


def test_visible_characters_and_tokens_follow_str_isspace():
    whitespace = [chr(c) for c in range(0x3000 + 1) if chr(c).isspace()]
    chance = random.Random(3)
    for _ in range(5000):
        text = "".join(chance.choice(whitespace + list("ab.\u1780\u17d2")) for _ in range(30))
        assessed = quality.assess(text)
        assert assessed.chars == sum(1 for ch in text if not ch.isspace())
