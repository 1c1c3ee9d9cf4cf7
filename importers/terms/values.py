"""Cleaning a value read after a label: cut at the next separator, pick the English form of a
bilingual value, recognise values that say nothing definite ("to be assigned")."""
from __future__ import annotations

import re

from .patterns import any_of
from .script import has_khmer
from .vocab import load

_SEPARATORS = re.compile(r"\s*(?:;|\s[·•|]\s|\s\|\s?|\s{3,})\s*")
_LATIN_RUN = re.compile(r"[^\u1780-\u17ff\u19e0-\u19ff]+")


def first_part(value: str) -> str:
    """The value up to the next field separator (`;`, ` · `, ` | `, a wide gap). A final full
    stop goes unless it ends an abbreviation (`Co., Ltd.`)."""
    value = _SEPARATORS.split(value.strip(), maxsplit=1)[0].strip(" :៖,-–—/").strip()
    if value.endswith(".") and not re.search(r"[^\W\d_]\.$", value):
        value = value[:-1].rstrip()
    return value


def strip_label_punctuation(value: str) -> str:
    return value.strip().lstrip(":៖/-–— ").strip()


def prefer_english(value: str) -> str:
    """For a value printed in Khmer and English (`ក្រុមហ៊ុន ... (Apsara Co., Ltd.)`), the English
    form; otherwise the value as printed."""
    if not has_khmer(value):
        return value.strip()
    runs = [r.strip(" ()[]/;,:៖-") for r in _LATIN_RUN.findall(value)]
    runs = [r for r in runs if sum(ch.isalpha() for ch in r) >= 3]
    if not runs:
        return value.strip()
    return max(runs, key=len).strip()


def is_vague(value: str) -> bool:
    return bool(any_of(load("terms")["vague"]).search(value))
