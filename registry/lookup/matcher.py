"""The verdict: which registered agency or broker a typed name designates, and why.

The index proposes the nearest names; this module decides, word by word, whether the query
names the SAME company or person. The rule that protects workers: every word of the query
must be explained by the registered name (same word, a spelling or romanisation variant of
it, the same words typed joined or split), by its legal form, or, after the name, by the
record's own place (district, province, address). One unexplained word ("Golden Vireak
Manpower", "Vireak Human Resources") makes it another company, so the answer is
`not_found`, never the nearest licensed agency. Registered words may be missing only when
they are business-type words ("Mealea Recruitment" for "Mealea Recruitment & Training");
a person's name must be complete. A word that is itself another registered word is never
taken for a misspelling. Every verdict carries the features that decided it.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import repeat
from typing import Literal

from rapidfuzz.distance import DamerauLevenshtein

from compliance_rules.registry_facts import AgencyResolution
from registry.lookup.index import KINDS, Hit, RegistryIndex
from registry.lookup.normalise import (
    NormalName,
    canonical,
    is_business_word,
    is_khmer,
    normalise_name,
    only_number_words,
    parse_number,
    sound_key,
    words,
)

Outcome = Literal["match", "not_found", "ambiguous"]
HITS_PER_KIND = 8
MIN_INDEX_SCORE = 50.0
INDEX_SCORE_SPREAD = 20.0
"""Names scoring this far below the index's best are not word-aligned: a name that explains every
typed word scores close to the best."""
MAX_RECORDS_PER_KEY = 200
AMBIGUITY_MARGIN = 3.0
MAX_SPAN = 4
"""Longest run of registered words one typed word may join (Khmer is often typed unspaced)."""
MAX_PLACE_WORDS = 4
"""More unexplained words than this after a name are never just its place."""


def allowance(length: int) -> int:
    """Typos tolerated in one word: none in very short words, where one letter is a new word."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


@dataclass(frozen=True, slots=True)
class WordMatch:
    query: str
    registered: str
    how: Literal["exact", "romanisation", "spelling"]
    similarity: float


def word_match(typed: str, registered: str, vocabulary: Collection[str] = ()) -> WordMatch | None:
    """Is `typed` the registered word, as typed by someone who may misspell or romanise it?"""
    if typed == registered:
        return WordMatch(typed, registered, "exact", 100.0)
    if typed.isdigit() or registered.isdigit():
        return None
    latin = typed.isascii() and registered.isascii()
    if latin:
        key_typed, key_registered = sound_key(typed), sound_key(registered)
        if key_typed == key_registered:
            return WordMatch(typed, registered, "romanisation", 95.0)
    if typed in vocabulary:
        return None  # another registered word: a different name, not a typo
    found = _within_typos(typed, registered, 100.0)
    if found is None and latin:
        found = _within_typos(key_typed, key_registered, 90.0)
        return None if found is None else WordMatch(typed, registered, "romanisation", found)
    return None if found is None else WordMatch(typed, registered, "spelling", found)


def _within_typos(typed: str, registered: str, best: float) -> float | None:
    """Similarity when `typed` is within the typo allowance of the registered word, else None."""
    limit = allowance(len(registered))
    if abs(len(typed) - len(registered)) > limit:
        return None
    distance = DamerauLevenshtein.distance(typed, registered, score_cutoff=limit)
    return round(best * (1 - distance / max(len(typed), len(registered))), 1) if distance <= limit else None


