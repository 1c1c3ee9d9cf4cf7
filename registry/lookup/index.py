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

import re
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


_ONE_BYTE = dict(zip(range(0x1780, 0x1800), (c for c in range(ord("z") + 1, 0x100) if not chr(c).isspace())))
"""Khmer letters renamed, in order, to the one-byte code points above "z": rapidfuzz compares
one-byte strings through flat tables, wider ones through hash maps (twice the time). Equal
letters stay equal, unequal ones unequal, sorted tokens keep their order and spaces stay
spaces, so every WRatio score is unchanged."""
_RENAMABLE = re.compile(r"[\x00-z\u1780-\u17ff]*")


def _scoring_form(key: str) -> str | None:
    """The key as WRatio is given it, or None if it has a letter the renaming does not cover."""
    if not _RENAMABLE.fullmatch(key):
        return None
    return key if key.isascii() else key.translate(_ONE_BYTE)


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
        self._counter = np.zeros(len(keys) + 1024, dtype=np.uint8)
        """Shared trigrams per key during one query: one byte keeps the whole key space in the
        CPU cache, and clearing it is cheaper than undoing each increment."""
        self._scored: list[str] = []
        """Each key as WRatio is given it (`_scoring_form`), the key itself if it has none."""
        self._unrenamed: set[int] = set()
        """Keys without a scoring form: a query reaching one is scored on the keys as they are."""
        for key in keys:
            self._file_scoring_form(key)

    @classmethod
    def build(cls, keys: Sequence[str], owners: Sequence[int]) -> NameIndex:
        """From parallel sequences: the key of each (record, name) and the record's id."""
        ids: dict[str, int] = {}
        key_of = np.fromiter((ids.setdefault(k, len(ids)) if k else -1 for k in keys), dtype=np.int64, count=len(keys))
        owner_ids = np.asarray(owners, dtype=np.int64)
        live = key_of >= 0
        return cls(list(ids), key_of[live], owner_ids[live])

    def _file_scoring_form(self, key: str) -> None:
        scored = _scoring_form(key)
        if scored is None:
            self._unrenamed.add(len(self._scored))
        self._scored.append(key if scored is None else scored)

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
        removed = self._removed.get(i)
        if removed:  # a common name has hundreds of owners and, mostly, no removals
            held = [o for o in held if o not in removed]
        return tuple(held) + tuple(self._added.get(i, ()))

    def add(self, key: str, owner: int) -> None:
        if not key:
            return
        i = self.key_ids.get(key)
        if i is None:
            i = self.key_ids[key] = len(self.keys)
            self.keys.append(key)
            self._file_scoring_form(key)
            for word in set(key.split()):  # overlay keys are few: filed under every word
                self.vocabulary.setdefault(word, -1)  # -1: only in overlay keys
                self._word_overlay[word].append(i)
            for code in query_grams(key).tolist():
                self._overlay[code].append(i)
            if len(self.keys) >= len(self._counter):
                self._counter = np.zeros(2 * len(self.keys), dtype=np.uint8)
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
        """Ids of about `pool` keys sharing the most of the query's rarer trigrams, ascending.

        Among the keys sharing the most, the shared count is weighed against both trigram
        counts (Dice): a key of the query's own length comes before longer names that merely
        contain the same words, and a short key sharing a little less before a long one.
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
        for ids in lists[:np.iinfo(counter.dtype).max]:  # a byte counts 255 lists: only 250+ letters have more
            counter[ids.astype(np.intp)] += 1  # unique within a list, so += counts; intp: numpy's fast path (2.5x)
        low, high = 1, min(len(lists), np.iinfo(counter.dtype).max)
        while low < high:  # the highest shared count that at least `pool` keys reach (else 1)
            middle = (low + high + 1) // 2
            if np.count_nonzero(counter >= middle) >= pool:
                low = middle
            else:
                high = middle - 1
        chosen = np.flatnonzero(counter >= low)
        rank = counter[chosen] / (self._sizes_of(chosen) + len(grams))
        counter.fill(0)
        if len(chosen) <= pool:
            return chosen
        return np.sort(chosen[np.argpartition(-rank, pool - 1)[:pool]])

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
        subset = self.subset_candidates(key)
        if subset:  # in key order too: equal scores go to the lowest id, as in `exhaustive`
            ids = sorted(set(ids).union(subset))
        if self._removed:
            ids = [i for i in ids if self.owners(i)]
        if not ids:
            return []
        query = _scoring_form(key)
        if query is None or (self._unrenamed and not self._unrenamed.isdisjoint(ids)):
            query, choices = key, [self.keys[i] for i in ids]
        else:
            choices = [self._scored[i] for i in ids]
        best = process.extract(query, choices, scorer=fuzz.WRatio, processor=None, limit=limit)
        return [Hit(self.keys[ids[at]], score, self.owners(ids[at])) for _, score, at in best]

    def exhaustive(self, key: str) -> Hit | None:
        """The WRatio best over every key: the baseline the prefilter is measured against."""
        live = [i for i in range(len(self.keys)) if self.owners(i)] if self._removed else range(len(self.keys))
        best = process.extractOne(key, [self.keys[i] for i in live], scorer=fuzz.WRatio, processor=None)
        return None if best is None else Hit(best[0], best[1], self.owners(live[best[2]]))


PADDED_WIDTH = 6
"""Widest zero-padding tried for a serial typed without its leading zeros ("PRA 18/2011" for
"MLVT-PRA-018/2011"); a serial as long or longer is tried as typed."""


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
            for width in range(len(serial), max(len(serial), PADDED_WIDTH) + 1):
                record = self._records.get(prefix + serial.zfill(width) + year)
                if record is not None and record not in found:
                    found.append(record)
        exact = self._records.get(parsed.printed_norm)
        if exact is not None and exact not in found:
            found.append(exact)
        return found


class BrokerPlaces:
    """The place (district, province) of each broker sub-licence's broker, as small ids.

    A common name is carried by hundreds of brokers, and a query with a word after the name
    has the place of each looked at: read from the snapshot, that is two look-ups in
    million-entry dicts far apart in memory per record, a few ms per query. Sub-licence ->
    broker -> place, as the snapshot has it, so a broker who moves moves all their records;
    both tables are arrays indexed by id (ids are serial).
    """

    def __init__(self) -> None:
        self.places: list[tuple[str, str]] = []
        self._ids: dict[tuple[str, str], int] = {}
        self._broker_of = np.zeros(0, dtype=np.int32)
        self._place_of = np.zeros(0, dtype=np.int32)

    def _id(self, broker: BrokerRow) -> int:
        place = (broker.district, broker.province)
        i = self._ids.get(place)
        if i is None:
            i = self._ids[place] = len(self.places)
            self.places.append(place)
        return i

    def bulk(self, subs: Sequence[SubLicenceRow], brokers: dict[int, BrokerRow]) -> None:
        self._broker_of = _grown(self._broker_of, max((r.id for r in subs), default=-1))
        self._broker_of[[r.id for r in subs]] = [r.broker_id for r in subs]
        self._place_of = _grown(self._place_of, max(brokers, default=-1))
        self._place_of[list(brokers)] = [self._id(b) for b in brokers.values()]

    def put(self, sub: SubLicenceRow, broker: BrokerRow) -> None:
        self._broker_of = _grown(self._broker_of, sub.id)
        self._broker_of[sub.id] = broker.id
        self._place_of = _grown(self._place_of, broker.id)
        self._place_of[broker.id] = self._id(broker)

    def of(self, records: Sequence[int]) -> list[tuple[str, str]]:
        places = self.places
        return [places[i] for i in self._place_of[self._broker_of[list(records)]].tolist()]


def _grown(table: np.ndarray, index: int) -> np.ndarray:
    """`table` long enough for `index` (by a quarter more at least: records arrive one by one)."""
    if index < len(table):
        return table
    return np.concatenate((table, np.zeros(max(index + 1 - len(table), len(table) // 4), dtype=table.dtype)))


class RegistryIndex:
    """Names (Latin and Khmer) and numbers of every agency licence and broker sub-licence.

    Agency records are licence ids (a name answers with the licence it holds); broker
    records are sub-licence ids. `snapshot` stays the source of everything else.
    """

    def __init__(self, snapshot: RegistrySnapshot, names: dict[str, NameIndex], numbers: dict[str, NumberIndex],
                 broker_places: BrokerPlaces) -> None:
        self.snapshot = snapshot
        self.names = names
        self.numbers = numbers
        self.broker_places = broker_places

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
        broker_places = BrokerPlaces()
        broker_places.bulk(subs, snapshot.brokers)
        return cls(snapshot, names, numbers, broker_places)

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
        broker = self.snapshot.brokers[row.broker_id]
        for key in self.broker_keys(broker):
            self.names["broker"].add(key, row.id)
        self.broker_places.put(row, broker)


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
