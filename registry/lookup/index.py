"""In-memory name and number index over the whole registry, built for 1 M+ names.

Why trigrams and then WRatio: an exhaustive rapidfuzz scan costs about a second per query at
national scale. Character trigrams find the few hundred distinct names that share the most
trigrams with the query (numpy over posting lists), and WRatio ranks only those. Names are
indexed once per distinct normalised key (a million brokers share far fewer distinct names),
each key pointing at the records that carry it; both maps are packed numpy arrays, so the
build is a few vectorised sorts and the memory a few bytes per name.

Only the query's rarer trigrams are counted (up to a budget of posting entries): the common
ones ("man", "ow ") are in a third of all names and tell nothing apart, while a misspelling
only removes the trigrams it touches. Incremental: keys and owners added after the build go
to small overlays searched together with the packed base; removing a record only detaches
it from its key.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from registry.lookup.normalise import SERIES_KIND, LicenceNumber, name_key
from registry.numbers import number_norm
from registry.queries import AgencyRow, BrokerRow, LicenceRow, RegistrySnapshot, SubLicenceRow

KINDS = ("agency", "broker")
_SEP = 0  # code point that separates keys in the packed text; never inside a key
_BITS = 21  # bits per code point in a trigram code (all of Unicode)
POSTINGS_BUDGET = 60_000
"""Posting entries counted per query, rarest trigrams first (at least MIN_GRAMS trigrams)."""
MIN_GRAMS = 4
POOL = 200
"""Keys reranked by WRatio per query."""
SHORT_KEY = 12
SHORT_POOL = 1000
"""Keys of up to SHORT_KEY characters have a dozen trigrams, and one typo removes a third of
them: thousands of names share as many, so a wider pool is reranked (short strings are cheap
for WRatio)."""
SUBSET_MIN_WORDS = 3
"""Queries of fewer words have no shorter name inside them worth a look (names have two words)."""


def _codes(points: np.ndarray) -> np.ndarray:
    return (points[:-2] << (2 * _BITS)) | (points[1:-1] << _BITS) | points[2:]


def _points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def query_grams(key: str) -> np.ndarray:
    """Distinct trigram codes of one key, padded with a space at each end."""
    if not key:
        return np.empty(0, dtype=np.int64)
    return np.unique(_codes(_points(f" {key} ")))


def _csr(groups: np.ndarray, values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Values grouped by group id (stable): starts[g]:starts[g + 1] slices group g."""
    order = np.argsort(groups, kind="stable")
    starts = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=count), out=starts[1:])
    return starts, values[order]


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    score: float
    """rapidfuzz WRatio of the query key against this key, 0-100."""
    owners: tuple[int, ...]
    """Record ids carrying this key."""


