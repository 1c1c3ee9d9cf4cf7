"""The garbage collector kept away from the registry's millions of long-lived objects: held
off while they are made (`paused`), and kept from walking them afterwards (`settle`).

Why: CPython runs a full collection whenever the objects that survived the younger
generations grow by a quarter, and each full collection walks every tracked object. Reading
the national registry (1.1 M records and 1.6 M events as row objects) triggers such
collections again and again over an ever larger heap, and none of them can free anything:
the load took 16-19 s with the collector running and 10 s without (SQLite, 100 k agencies +
1 M brokers). The registry import's reading and validation, the snapshot read and the lookup
index build use it. Objects made meanwhile are collected as usual once the collector runs
again.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block; the collector's state before it is restored
    after it, also when the block raises. Overlapping pauses (two loads at once) end when the
    first one ends, which only gives the second less of the benefit."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Move everything the process holds now, the registry snapshot and lookup index above
    all, to the collector's permanent generation. A full collection walks every tracked object:
    at 1.1 M names that is ~5 M objects and ~1-2 s, a pause for every request the process
    serves, repeated whenever enough new objects have piled up; the index changes only by
    patches until the next rebuild.

    No collection first. It walked the whole new index with the GIL held, 1.9 s at national
    scale in which a serving process answered nothing, and found nothing to free (0 unreachable
    objects after a national build). The index before, frozen too, is freed by reference
    counting once it is dropped; only a reference cycle in it would stay behind, and the
    registry's objects form none (tests/test_lookup_service.py)."""
    gc.freeze()
