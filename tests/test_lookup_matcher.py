"""The verdict on an invented registry: same company in other spellings, look-alikes refused."""
from __future__ import annotations

import datetime as dt

import pytest

from registry.lookup.matcher import align, word_match
from registry.lookup.service import LookupIndex
from registry.queries import AgencyRow, LicenceRow
from registry.status import StatusEvent
from lookup_registry import invented_snapshot

DAY = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def lookup_index() -> LookupIndex:
    return LookupIndex(invented_snapshot())


def ask(lookup_index, query, kind=None, day=DAY):
    return lookup_index.answer(query, as_of=day, kind=kind)


@pytest.mark.parametrize("query", [
    "Bayon Manpower Co., Ltd.", "bayon manpower", "Bayon Manpowr", "Byaon Manpower Co Ltd", "BAYON MAN POWER",
    "bayonmanpower", "ក្រុមហ៊ុន បាយ័ន ម៉ែនផៅវ័រ ខូ អិលធីឌី", "បាយ័នម៉ែនផៅវ័រ", "Bayon Manpower Russey Keo",
    "bayon manpower ruessei kaev phnum penh",
])
def test_same_company_in_other_spellings(lookup_index, query):
    answer = ask(lookup_index, query, "agency")
    assert answer["status"] == "active", answer["explanation"]
    assert answer["match"]["number"] == "MLVT-PRA-301/2019"


@pytest.mark.parametrize("query", [
    "Golden Bayon Manpower", "Bayon Star Manpower Co., Ltd.", "Bayon Manpower Supply", "New Bayon Manpower",
    "Bayon Manpower International", "ក្រុមហ៊ុន បាយ័ន មាស ម៉ែនផៅវ័រ ខូ អិលធីឌី", "ក្រុមហ៊ុន ផ្កាយ បាយ័ន ម៉ែនផៅវ័រ",
    "Bayon Recruitment Agency", "Angkor Manpower", "Bayon Manpower Siem Reap",
])
def test_look_alikes_are_not_found(lookup_index, query):
    answer = ask(lookup_index, query, "agency")
    assert answer["status"] == "not_found", answer
    assert answer["match"] is None


def test_look_alike_explanation_names_the_extra_word(lookup_index):
    answer = ask(lookup_index, "Golden Bayon Manpower", "agency")
    assert "golden" in answer["explanation"]["reason"]
    assert answer["explanation"]["nearest"]["extra"] == ["golden"]


def test_another_business_type_is_another_company(lookup_index):
    answer = ask(lookup_index, "Bayon Human Resource", "agency")
    assert answer["match"]["number"] == "MLVT-PRA-302/2019"
    assert answer["status"] == "revoked"
    assert ask(lookup_index, "Bayon Human Resources", "agency", dt.date(2020, 1, 1))["status"] == "active"


def test_registered_word_is_not_taken_for_a_typo(lookup_index):
    """'Vanna' is one letter from 'Vannak' but is itself a registered word: another company."""
    assert ask(lookup_index, "Vanna Manpower", "agency")["status"] == "not_found"
    assert ask(lookup_index, "Vannak Manpower", "agency")["match"]["number"] == "MLVT-PRA-320/2021"


def test_name_shared_by_two_agencies_is_ambiguous(lookup_index):
    answer = ask(lookup_index, "Bayon", "agency")
    assert answer["status"] == "ambiguous"
    assert {c["number"] for c in answer["candidates"]} == {"MLVT-PRA-301/2019", "MLVT-PRA-302/2019"}


def test_partial_name_missing_only_business_words(lookup_index):
    answer = ask(lookup_index, "chanrith overseas battambang", "agency")
    assert answer["match"]["number"] == "MLVT-PRA-310/2020"
    assert answer["status"] == "suspended"
    assert answer["explanation"]["missing"] == ["employment"]
    assert answer["explanation"]["place"] == ["battambang"]


@pytest.mark.parametrize("query,number", [
    ("PRA ៣០១/២០១៩", "MLVT-PRA-301/2019"), ("mlvt pra 301-2019", "MLVT-PRA-301/2019"),
    ("៣២០/២០២១", "MLVT-PRA-320/2021"), ("MLVT-SUB-០៥០១/២០២១", "MLVT-SUB-0501/2021"),
    ("Bayon Manpower MLVT-PRA-301/2019", "MLVT-PRA-301/2019"),
])
def test_numbers(lookup_index, query, number):
    assert ask(lookup_index, query)["match"]["number"] == number


