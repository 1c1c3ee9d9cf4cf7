"""The name and number index: the prefilter keeps WRatio's best, updates need no rebuild."""
from __future__ import annotations

import random
import string

from registry.lookup.index import NameIndex, NumberIndex
from registry.lookup.normalise import parse_number

FAMILY = ["sok", "chan", "keo", "meas", "ly", "heng", "lim", "prak", "sim", "touch", "vong", "nuon"]
GIVEN = ["dara", "sophea", "rithy", "bopha", "vannak", "sreymom", "piseth", "kosal", "channary", "visal"]


def _names() -> list[str]:
    return [f"{f} {g}" for f in FAMILY for g in GIVEN] + [f"{g} {f} {g2}" for f in FAMILY[:4] for g in GIVEN[:3] for g2 in GIVEN[5:]]


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1:]


def test_prefilter_keeps_the_exhaustive_best():
    names = _names()
    index = NameIndex.build(names, list(range(len(names))))
    rng = random.Random(7)
    for name in rng.sample(names, 40):
        query = _typo(name, rng)
        assert index.search(query, pool=30)[0].score == index.exhaustive(query).score, query


def test_duplicate_names_share_one_key():
    index = NameIndex.build(["sok dara", "sok dara", "keo visal"], [10, 11, 12])
    assert len(index.keys) == 2
    assert index.search("sok dara")[0].owners == (10, 11)


def test_added_and_removed_without_rebuild():
    index = NameIndex.build(["sok dara", "keo visal"], [1, 2])
    index.add("nuon channary", 3)
    index.add("sok dara", 4)
    assert index.search("nuon chanary")[0].owners == (3,)
    assert set(index.search("sok dara")[0].owners) == {1, 4}
    index.remove("sok dara", 1)
    index.remove("nuon channary", 3)
    assert index.search("sok dara")[0].owners == (4,)
    assert all(hit.key != "nuon channary" for hit in index.search("nuon channary"))
    assert "channary" in index.vocabulary


def test_numbers_found_whatever_the_padding_or_prefix():
    numbers = NumberIndex()
    numbers.bulk(["MLVTPRA0182011", "MLVTSUB00182011"], [1, 2])
    assert numbers.find(parse_number("pra 18/2011")) == [1]
    assert numbers.find(parse_number("MLVT-SUB-៣៨/២០១១")) == []
    assert numbers.find(parse_number("MLVT SUB 018 2011")) == [2]
    assert sorted(numbers.find(parse_number("018/2011"))) == [1, 2]
    numbers.remove("MLVTPRA0182011")
    assert numbers.find(parse_number("PRA-018/2011")) == []
