"""One normal form for names and licence numbers as workers type them.

A worker types "vireak manpower", "Vireak Manpower Co.,Ltd", "ក្រុមហ៊ុន វីរៈ ម៉ែនផៅវ័រ ខូ អិលធីឌី"
or "PRA ០៤២/២០១៣"; all must reach the same comparison. Everything that varies without
changing identity (case, accents, punctuation, legal forms, Khmer digits, invisible Khmer
characters, common romanisations) is removed here, using the word lists in `data/`, so the
index and the matcher compare only words that can tell two companies apart.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz.distance import DamerauLevenshtein

from registry.numbers import KHMER_DIGITS, number_norm

DATA = Path(__file__).with_name("data")
Script = Literal["latin", "khmer", "mixed", "none"]


def _load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


_KHMER = _load("khmer.json")
_LEGAL = _load("legal_forms.json")
_STOP = _load("stopwords.json")
_ROMAN = _load("romanisation.json")
_NUMBERS = _load("numbers.json")
_BUSINESS = _load("business_words.json")

_REMOVE = re.compile("[" + re.escape("".join(_KHMER["remove"]) + "'`\u2018\u2019") + "]")
_AS_SPACE = re.compile("[" + re.escape("".join(_KHMER["as_space"])) + "]")
_KHMER_REPLACE = sorted(_KHMER["replace"].items(), key=lambda kv: -len(kv[0]))
_PUNCT = re.compile(r"[^\w\u1780-\u17ff]+|_")
_KHMER_PUNCT = re.compile("[" + "".join(_KHMER["punctuation"]) + "]")


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A Khmer legal phrase as the tokens it becomes once dots are punctuation ("ឯ.ក" -> ឯ, ក)."""
    return tuple(re.sub(r"[.\s]+", " ", phrase).split())


_KHMER_LEGAL: dict[int, frozenset[tuple[str, ...]]] = {}
for _phrase in _LEGAL["khmer_phrases"]:
    _tokens = _phrase_tokens(_phrase)
    _KHMER_LEGAL[len(_tokens)] = _KHMER_LEGAL.get(len(_tokens), frozenset()) | {_tokens}
_KHMER_LEGAL_SIZES = sorted(_KHMER_LEGAL, reverse=True)
_KHMER_LEGAL_FIRST = frozenset(phrase[0] for phrases in _KHMER_LEGAL.values() for phrase in phrases)
_KHMER_PREFIXES = tuple(sorted(_LEGAL["khmer_prefixes"], key=len, reverse=True))
_LATIN_EXTENDED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
LEGAL_WORDS = frozenset(_LEGAL["latin_words"])
_LEGAL_BY_LENGTH: dict[int, tuple[str, ...]] = {}
for _word in (w for w in _LEGAL["latin_words"] if len(w) >= 2):
    _LEGAL_BY_LENGTH[len(_word)] = (*_LEGAL_BY_LENGTH.get(len(_word), ()), _word)
_LEADING_LEGAL = frozenset(_LEGAL["latin_leading_words"])
STOPWORDS = frozenset(_STOP["latin"]) | frozenset(_STOP["khmer"])
_TITLES = frozenset(_STOP["person_titles"])
_VARIANTS: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in _ROMAN["variants"].items()}
_KEY_RULES = [(re.compile(pattern), repl) for pattern, repl in _ROMAN["key_rules"]]
BUSINESS_LATIN = frozenset(_BUSINESS["latin"])
BUSINESS_KHMER = tuple(sorted(_BUSINESS["khmer"], key=len, reverse=True))
NUMBER_WORDS = frozenset(w.casefold() for w in _NUMBERS["announcing_words"])
SERIES_KIND: dict[str, str] = _NUMBERS["series"]


def is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


_KHMER_CHAR = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def script_of(text: str) -> Script:
    khmer = _KHMER_CHAR.search(text) is not None
    latin = _LATIN_LETTER.search(text) is not None
    return "mixed" if khmer and latin else "khmer" if khmer else "latin" if latin else "none"


_LATIN_MARKS = re.compile("[\u0300-\u036f]")
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")


