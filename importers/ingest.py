"""The contract journey: PDF bytes -> Document -> Terms and clauses -> findings -> stored
contract and flags. One document is one transaction; a document that cannot be read leaves
nothing behind, and the other documents of a batch are still processed.
"""
from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance_rules.check import check_contract
from compliance_rules.model import ContractForCheck, Finding
from compliance_rules.registry_facts import (
    AgencyResolution,
    InMemoryRegistryFacts,
    StoredContract,
    SubLicenceFacts,
)
from importers.pdf import UnreadableDocumentError
from importers.terms.isolated import read_contract_isolated
from registry import contracts as store
from registry.errors import FairrecruitError
from registry.keys import passport_hash_key
from registry.lookup import service as lookup_service

FRAUD_RULE_WITH_PARTNER = "FRD001"


@dataclass
class RegistryFactsForIngest:
    """`RegistryFacts` for one batch: registry rows loaded once, names resolved by the lookup
    matcher (which refuses look-alikes), earlier contracts of the same worker from the database.

    Resolutions are remembered for the batch: several rules and the storage step ask about the
    same printed name, and a batch already judges every contract on the registry as it was
    when the batch started."""

    registry: InMemoryRegistryFacts
    resolver: Any
    prior_contracts: list[StoredContract] = field(default_factory=list)
    _agencies: dict[str, AgencyResolution] = field(default_factory=dict)
    _brokers: dict[str, Any] = field(default_factory=dict)

    def resolve_agency(self, name: str) -> AgencyResolution:
        if name not in self._agencies:
            self._agencies[name] = self.resolver.resolve_agency(name)
        return self._agencies[name]

    def licence(self, number: str):
        return self.registry.licence(number)

    def sub_licence(self, number: str):
        return self.registry.sub_licence(number)

    def sub_licences_of_broker(self, broker_name: str) -> list[SubLicenceFacts]:
        if broker_name not in self._brokers:
            self._brokers[broker_name] = self.resolver.resolve_broker(broker_name)
        resolution = self._brokers[broker_name]
        if resolution.outcome == "not_found":
            return []
        return [f for n in resolution.sub_licence_numbers if (f := self.registry.sub_licence(n))]

    def contracts_with_passport(self, passport_hash: str, *, exclude_sha256: str) -> list[StoredContract]:
        return [c for c in self.prior_contracts if c.sha256 != exclude_sha256]


async def load_facts() -> RegistryFactsForIngest:
    """The lookup index already holds the registry snapshot: reuse it for the rules' facts."""
    index = await lookup_service.current()
    return RegistryFactsForIngest(registry=index.snapshot.as_facts(), resolver=index.matcher)


def _language(contract: ContractForCheck) -> str:
    languages = {clause.language for clause in contract.clauses}
    has_english = bool(languages & {"en", "mixed"})
    if contract.has_khmer_text:
        return "km+en" if has_english else "km"
    return "en"


def _record(data: dict[str, Any]) -> store.FindingRecord:
    """A finding as stored, from its JSON form (the form the result reports too)."""
    return store.FindingRecord(
        rule=data["rule"], severity=data["severity"], title=data["title"],
        explanation=data["explanation"], evidence=data["evidence"],
    )


def _partner_findings(finding: Finding, sha256: str) -> dict[str, list[store.FindingRecord]]:
    """FRD001 is raised on the later contract; the earlier one gets a mirror flag naming it."""
    partners: dict[str, list[store.FindingRecord]] = {}
    for evidence in finding.evidence:
        other = (evidence.facts or {}).get("other_sha256")
        if isinstance(other, str):
            mirror = store.FindingRecord(
                rule=finding.rule,
                severity=finding.severity,
                title=finding.title,
                explanation=f"A later contract for the same worker ({sha256}) differs in material terms.",
                evidence=[{"page": None, "text": f"later contract {sha256}", "bbox": None,
                           "facts": {"other_sha256": sha256}}],
            )
            partners.setdefault(other, []).append(mirror)
    return partners


