"""Speed-ups in importers.terms must not change a single match: each shortcut is checked
against the plain computation it replaces, on generated text rather than the sample corpus."""
from __future__ import annotations

import random
import re

import pytest

from importers.document import Line, Word
from importers.terms import layout
from importers.terms.hours import _patterns as hours_patterns
from importers.terms.hours import _weekday_patterns
from importers.terms.money import _amount_patterns, _currency_index, find_money
from importers.terms.patterns import any_of, normalise, word_regex
from importers.terms.prefilter import guarded
from importers.terms.script import khmer_share
from importers.terms.vocab import load


def _word_lists() -> list[list[str]]:
    lists: list[list[str]] = []

    def walk(value) -> None:
        if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
            lists.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for name in ("payment", "terms", "parties", "fee_items", "currencies", "countries", "headings"):
        walk(load(name))
    return lists


_TRICKY = "İıſKßΣσς\u00a0\u200b-–'’.,;:()|/ \n\t0123456789០១២"


def _texts(words: list[str], count: int = 60, seed: int = 7) -> list[str]:
    """Vocabulary words in random case and company, broken by spaces or hyphens, and noise made
    of the words' own characters (near misses)."""
    rng = random.Random(seed)
    alphabet = "".join(sorted(set("".join(words)))) + _TRICKY + "abcdefghijklmnopqrstuvwxyz"
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.5:
                word = rng.choice(words)
                word = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in word)
                if rng.random() < 0.3 and len(word) > 2:
                    cut = rng.randrange(1, len(word))
                    word = word[:cut] + rng.choice([" ", "-", "", "\u200b"]) + word[cut:]
                parts.append(word)
            parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
        texts.append("".join(parts))
    return texts


def _same_matches(plain: re.Pattern[str], fast: re.Pattern[str], text: str) -> None:
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
        (m.span(), m.groups()) for m in plain.finditer(text)
    ]
    for pos in range(0, len(text) + 1, 3):
        a, b = plain.search(text, pos), fast.search(text, pos)
        assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))


@pytest.mark.parametrize("words", _word_lists(), ids=lambda words: words[0][:20])
def test_guard_keeps_vocabulary_matches(words: list[str]) -> None:
    body = "|".join(f"(?:{word_regex(w)})" for w in sorted(set(words), key=len, reverse=True))
    plain, fast = re.compile(body, re.I), re.compile(guarded(body, re.I), re.I)
    for text in _texts(words):
        _same_matches(plain, fast, text)
        _same_matches(plain, fast, normalise(text))


def _composites() -> list[re.Pattern[str]]:
    return [*_amount_patterns(), *hours_patterns().values(), _weekday_patterns()[1]]


@pytest.mark.parametrize("pattern", _composites(), ids=lambda p: p.pattern[-30:])
def test_guard_keeps_composite_matches(pattern: re.Pattern[str]) -> None:
    body = re.sub(r"\(\?=\[[^\]]*\](?:\[[^\]]*\])?\)", "", pattern.pattern)  # the same, unguarded
    assert "(?=[" not in body
    plain = re.compile(body, re.I)
    fast = re.compile(guarded(body, re.I), re.I)
    words = [w for spellings in load("currencies").values() for w in spellings] + [
        "12", "1,500.50", "three hundred", "8 hours a day", "48 hours per week", "07:00 to 16:00",
        "8 a.m. - 5 p.m.", "one-hour break", "Monday to Friday", "one rest day per week", "ម៉ោង", "ថ្ងៃ",
    ]
    for text in _texts(words, seed=11):
        _same_matches(plain, fast, normalise(text))


@pytest.mark.parametrize("pattern", [r"a*", r"[^a]b", r".b", r"(a)?(?(1)b|c)", r"(?i:a)b", r"a?", r"(?:a|)"])
def test_guard_leaves_unbounded_patterns(pattern: str) -> None:
    assert guarded(pattern) == pattern


def test_guard_skips_zero_width_items() -> None:
    assert guarded(r"(?<![^\W_])ab|\bc?d", re.I) == r"(?=[acd])(?:(?<![^\W_])ab|\bc?d)"


def test_guard_checks_two_characters_when_every_match_has_two() -> None:
    assert guarded(r"a\s?b|(?<!x)cd", re.I) == r"(?=[ac][\sbd])(?:a\s?b|(?<!x)cd)"
    assert guarded(r"\d{1,3}x") == r"(?=[\d][\dx])(?:\d{1,3}x)"
    assert guarded(r"(a)\1") == r"(?=[a])(?:(a)\1)"  # the second character is unknown


def test_guard_class_is_as_case_blind_as_the_letters() -> None:
    """The guard's class is compiled with the pattern's flags: `[is]` under IGNORECASE takes
    every character `i` or `s` does (`İ`, `ı`, `ſ`, ...)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for letter in "iksK":
        assert re.findall(f"[{letter}]", everything, re.I) == re.findall(letter, everything, re.I)


def test_money_shortcut_skips_only_texts_without_amounts() -> None:
    """`find_money` gives up when the currency pattern finds nothing: no amount pattern can
    match such a text either."""
    currency = _currency_index()[0]
    spellings = [w for values in load("currencies").values() for w in values] + ["12", "2,500", "five hundred", "Worker"]
    skipped = 0
    for text in _texts(spellings, count=300, seed=3):
        text = normalise(text)
        if currency.search(text) is None:
            skipped += 1
            assert not any(p.search(text) for p in _amount_patterns())
            assert find_money(text) == []
    assert skipped


def test_khmer_share_counts_as_the_regexes_do() -> None:
    rng = random.Random(5)
    alphabet = "abcXYZ ១២៣កខគ\u17b6\u17d2\u17dd\u17d4é\U0001f600\ud800" + _TRICKY
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        khmer = len(re.findall("[\u1780-\u17d3\u17dd]", text))
        latin = len(re.findall("[A-Za-z]", text))
        assert khmer_share(text) == (None if khmer + latin == 0 else khmer / (khmer + latin))


def test_gutter_search_ignores_runs_too_short_to_fill() -> None:
    """Two lines beside each other, Khmer left and English right, make a region; one does not."""
    def line(top: float) -> Line:
        return Line([Word("ការងារ ការងារ", (10, top, 95, top + 10)), Word("work work", (105, top, 190, top + 10))])

    two = [line(0), line(12)]
    boxes = [[w.bbox for w in l.words] for l in two]
    assert layout._regions_for(two, boxes, 100.0, (10.0, 190.0)) == [(0, 2)]
    assert layout._regions_for(two[:1], boxes[:1], 100.0, (10.0, 190.0)) == []


def test_hours_word_gates_skip_only_sentences_the_patterns_cannot_match() -> None:
    """`hours` searches for hour (day) figures only where an hour (day) word occurs."""
    terms = load("terms")
    hour_word, day_word = any_of(terms["hour_words"]), any_of(terms["day_words"])
    patterns = hours_patterns()
    words = terms["hour_words"] + terms["day_words"] + terms["periods"]["day"] + terms["periods"]["week"] + [
        "8", "eight", "48", "of work", "working ", "(8)"]
    for text in _texts(words, count=300, seed=9):
        text = normalise(text)
        if hour_word.search(text) is None:
            assert not any(patterns[k].search(text) for k in ("hours_day", "hours_day_after", "hours_week"))
        if day_word.search(text) is None:
            assert patterns["days_week"].search(text) is None