@dataclass
class Alignment:
    """How a query's words line up with one registered name, and whether that makes it the same."""

    accepted: bool
    score: float
    matched: list[tuple[str, str, str]] = field(default_factory=list)
    """(typed words, registered words, how)."""
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)
    """Unexplained words after the name: acceptable only if they name the record's place."""
    place: list[str] = field(default_factory=list)
    reason: str = ""
    fit: float = 0.0
    """How well the typed name words are explained (mean similarity), 0-100."""
    person: bool = False
    distinctive: bool = True
    """The registered name has a word that is not a business-type word."""

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def rank(self) -> tuple[bool, float, int, float]:
        """Complete names first, then how well the typed words fit, then place words, then coverage."""
        return (self.complete, self.fit, len(self.place), self.score)

    def with_place(self, is_place) -> Alignment:
        """This alignment for one record: trailing words that name its place are explained."""
        place = [t for t in self.trailing if is_place(t)]
        if not place:
            return self
        rest = [t for t in self.trailing if t not in place]
        return replace(self, trailing=rest, place=place).decided()

    def decided(self) -> Alignment:
        unexplained = self.extra + self.trailing
        missing_distinctive = [c for c in self.missing if not is_business_word(c)]
        accepted = False
        if not self.matched:
            reason = "no word of the query is in the registered name"
        elif unexplained:
            reason = "the query has word(s) the registered name does not have: " + ", ".join(unexplained)
        elif self.person and self.missing:
            reason = "the query lacks part of the registered person's name: " + ", ".join(self.missing)
        elif missing_distinctive or (not self.distinctive and self.missing):
            reason = "the query lacks name word(s) of the registered name: " + ", ".join(missing_distinctive or self.missing)
        else:
            accepted, reason = True, "every word of the query is in the registered name"
        return replace(self, accepted=accepted, reason=reason)

    def features(self) -> dict[str, object]:
        return {
            "matched": [{"typed": q, "registered": c, "how": how} for q, c, how in self.matched],
            "missing": self.missing,
            "extra": self.extra + self.trailing,
            "place": self.place,
        }


class Place:
    """The words of a record's place (address, district, province), ready to be matched.

    Runs of up to three words are joined ("phnompenh", "7makara") so a place typed joined
    or split is found; a typed word is a place word when it is one of them exactly, by sound
    key, or within the typo allowance.
    """

    __slots__ = ("forms", "keys", "khmer", "_by_length", "_answers")

    _REMEMBERED = 4096
    """Typed tokens whose answer a place keeps (places are shared and live as long as the process)."""

    def __init__(self, latin_words: list[str], khmer: str) -> None:
        self.forms = {"".join(latin_words[i:i + n]) for n in (1, 2, 3) for i in range(len(latin_words) - n + 1)}
        self.keys = {sound_key(f) for f in self.forms}
        self.khmer = khmer
        self._by_length: dict[int, list[str]] = {}
        """Forms by length: a typo is at most two letters longer or shorter, so the typo scan
        looks only at forms of nearby lengths (all broker districts together have hundreds)."""
        self._file(self.forms)
        self._answers: dict[str, bool] = {}

    def _file(self, forms: set[str]) -> None:
        for form in forms:
            self._by_length.setdefault(len(form), []).append(form)

    def add(self, other: Place) -> None:
        """Take in another place's words: a token in neither is in no place of the two."""
        new = other.forms - self.forms  # keys are the forms' sound keys: no new form, no new key
        if new or other.khmer:
            self.forms |= new
            self._file(new)
            self.keys |= other.keys
            self.khmer += " " + other.khmer if other.khmer else ""
            self._answers.clear()

    def __contains__(self, token: str) -> bool:
        known = self._answers.get(token)
        if known is None:
            if len(self._answers) >= self._REMEMBERED:
                self._answers.clear()
            known = self._answers[token] = self._holds(token)
        return known

    def _holds(self, token: str) -> bool:
        if any(is_khmer(ch) for ch in token):
            return len(token) >= 2 and token in self.khmer
        if token in self.forms or (not token.isdigit() and sound_key(token) in self.keys):
            return True
        return not token.isdigit() and any(
            _typo_of(token, form)
            for length in range(len(token) - 2, len(token) + 3) for form in self._by_length.get(length, ())
        )


@lru_cache(maxsize=65_536)
def _typo_of(token: str, form: str) -> bool:
    """Memoised: one query checks the same word against the same district and province names
    for each of the hundreds of records that share a name."""
    return _within_typos(token, form, 100.0) is not None