class NameIndex:
    """Distinct name keys -> owning record ids, searchable by trigram prefilter + WRatio."""

    def __init__(self, keys: list[str], key_of_owner: np.ndarray, owner_ids: np.ndarray) -> None:
        self.keys = keys
        self.key_ids = {key: i for i, key in enumerate(keys)}
        self.vocabulary: dict[str, int] = {}
        """Every word of every indexed name (-> word id): a typed word found here is never a
        typo of another."""
        self._pack_words()
        self._owner_starts, self._owner_ids = _csr(key_of_owner, owner_ids, len(keys))
        self._added: dict[int, list[int]] = defaultdict(list)
        self._removed: dict[int, set[int]] = defaultdict(set)
        self._pack()
        self._overlay: dict[int, list[int]] = defaultdict(list)
        self._word_overlay: dict[str, list[int]] = defaultdict(list)
        self._counter = np.zeros(len(keys) + 1024, dtype=np.int32)
        self._slot = np.zeros(len(keys) + 1024, dtype=np.int32)

    @classmethod
    def build(cls, keys: Sequence[str], owners: Sequence[int]) -> NameIndex:
        """From parallel sequences: the key of each (record, name) and the record's id."""
        ids: dict[str, int] = {}
        key_of = np.fromiter((ids.setdefault(k, len(ids)) if k else -1 for k in keys), dtype=np.int64, count=len(keys))
        owner_ids = np.asarray(owners, dtype=np.int64)
        live = key_of >= 0
        return cls(list(ids), key_of[live], owner_ids[live])

    def _pack(self) -> None:
        """Posting lists for all keys at once: one numpy pass over the concatenated keys."""
        padded = [f" {key} " for key in self.keys]
        if not padded:
            self._grams = np.empty(0, dtype=np.int64)
            self._starts = np.zeros(1, dtype=np.int64)
            self._postings = np.empty(0, dtype=np.int32)
            self._sizes = np.empty(0, dtype=np.int32)
            return
        points = _points(chr(_SEP).join(padded))
        lengths = np.fromiter((len(p) + 1 for p in padded), dtype=np.int64, count=len(padded))
        key_of = np.repeat(np.arange(len(padded), dtype=np.int32), lengths)[: len(points) - 2]
        codes = _codes(points)
        valid = (points[:-2] != _SEP) & (points[1:-1] != _SEP) & (points[2:] != _SEP)
        codes, key_of = codes[valid], key_of[valid]
        order = np.argsort(codes, kind="stable")  # keys stay in ascending order within a trigram
        codes, key_of = codes[order], key_of[order]
        fresh = np.ones(len(codes), dtype=bool)
        fresh[1:] = (codes[1:] != codes[:-1]) | (key_of[1:] != key_of[:-1])
        codes, key_of = codes[fresh], key_of[fresh]
        first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
        self._grams = codes[first]
        self._starts = np.append(first, len(codes)).astype(np.int64)
        self._postings = key_of
        self._sizes = np.bincount(key_of, minlength=len(self.keys)).astype(np.int32)

    def _pack_words(self) -> None:
        """Each key filed under its rarest word: a key made only of the query's words has its
        rarest word among them, so the query's words reach every such key through short lists
        (a common word files only the few keys made of common words alone)."""
        word_of: list[int] = []
        key_of: list[int] = []
        vocabulary = self.vocabulary
        for i, key in enumerate(self.keys):
            for word in set(key.split()):
                word_of.append(vocabulary.setdefault(word, len(vocabulary)))
                key_of.append(i)
        words = np.asarray(word_of, dtype=np.int64)
        keys = np.asarray(key_of, dtype=np.int32)
        frequency = np.bincount(words, minlength=len(vocabulary)) if len(words) else np.zeros(0, dtype=np.int64)
        order = np.lexsort((frequency[words], keys)) if len(words) else np.zeros(0, dtype=np.int64)
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[order][1:] != keys[order][:-1]
        rarest = order[first]
        self._rare_starts, self._rare_keys = _csr(words[rarest], keys[rarest], len(vocabulary))
        second = np.zeros(len(order), dtype=bool)  # each key's next-rarest word: a quick filter
        second[1:] = first[:-1] & ~first[1:]
        self._second_word = np.full(len(self.keys), -1, dtype=np.int64)
        self._second_word[keys[order[second]]] = words[order[second]]

    @property
    def nbytes(self) -> int:
        arrays = (self._grams, self._starts, self._postings, self._sizes, self._owner_starts, self._owner_ids,
                  self._rare_starts, self._rare_keys, self._second_word)
        return sum(a.nbytes for a in arrays)

    # --- owners --------------------------------------------------------------------------

    def owners(self, i: int) -> tuple[int, ...]:
        held = self._owner_ids[self._owner_starts[i]:self._owner_starts[i + 1]].tolist() if i < len(self._owner_starts) - 1 else []
        removed = self._removed.get(i, ())
        return tuple(o for o in held if o not in removed) + tuple(self._added.get(i, ()))

    def add(self, key: str, owner: int) -> None:
        if not key:
            return
        i = self.key_ids.get(key)
        if i is None:
            i = self.key_ids[key] = len(self.keys)
            self.keys.append(key)
            for word in set(key.split()):  # overlay keys are few: filed under every word
                self.vocabulary.setdefault(word, -1)  # -1: only in overlay keys
                self._word_overlay[word].append(i)
            for code in query_grams(key).tolist():
                self._overlay[code].append(i)
            if len(self.keys) >= len(self._counter):
                self._counter = np.zeros(2 * len(self.keys), dtype=np.int32)
        if owner in self._removed.get(i, ()):
            self._removed[i].discard(owner)
        elif owner not in self.owners(i):
            self._added[i].append(owner)

    def remove(self, key: str, owner: int) -> None:
        i = self.key_ids.get(key)
        if i is None:
            return
        if owner in self._added.get(i, ()):
            self._added[i].remove(owner)
        else:
            self._removed[i].add(owner)

    # --- search --------------------------------------------------------------------------

    def candidates(self, key: str, *, pool: int = POOL) -> np.ndarray:
        """Ids of about `pool` keys sharing the most of the query's rarer trigrams.

        Ties on the shared count are broken by closeness in trigram count, so a key of the
        query's own length comes before longer names that merely contain the same words.
        """
        grams = query_grams(key)
        if not len(grams) or not self.keys:
            return np.empty(0, dtype=np.int32)
        lists: list[np.ndarray] = []
        if len(self._grams):
            at = np.minimum(np.searchsorted(self._grams, grams), len(self._grams) - 1)
            found = at[self._grams[at] == grams]
            sizes = self._starts[found + 1] - self._starts[found]
            order = np.argsort(sizes, kind="stable")
            within = np.cumsum(sizes[order]) <= POSTINGS_BUDGET
            within[:MIN_GRAMS] = True
            lists = [self._postings[self._starts[j]:self._starts[j + 1]] for j in found[order][within].tolist()]
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
        chosen = self._distinct(ids[counts >= threshold])
        shared = counter[chosen].astype(np.int64)
        counter[ids] = 0
        if len(chosen) <= pool:
            return chosen
        rank = shared * 1000 - np.minimum(np.abs(self._sizes_of(chosen) - len(grams)), 999)
        return chosen[np.argpartition(-rank, pool)[:pool]]

    def _distinct(self, ids: np.ndarray) -> np.ndarray:
        """`ids` without repeats, in no particular order: a scatter and a gather over the key
        space instead of `np.unique`'s sort (a short query can select tens of thousands)."""
        if len(self._slot) < len(self._counter):
            self._slot = np.zeros(len(self._counter), dtype=np.int32)
        positions = np.arange(len(ids), dtype=np.int32)
        self._slot[ids] = positions  # with repeats, one of the positions wins
        return ids[self._slot[ids] == positions]

    def subset_candidates(self, key: str) -> list[int]:
        """Ids of keys made only of words the query has ("tola human resources" for "tola
        teary human resources"): WRatio's token-set score puts them at 95 whatever their
        trigrams, so they are reranked too."""
        words = set(key.split())
        if len(words) < SUBSET_MIN_WORDS:
            return []
        ids = [self.vocabulary.get(word, -1) for word in words]
        known = np.array([j for j in ids if j >= 0], dtype=np.int64)
        filed = [self._rare_keys[self._rare_starts[j]:self._rare_starts[j + 1]] for j in known.tolist()]
        found = np.concatenate(filed) if filed else np.empty(0, dtype=np.int32)
        second = self._second_word[found]
        found = found[(second < 0) | np.isin(second, known)].tolist()
        found += [i for word in words for i in self._word_overlay.get(word, ())]
        return [i for i in set(found) if set(self.keys[i].split()) <= words]

    def _sizes_of(self, ids: np.ndarray) -> np.ndarray:
        """Trigram counts of keys (computed for overlay keys, which the packed sizes do not cover)."""
        base = len(self._sizes)
        if ids.max() < base:
            return self._sizes[ids].astype(np.int64)
        return np.array([self._sizes[i] if i < base else len(query_grams(self.keys[i])) for i in ids.tolist()])

    def search(self, key: str, *, limit: int = 10, pool: int | None = None) -> list[Hit]:
        """Best keys by WRatio among the trigram and word-subset candidates; keys without
        records are skipped."""
        if pool is None:
            pool = SHORT_POOL if len(key) <= SHORT_KEY else POOL
        ids = self.candidates(key, pool=pool).tolist()
        ids += sorted(set(self.subset_candidates(key)).difference(ids))
        if self._removed:
            ids = [i for i in ids if self.owners(i)]
        if not ids:
            return []
        best = process.extract(key, [self.keys[i] for i in ids], scorer=fuzz.WRatio, processor=None, limit=limit)
        return [Hit(choice, score, self.owners(ids[at])) for choice, score, at in best]

    def exhaustive(self, key: str) -> Hit | None:
        """The WRatio best over every key: the baseline the prefilter is measured against."""
        live = [i for i in range(len(self.keys)) if self.owners(i)] if self._removed else range(len(self.keys))
        best = process.extractOne(key, [self.keys[i] for i in live], scorer=fuzz.WRatio, processor=None)
        return None if best is None else Hit(best[0], best[1], self.owners(live[best[2]]))