def fold(text: str) -> str:
    """Case, accents, invisible characters, Khmer spelling variants and digits: the comparable text.

    Latin accents are stripped by removing only the Latin combining marks, because Khmer vowel
    signs are combining marks too and must stay. ASCII text (most names) takes a short path:
    the index folds every registered name once at build time.
    """
    if text.isascii():
        return _REMOVE.sub("", text).casefold()
    text = _REMOVE.sub("", _AS_SPACE.sub(" ", unicodedata.normalize("NFKC", text)))
    if _LATIN_EXTENDED.search(text):
        text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text)))
    for old, new in _KHMER_REPLACE:
        if old in text:
            text = text.replace(old, new)
    text = _KHMER_PUNCT.sub(" ", text)
    if _OTHER_DIGITS.search(text):
        text = _OTHER_DIGITS.sub(lambda m: str(unicodedata.digit(m.group(0))), text.translate(KHMER_DIGITS))
    return text.casefold()


def words(text: str) -> list[str]:
    """Folded text split on anything that is not a letter, digit or Khmer sign; '&' is 'and'."""
    return _PUNCT.sub(" ", fold(text).replace("&", " and ")).split()


def canonical(tokens: list[str]) -> list[str]:
    """Apply whole-word romanisation variants (Phnum -> Phnom, Sensok -> Sen Sok)."""
    out: list[str] = []
    for token in tokens:
        out.extend(_VARIANTS.get(token, (token,)))
    return out


@lru_cache(maxsize=200_000)
def sound_key(token: str) -> str:
    """A rough sound key of a romanised word; Khmer script and digits pass through unchanged."""
    if not token.isascii() or not token.isalpha():
        return token
    for pattern, repl in _KEY_RULES:
        token = pattern.sub(repl, token)
    return token


@lru_cache(maxsize=1 << 16)
def _near(token: str) -> bool:
    """One typo away from a legal-form word ("o" for "co", "limted" for "limited")."""
    return token.isascii() and any(
        DamerauLevenshtein.distance(token, word, score_cutoff=1) <= 1
        for size in (len(token) - 1, len(token), len(token) + 1)
        for word in _LEGAL_BY_LENGTH.get(size, ())
    )


def _strip_latin_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove the trailing legal form and a leading "Company"/"The".

    Only a trailing run is removed, a typo'd legal word ("o", "limted") only in a run that has
    an exact one, and never the whole name, so a name word that looks like "co" is kept.
    """
    end = len(tokens)
    while end > 1 and (tokens[end - 1] in LEGAL_WORDS or _near(tokens[end - 1])):
        end -= 1
    if not any(t in LEGAL_WORDS for t in tokens[end:]):
        end = len(tokens)
    while end < len(tokens) and tokens[end] not in LEGAL_WORDS and not (
        (end > 0 and tokens[end - 1] in LEGAL_WORDS) or (end + 1 < len(tokens) and tokens[end + 1] in LEGAL_WORDS)
    ):
        end += 1
    removed = tokens[end:]
    start = 0
    while start < end - 1 and tokens[start] in _LEADING_LEGAL:
        start += 1
    return tokens[start:end], removed + tokens[:start]


@dataclass(frozen=True, slots=True)
class NormalName:
    """A name reduced to the words that identify it."""

    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]
    """What was removed as legal form (for the explanation)."""
    script: Script

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


def _strip_khmer_legal(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove Khmer legal-form phrases typed as whole words, and "ក្រុមហ៊ុន" fused to the next word."""
    if not any(t in _KHMER_LEGAL_FIRST or t.startswith(_KHMER_PREFIXES) for t in tokens):
        return tokens, []
    kept: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(tokens):
        size = next((n for n in _KHMER_LEGAL_SIZES if tuple(tokens[i:i + n]) in _KHMER_LEGAL[n]), 0)
        if size:
            removed.append(" ".join(tokens[i:i + size]))
            i += size
            continue
        token = tokens[i]
        prefix = next((p for p in _KHMER_PREFIXES if token.startswith(p) and len(token) > len(p)), None)
        if prefix:
            removed.append(prefix)
            token = token[len(prefix):]
        kept.append(token)
        i += 1
    return kept, removed


