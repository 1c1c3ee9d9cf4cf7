"""In-memory name and number index over the whole registry, built for 1 M+ names.

Why trigrams and then WRatio: an exhaustive rapidfuzz scan costs about a second per query at
national scale. Character trigrams find the few hundred distinct names that share the most
trigrams with the query in well under a millisecond (numpy over posting lists), and WRatio
ranks only those. Names are indexed once per distinct normalised key (a million brokers
share far fewer distinct names), each key pointing at the records that carry it.

Incremental: keys added after the build go to a small overlay (dict of posting lists) that is
searched together with the packed base; removing a record only detaches it from its key.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from registry.lookup.normalise import LicenceNumber, name_key
from registry.numbers import number_norm
from registry.queries import AgencyRow, BrokerRow, LicenceRow, RegistrySnapshot, SubLicenceRow

KINDS = ("agency", "broker")
_SEP = 0  # code point that separates keys in the packed text; never inside a key
_BITS = 21  # bits per code point in a trigram code (all of Unicode)


def _codes(points: np.ndarray) -> np.ndarray:
    return (points[:-2] << (2 * _BITS)) | (points[1:-1] << _BITS) | points[2:]


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def query_grams(key: str) -> np.ndarray:
    """Distinct trigram codes of one key, padded with a space at each end."""
    if not key:
        return np.empty(0, dtype=np.int64)
    return np.unique(_codes(_points(f" {key} ")))


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    score: float
    """rapidfuzz WRatio of the query key against this key, 0-100."""
    owners: tuple[int, ...]
    """Record ids carrying this key."""


class NameIndex:
    """Distinct name keys -> owning record ids, searchable by trigram prefilter + WRatio."""

    def __init__(self, keys: list[str], owners: list[list[int]]) -> None:
        self.keys = keys
        self.owners = owners
        self.key_ids = {key: i for i, key in enumerate(keys)}
        self.vocabulary: set[str] = {word for key in keys for word in key.split()}
        """Every word of every indexed name: a typed word found here is never a typo of another."""
        self._pack()
        self._overlay: dict[int, list[int]] = defaultdict(list)
        self._counter = np.zeros(len(keys) + 1024, dtype=np.int32)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> NameIndex:
        """From (key, record id) pairs; empty keys are skipped."""
        key_ids: dict[str, int] = {}
        owners: list[list[int]] = []
        for key, owner in pairs:
            if not key:
                continue
            i = key_ids.get(key)
            if i is None:
                key_ids[key] = i = len(owners)
                owners.append([])
            owners[i].append(owner)
        return cls(list(key_ids), owners)

    def _pack(self) -> None:
        """Posting lists for all keys at once: one numpy pass over the concatenated keys."""
        if not self.keys:
            self._grams = np.empty(0, dtype=np.int64)
            self._starts = np.zeros(1, dtype=np.int64)
            self._postings = np.empty(0, dtype=np.int32)
            self._sizes = np.empty(0, dtype=np.int32)
            return
        padded = [f" {key} " for key in self.keys]
        points = _points(chr(_SEP).join(padded))
        lengths = np.fromiter((len(p) + 1 for p in padded), dtype=np.int64, count=len(padded))
        key_of = np.repeat(np.arange(len(padded), dtype=np.int32), lengths)[: len(points)]
        codes = _codes(points)
        valid = (points[:-2] != _SEP) & (points[1:-1] != _SEP) & (points[2:] != _SEP)
        codes, key_of = codes[valid], key_of[:-2][valid]
        order = np.lexsort((key_of, codes))
        codes, key_of = codes[order], key_of[order]
        distinct = np.ones(len(codes), dtype=bool)
        distinct[1:] = (codes[1:] != codes[:-1]) | (key_of[1:] != key_of[:-1])
        codes, key_of = codes[distinct], key_of[distinct]
        self._grams, first = np.unique(codes, return_index=True)
        self._starts = np.append(first, len(codes)).astype(np.int64)
        self._postings = key_of.astype(np.int32)
        self._sizes = np.bincount(key_of, minlength=len(self.keys)).astype(np.int32)

    # --- updates -------------------------------------------------------------------------

    def add(self, key: str, owner: int) -> None:
        if not key:
            return
        i = self.key_ids.get(key)
        if i is None:
            i = self.key_ids[key] = len(self.keys)
            self.keys.append(key)
            self.owners.append([])
            self.vocabulary.update(key.split())
            for code in query_grams(key).tolist():
                self._overlay[code].append(i)
            if len(self.keys) >= len(self._counter):
                self._counter = np.zeros(2 * len(self.keys), dtype=np.int32)
        if owner not in self.owners[i]:
            self.owners[i].append(owner)

    def remove(self, key: str, owner: int) -> None:
        i = self.key_ids.get(key)
        if i is not None and owner in self.owners[i]:
            self.owners[i].remove(owner)

    # --- search --------------------------------------------------------------------------

    def candidates(self, key: str, *, pool: int = 200) -> np.ndarray:
        """Ids of the `pool` keys most similar to `key` by shared trigrams (Dice coefficient).

        Counting runs over the posting lists of the query's trigrams; only keys in the top
        count levels are ranked by Dice, which prefers keys of the query's own length.
        """
        grams = query_grams(key)
        if not len(grams) or not self.keys:
            return np.empty(0, dtype=np.int32)
        lists = []
        if len(self._grams):
            at = np.minimum(np.searchsorted(self._grams, grams), len(self._grams) - 1)
            found = at[self._grams[at] == grams]
            lists = [self._postings[self._starts[j]:self._starts[j + 1]] for j in found.tolist()]
        if self._overlay:
            lists += [np.asarray(self._overlay[c], dtype=np.int32) for c in grams.tolist() if c in self._overlay]
        if not lists:
            return np.empty(0, dtype=np.int32)
        counter = self._counter
        for ids in lists:  # ids are unique within one posting list, so += counts correctly
            counter[ids] += 1
        ids = np.concatenate(lists)
        counts = counter[ids]
        per_count = np.bincount(counts) // np.maximum(np.arange(counts.max() + 1), 1)
        cumulative = np.cumsum(per_count[::-1])
        threshold = max(len(per_count) - 1 - int(np.searchsorted(cumulative, pool)), 1)
        chosen = np.unique(ids[counts >= threshold])
        shared = counter[chosen]
        counter[ids] = 0
        if len(chosen) <= pool:
            return chosen
        dice = shared / (len(grams) + self._sizes_of(chosen))
        return chosen[np.argpartition(-dice, pool)[:pool]]

    def _sizes_of(self, ids: np.ndarray) -> np.ndarray:
        """Trigram counts of keys (computed for overlay keys, which the packed sizes do not cover)."""
        base = len(self._sizes)
        if not len(ids) or ids.max() < base:
            return self._sizes[ids]
        return np.array([self._sizes[i] if i < base else len(query_grams(self.keys[i])) for i in ids.tolist()])

    def search(self, key: str, *, limit: int = 10, pool: int = 200) -> list[Hit]:
        """Best keys by WRatio among the trigram candidates; keys without records are skipped."""
        ids = [i for i in self.candidates(key, pool=pool).tolist() if self.owners[i]]
        if not ids:
            return []
        choices = [self.keys[i] for i in ids]
        best = process.extract(key, choices, scorer=fuzz.WRatio, processor=None, limit=limit)
        return [Hit(choice, score, tuple(self.owners[ids[at]])) for choice, score, at in best]

    def exhaustive(self, key: str) -> Hit | None:
        """The WRatio best over every key: the baseline the prefilter is measured against."""
        live = [i for i, owners in enumerate(self.owners) if owners]
        best = process.extractOne(key, [self.keys[i] for i in live], scorer=fuzz.WRatio, processor=None)
        return None if best is None else Hit(best[0], best[1], tuple(self.owners[live[best[2]]]))


def _memo_keys(make, row, names: tuple[str, str], cache: dict) -> tuple[str, str]:
    """Keys of a row, computed once per distinct pair of names (many brokers share a name)."""
    keys = cache.get(names)
    if keys is None:
        keys = cache[names] = make(row)
    return keys


def _number_code(kind: str, serial: int, year: int) -> int:
    return (KINDS.index(kind) << 40) | (year << 24) | serial


_STORED = re.compile(r"([A-Z]*)([0-9]+)((?:19|20)[0-9]{2})")


def _stored_code(kind: str, norm: str) -> int | None:
    """Code of a stored normal-form number ("MLVTPRA0182011": serial 18, year 2011); the year is
    always the last four digits, so no separators are needed to split serial from year."""
    match = _STORED.fullmatch(norm)
    return _number_code(kind, int(match.group(2)), int(match.group(3))) if match else None


class RegistryIndex:
    """Names (Latin and Khmer) and numbers of every agency licence and broker sub-licence.

    Agency records are licence ids (a name answers with the licence it holds); broker
    records are sub-licence ids. `snapshot` stays the source of everything else.
    """

    def __init__(self, snapshot: RegistrySnapshot, names: dict[str, NameIndex]) -> None:
        self.snapshot = snapshot
        self.names = names
        self._numbers: dict[int, int | list[int]] = {}
        """Number code -> record id (a list in the rare case two printings share a code)."""
        self._unparsed: dict[str, tuple[str, int]] = {}
        """Normal form -> (kind, record) for numbers in no known format."""
        for row in snapshot.licences.values():
            self._add_number("agency", row.id, row.number_norm or number_norm(row.number))
        for row in snapshot.sub_licences.values():
            self._add_number("broker", row.id, row.number_norm or number_norm(row.number))

    @staticmethod
    def agency_keys(agency: AgencyRow) -> tuple[str, str]:
        return name_key(agency.name_en), name_key(agency.name_km)

    @staticmethod
    def broker_keys(broker: BrokerRow) -> tuple[str, str]:
        return name_key(broker.name_en, legal_forms=False), name_key(broker.name_km, legal_forms=False)

    @classmethod
    def build(cls, snapshot: RegistrySnapshot) -> RegistryIndex:
        agency_keys = {i: _memo_keys(cls.agency_keys, a, (a.name_en, a.name_km), cache) for cache in [{}]
                       for i, a in snapshot.agencies.items()}
        broker_keys = {i: _memo_keys(cls.broker_keys, b, (b.name_en, b.name_km), cache) for cache in [{}]
                       for i, b in snapshot.brokers.items()}
        names = {
            "agency": NameIndex.build(
                (key, row.id) for row in snapshot.licences.values() for key in agency_keys[row.agency_id]
            ),
            "broker": NameIndex.build(
                (key, row.id) for row in snapshot.sub_licences.values() for key in broker_keys[row.broker_id]
            ),
        }
        return cls(snapshot, names)

    # --- numbers -------------------------------------------------------------------------

    def _add_number(self, kind: str, record: int, norm: str) -> None:
        code = _stored_code(kind, norm)
        if code is None:
            self._unparsed[norm] = (kind, record)
            return
        held = self._numbers.get(code)
        if held is None:
            self._numbers[code] = record
        elif isinstance(held, list):
            held.append(record)
        elif held != record:
            self._numbers[code] = [held, record]

    def _remove_number(self, kind: str, record: int, norm: str) -> None:
        code = _stored_code(kind, norm)
        if code is None:
            self._unparsed.pop(norm, None)
            return
        held = self._numbers.get(code)
        if held == record:
            del self._numbers[code]
        elif isinstance(held, list) and record in held:
            held.remove(record)

    def by_number(self, parsed: LicenceNumber, kind: str | None = None) -> list[tuple[str, int]]:
        """Records whose number has this series, serial and year (any series when none was printed)."""
        found: list[tuple[str, int]] = []
        for k in KINDS:
            if (parsed.kind or k) != k or (kind or k) != k:
                continue
            held = self._numbers.get(_number_code(k, parsed.serial, parsed.year))
            found += [(k, r) for r in (held if isinstance(held, list) else [] if held is None else [held])]
        exact = self._unparsed.get(number_norm(parsed.printed))
        if exact is not None and (kind or exact[0]) == exact[0]:
            found.append(exact)
        return found

    # --- names ---------------------------------------------------------------------------

    def search(self, kind: str, key: str, *, limit: int = 10) -> list[Hit]:
        return self.names[kind].search(key, limit=limit)

    # --- incremental updates (the snapshot is updated by the caller first) ---------------

    def put_licence(self, row: LicenceRow, old: LicenceRow | None = None, old_agency: AgencyRow | None = None) -> None:
        """Add or replace one licence; `old`/`old_agency` are what the index held before."""
        if old is not None:
            self._remove_number("agency", old.id, old.number_norm or number_norm(old.number))
            for key in self.agency_keys(old_agency or self.snapshot.agencies[old.agency_id]):
                self.names["agency"].remove(key, old.id)
        self._add_number("agency", row.id, row.number_norm or number_norm(row.number))
        for key in self.agency_keys(self.snapshot.agencies[row.agency_id]):
            self.names["agency"].add(key, row.id)

    def put_sub_licence(self, row: SubLicenceRow, old: SubLicenceRow | None = None, old_broker: BrokerRow | None = None) -> None:
        if old is not None:
            self._remove_number("broker", old.id, old.number_norm or number_norm(old.number))
            for key in self.broker_keys(old_broker or self.snapshot.brokers[old.broker_id]):
                self.names["broker"].remove(key, old.id)
        self._add_number("broker", row.id, row.number_norm or number_norm(row.number))
        for key in self.broker_keys(self.snapshot.brokers[row.broker_id]):
            self.names["broker"].add(key, row.id)
