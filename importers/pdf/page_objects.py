"""A page's objects as raw pdfium handles, form XObjects entered up to a depth.

pypdfium2's `get_objects` wraps every object in a Python object; a Khmer page holds thousands
of text objects, and wrapping them cost more than reading the page's text. Callers that only
need the type (and a raw call or two) walk the handles instead.
"""
from __future__ import annotations

from collections.abc import Iterator

import pypdfium2.raw as pdfium_c

from importers.pdf import raw_calls


def raw_objects(page, max_depth: int) -> Iterator[tuple[object, int]]:
    """(handle, FPDF_PAGEOBJ_* type) of every object; handles live as long as the page."""
    yield from _walk(page.raw, raw_calls.page_count_objects, raw_calls.page_get_object, max_depth)


def direct_objects(page, form=None) -> Iterator[tuple[object, int]]:
    """(handle, type) of the objects directly on the page, or directly in the form XObject
    with raw handle `form`; nested forms are not entered."""
    if form is None:
        return _walk(page.raw, raw_calls.page_count_objects, raw_calls.page_get_object, 0)
    return _walk(form, raw_calls.form_count_objects, raw_calls.form_get_object, 0)


def _walk(parent, count_objects, get_object, depth: int) -> Iterator[tuple[object, int]]:
    for index in range(max(count_objects(parent), 0)):
        obj = get_object(parent, index)
        if not obj:
            continue
        kind = raw_calls.object_type(obj)
        yield obj, kind
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth > 0:
            yield from _walk(obj, raw_calls.form_count_objects, raw_calls.form_get_object, depth - 1)
