"""A page's objects as raw pdfium handles, form XObjects entered up to a depth.

pypdfium2's `get_objects` wraps every object in a Python object; a Khmer page holds thousands
of text objects, and wrapping them cost more than reading the page's text. Callers that only
need the type (and a raw call or two) walk the handles instead.
"""
from __future__ import annotations

from collections.abc import Iterator

import pypdfium2.raw as pdfium_c


def raw_objects(page, max_depth: int) -> Iterator[tuple[object, int]]:
    """(handle, FPDF_PAGEOBJ_* type) of every object; handles live as long as the page."""
    yield from _walk(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, max_depth)


def direct_objects(page, form=None) -> Iterator[tuple[object, int]]:
    """(handle, type) of the objects directly on the page, or directly in the form XObject
    with raw handle `form`; nested forms are not entered."""
    if form is None:
        return _walk(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, 0)
    return _walk(form, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, 0)


def _walk(parent, count_objects, get_object, depth: int) -> Iterator[tuple[object, int]]:
    for index in range(max(count_objects(parent), 0)):
        obj = get_object(parent, index)
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        yield obj, kind
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth > 0:
            yield from _walk(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, depth - 1)
