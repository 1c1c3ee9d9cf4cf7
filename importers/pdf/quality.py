"""How far a text layer of one page can be trusted, without a dictionary.

Signals, each a share of characters: glyphs with no Unicode mapping (replacement character,
private-use code points, pdfminer's `(cid:NN)`), control characters, Khmer characters outside
well-formed clusters (the typical damage of visual-order or unmapped-subscript layers), and
Latin "words" that cannot be words (no vowel, long consonant runs, symbols inside letters),
which is what a garbage or wrongly-encoded layer looks like. Across layers, the agreement of
their Khmer clusters (`khmer_agreement`) catches damage no single layer shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from importers.pdf import khmer

TRUSTED = 0.85
"""Below this score a page's best layer is not trusted and the page is OCR'd."""
MIN_CHARS = 8
"""A page with fewer visible characters than this has no usable text layer."""
AGREEMENT = 0.88
"""Two independent layers whose Khmer clusters agree less than this are both damaged: each
cluster taken alone can look well-formed while its marks sit on the wrong base (measured on
the sample: Chromium pages agree 0.91-1.0, LibreOffice pages 0.44-0.85)."""
MIN_KHMER_FOR_AGREEMENT = 30
"""Khmer clusters at least one of two layers must have before their agreement means anything.
One layer with that much Khmer against another with little or none is a disagreement (a
layer that lost the page's Khmer), not too little Khmer to tell."""
_RELIABLE_LATIN_SHARE = 0.1
"""At most this share of implausible Latin tokens for a rejected layer to correct OCR."""

_CID = re.compile(r"\(cid:\d+\)")
_LETTERS = re.compile(r"[A-Za-z]")
_VOWELS = re.compile(r"[aeiouyAEIOUY]")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{6,}")
_WORDLIKE = re.compile(r"^[(\[\"'“‘]*[A-Za-z][A-Za-z'’.\-]*[A-Za-z.]?[)\]\"'”’,.;:!?]*$")


@dataclass(frozen=True, slots=True)
class Quality:
    score: float
    chars: int
    khmer_chars: int
    bad_khmer: int
    unmapped: int
    latin_tokens: int
    bad_latin: int

    @property
    def latin_reliable(self) -> bool:
        """Latin words and digits of this layer can be trusted even if its Khmer cannot."""
        return (
            self.chars >= MIN_CHARS
            and self.unmapped == 0
            and self.bad_latin <= _RELIABLE_LATIN_SHARE * max(self.latin_tokens, 1)
        )


_UNMAPPED = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1b]")
"""Visible characters with no Unicode meaning: the replacement character, private use, and the
control characters that are not whitespace (tab, line ends and U+001C-U+001F are)."""


def assess(text: str) -> Quality:
    cids = len(_CID.findall(text))
    text = _CID.sub("\ufffd", text)
    # `str.split` cuts at exactly the whitespace `\s` matches (`str.isspace`), in C.
    tokens = text.split()
    chars = sum(map(len, tokens))  # visible characters
    unmapped = len(_UNMAPPED.findall(text))
    good_khmer, khmer_chars = khmer.cluster_stats(text)
    latin_tokens = bad_latin = 0
    for token in tokens:
        verdict = _latin_verdict(token)
        if verdict is None:
            continue
        latin_tokens += 1
        if not verdict:
            bad_latin += 1
    if chars < MIN_CHARS:
        return Quality(0.0, chars, khmer_chars, khmer_chars - good_khmer, unmapped + cids,
                       latin_tokens, bad_latin)
    score = 1.0 - unmapped / chars
    if khmer_chars:
        score -= (khmer_chars - good_khmer) / khmer_chars * 4 * (khmer_chars / chars)
    if latin_tokens:
        latin_share = 1.0 - khmer_chars / chars
        score -= bad_latin / latin_tokens * latin_share
    return Quality(max(0.0, min(1.0, score)), chars, khmer_chars, khmer_chars - good_khmer,
                   unmapped, latin_tokens, bad_latin)


@lru_cache(maxsize=1 << 16)
def _latin_verdict(token: str) -> bool | None:
    """None when the token is no Latin word to judge (no letter, some Khmer, or too short),
    else whether it is plausible. Cached: both layers of a page, and the pages of a
    contract, repeat their words."""
    if not _LETTERS.search(token) or khmer.has_khmer(token):
        return None
    if len(_LETTERS.findall(token)) < 3 and len(token) < 4:
        return None
    return _latin_plausible(token)


def _latin_plausible(token: str) -> bool:
    """Shape of a real word, a number with a unit, an identifier or an e-mail/URL."""
    core = token.strip("()[]\"'“”‘’,.;:!?")
    if not core:
        return True
    if any(ch.isdigit() for ch in core):
        return True
    if "@" in core or "/" in core or core.isupper():
        return True
    if not _WORDLIKE.match(token):
        return False
    if not _VOWELS.search(core):
        return False
    return not _CONSONANT_RUN.search(core)


def khmer_agreement(first: str, second: str) -> float | None:
    """Overlap (multiset Jaccard) of the Khmer clusters of two layers of one page.

    Independent of reading order and spacing, which legitimately differ between layers;
    sensitive to marks attached to the wrong base. None when neither layer has enough Khmer
    to compare.
    """
    a, b = khmer.clusters(first), khmer.clusters(second)
    if max(sum(a.values()), sum(b.values())) < MIN_KHMER_FOR_AGREEMENT:
        return None
    return sum((a & b).values()) / sum((a | b).values())
