"""Numbers, money and dates as contracts print them (cases of our own, not from the corpus)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from importers.terms.dates import find_dates
from importers.terms.money import find_money
from importers.terms.numbers import parse_number, words_to_number


@pytest.mark.parametrize("printed, value", [
    ("7,450", "7450"),
    ("3.600.000", "3600000"),
    ("៣.៦០០.០០០", "3600000"),
    ("៤,២៥០", "4250"),
    ("12.75", "12.75"),
    ("1.234,56", "1234.56"),
    ("9 800", "9800"),
    ("615", "615"),
])
def test_parse_number(printed, value):
    assert parse_number(printed) == Decimal(value)


def test_parse_number_rejects_non_figures():
    assert parse_number("N/A") is None


@pytest.mark.parametrize("words, value", [
    ("four hundred and twelve", 412),
    ("twenty-seven", 27),
    ("one million five hundred thousand", 1500000),
    ("ប្រាំមួយរយម្ភៃប្រាំ", 625),
    ("បីលានប្រាំពីររយពាន់", 3700000),
    ("ដប់ប្រាំបី", 18),
])
def test_words_to_number(words, value):
    assert words_to_number(words) == Decimal(value)


def test_words_to_number_refuses_other_words():
    assert words_to_number("monthly salary") is None


@pytest.mark.parametrize("text, amount, currency", [
    ("a fee of US$75 is due", "75", "USD"),
    ("RM1,750 a month", "1750", "MYR"),
    ("MYR 1,750", "1750", "MYR"),
    ("฿9,000", "9000", "THB"),
    ("₩2,150,000 monthly", "2150000", "KRW"),
    ("¥1,050 an hour", "1050", "JPY"),
    ("HK$4,990", "4990", "HKD"),
    ("S$780", "780", "SGD"),
    ("SAR 1,500", "1500", "SAR"),
    ("៣.៥០០.០០០ រៀល", "3500000", "KHR"),
    ("៤៥០,០០០៛", "450000", "KHR"),
    ("៧៥ ដុល្លារអាមេរិក", "75", "USD"),
    ("៧៥ ដុល្លា រអាមេរិក", "75", "USD"),  # a text layer's stray space inside the word
    ("១,៨០០ រីងហ្គីត", "1800", "MYR"),
    ("four hundred twelve baht", "412", "THB"),
    ("ប្រាំរយ ដុល្លារ", "500", "USD"),
    ("KHR 1,200,000", "1200000", "KHR"),
])
def test_find_money(text, amount, currency):
    found = find_money(text)
    assert [(m.amount, m.currency) for m in found][:1] == [(Decimal(amount), currency)]


def test_symbols_win_over_bare_dollar():
    assert [m.currency for m in find_money("HK$10 and S$20 and $30")] == ["HKD", "SGD", "USD"]


def test_zero_is_an_amount():
    assert [m.amount for m in find_money("service fee: USD 0")] == [Decimal(0)]


@pytest.mark.parametrize("text, day", [
    ("signed on 03/02/2025", dt.date(2025, 2, 3)),
    ("on 03.02.2025", dt.date(2025, 2, 3)),
    ("០៣/០២/២០២៥", dt.date(2025, 2, 3)),
    ("February 3, 2025", dt.date(2025, 2, 3)),
    ("3 Feb 2025", dt.date(2025, 2, 3)),
    ("03-Feb-2025", dt.date(2025, 2, 3)),
    ("the 3rd day of February 2025", dt.date(2025, 2, 3)),
    ("ថ្ងៃទី៣ ខែកុម្ភៈ ឆ្នាំ២០២៥", dt.date(2025, 2, 3)),
    ("ថ្ងៃទី ៣ ខែ កុម្ភៈ ឆ្នាំ ២០២៥", dt.date(2025, 2, 3)),
    ("2025-02-03", dt.date(2025, 2, 3)),
])
def test_find_dates_day_first(text, day):
    assert [f.value for f in find_dates(text)] == [day]


def test_impossible_date_is_ignored():
    assert find_dates("31/02/2025") == []


def test_regression_a_misread_year_became_the_signing_date():
    """'21 May 1102' (digits of 2011 read backwards) was a date, and the contract was judged as
    signed in 1102; a contract's dates lie between 1900 and 2100."""
    assert find_dates("signed on 21 May 1102") == []
    assert [found.value for found in find_dates("signed on 21 May 2011 in Phnom Penh")] == [dt.date(2011, 5, 21)]
    assert [found.value for found in find_dates("born 1900-01-01, valid until 2100-12-31")] == [
        dt.date(1900, 1, 1), dt.date(2100, 12, 31)]