def _stored_result(file_name: str, row: dict[str, Any], flags: list[dict[str, Any]]) -> dict[str, Any]:
    terms = row["terms"] if isinstance(row["terms"], dict) else {}
    return {
        "file": file_name,
        "sha256": row["sha256"],
        "status": row["status"],
        "fields": terms.get("fields", {}),
        "findings": [
            {key: flag[key] for key in ("rule", "severity", "title", "explanation", "evidence")}
            for flag in flags
        ],
        "already_ingested": True,
    }


@dataclass
class _Read:
    """A document read and its terms extracted (the slow, parallel half of ingest), or the
    result that ends its journey there (unreadable, needs OCR)."""

    sha256: str
    pages: int = 0
    contract: ContractForCheck | None = None
    result: dict[str, Any] | None = None


async def _read_and_extract(
    data: bytes, file_name: str, sha256: str, passport_key: bytes, lanes: Executor | None = None
) -> _Read:
    """`sha256` of `data` and the passport key come from the caller, which needed them already
    (a batch reads the key once). `lanes`: the threads that wait for the worker processes
    (None: the loop's default executor)."""
    base = {"file": file_name, "sha256": sha256}
    try:
        # Reading and extraction run in a worker process (isolation, and several documents on
        # several cores); waiting for it stays off the event loop, so a server goes on
        # answering other requests meanwhile.
        read = await asyncio.get_running_loop().run_in_executor(
            lanes, partial(read_contract_isolated, data, passport_key=passport_key))
    except UnreadableDocumentError as exc:
        return _Read(sha256, result={**base, "status": "error", "error": str(exc), "fields": {}, "findings": []})
    if read.contract is None:
        pages = ", ".join(map(str, read.needs_ocr_pages))
        return _Read(sha256, result={
            **base, "status": "needs_ocr",
            "error": f"page(s) {pages} have no trustworthy text: neither the PDF's text layer nor OCR "
                     "gave readable text (is tesseract-ocr with the khm and eng languages installed? "
                     "is the scan legible?); the document was not checked",
            "fields": {}, "findings": [],
        })
    return _Read(sha256, read.pages, read.contract)


