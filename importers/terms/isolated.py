"""Reading and term extraction in one isolated worker round trip (the `contract` job of
`importers.pdf.isolated`).

Extraction needs nothing but the Document, so it runs in the worker that read the PDF: the
Document (every word with its box) does not have to be encoded, piped and decoded, and with
several jobs the extraction of several documents runs on several cores instead of in the one
process that applies the rules and stores the results. The answer is plain data validated
by the pydantic models on arrival, as every answer of a worker is untrusted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance_rules.model import ContractForCheck
from importers.document import Document
from importers.pdf.isolated import converted, read_isolated
from importers.pdf.limits import ReadLimits

from . import extract


@dataclass(frozen=True, slots=True)
class ReadContract:
    """What ingest needs of a read PDF: its page count, the pages no text could be trusted
    on, and the extracted contract (None when some page needs OCR: it is not checked)."""

    pages: int
    needs_ocr_pages: list[int]
    contract: ContractForCheck | None


def contract_job(document: Document, options: dict[str, Any]) -> dict[str, Any]:
    """Runs in the worker. `options["passport_key"]`: the installation's key, hex (the worker
    hashes the passport number where it reads it; the number never leaves the worker)."""
    contract = None
    if not document.needs_ocr:
        contract = extract(document, passport_key=bytes.fromhex(options["passport_key"]))
    return {
        "pages": len(document.pages),
        "needs_ocr_pages": document.needs_ocr_pages,
        "contract": None if contract is None else contract.model_dump(mode="json"),
    }


def read_contract_isolated(
    data: bytes, *, passport_key: bytes, limits: ReadLimits | None = None
) -> ReadContract:
    """`read_pdf` and `extract` in a resource-limited worker process (see
    `importers.pdf.isolated`); raises `UnreadableDocumentError` as `read_pdf_isolated` does."""
    answer = read_isolated(data, limits, job="contract", options={"passport_key": passport_key.hex()})
    return converted(_read_contract, answer)


def _read_contract(answer: dict[str, Any]) -> ReadContract:
    raw = answer["contract"]
    return ReadContract(
        pages=int(answer["pages"]),
        needs_ocr_pages=[int(number) for number in answer["needs_ocr_pages"]],
        contract=None if raw is None else ContractForCheck.model_validate(raw),
    )
