"""QR codes for licence certificates and broker ID cards.

Each code holds only the verification URL of the licence or sub-licence, so scanning it shows
the live status (never a status frozen at print time).
"""
from __future__ import annotations

import io
import segno

from registry.numbers import number_norm

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def verification_path(kind: str, number: str) -> str:
    """`kind` is 'licence' or 'sub-licence'. The normalised number keeps '/' out of the path."""
    return f"/verify/{kind}/{number_norm(number)}"


def qr_image(url: str, fmt: str, *, scale: int = 6) -> bytes:
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=scale, xmldecl=True, title=url)
    elif fmt == "png":
        code.save(out, kind="png", scale=scale)
    else:
        raise ValueError(f"unknown QR format {fmt!r}")
    return out.getvalue()
