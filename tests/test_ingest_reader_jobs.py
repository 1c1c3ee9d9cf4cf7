"""Reading and extraction in the reader worker (the `contract` job), and the shortcuts the
ingest takes for speed: each must give exactly what the long way gives."""
from __future__ import annotations

import asyncio
import statistics
from dataclasses import dataclass

import pytest

import pdf_factory as make
from compliance_rules.registry_facts import AgencyResolution
from importers.document import Document, Page, Word
from importers.ingest import RegistryFactsForIngest
from importers.pdf import UnreadableDocumentError, layout, quality, read_pdf
from importers.pdf import isolated
from importers.pdf.isolated import document_from_json, read_isolated
from importers.pdf.reader import Candidate
from importers.terms import extract
from importers.terms.isolated import contract_job, read_contract_isolated

KEY = bytes(range(32))


def test_contract_job_gives_what_reading_and_extracting_here_gives(corpus):
    data = (corpus / "contracts" / "contract_p001.pdf").read_bytes()
    read = read_contract_isolated(data, passport_key=KEY)
    document = read_pdf(data)
    assert read.pages == len(document.pages)
    assert read.needs_ocr_pages == []
    assert read.contract == extract(document, passport_key=KEY)


def test_contract_job_leaves_a_document_that_needs_ocr_unchecked():
    document = Document("ab" * 32, [Page(1, 595, 842), Page(2, 595, 842)], needs_ocr_pages=[2])
    answer = contract_job(document, {"passport_key": KEY.hex()})
    assert answer == {"pages": 2, "needs_ocr_pages": [2], "contract": None}


def test_a_reader_job_must_be_one_of_the_listed_jobs():
    with pytest.raises(ValueError):
        read_isolated(make.simple(), job="importers.pdf.reader:read_pdf")


def test_an_answer_of_the_wrong_shape_is_a_crashed_reader():
    with pytest.raises(UnreadableDocumentError) as caught:
        isolated.converted(document_from_json, {"pages": "not a list"})
    assert caught.value.reason == "crashed"


def test_a_layer_without_khmer_is_scored_without_layout_and_laid_out_when_used():
    words = [Word("Monthly", (300, 100, 340, 110)), Word("wage:", (345, 100, 370, 110)),
             Word("Employer", (50, 100, 100, 110)), Word("USD 450", (50, 120, 90, 130))]
    candidate = Candidate.of("pdftotext", words)
    assert candidate.laid_out is None
    lines = layout.lines_in_reading_order(words)
    assert candidate.quality == quality.assess("\n".join(line.text for line in lines))
    assert candidate.lines == lines


def test_row_medians_kept_while_words_join_equal_the_median_of_the_row():
    values = [5.0, 1.5, 3.25, 3.25, 9.0, 0.5]
    for count in range(1, len(values) + 1):
        assert layout._sorted_median(sorted(values[:count])) == statistics.median(values[:count])


@dataclass
class _CountingResolver:
    calls: int = 0

    def resolve_agency(self, name: str) -> AgencyResolution:
        self.calls += 1
        return AgencyResolution("not_found", None, 0.0, f"no agency named {name}")


def test_a_batch_resolves_each_printed_agency_name_once():
    resolver = _CountingResolver()
    facts = RegistryFactsForIngest(registry=None, resolver=resolver)
    first = facts.resolve_agency("Lotus Manpower Co., Ltd.")
    assert facts.resolve_agency("Lotus Manpower Co., Ltd.") is first
    facts.resolve_agency("Orchid Recruitment")
    assert resolver.calls == 2


def test_a_documents_flags_are_stored_together_each_with_its_raised_event(db):
    from registry import contracts as store
    from registry.tables import Contract, FlagEvent

    findings = [store.FindingRecord(rule, "high", f"title {rule}", f"why {rule}", [{"page": 1, "text": rule}])
                for rule in ("FEE001", "WRK003", "LIC002")]

    async def go():
        contract_id = await store.store_checked_contract(
            sha256="cd" * 32, file_name="c.pdf", pages=2, language="en", signing_date=None,
            licence_number=None, sub_licence_number=None, passport_hash=None, terms={"fields": {}},
            findings=findings, related_findings={}, actor="inspector",
        )
        flags = await store.flags_of_contract(contract_id)
        events = await FlagEvent.select(FlagEvent.flag, FlagEvent.action, FlagEvent.actor).run()
        return await Contract.count().run(), flags, events

    contracts, flags, events = asyncio.run(go())
    assert contracts == 1
    assert [flag["rule"] for flag in flags] == ["FEE001", "WRK003", "LIC002"]
    assert [flag["evidence"] for flag in flags] == [f.evidence for f in findings]
    assert sorted(event["flag"] for event in events) == sorted(flag["id"] for flag in flags)
    assert {(event["action"], event["actor"]) for event in events} == {("raised", "inspector")}
