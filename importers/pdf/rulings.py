"""Ruling lines of a page from pypdfium2's path objects, as pdfplumber table edges.

pdfplumber finds table grids well, but to get a page's lines and rectangles it parses the
whole content stream in Python (pdfminer), text included: ~1-2 s of CPU on a Khmer page.
pdfium already holds the parsed paths, so the straight axis-aligned segments of every path
are read from it and handed to pdfplumber's grid finder, which needs nothing else.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterator

import pypdfium2.raw as pdfium_c
from pypdfium2 import PdfiumError, PdfMatrix

from importers.pdf import page_objects, raw_calls

Edge = dict[str, object]
Point = tuple[float, float]
_MAX_FORM_DEPTH = 2
"""Paths nested in form XObjects this deep are still read (the former filter's reach)."""


def path_count(page, enough: int) -> int:
    """Number of path objects on the page, counting stops at `enough`."""
    count = 0
    for _, kind in page_objects.raw_objects(page, _MAX_FORM_DEPTH):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            count += 1
            if count >= enough:
                break
    return count


def page_edges(page) -> list[Edge]:
    """Horizontal and vertical segments of every path, in top-left page points, shaped like
    pdfplumber's `page.edges` (curve pieces are skipped: a table is ruled with straight lines)."""
    height = page.get_height()
    edges: list[Edge] = []
    for points in _subpaths(page, None, PdfMatrix(), 0):
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            edge = _edge(x0, height - y0, x1, height - y1)
            if edge is not None:
                edges.append(edge)
    return edges


def _subpaths(page, form, matrix: PdfMatrix, level: int) -> Iterator[list[Point]]:
    for obj, kind in page_objects.direct_objects(page, form):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield from _straight_runs(obj, _matrix(obj).multiply(matrix))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < _MAX_FORM_DEPTH:
            yield from _subpaths(page, obj, _matrix(obj).multiply(matrix), level + 1)


def _matrix(obj) -> PdfMatrix:
    """The object's transform (raw handles: a Khmer page has thousands of text objects, and
    wrapping each in a pypdfium2 object cost more than the paths themselves)."""
    raw = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, raw):
        raise PdfiumError("Failed to get matrix of pageobject.")
    return PdfMatrix.from_raw(raw)


def _straight_runs(obj, matrix: PdfMatrix) -> Iterator[list[Point]]:
    """Runs of consecutive straight segments; a closed subpath gets its closing side."""
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    run: list[Point] = []
    start: Point | None = None
    for index in range(raw_calls.path_count_segments(obj)):
        segment = raw_calls.path_get_segment(obj, index)
        if not raw_calls.segment_point(segment, x_ref, y_ref):
            continue
        point = matrix.on_point(x.value, y.value)
        kind = raw_calls.segment_type(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if len(run) > 1:
                yield run
            run, start = [point], point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            run.append(point)
        else:  # a Bézier piece ends the straight run
            if len(run) > 1:
                yield run
            run = [point]
        if raw_calls.segment_closes(segment) and start is not None:
            run.append(start)
    if len(run) > 1:
        yield run


def _edge(x0: float, top0: float, x1: float, top1: float) -> Edge | None:
    if x0 == x1:
        orientation = "v"
    elif top0 == top1:
        orientation = "h"
    else:
        return None
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = min(top0, top1), max(top0, top1)
    return {
        "object_type": "curve_edge", "orientation": orientation,
        "x0": left, "x1": right, "top": top, "bottom": bottom, "doctop": top,
        "width": right - left, "height": bottom - top,
    }
