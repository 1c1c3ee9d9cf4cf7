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
    if number.isascii():  # fast path for bulk imports; same result as the general case
        return _NOT_ASCII_ALNUM.sub("", number).upper()
    return "".join(ch for ch in ascii_digits(number).upper() if ch.isascii() and ch.isalnum())