@pytest.mark.parametrize("query", ["MLVT-PRA-301/2018", "MLVT-PRA-309/2020", "Vannak Manpower MLVT-PRA-301/2019"])
def test_unknown_or_conflicting_number_is_not_found(lookup_index, query):
    assert ask(lookup_index, query)["status"] == "not_found"


def test_broker_answer_shows_parent_agency_and_its_status(lookup_index):
    answer = ask(lookup_index, "Chea Sokun Moung Ruessei", "broker")
    match = answer["match"]
    assert (match["number"], match["agency"], answer["status"]) == ("MLVT-SUB-0502/2021", "MLVT-PRA-310/2020", "active")
    assert match["agency_status"] == "suspended"
    assert match["may_recruit"] is False


@pytest.mark.parametrize("query,number", [
    ("Chea Sokun Sen Sok", "MLVT-SUB-0501/2021"), ("jea sokun sensok", "MLVT-SUB-0501/2021"),
    ("Sokun Chea Moung Ruessei", "MLVT-SUB-0502/2021"), ("Mao Chanty", "MLVT-SUB-0600/2022"),
    ("maochanthy", "MLVT-SUB-0600/2022"), ("ម៉ៅចាន់ធី", "MLVT-SUB-0600/2022"),
])
def test_brokers(lookup_index, query, number):
    assert ask(lookup_index, query, "broker")["match"]["number"] == number


def test_two_brokers_with_one_name_are_ambiguous(lookup_index):
    answer = ask(lookup_index, "ជា សុគន្ធ", "broker")
    assert answer["status"] == "ambiguous"
    assert len(answer["candidates"]) == 2


@pytest.mark.parametrize("query", ["Chea", "Chea Sokha", "Mao Sokun", "Chea Sokun Chanthy"])
def test_incomplete_or_different_person_is_not_found(lookup_index, query):
    assert ask(lookup_index, query, "broker")["status"] == "not_found"


def test_word_match_kinds():
    assert word_match("manpowr", "manpower").how == "spelling"
    assert word_match("chhim", "chim").how == "romanisation"
    assert word_match("sok", "sak") is None  # very short words: one letter makes another name
    assert word_match("sokhom", "sokha") is None
    assert word_match("vanna", "vannak", {"vanna"}) is None


def test_align_reports_features():
    result = align(["bayon", "man", "power", "golden"], ["bayon", "manpower"], person=False)
    assert not result.accepted
    assert result.features()["extra"] == ["golden"]
    assert ("man power", "manpower", "split") in result.matched


def test_resolvers_for_contract_rules(lookup_index):
    resolution = lookup_index.matcher.resolve_agency("BAYON MANPOWER CO.,LTD")
    assert (resolution.outcome, resolution.licence_number) == ("match", "MLVT-PRA-301/2019")
    assert lookup_index.matcher.resolve_agency("Bayon Golden Manpower").outcome == "not_found"
    broker = lookup_index.matcher.resolve_broker("Chea Sokun")
    assert broker.outcome == "ambiguous"
    assert set(broker.sub_licence_numbers) == {"MLVT-SUB-0501/2021", "MLVT-SUB-0502/2021"}


def test_new_and_renamed_agency_reflected_without_rebuild():
    lookup_index = LookupIndex(invented_snapshot())
    assert ask(lookup_index, "Kirirom Manpower", "agency")["status"] == "not_found"
    agency = AgencyRow(9, "Kirirom Manpower Co., Ltd.", "", "", "", "Kampong Speu", "")
    events = (StatusEvent("issued", dt.date(2026, 11, 1), dt.date(2028, 10, 31)),)
    licence = LicenceRow(9, "MLVT-PRA-400/2026", "MLVTPRA4002026", 9, ("KR",), (), 1, events)
    lookup_index.put_licence(licence, agency)
    assert ask(lookup_index, "kirirom manpower", "agency")["match"]["number"] == "MLVT-PRA-400/2026"
    assert ask(lookup_index, "PRA 400/2026")["status"] == "active"
    lookup_index.put_licence(licence, AgencyRow(9, "Kirirom Star Manpower Co., Ltd.", "", "", "", "", ""))
    assert ask(lookup_index, "kirirom manpower", "agency")["status"] == "not_found"
    assert ask(lookup_index, "kirirom star manpower", "agency")["match"]["number"] == "MLVT-PRA-400/2026"


