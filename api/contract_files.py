"""Uploaded contract PDFs kept for the inspector's page view, and page images with evidence boxes.

The database keeps no contract text; the page image is what lets an inspector see the clause in
context. The files hold worker identity, so they live under `data_dir()/contract_files` with
mode 0600 and are served only to inspector pages (never to a public route).
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

from registry.errors import NotFoundError, ValidationError
from registry.settings import data_dir

RENDER_SCALE = 1.5
"""108 dpi: clause text is readable on a laptop screen and a page stays under ~1 MB of PNG."""
MAX_PIXELS = 25_000_000
SHA256 = re.compile(r"^[0-9a-f]{64}$")
BOX_COLOUR = (220, 30, 30)


def _path(sha256: str, root: Path | None = None) -> Path:
    if not SHA256.match(sha256):
        raise ValidationError("not a SHA-256 hex digest")
    return (root or data_dir()) / "contract_files" / f"{sha256}.pdf"


def save(sha256: str, data: bytes, root: Path | None = None) -> None:
    path = _path(sha256, root)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_suffix(".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    partial.replace(path)


def has(sha256: str, root: Path | None = None) -> bool:
    return _path(sha256, root).exists()


def render_page(sha256: str, page: int, boxes: list[list[float]], root: Path | None = None) -> bytes:
    """PNG of one page (1-based) with each `x0, top, x1, bottom` box (PDF points) outlined."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    path = _path(sha256, root)
    if not path.exists():
        raise NotFoundError("the PDF of this contract was not kept (it was ingested outside the web app)")
    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise NotFoundError(f"the contract has {len(pdf)} page(s); there is no page {page}")
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        scale = min(RENDER_SCALE, (MAX_PIXELS / max(width * height, 1)) ** 0.5)
        image = pdf_page.render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in boxes:
        draw.rectangle([x0 * scale - 3, top * scale - 3, x1 * scale + 3, bottom * scale + 3],
                       outline=BOX_COLOUR, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
