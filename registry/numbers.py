"""Licence and sub-licence numbers: one normal form for every way people print them.

Posters and contracts print "MLVT-PRA-018/2011" as "MLVT PRA 018-2011", "mlvt/pra/018/2011"
or with Khmer digits; all of them must find the same licence.
"""
from __future__ import annotations

import re
import unicodedata

KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def ascii_digits(text: str) -> str:
    """Khmer (and any other Unicode decimal) digits to ASCII 0-9."""
    text = text.translate(KHMER_DIGITS)
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


_NOT_ASCII_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def number_norm(number: str) -> str:
    """Upper-case ASCII letters and digits only: separators and spacing carry no meaning."""
    plain = number.replace("-", "").replace("/", "")
    if plain.isascii() and plain.isalnum():  # the printed form: a million of these per bulk import
        return plain.upper()
    if number.isascii():  # same result as the general case, without a per-character loop
        return _NOT_ASCII_ALNUM.sub("", number).upper()
    return "".join(ch for ch in ascii_digits(number).upper() if ch.isascii() and ch.isalnum())


class NumberKeys(dict[str, str]):
    """number as printed -> `number_norm`, computed once: a bulk import looks each number up
    several times (validation, duplicate check, planning, its brokers' parent references)."""

    def __missing__(self, number: str) -> str:
        key = self[number] = number_norm(number)
        return key