def test_a_name_many_people_carry_lists_a_few_and_counts_them_all():
    """A common broker name is carried by hundreds of people: the answer lists MAX_LISTED of
    them (each with its number) and says how many there are, instead of all of them."""
    from registry.lookup.service import MAX_LISTED
    from registry.numbers import number_norm
    from registry.queries import BrokerRow, SubLicenceRow

    snapshot = invented_snapshot()
    first = max(snapshot.sub_licences) + 1
    for i in range(first, first + 3 * MAX_LISTED):
        number = f"MLVT-SUB-{i:04d}/2023"
        snapshot.brokers[i] = BrokerRow(i, "Keo Sopheap", "", "F", None, "Kandal", "Ta Khmau", "")
        events = (StatusEvent("granted", dt.date(2023, 1, 1), dt.date(2027, 12, 31)),)
        snapshot.sub_licences[i] = SubLicenceRow(i, number, number_norm(number), i, 1, 1, events)
    answer = LookupIndex(snapshot).answer("keo sopheap", as_of=DAY, kind="broker")
    assert answer["status"] == "ambiguous"
    assert len(answer["candidates"]) == MAX_LISTED
    assert answer["candidates_total"] == 3 * MAX_LISTED
    assert len({c["number"] for c in answer["candidates"]}) == MAX_LISTED


def test_a_broker_registered_later_is_found_by_a_district_no_one_else_has():
    """Place words are first checked against every broker's place at once; a broker added
    incrementally brings their district into that check."""
    from registry.numbers import number_norm
    from registry.queries import BrokerRow, SubLicenceRow

    index = LookupIndex(invented_snapshot())
    assert ask(index, "Chea Sokun Phnum Kravanh", "broker")["status"] == "not_found"
    new = max(index.snapshot.sub_licences) + 1
    number = f"MLVT-SUB-{new:04d}/2024"
    events = (StatusEvent("granted", dt.date(2024, 1, 1), dt.date(2027, 12, 31)),)
    index.put_sub_licence(SubLicenceRow(new, number, number_norm(number), new, 1, 1, events),
                          BrokerRow(new, "Chea Sokun", "", "M", None, "Pursat", "Phnum Kravanh", ""))
    answer = ask(index, "Chea Sokun Phnum Kravanh", "broker")
    assert answer["status"] == "active" and answer["match"]["number"] == number, answer["explanation"]


def test_a_broker_who_moves_is_found_by_the_new_district():
    from dataclasses import replace

    index = LookupIndex(invented_snapshot())
    assert ask(index, "Chea Sokun Sen Sok", "broker")["match"]["number"] == "MLVT-SUB-0501/2021"
    index.put_sub_licence(index.snapshot.sub_licences[1], replace(index.snapshot.brokers[1], district="Daun Penh"))
    assert ask(index, "Chea Sokun Daun Penh", "broker")["match"]["number"] == "MLVT-SUB-0501/2021"
    assert ask(index, "Chea Sokun Sen Sok", "broker")["status"] == "not_found"


def test_regression_a_khmer_query_missed_a_transliterated_business_word_the_latin_one_skips():
    """'kanchana' found Kanhchana Workforce Co., Ltd. (workforce is a business-type word) but its
    Khmer name's own word 'កញ្ចនា' answered not found: the Khmer list lacked 'វើកហ្វស', the
    transliteration of workforce that our example registry uses."""
    import datetime as dt
    from pathlib import Path

    from registry.lookup.csv_snapshot import snapshot_from_csv
    from registry.lookup.service import LookupIndex

    lookup_index = LookupIndex(snapshot_from_csv(Path(__file__).resolve().parents[1] / "examples" / "registry"))
    day = dt.date(2026, 11, 15)
    for query in ("kanchana", "កញ្ចនា"):
        answer = lookup_index.answer(query, as_of=day)
        assert (answer["status"], answer["match"]["number"]) == ("active", "MLVT-PRA-101/2019"), (query, answer)
