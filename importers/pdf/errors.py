"""Why a document could not be read, as one exception the CLI and API can map."""
from __future__ import annotations

from typing import Literal

from registry.errors import ValidationError

Reason = Literal[
    "empty",
    "not_pdf",
    "truncated",
    "damaged",
    "encrypted",
    "wrong_password",
    "too_large",
    "too_many_pages",
    "page_too_large",
    "timeout",
    "memory",
    "decompression_bomb",
    "crashed",
]


class UnreadableDocumentError(ValidationError):
    """The PDF was rejected before or while reading it; `reason` is a stable machine code.

    A ValidationError because the document as given cannot be accepted; the message says what
    was wrong for a person (and which limit was hit, so an operator knows what to raise).
    """

    def __init__(self, reason: Reason, message: str) -> None:
        self.reason: Reason = reason
        super().__init__(message)

    def __reduce__(self):
        # Survives pickling across the isolation subprocess boundary.
        return (type(self), (self.reason, str(self)))