async def ingest_document(
    data: bytes, file_name: str, *, actor: str, facts: RegistryFactsForIngest | None = None
) -> dict[str, Any]:
    """One PDF in, one result out: `{"file", "sha256", "status": checked|needs_ocr|error,
    "error"?, "fields", "findings"}`. Raises nothing for a bad document: errors are results."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = await _already_ingested(sha256, file_name)
    if existing is not None:
        return existing
    read = await _read_and_extract(data, file_name, sha256, passport_hash_key())
    return await _check_and_store(read, file_name, actor=actor, facts=facts)


async def _earlier_contracts(read: _Read) -> list[StoredContract]:
    """Stored contracts of the same worker (same passport hash), for FRD001."""
    passport_hash = read.contract.terms.worker_passport_hash if read.contract else None
    if not passport_hash:
        return []
    return [
        StoredContract(row["sha256"], (row["terms"] or {}).get("fields", {}))
        for row in await store.contracts_with_passport(passport_hash, exclude_sha256=read.sha256)
    ]


async def _already_ingested(sha256: str, file_name: str) -> dict[str, Any] | None:
    if await store.contract_id(sha256) is None:  # the common case, asked with the cheapest query
        return None
    existing = await store.find_contract(sha256)
    if existing is None:  # deleted meanwhile
        return None
    return _stored_result(file_name, existing, await store.flags_of_contract(existing["id"]))


async def _check_and_store(
    read: _Read, file_name: str, *, actor: str, facts: RegistryFactsForIngest | None
) -> dict[str, Any]:
    """The rules and storage: run in input order, because a contract's rules see the contracts
    of the same worker stored before it, and a batch may repeat a file (stored by then). Both
    are read on one connection."""
    async with store.reads_together():
        existing = await _already_ingested(read.sha256, file_name)
        earlier = [] if existing is not None or read.contract is None else await _earlier_contracts(read)
    if existing is not None:
        return existing
    if read.result is not None:
        return read.result
    sha256, contract = read.sha256, read.contract
    assert contract is not None
    facts = facts or await load_facts()
    passport_hash = contract.terms.worker_passport_hash
    facts.prior_contracts = earlier
    findings = check_contract(contract, facts)
    reported = [finding.model_dump(mode="json") for finding in findings]
    fields = contract.terms.public_fields()
    related: dict[str, list[store.FindingRecord]] = {}
    for finding in findings:
        if finding.rule == FRAUD_RULE_WITH_PARTNER:
            for other, mirrors in _partner_findings(finding, sha256).items():
                related.setdefault(other, []).extend(mirrors)
    signing = contract.terms.signing_date
    resolved_licence = None
    if contract.terms.agency_name is not None:
        resolution = facts.resolve_agency(contract.terms.agency_name.value)
        resolved_licence = resolution.licence_number if resolution.outcome == "match" else None
    sub_number = contract.terms.broker_sub_licence_no
    await store.store_checked_contract(
        sha256=sha256,
        file_name=file_name,
        pages=read.pages,
        language=_language(contract),
        signing_date=None if signing is None else signing.value,
        licence_number=resolved_licence,
        sub_licence_number=None if sub_number is None else sub_number.value,
        passport_hash=passport_hash,
        terms={"fields": fields, "terms": contract.terms.model_dump(mode="json", exclude={"worker_passport_hash"})},
        findings=[_record(data) for data in reported],
        related_findings=related,
        actor=actor,
    )
    return {"file": file_name, "sha256": sha256, "status": "checked", "fields": fields, "findings": reported}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders contribute their *.pdf files in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf" and p.is_file()))
        else:
            out.append(path)
    return out


async def ingest_paths(
    paths: Iterable[Path], *, actor: str, jobs: int = 1
) -> AsyncIterator[dict[str, Any]]:
    """Ingest files in input order; one result each, errors included.

    With `jobs` > 1, up to that many documents are read and extracted at once (each read in
    its own worker process); rules and storage still run one document at a time, in order.

    Each of the `jobs` reader lanes is a thread that takes the next queued document as soon
    as its worker answers, without waiting for the event loop: the loop is busy with rules
    and storage for a good part of the time, and a worker left idle until the loop frees up
    is a core wasted."""
    facts = await load_facts()
    passport_key = passport_hash_key()
    files = expand_paths(paths)
    lanes = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="reader-lane")

    async def prepare(path: Path) -> _Read | dict[str, Any]:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return {"file": str(path), "sha256": None, "status": "error",
                    "error": f"cannot read file: {exc.strerror}", "fields": {}, "findings": []}
        sha256 = hashlib.sha256(data).hexdigest()
        if await store.contract_id(sha256) is not None:
            return _Read(sha256)  # looked up again in order below: a batch may repeat a file
        try:
            return await _read_and_extract(data, path.name, sha256, passport_key, lanes)
        except FairrecruitError as exc:
            return _error(path.name, sha256, exc)

    # Documents queued ahead of the lanes: enough that a lane never waits, few enough that a
    # batch of thousands is not all in memory at once.
    window = max(1, jobs) * 2
    pending: deque[asyncio.Task] = deque()
    queue = iter(files)
    ordered = iter(files)
    try:
        for path in queue:
            pending.append(asyncio.create_task(prepare(path)))
            if len(pending) >= window:
                break
        while pending:
            path = next(ordered)
            read = await pending.popleft()
            if (following := next(queue, None)) is not None:
                pending.append(asyncio.create_task(prepare(following)))
            if isinstance(read, dict):
                yield read
                continue
            try:
                yield await _check_and_store(read, path.name, actor=actor, facts=facts)
            except FairrecruitError as exc:
                yield _error(path.name, read.sha256, exc)
    finally:
        for task in pending:
            task.cancel()
        lanes.shutdown(wait=False, cancel_futures=True)


def _error(file_name: str, sha256: str, exc: Exception) -> dict[str, Any]:
    return {"file": file_name, "sha256": sha256, "status": "error", "error": str(exc),
            "fields": {}, "findings": []}