class NumberIndex:
    """Stored normal-form numbers ("MLVTPRA0182011") -> record, probed with a parsed query.

    A query "pra 18/2011" gives series, serial and year but not the stored padding or issuer
    prefix, so the few prefixes seen in the registry are tried with each zero-padding width:
    a handful of dict probes instead of parsing a million stored numbers at build time.
    """

    def __init__(self) -> None:
        self._records: dict[str, int] = {}
        self._prefixes: dict[str, str | None] = {}
        """Issuer-and-series prefix ("MLVTPRA") -> the kind its series letters say, if any."""

    def _note_prefix(self, norm: str) -> None:
        prefix = norm.rstrip("0123456789")
        if prefix not in self._prefixes:
            series = next((s for s in SERIES_KIND if prefix.endswith(s)), None)
            self._prefixes[prefix] = SERIES_KIND[series] if series else None

    def add(self, norm: str, record: int) -> None:
        self._records[norm] = record
        self._note_prefix(norm)

    def remove(self, norm: str) -> None:
        self._records.pop(norm, None)

    def bulk(self, norms: Sequence[str], records: Sequence[int]) -> None:
        self._records.update(zip(norms, records))
        for prefix in {n.rstrip("0123456789") for n in norms}:
            self._note_prefix(prefix)

    def find(self, parsed: LicenceNumber) -> list[int]:
        found: list[int] = []
        serial, year = str(parsed.serial), str(parsed.year)
        for prefix, kind in self._prefixes.items():
            if parsed.kind is not None and kind != parsed.kind:
                continue
            for width in range(len(serial), 7):
                record = self._records.get(prefix + serial.zfill(width) + year)
                if record is not None and record not in found:
                    found.append(record)
        exact = self._records.get(parsed.printed_norm)
        if exact is not None and exact not in found:
            found.append(exact)
        return found


