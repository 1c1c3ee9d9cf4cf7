"""Normalisation: what varies without changing identity disappears, what identifies stays."""
from __future__ import annotations

import pytest

from registry.lookup.normalise import fold, is_business_word, normalise_name, parse_number, sound_key


@pytest.mark.parametrize("typed", [
    "Bayon Manpower Co., Ltd.", "BAYON MANPOWER CO LTD", "bayon manpower company limited",
    "Bayon Manpower Co.,Ltd", "Company Bayon Manpower", "bayon manpower", "Bayon  Manpower, Ltd.",
    "Bayon Manpower o., Ltd.", "Bayon Manpower Co. Limted",
])
def test_latin_legal_forms_and_case_do_not_matter(typed):
    assert normalise_name(typed).tokens == ("bayon", "manpower")


@pytest.mark.parametrize("typed", [
    "ក្រុមហ៊ុន បាយ័ន ម៉ែនផៅវ័រ ខូ អិលធីឌី", "បាយ័ន ម៉ែនផៅវ័រ", "ក្រុមហ៊ុនបាយ័ន ម៉ែនផៅវ័រ ខូអិលធីឌី",
    "ក្រុមហ៊ុន បាយ័ន ម៉ែនផៅវ័រ ឯ.ក", "បាយ័ន ម៉ែនផៅវ័រ ឯក", "ក្រុមហ៊ុន បាយ័ន\u200cម៉ែនផៅវ័រ\u200b",
])
def test_khmer_legal_forms_and_invisible_characters(typed):
    assert "".join(normalise_name(typed).tokens) == "បាយ័នម៉ែនផៅវ័រ"


def test_khmer_legal_form_not_stripped_inside_word():
    """Regression: "ឯ.ក" typed without its dot is "ឯក", which also starts ordinary words (ឯកភាព)."""
    assert normalise_name("ក្រុមហ៊ុន ធនធានមនុស្ស ឯកភាព ឯ.ក").tokens == ("ធនធានមនុស្ស", "ឯកភាព")


def test_person_names_keep_words_that_look_like_legal_forms():
    assert normalise_name("Co Sopheak", legal_forms=False).tokens == ("co", "sopheak")


def test_fold_digits_accents_and_invisible_characters():
    assert fold("Café ១២៣\u200dx") == "cafe 123x"


def test_romanisation_variants_become_one_spelling():
    assert normalise_name("Phnum Penh Sensok").tokens == ("phnom", "penh", "sen", "sok")


@pytest.mark.parametrize("a,b", [("chhim", "chim"), ("rattana", "rathana"), ("jea", "chea"), ("toul", "tuol")])
def test_sound_key_merges_romanisations(a, b):
    assert sound_key(a) == sound_key(b)


@pytest.mark.parametrize("a,b", [("sophea", "sothea"), ("dara", "dary"), ("sokha", "sokhom")])
def test_sound_key_keeps_different_names_apart(a, b):
    assert sound_key(a) != sound_key(b)


@pytest.mark.parametrize("typed,kind,serial,year", [
    ("MLVT-PRA-301/2019", "agency", 301, 2019),
    ("mlvt pra 301-2019", "agency", 301, 2019),
    ("PRA ៣០១/២០១៩", "agency", 301, 2019),
    ("mlvtpra0301.2019", "agency", 301, 2019),
    ("៣០១/២០១៩", None, 301, 2019),
    ("MLVT SUB 0077 2023", "broker", 77, 2023),
    ("licence no. MLVT-SUB-០០៧៧/២០២៣", "broker", 77, 2023),
    ("MLVT-PRA-156263/2026", "agency", 156263, 2026),
    ("sub 1000002/2023", "broker", 1000002, 2023),
])
def test_licence_numbers_however_printed(typed, kind, serial, year):
    number = parse_number(typed)
    assert (number.kind, number.serial, number.year) == (kind, serial, year)


@pytest.mark.parametrize("typed", ["No. 12, St. 99", "Bayon Manpower", "MLVT-PRA-301", "tel 012 345 678",
                                   "tel 012345678 2024"])
def test_text_without_a_licence_number(typed):
    assert parse_number(typed) is None


def test_business_words_latin_and_fused_khmer():
    assert is_business_word("manpower")
    assert is_business_word("ជ្រើសរើសពលករអន្តរជាតិ")
    assert not is_business_word("បាយ័ន")
    assert not is_business_word("bayon")


def test_courtesy_titles_before_a_person_name():
    assert normalise_name("Mr. Chea Sokun", legal_forms=False).tokens == ("chea", "sokun")
    assert normalise_name("លោកស្រី ជា សុគន្ធ", legal_forms=False).tokens == ("ជា", "សុគន្ធ")
