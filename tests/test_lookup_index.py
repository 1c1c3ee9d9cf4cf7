"""The name and number index: the prefilter keeps WRatio's best, updates need no rebuild."""
from __future__ import annotations

import random
import string
from dataclasses import replace

from rapidfuzz import fuzz

from registry.lookup.index import NameIndex, NumberIndex, RegistryIndex
from registry.lookup.normalise import parse_number
from lookup_registry import invented_snapshot

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


def test_khmer_keys_are_scored_as_wratio_scores_them():
    """Khmer keys are handed to WRatio renamed to one-byte letters; the scores are those of the
    keys as they are, also when a candidate (or the query) has a letter the renaming does not
    cover and the keys are scored as they are."""
    family, given = ["សុខ", "ជា", "កែវ", "មាស", "លី"], ["ដារ៉ា", "សុភា", "រិទ្ធី", "បុប្ផា", "វណ្ណៈ", "ចាន់ធី"]
    names = [f"{f} {g}" for f in family for g in given] + ["សុខ ដារ៉ា ១២", "ñoun dara", "noun dara", "สุข ดารา"]
    index = NameIndex.build(names, list(range(len(names))))
    rng = random.Random(3)
    for query in [*(n[:2] + rng.choice("កខគឃងចឆជ") + n[3:] for n in rng.sample(names[:30], 12)), "nuon dara", "ñoun dar"]:
        hits = index.search(query)
        assert [hit.score for hit in hits] == [fuzz.WRatio(query, hit.key) for hit in hits], query
        assert hits[0].score == index.exhaustive(query).score, query


def test_equal_scores_go_to_the_first_key_as_in_the_exhaustive_scan():
    index = NameIndex.build(["keo visal", "sok darb", "sok dara"], [1, 2, 3])
    assert index.search("sok darc")[0].key == index.exhaustive("sok darc").key == "sok darb"


def test_a_query_with_more_trigrams_than_a_byte_counts_is_searched():
    rng = random.Random(5)
    names = ["".join(rng.choice(string.ascii_lowercase) for _ in range(12)) for _ in range(60)]
    index = NameIndex.build(names, list(range(len(names))))
    hits = index.search(" ".join(names))  # 700 of the index's trigrams: more lists than a byte counts
    assert hits and all(hit.key in names for hit in hits)


def test_broker_places_follow_the_broker():
    snapshot = invented_snapshot()
    index = RegistryIndex.build(snapshot)
    assert index.broker_places.of([2, 1]) == [("Moung Ruessei", "Battambang"), ("Sen Sok", "Phnom Penh")]
    old = snapshot.brokers[1]
    snapshot.brokers[1] = replace(old, district="Daun Penh")
    index.put_sub_licence(snapshot.sub_licences[1], snapshot.sub_licences[1], old)
    new = replace(snapshot.sub_licences[3], id=1000, number="MLVT-SUB-1000/2026", number_norm="MLVTSUB10002026")
    snapshot.sub_licences[1000] = new
    index.put_sub_licence(new)
    assert index.broker_places.of([1, 1000]) == [("Daun Penh", "Phnom Penh"), ("Kampong Siem", "Kampong Cham")]


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


def test_regression_six_and_seven_digit_serials_were_read_as_names():
    """A national registry counts serials across years: the scale registry's agencies reach
    six digits and its sub-licences seven. Such numbers were not read as numbers at all (the
    pattern took at most five digits), so a registered agency's own number was "not found"."""
    numbers = NumberIndex()
    numbers.bulk(["MLVTPRA1562632026", "MLVTSUB10000022023", "MLVTSUB0000422023"], [1, 2, 3])
    assert numbers.find(parse_number("MLVT-PRA-156263/2026")) == [1]
    assert numbers.find(parse_number("pra 156263-2026")) == [1]
    assert numbers.find(parse_number("MLVT-SUB-1000002/2023")) == [2]
    assert numbers.find(parse_number("sub ១០០០០០២/២០២៣")) == [2]
    assert numbers.find(parse_number("SUB 42/2023")) == [3]
