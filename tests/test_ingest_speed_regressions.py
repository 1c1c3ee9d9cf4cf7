"""The parent side of ingest was made cheaper (rules and storage); these pin down that the
faster forms answer exactly as the plain ones did."""
from __future__ import annotations

import asyncio
import datetime as dt
import sys
import unicodedata

import pytest

from compliance_rules import text as plain
from compliance_rules.model import Clause
from compliance_rules.passages import Passage
from compliance_rules.text import normalise
from compliance_rules.vocabulary import concept, concepts, occurs
from registry.numbers import ascii_digits


def _normalise_plainly(text: str) -> str:
    """`normalise` as one step after another, before the steps became one translate table."""
    text = unicodedata.normalize("NFC", text).translate(plain._INVISIBLE).translate(plain._QUOTES)
    text = ascii_digits(text).casefold()
    text = plain._SPACE_IN_KHMER.sub("", text)
    return plain._SPACES.sub(" ", text).strip()


def test_normalise_maps_every_digit_quote_and_invisible_mark_as_before():
    digits = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isdigit())
    samples = [
        digits,
        "Fee\u00ad of \u201cUSD ១២០\u201d \u2013 the worker\u2019s \u200bshare ²³ ① ٤٥",
        "ម៉ោ ង ធ្វើការ ៨ ម៉ោង\u200c ក្នុង ១ ថ្ងៃ",
        "ǅungla ΣΑΣ Straße \ufb01 e\u0301",
    ]
    for text in samples:
        assert normalise(text) == _normalise_plainly(text)


def test_occurs_and_passage_questions_agree_with_the_concept_patterns():
    texts = [
        normalise("The Worker shall pay a service fee of USD 300 to the Agency before departure."),
        normalise("No recruitment fee shall be charged to the worker; the employer pays the visa."),
        normalise("ពលករត្រូវបង់ថ្លៃសេវា ៥០០ ដុល្លារ ទៅភ្នាក់ងារ។"),
        "",
    ]
    names = sorted(concepts())
    for text in texts:
        passage = Passage(Clause(page=1, text=text), text, text, "")
        for name in names:
            expected = concept(name).search(text) is not None
            assert occurs(name, text) is expected
            assert passage.has(name) is expected and passage.has_any(name) is expected
        found = {name for name in names if concept(name).search(text)}
        assert passage.has(*found) is True
        assert passage.has_any(*names) is bool(found)
        assert passage.has(*names) is (len(found) == len(names))


def test_storage_resolves_registry_numbers_and_raises_partner_flags_with_events(registry_loaded):
    """The hand-written statements must store what the ORM stored: registry ids from printed
    numbers in any form, each flag with its `raised` event, and mirror flags on the partner."""
    from registry import contracts as store
    from registry.tables import Contract, Flag, FlagEvent, Licence, SubLicence

    finding = store.FindingRecord("FEE001", "high", "Fee", "why", [{"page": 1, "text": "fee", "bbox": None}])

    async def go():
        licence = await Licence.select(Licence.id).where(Licence.number_norm == "MLVTPRA0182011").first()
        sub = await SubLicence.select(SubLicence.id).where(SubLicence.number_norm == "MLVTSUB00262018").first()
        first = await store.store_checked_contract(
            sha256="a1" * 32, file_name="a.pdf", pages=1, language="en", signing_date=dt.date(2026, 1, 5),
            licence_number="mlvt pra 018-2011", sub_licence_number="MLVT-SUB-0026/2018",
            passport_hash="h" * 64, terms={"fields": {"agency_name": "Sovann"}},
            findings=[finding], related_findings={}, actor="tester",
        )
        second = await store.store_checked_contract(
            sha256="b2" * 32, file_name="b.pdf", pages=2, language="km", signing_date=None,
            licence_number="NO-SUCH-LICENCE", sub_licence_number=None, passport_hash="h" * 64,
            terms={"fields": {}}, findings=[finding, finding],
            related_findings={"a1" * 32: [finding], "ff" * 32: [finding]}, actor="tester",
        )
        contracts = {row["id"]: row for row in await Contract.select().output(load_json=True)}
        flags = await Flag.select().order_by(Flag.id).output(load_json=True)
        events = await FlagEvent.select().order_by(FlagEvent.id)
        same_worker = await store.contracts_with_passport("h" * 64, exclude_sha256="b2" * 32)
        ids = (await store.contract_id("a1" * 32), await store.contract_id("cc" * 32))
        return licence["id"], sub["id"], first, second, contracts, flags, events, same_worker, ids

    licence_id, sub_id, first, second, contracts, flags, events, same_worker, ids = asyncio.run(go())
    assert (contracts[first]["licence"], contracts[first]["sub_licence"]) == (licence_id, sub_id)
    assert (contracts[second]["licence"], contracts[second]["sub_licence"]) == (None, None)
    assert contracts[first]["signing_date"] == dt.date(2026, 1, 5)
    assert contracts[first]["terms"] == {"fields": {"agency_name": "Sovann"}}
    assert contracts[first]["ingested_at"].tzinfo is not None
    assert [(f["contract"], f["licence"], f["sub_licence"]) for f in flags] == [
        (first, licence_id, sub_id), (second, None, None), (second, None, None), (first, licence_id, sub_id),
    ]
    assert all(f["evidence"] == finding.evidence and f["status"] == "open" and f["version"] == 0 for f in flags)
    assert sorted(e["flag"] for e in events) == [f["id"] for f in flags]
    assert {(e["action"], e["to_status"], e["from_status"], e["actor"]) for e in events} == {
        ("raised", "open", "", "tester")
    }
    assert same_worker == [{"sha256": "a1" * 32, "terms": {"fields": {"agency_name": "Sovann"}}}]
    assert ids == (first, None)


def test_a_write_statement_outside_a_write_transaction_is_refused(db):
    """`registry.writes.statement` skips the ORM; it must not skip the all-or-nothing too."""
    from registry.writes import statement

    with pytest.raises(RuntimeError, match="write_transaction"):
        asyncio.run(statement('INSERT INTO "flag_event" ("flag") VALUES ({})', 1))
