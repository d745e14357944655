"""Printed Arabic dates (publish lines, Levantine months, Arabic-Indic digits, Hijri) and
metadata ISO dates, to ISO 8601 with an offset."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workers.extract import dates
from workers.extract.dates import (
    hijri_to_gregorian,
    normalize_digits,
    parse_iso,
    parse_printed_date,
    read_printed_date,
    to_iso,
)


def iso(text: str) -> str | None:
    moment = parse_printed_date(text)
    return to_iso(moment) if moment else None


@pytest.mark.parametrize(("line", "want"), [
    ("نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ", "2025-06-17T17:32:00+03:00"),
    ("نُشر: 17:32-17 حزيران 2025 م ـ 21 ذو الحجة 1446 هـ", "2025-06-17T17:32:00+03:00"),
    ("نُشر: 17:32-17 يونيو (حزيران) 2025 م ـ 21 ذو الحجة 1446 هـ", "2025-06-17T17:32:00+03:00"),
    ("نُشر: ١٧:٣٢-١٧ يونيو ٢٠٢٥ م ـ ٢١ ذو الحجة ١٤٤٦ هـ", "2025-06-17T17:32:00+03:00"),
    ("آخر تحديث: 09:05-13 يوليو (تموز) 2025 م ـ 18 محرم 1447 هـ", "2025-07-13T09:05:00+03:00"),
    ("نُشر: 00:10-1 كانون الثاني 2025 م", "2025-01-01T00:10:00+03:00"),
    ("نُشر: 23:59-31 كانون الأول 2024 م", "2024-12-31T23:59:00+03:00"),
    ("نُشر: 08:00-2 تشرين الثاني 2025 م", "2025-11-02T08:00:00+03:00"),
    ("نُشر: 08:00-2 تشرين الأول 2025 م", "2025-10-02T08:00:00+03:00"),
    ("12 أغسطس (آب) 2025", "2025-08-12T00:00:00+03:00"),
    ("3 آب 2025", "2025-08-03T00:00:00+03:00"),
    ("5 أيار 2025", "2025-05-05T00:00:00+03:00"),
    ("1 آذار 2025", "2025-03-01T00:00:00+03:00"),
    ("20 أبريل 2025", "2025-04-20T00:00:00+03:00"),
    ("20 ابريل 2025", "2025-04-20T00:00:00+03:00"),
    ("١٧ يونيو ٢٠٢٥", "2025-06-17T00:00:00+03:00"),
    ("۱۷ يونيو ۲۰۲۵", "2025-06-17T00:00:00+03:00"),  # Persian digits
    ("الثلاثاء 17 يونيو 2025 - 10:15 م", "2025-06-17T22:15:00+03:00"),
    ("17/06/2025", "2025-06-17T00:00:00+03:00"),
])
def test_gregorian_lines(line: str, want: str) -> None:
    assert iso(line) == want


@pytest.mark.parametrize(("line", "want"), [
    ("21 ذو الحجة 1446 هـ", "2025-06-17"),
    ("18 محرم 1447 هـ", "2025-07-13"),
    ("٢١ ذو الحجة ١٤٤٦ هـ", "2025-06-17"),
    ("21 ذي الحجة 1446", "2025-06-17"),
    ("1 رمضان 1446 هـ", "2025-03-01"),
    ("1 جمادى الأولى 1447 هـ", "2025-10-23"),
])
def test_hijri_only_lines(line: str, want: str) -> None:
    moment = parse_printed_date(line)
    assert moment is not None
    assert moment.date().isoformat() == want
    assert moment.utcoffset() == timedelta(hours=3)


def test_line_keeps_both_calendars_and_they_agree() -> None:
    printed = read_printed_date("نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ")
    assert printed.gregorian == printed.hijri == date(2025, 6, 17)


def test_hijri_conversion_and_its_range() -> None:
    assert hijri_to_gregorian(21, 12, 1446) == date(2025, 6, 17)
    assert hijri_to_gregorian(18, 1, 1447) == date(2025, 7, 13)
    assert hijri_to_gregorian(1, 1, 1200) is None  # before Umm al-Qura tables


def test_page_that_says_gmt_is_taken_in_utc() -> None:
    assert iso("نُشر: 14:00-12 أغسطس 2025 م بتوقيت غرينتش") == "2025-08-12T14:00:00+00:00"


def test_other_zone_when_asked() -> None:
    cairo = timezone(timedelta(hours=2))
    moment = parse_printed_date("نُشر: 17:32-17 يونيو 2025 م", cairo)
    assert moment is not None and to_iso(moment) == "2025-06-17T17:32:00+02:00"


@pytest.mark.parametrize("line", ["", "نُشر:", "لا تاريخ هنا", "32 يونيو 2025", "17:32"])
def test_lines_without_a_date(line: str) -> None:
    assert parse_printed_date(line) is None


@pytest.mark.parametrize(("value", "want"), [
    ("2025-06-17T17:32:00+03:00", "2025-06-17T17:32:00+03:00"),
    ("2025-06-17T14:32:00Z", "2025-06-17T14:32:00+00:00"),
    ("2025-06-17T17:32:00", "2025-06-17T17:32:00+03:00"),  # naive: the site's zone
    ("2025-06-17 17:32:00", "2025-06-17T17:32:00+03:00"),
    ("2025-06-17", "2025-06-17T00:00:00+03:00"),
    ("2025-06-17T17:32:00.123+0300", "2025-06-17T17:32:00+03:00"),
])
def test_metadata_iso_dates(value: str, want: str) -> None:
    moment = parse_iso(value)
    assert moment is not None and to_iso(moment) == want


@pytest.mark.parametrize("value", [None, "", "yesterday", "17 يونيو 2025"])
def test_metadata_dates_that_are_not_iso(value: str | None) -> None:
    assert parse_iso(value) is None


def test_arabic_indic_digits_normalised() -> None:
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹") == "0123456789 0123456789"


FOLD_ALPHABET = "نشر: 17 يونيو أإآٱى ـ ُ َ" + " \t\n\u00a0\u200f"


@given(st.text(alphabet=st.sampled_from(FOLD_ALPHABET), max_size=40))
@settings(max_examples=800)
def test_folding_is_the_patterns_it_replaced(text: str) -> None:
    """The fold's shortcuts (a replace per alef form present; only runs of spaces to collapse
    in a printable line) give what the patterns give."""
    marks_folded = re.sub(f"[{''.join(dates._ALEF_MAP)}]", lambda m: dates._ALEF_MAP[m[0]],
                          dates._DIACRITICS.sub("", text))
    assert dates._fold_letters(text) == re.sub(r"\s+", " ", marks_folded)


# the one pattern the named and the after-a-time offsets were found by, before they were split
ONE_OFFSET_PATTERN = re.compile(
    r"\b(?:GMT|UTC)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)"
    r"|(?<=\d\d:\d\d)(?::\d\d(?:\.\d+)?)?([+\-−])(\d{2}):?(\d{2})(?!\d)")


@given(st.lists(st.sampled_from(["GMT", "UTC", "x", " ", "+", "-", "−", ":", ".", "0", "3",
                                 "12", "17:32", "نشر", "+03:00", "GMT+3"]),
                max_size=12).map("".join))
@example("GMT+2 17:32+03:00")
@example("17:32+03:00 GMT+2")
@settings(max_examples=1500)
def test_the_first_stated_offset_is_the_one_pattern_s(text: str) -> None:
    found, expected = dates._stated_offset(text), ONE_OFFSET_PATTERN.search(text)
    assert (found is None) == (expected is None)
    if found and expected:
        want = expected.groups()[:3] if expected[1] else expected.groups()[3:]
        assert found.groups() == want


@given(st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=3)),
                                               timezone(timedelta(hours=-5, minutes=-30))])))
@settings(max_examples=300)
def test_iso_is_to_the_second_with_the_offset(moment: datetime) -> None:
    assert to_iso(moment) == moment.isoformat(timespec="seconds")