@lru_cache(maxsize=1 << 18)
def _parts(raw: str) -> tuple[str, ...]:
    """One whitespace-separated piece of a name, folded, split at punctuation and romanised.

    Names are made of a few thousand distinct words, so working per piece (cached) makes
    normalising a million registered names cheap; nothing in folding crosses a space.
    """
    return tuple(t for t in canonical(_PUNCT.sub(" ", fold(raw).replace("&", " and ")).split()) if t not in STOPWORDS)


def _tokens(text: str, legal_forms: bool) -> tuple[list[str], list[str]]:
    """(name tokens, words removed: legal forms of a company, or a person's courtesy title)."""
    tokens = [part for raw in text.split() for part in _parts(raw)]
    legal: list[str] = []
    if legal_forms and not text.isascii() and _KHMER_CHAR.search(text) is not None:
        tokens, legal = _strip_khmer_legal(tokens)
    if legal_forms:
        tokens, removed = _strip_latin_legal(tokens)
        legal += removed
    else:
        while len(tokens) > 1 and tokens[0] in _TITLES:
            legal.append(tokens.pop(0))
    return tokens, legal


@lru_cache(maxsize=4096)
def normalise_name(text: str, *, legal_forms: bool = True) -> NormalName:
    """Tokens of a name; `legal_forms=False` for people's names, which have none to strip."""
    tokens, legal = _tokens(text, legal_forms)
    return NormalName(tuple(tokens), tuple(legal), script_of(text))


def name_key(text: str, *, legal_forms: bool = True) -> str:
    """The index key of a registered name (uncached: registries are large)."""
    return " ".join(_tokens(text, legal_forms)[0])


@lru_cache(maxsize=1 << 16)
def is_business_word(token: str) -> bool:
    """A Latin business-type word, or a Khmer token made only of business-type words.

    Memoised: every alignment asks it for every registered word of every proposed name."""
    if token in BUSINESS_LATIN:
        return True
    if not any(is_khmer(ch) for ch in token):
        return False
    rest = token
    while rest:
        part = next((w for w in BUSINESS_KHMER if rest.startswith(w)), None)
        if part is None:
            return False
        rest = rest[len(part):]
    return True


# --- licence numbers --------------------------------------------------------------------

_ISSUERS = "|".join(re.escape(i) for i in _NUMBERS["issuers"])
_SERIES = "|".join(re.escape(s) for s in SERIES_KIND)
MAX_SERIAL_DIGITS = 7
"""Serials are counted across years: a national registry's million sub-licences reach seven
digits (the first limit, five, made "MLVT-PRA-156263/2026" a name, and a licensed agency's
own number "not found"). Longer runs of digits before a year are phone numbers and the like."""
_NUMBER = re.compile(
    rf"(?:(?:{_ISSUERS})[\W_]*)?(?:({_SERIES})[\W_]*)?(?<![0-9])([0-9]{{1,{MAX_SERIAL_DIGITS}}})\s*[-/.\\_\s]\s*((?:19|20)[0-9]{{2}})(?![0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LicenceNumber:
    """A licence number reduced to what identifies it: series, serial (as a number) and year."""

    kind: str | None
    """'agency' or 'broker' when the series letters were printed, else None."""
    serial: int
    year: int
    printed: str
    rest: str
    """The query text around the number (a name typed with it, or nothing)."""
    printed_norm: str
    """`number_norm(printed)`: the stored form when the number was printed exactly as stored."""


@lru_cache(maxsize=4096)
def parse_number(text: str) -> LicenceNumber | None:
    """Find a licence number however it is printed: "MLVT-PRA-018/2011", "pra 18-2011", "០១៨/២០១១".

    Memoised (the result is immutable): the numbers on posters and QR codes are asked again and again."""
    plain = fold(text)
    match = _NUMBER.search(plain)
    if match is None:
        return None
    series = match.group(1)
    kind = SERIES_KIND.get(series.upper()) if series else None
    rest = (plain[: match.start()] + " " + plain[match.end():]).strip()
    return LicenceNumber(kind, int(match.group(2)), int(match.group(3)), match.group(0), rest, number_norm(match.group(0)))


def only_number_words(text: str) -> bool:
    """True when the text around a number says nothing but "licence no." and the like."""
    if not text:
        return True  # the number alone, as a QR code or a poster gives it
    return all(t in NUMBER_WORDS or t in LEGAL_WORDS for t in words(text))