class RegistryIndex:
    """Names (Latin and Khmer) and numbers of every agency licence and broker sub-licence.

    Agency records are licence ids (a name answers with the licence it holds); broker
    records are sub-licence ids. `snapshot` stays the source of everything else.
    """

    def __init__(self, snapshot: RegistrySnapshot, names: dict[str, NameIndex], numbers: dict[str, NumberIndex]) -> None:
        self.snapshot = snapshot
        self.names = names
        self.numbers = numbers

    @staticmethod
    def agency_keys(agency: AgencyRow) -> tuple[str, str]:
        return name_key(agency.name_en), name_key(agency.name_km)

    @staticmethod
    def broker_keys(broker: BrokerRow) -> tuple[str, str]:
        return name_key(broker.name_en, legal_forms=False), name_key(broker.name_km, legal_forms=False)

    @classmethod
    def build(cls, snapshot: RegistrySnapshot) -> RegistryIndex:
        agency_keys = _keys_by_row(snapshot.agencies, cls.agency_keys)
        broker_keys = _keys_by_row(snapshot.brokers, cls.broker_keys)
        licences = list(snapshot.licences.values())
        subs = list(snapshot.sub_licences.values())
        names = {
            "agency": _name_index(licences, [agency_keys[row.agency_id] for row in licences]),
            "broker": _name_index(subs, [broker_keys[row.broker_id] for row in subs]),
        }
        numbers = {"agency": NumberIndex(), "broker": NumberIndex()}
        numbers["agency"].bulk([r.number_norm or number_norm(r.number) for r in licences], [r.id for r in licences])
        numbers["broker"].bulk([r.number_norm or number_norm(r.number) for r in subs], [r.id for r in subs])
        return cls(snapshot, names, numbers)

    def by_number(self, parsed: LicenceNumber, kind: str | None = None) -> list[tuple[str, int]]:
        """Records whose number has this series, serial and year (any series when none was printed)."""
        return [(k, r) for k in KINDS if (kind or k) == k for r in self.numbers[k].find(parsed)]

    def search(self, kind: str, key: str, *, limit: int = 10) -> list[Hit]:
        return self.names[kind].search(key, limit=limit)

    # --- incremental updates (the snapshot is updated by the caller first) ---------------

    def put_licence(self, row: LicenceRow, old: LicenceRow | None = None, old_agency: AgencyRow | None = None) -> None:
        """Add or replace one licence; `old`/`old_agency` are what the index held before."""
        if old is not None:
            self.numbers["agency"].remove(old.number_norm or number_norm(old.number))
            for key in self.agency_keys(old_agency or self.snapshot.agencies[old.agency_id]):
                self.names["agency"].remove(key, old.id)
        self.numbers["agency"].add(row.number_norm or number_norm(row.number), row.id)
        for key in self.agency_keys(self.snapshot.agencies[row.agency_id]):
            self.names["agency"].add(key, row.id)

    def put_sub_licence(self, row: SubLicenceRow, old: SubLicenceRow | None = None, old_broker: BrokerRow | None = None) -> None:
        if old is not None:
            self.numbers["broker"].remove(old.number_norm or number_norm(old.number))
            for key in self.broker_keys(old_broker or self.snapshot.brokers[old.broker_id]):
                self.names["broker"].remove(key, old.id)
        self.numbers["broker"].add(row.number_norm or number_norm(row.number), row.id)
        for key in self.broker_keys(self.snapshot.brokers[row.broker_id]):
            self.names["broker"].add(key, row.id)


def _keys_by_row(rows: dict, make) -> dict[int, tuple[str, str]]:
    """Keys of every row, computed once per distinct pair of names (many brokers share a name)."""
    cache: dict[tuple[str, str], tuple[str, str]] = {}
    out = {}
    for i, row in rows.items():
        names = (row.name_en, row.name_km)
        keys = cache.get(names)
        if keys is None:
            keys = cache[names] = make(row)
        out[i] = keys
    return out


def _name_index(records: list, keys: list[tuple[str, str]]) -> NameIndex:
    """Each record under its Latin and its Khmer key."""
    ids = [r.id for r in records]
    return NameIndex.build([k[0] for k in keys] + [k[1] for k in keys], ids + ids)