@lru_cache(maxsize=65_536)
def _place_of(latin: str, khmer: str) -> Place:
    """Places repeat (a million brokers work in a few hundred districts): build each once."""
    return Place(canonical(words(latin)), "".join(words(khmer)))


def _pairs(typed: list[str], registered: list[str], vocabulary: Collection[str]):
    """Every (typed run, registered run) that is the same word; runs join up to 3 typed or
    MAX_SPAN registered words, never both. Runs too different in length are not compared."""
    for i in range(len(typed)):
        q = ""
        for a in range(1, min(3, len(typed) - i) + 1):
            q += typed[i + a - 1]
            for j in range(len(registered)):
                c = ""
                for b in range(1, min(MAX_SPAN, len(registered) - j) + 1):
                    if a > 1 and b > 1:
                        break
                    c += registered[j + b - 1]
                    if len(c) > len(q) + 3:
                        break
                    if len(q) > len(c) + 3:
                        continue
                    found = word_match(q, c, vocabulary if a == b == 1 else ())
                    if found is not None:
                        yield found.similarity, a + b, i, a, j, b, found


def align(typed: list[str], registered: list[str], *, person: bool, vocabulary: Collection[str] = ()) -> Alignment:
    """Pair typed words with registered words (one-to-one, or one word to a joined/split run)."""
    pairs = sorted(_pairs(typed, registered, vocabulary), key=lambda p: (-p[0], -p[1]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    result = Alignment(accepted=False, score=0.0)
    similarity_of: dict[int, float] = {}
    typed_similarity: dict[int, float] = {}
    for sim, _, i, a, j, b, found in pairs:
        qs, cs = set(range(i, i + a)), set(range(j, j + b))
        if qs & used_q or cs & used_c:
            continue
        used_q |= qs
        used_c |= cs
        for c in cs:
            similarity_of[c] = sim
        for q in qs:
            typed_similarity[q] = sim
        how = found.how if a == b == 1 else ("joined" if b > 1 else "split") if found.how == "exact" else f"{'joined' if b > 1 else 'split'}+{found.how}"
        result.matched.append((" ".join(typed[i:i + a]), " ".join(registered[j:j + b]), how))
    last_name_word = max(used_q, default=len(typed))
    result.extra = [t for i, t in enumerate(typed) if i not in used_q and i < last_name_word]
    result.trailing = [t for i, t in enumerate(typed) if i not in used_q and i > last_name_word]
    result.missing = [c for j, c in enumerate(registered) if j not in used_c]
    weights = [0.5 if is_business_word(c) else 1.0 for c in registered]
    result.score = round(sum(w * similarity_of.get(j, 0.0) for j, w in enumerate(weights)) / (sum(weights) or 1.0), 1)
    result.fit = round(sum(typed_similarity.values()) / len(typed_similarity), 1) if typed_similarity else 0.0
    result.person = person
    result.distinctive = any(not is_business_word(c) for c in registered)
    return result.decided()


@dataclass(slots=True)
class Candidate:
    kind: str
    record: int
    key: str
    index_score: float
    alignment: Alignment

    def rivals(self, other: Candidate) -> bool:
        """`other` fits the query as well as this one: neither is the better reading."""
        a, b = self.alignment, other.alignment
        return a.complete == b.complete and len(a.place) == len(b.place) and a.fit - b.fit <= AMBIGUITY_MARGIN


@dataclass
class Verdict:
    outcome: Outcome
    query: str
    best: Candidate | None
    candidates: list[Candidate]
    score: float
    explanation: dict[str, object]


class Matcher:
    """Decides a query against a `RegistryIndex` (which it reads, never changes)."""

    def __init__(self, index: RegistryIndex) -> None:
        self.index = index
        self._broker_places = Place([], "")
        """Every word of every broker's place: a typed word in none of them is no broker's
        place, and the hundreds of people who share a name need not be looked at one by one.
        Brokers' places come from a few hundred districts; agencies' addresses are each their
        own, and agency names are rarely shared, so agencies are checked record by record."""
        for key in index.broker_places.places:
            self.note_broker_place(key)

    def note_broker_place(self, key: tuple[str, str]) -> None:
        """A broker registered after the build may work in a district no one else does."""
        self._broker_places.add(self._place(key))

    # --- places -------------------------------------------------------------------------

    def _place_keys(self, kind: str, records: Sequence[int]) -> list[tuple[str, ...]]:
        """What each record's place is made of: a broker's from the index's table (hundreds of
        brokers share a name), an agency's from its row (agency names are rarely shared)."""
        if kind == "broker":
            return self.index.broker_places.of(records)
        snap = self.index.snapshot
        agencies = (snap.agencies[snap.licences[record].agency_id] for record in records)
        return [(agency.address_en, agency.province, agency.address_km) for agency in agencies]

    @staticmethod
    def _place(key: tuple[str, ...]) -> Place:
        return _place_of(f"{key[0]} {key[1]}", key[2] if len(key) > 2 else "")

    # --- the verdict ---------------------------------------------------------------------

    def match(self, query: str, kind: str | None = None) -> Verdict:
        number = parse_number(query)
        if number is not None:
            return self._by_number(query, number, kind)
        return self._by_name(query, kind)

    def _by_number(self, query, number, kind) -> Verdict:
        records = self.index.by_number(number, kind)
        said = {"number": number.printed, "series": number.kind or "any", "serial": number.serial, "year": number.year}
        if not only_number_words(number.rest):
            named = self._by_name(number.rest, kind)
            agree = [c for c in named.candidates if (c.kind, c.record) in records]
            if named.outcome == "match" and agree:
                best = agree[0]
                return Verdict("match", query, best, [best], 100.0, {
                    "number": said | {"matched": True}, "name": _explain(best), "reason": "the number and the name designate the same record",
                })
            return Verdict("not_found", query, None, [], 0.0, {
                "number": said | {"matched": bool(records)},
                "name": named.explanation,
                "reason": "the number and the name do not designate one registered record",
            })
        if not records:
            return Verdict("not_found", query, None, [], 0.0, {
                "number": said | {"matched": False}, "reason": "no licence or sub-licence has this number",
            })
        found = [Candidate(k, r, "", 100.0, Alignment(True, 100.0, reason="number")) for k, r in records]
        outcome: Outcome = "match" if len(found) == 1 else "ambiguous"
        return Verdict(outcome, query, found[0] if outcome == "match" else None, found, 100.0, {
            "number": said | {"matched": True},
            "reason": "the number matches (separators, leading zeros and Khmer digits do not matter)"
            if outcome == "match" else "the number without its series matches more than one record",
        })

    def candidates(self, query: str, kind: str | None = None) -> tuple[list[Candidate], dict[str, NormalName]]:
        """The records the index proposes that the query designates (accepted alignments), best
        first, or when there is none the nearest alone, each with its word alignment.

        Records are ranked by group (one proposed name read one way), not one by one: a common
        broker name is carried by hundreds of people who all share one alignment, and the
        records of rejected names, which no verdict lists, are never made candidates."""
        groups: list[tuple[str, Hit, Alignment]] = []
        best_group: dict[tuple[str, int], int] = {}
        normal: dict[str, NormalName] = {}
        for k in [kind] if kind else list(KINDS):
            name = normal[k] = normalise_name(query, legal_forms=(k == "agency"))
            if not name.tokens:
                continue
            hits: list[Hit] = self.index.search(k, name.key, limit=HITS_PER_KIND)
            floor = max(MIN_INDEX_SCORE, (hits[0].score if hits else 0.0) - INDEX_SCORE_SPREAD)
            for hit in hits:
                if hit.score < floor:
                    continue
                typed, registered = list(name.tokens), hit.key.split()
                vocabulary = self.index.names[k].vocabulary
                plain = align(typed, registered, person=(k == "broker"), vocabulary=vocabulary)
                group_of: dict[tuple[str, ...] | None, int] = {}  # place (None: not asked) -> group
                by_place = plain.trailing and plain.matched and len(plain.trailing) <= MAX_PLACE_WORDS and (
                    k != "broker" or any(token in self._broker_places for token in plain.trailing))
                records = hit.owners[:MAX_RECORDS_PER_KEY]
                for record, place in zip(records, self._place_keys(k, records) if by_place else repeat(None)):
                    group = group_of.get(place)
                    if group is None:
                        alignment = plain.with_place(self._place(place).__contains__) if place else plain
                        groups.append((k, hit, alignment))
                        group = group_of[place] = len(groups) - 1
                    current = best_group.get((k, record))
                    if current is None or groups[group][2].score > groups[current][2].score:
                        best_group[(k, record)] = group
        members: dict[int, list[int]] = {}
        for (_, record), group in best_group.items():
            members.setdefault(group, []).append(record)
        order = sorted(members, key=lambda g: (not groups[g][2].accepted, tuple(-x for x in groups[g][2].rank)))
        ordered: list[Candidate] = []
        for g in order:  # accepted groups first
            k, hit, alignment = groups[g]
            if not alignment.accepted:
                if not ordered:
                    ordered.append(Candidate(k, members[g][0], hit.key, hit.score, alignment))
                break
            ordered += [Candidate(k, record, hit.key, hit.score, alignment) for record in members[g]]
        return ordered, normal

    def _by_name(self, query: str, kind: str | None) -> Verdict:
        candidates, normal = self.candidates(query, kind)
        legal = sorted({f for n in normal.values() for f in n.legal_forms})
        script = next(iter(normal.values())).script if normal else "none"
        accepted = [c for c in candidates if c.alignment.accepted]
        if not accepted:
            nearest = candidates[0] if candidates else None
            return Verdict("not_found", query, None, [], 0.0, {
                "legal_form_ignored": legal, "script": script,
                "reason": "no registered name contains exactly these words"
                + (f"; nearest: {nearest.key!r} — {nearest.alignment.reason}" if nearest else ""),
                "nearest": _explain(nearest) if nearest else None,
            })
        best = accepted[0]
        close = [c for c in accepted if best.rivals(c)]
        if len(close) > 1:
            return Verdict("ambiguous", query, None, close, best.alignment.score, {
                "legal_form_ignored": legal, "script": script,
                "reason": f"{len(close)} registered records fit the query equally well",
            })
        return Verdict("match", query, best, [best], best.alignment.score, {
            "legal_form_ignored": legal, "script": script, **_explain(best),
        })

    # --- resolvers for the contract rules -----------------------------------------------

    def resolve_agency(self, name: str) -> AgencyResolution:
        """A printed agency name (or number) -> the licence it designates; look-alikes -> not_found."""
        verdict = self.match(name, "agency")
        number = self.index.snapshot.licences[verdict.best.record].number if verdict.best else None
        return AgencyResolution(verdict.outcome, number, verdict.score, _sentence(verdict))

    def resolve_broker(self, name: str) -> BrokerResolution:
        """A printed broker name -> the sub-licence(s) it designates, under the same precision rules.

        When one person holds several sub-licences under the same name, all of them come back
        (the caller picks the one for the contract's agency), with outcome `ambiguous`.
        """
        verdict = self.match(name, "broker")
        numbers = tuple(self.index.snapshot.sub_licences[c.record].number for c in verdict.candidates) if verdict.outcome != "not_found" else ()
        return BrokerResolution(verdict.outcome, numbers, verdict.score, _sentence(verdict))


@dataclass(frozen=True)
class BrokerResolution:
    outcome: Outcome
    sub_licence_numbers: tuple[str, ...] = ()
    score: float = 0.0
    explanation: str = ""


def _explain(candidate: Candidate) -> dict[str, object]:
    return {
        "registered_key": candidate.key,
        "index_score": round(candidate.index_score, 1),
        **candidate.alignment.features(),
        "reason": candidate.alignment.reason,
    }


def _sentence(verdict: Verdict) -> str:
    return str(verdict.explanation.get("reason", verdict.outcome))
