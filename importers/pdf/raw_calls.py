"""pdfium functions called once per character, page object or path segment, without ctypes'
argument conversion.

pypdfium2 declares `argtypes` for every C function, and ctypes then converts each argument
through its declared type on every call: three quarters of the cost of a call like
`FPDFText_GetCharBox`, made for each of the thousands of characters and objects of a page.
The same function pointer without `argtypes` passes the arguments as they are, so it is only
for calls made with exactly the C types: handles as pypdfium2's pointer objects, ints, and
`ctypes.byref` of C numbers. Results keep their declared type.
"""
from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c


def _unchecked(function):
    fast = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    fast.restype = function.restype
    return fast


text_char_box = _unchecked(pdfium_c.FPDFText_GetCharBox)
text_is_generated = _unchecked(pdfium_c.FPDFText_IsGenerated)
page_count_objects = _unchecked(pdfium_c.FPDFPage_CountObjects)
page_get_object = _unchecked(pdfium_c.FPDFPage_GetObject)
form_count_objects = _unchecked(pdfium_c.FPDFFormObj_CountObjects)
form_get_object = _unchecked(pdfium_c.FPDFFormObj_GetObject)
object_type = _unchecked(pdfium_c.FPDFPageObj_GetType)
path_count_segments = _unchecked(pdfium_c.FPDFPath_CountSegments)
path_get_segment = _unchecked(pdfium_c.FPDFPath_GetPathSegment)
segment_point = _unchecked(pdfium_c.FPDFPathSegment_GetPoint)
segment_type = _unchecked(pdfium_c.FPDFPathSegment_GetType)
segment_closes = _unchecked(pdfium_c.FPDFPathSegment_GetClose)
