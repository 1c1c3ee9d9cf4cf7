"""Resource limits per document: what a hostile or broken PDF may cost us at most."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Defaults fit the largest real contracts with a wide margin (the sample has 1-6 pages,
    under 1 MB) while keeping one document from starving a 2-core server.

    Every field can be overridden by an environment variable `FAIRRECRUIT_PDF_<FIELD>` (upper
    case), read by `ReadLimits.from_env()`, which the readers use when given no limits.
    """

    max_bytes: int = 50 * 1024 * 1024
    """Input file size."""
    max_pages: int = 200
    """Page count; contracts have a handful, 200 allows long annexes."""
    max_seconds: float = 120.0
    """Wall-clock time for the whole read (including OCR) in the isolated reader."""
    max_cpu_seconds: int = 120
    """CPU time of the isolated reader process (RLIMIT_CPU)."""
    max_memory_mb: int = 1536
    """Address space of the isolated reader process (RLIMIT_AS)."""
    max_page_pixels: int = 40_000_000
    """Largest render (pixels at the OCR resolution) or embedded image we accept on a page."""
    max_decompression_ratio: float = 1000.0
    """Uncompressed/compressed size ratio of a single stream above which it is a bomb."""
    max_stream_bytes: int = 256 * 1024 * 1024
    """Largest uncompressed stream."""
    ocr_dpi: int = 300
    """Render resolution for OCR."""

    @classmethod
    def from_env(cls) -> "ReadLimits":
        values = {}
        for spec in fields(cls):
            raw = os.environ.get(f"FAIRRECRUIT_PDF_{spec.name.upper()}")
            if raw is not None:
                values[spec.name] = type(getattr(cls(), spec.name))(raw)
        return cls(**values)
