"""Displayed dates in each edition's words (:mod:`newscrawl.dates`): every month name of both
Arabic series and of Spanish, Western and Eastern Arabic digits, with and without a year, across
the Beirut DST changes, and the year of a date shown without one."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newscrawl.dates import (
    ARABIC,
    ARABIC_EGYPTIAN,
    ARABIC_LEVANTINE,
    ARABIC_WEEKDAYS,
    SPANISH,
    SPANISH_WEEKDAYS,
    find_displayed_date,
    http_date,
    parse_displayed_date,
    western_digits,
)

BEIRUT = "Asia/Beirut"
# Beirut's offset on the 15th of each month: +02:00 in winter, +03:00 from late March to late October.
OFFSETS = {1: "+02:00", 2: "+02:00", 3: "+02:00", 4: "+03:00", 5: "+03:00", 6: "+03:00",
           7: "+03:00", 8: "+03:00", 9: "+03:00", 10: "+03:00", 11: "+02:00", 12: "+02:00"}  # fmt: skip
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# A fetch long after every dated example, for dates shown without a year.
FETCHED = datetime(2025, 12, 31, 12, tzinfo=timezone.utc)

LEVANTINE_NAMES = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
                   "تشرين الثاني", "كانون الأول"]  # fmt: skip
EGYPTIAN_NAMES = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
                  "ديسمبر"]  # fmt: skip
SPANISH_NAMES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                 "noviembre", "diciembre"]  # fmt: skip
# (name, month) of every spelling, from the spec of the editions.
ARABIC_MONTHS = [
    *((name, n) for n, name in enumerate(LEVANTINE_NAMES, 1)),
    *((name, n) for n, name in enumerate(EGYPTIAN_NAMES, 1)),
    ("إبريل", 4), ("يونيه", 6), ("يوليه", 7),
]  # fmt: skip
SPANISH_MONTHS = [*((name, n) for n, name in enumerate(SPANISH_NAMES, 1)), ("setiembre", 9)]


def test_the_tables_name_every_month_once_per_series() -> None:
    assert [name for name, _ in ARABIC_LEVANTINE] == LEVANTINE_NAMES
    assert [name for name, _ in ARABIC_EGYPTIAN] == EGYPTIAN_NAMES
    assert sorted({n for _, n in ARABIC_LEVANTINE}) == sorted({n for _, n in ARABIC_EGYPTIAN}) == list(range(1, 13))


@pytest.mark.parametrize(("name", "month"), ARABIC_MONTHS)
@pytest.mark.parametrize("eastern", [False, True], ids=["western", "eastern"])
def test_arabic_month_with_year(name: str, month: int, eastern: bool) -> None:
    shown = f"15 {name} 2024 23:49"
    if eastern:
        shown = shown.translate(EASTERN)
    expected = f"2024-{month:02d}-15T23:49:00{OFFSETS[month]}"
    assert parse_displayed_date(shown, ARABIC, BEIRUT) == expected
    assert parse_displayed_date(f"الخميس، {shown}", ARABIC, BEIRUT, weekdays=ARABIC_WEEKDAYS) == expected


@pytest.mark.parametrize(("name", "month"), ARABIC_MONTHS)
def test_arabic_month_without_year(name: str, month: int) -> None:
    # the latest such date not after the fetch: every month of 2025 is before its last day
    assert (
        parse_displayed_date(f"١٥ {name} ٠٨:٠٥", ARABIC, BEIRUT, fetched=FETCHED)
        == f"2025-{month:02d}-15T08:05:00{OFFSETS[month]}"
    )


@pytest.mark.parametrize(("name", "month"), SPANISH_MONTHS)
@pytest.mark.parametrize("case", [str.lower, str.capitalize, str.upper], ids=["lower", "capitalized", "upper"])
def test_spanish_month(name: str, month: int, case: object) -> None:
    shown = case(name)  # type: ignore[operator]
    iso = f"2025-{month:02d}-15T19:20:00{OFFSETS[month]}"
    assert parse_displayed_date(f"15 de {shown} de 2025 19:20", SPANISH, BEIRUT) == iso
    assert parse_displayed_date(f"15 {shown} 19:20", SPANISH, BEIRUT, fetched=FETCHED) == iso
    assert parse_displayed_date(f"Miércoles, 15 de {shown} de 2025", SPANISH, BEIRUT, weekdays=SPANISH_WEEKDAYS) == iso[:10]


@pytest.mark.parametrize(
    ("shown", "months", "expected"),
    [
        # the seen Spanish page: no year; fetched at the end of 2025, it is July 2025's
        ("23 Julio 19:20", SPANISH, "2025-07-23T19:20:00+03:00"),
        ("23 de julio de 2025 19:20", SPANISH, "2025-07-23T19:20:00+03:00"),
        ("30 أيار 2024 23:49", ARABIC, "2024-05-30T23:49:00+03:00"),
        ("30 مايو 2024 23:49", ARABIC, "2024-05-30T23:49:00+03:00"),
        ("٣٠ أيار ٢٠٢٤ ٢٣:٤٩", ARABIC, "2024-05-30T23:49:00+03:00"),
        ("الخميس، 30 أيار 2024 23:49", ARABIC, "2024-05-30T23:49:00+03:00"),
        ("30 أيار 2024", ARABIC, "2024-05-30"),  # a date alone stays a date
        # Beirut's spring change (last Sunday of March, 00:00 → 01:00) and autumn one (last Sunday of October)
        ("30 آذار 2024 23:59", ARABIC, "2024-03-30T23:59:00+02:00"),
        ("31 آذار 2024 02:00", ARABIC, "2024-03-31T02:00:00+03:00"),
        ("30 de marzo de 2025 12:00", SPANISH, "2025-03-30T12:00:00+03:00"),
        ("29 de marzo de 2025 12:00", SPANISH, "2025-03-29T12:00:00+02:00"),
        ("26 تشرين الأول 2024 12:00", ARABIC, "2024-10-26T12:00:00+03:00"),
        ("27 تشرين الأول 2024 12:00", ARABIC, "2024-10-27T12:00:00+02:00"),
        ("25 Octubre 12:00", SPANISH, "2025-10-25T12:00:00+03:00"),
        ("26 Octubre 12:00", SPANISH, "2025-10-26T12:00:00+02:00"),
        # what is no date in these words
        ("30 February 2024 10:00", SPANISH, None),
        ("30 de febrero de 2024 10:00", SPANISH, None),
        ("Hace 5 minutos", SPANISH, None),
        ("13 Nov 2023 20:45", ARABIC, None),
    ],
)
def test_displayed_dates(shown: str, months: tuple[tuple[str, int], ...], expected: str | None) -> None:
    assert parse_displayed_date(shown, months, BEIRUT, fetched=FETCHED, weekdays=ARABIC_WEEKDAYS) == expected


@pytest.mark.parametrize(
    ("shown", "fetched", "anchor", "expected"),
    [
        # no metadata: the latest such date not after the fetch
        ("23 Diciembre 10:00", datetime(2026, 1, 5, tzinfo=timezone.utc), None, "2025-12-23T10:00:00+02:00"),
        ("5 Enero 10:00", datetime(2026, 1, 5, 12, tzinfo=timezone.utc), None, "2026-01-05T10:00:00+02:00"),
        # a few hours ahead of the fetch is last year's (Beirut 14:00 is 12:00 UTC)
        ("5 Enero 14:30", datetime(2026, 1, 5, 12, tzinfo=timezone.utc), None, "2025-01-05T14:30:00+02:00"),
        ("29 Febrero 10:00", datetime(2026, 3, 1, tzinfo=timezone.utc), None, "2024-02-29T10:00:00+02:00"),
        # the page's metadata date gives the year, whenever the page was fetched
        ("23 Julio 19:20", datetime(2026, 1, 5, tzinfo=timezone.utc), datetime(2023, 7, 23, 16, 20, tzinfo=timezone.utc),
         "2023-07-23T19:20:00+03:00"),
        # ... the nearest one across a new year's night (modified on 2 January, shown 31 December)
        ("31 Diciembre 23:50", datetime(2026, 6, 1, tzinfo=timezone.utc), datetime(2025, 1, 2, tzinfo=timezone.utc),
         "2024-12-31T23:50:00+02:00"),
        # a year on the page wins over both
        ("23 de julio de 2021 19:20", datetime(2026, 1, 5, tzinfo=timezone.utc), datetime(2023, 7, 23, tzinfo=timezone.utc),
         "2021-07-23T19:20:00+03:00"),
    ],
)  # fmt: skip
def test_year_of_a_date_shown_without_one(shown: str, fetched: datetime, anchor: datetime | None, expected: str) -> None:
    assert parse_displayed_date(shown, SPANISH, BEIRUT, fetched=fetched, anchor=anchor) == expected


def test_no_zone_leaves_the_time_naive() -> None:
    assert parse_displayed_date("23 de julio de 2025 19:20", SPANISH, None) == "2025-07-23T19:20:00"


@pytest.mark.parametrize(
    ("line", "months", "expected"),
    [
        ("Publicado: 23 Julio 19:20 · 20 Visualizaciones", SPANISH, "23 Julio 19:20"),
        ("نشر في ٣٠ أيار ٢٠٢٤ ٢٣:٤٩", ARABIC, "٣٠ أيار ٢٠٢٤ ٢٣:٤٩"),
        ("الخميس، 30 مايو 2024 23:49", ARABIC, "الخميس، 30 مايو 2024 23:49"),
        ("20 Visualizaciones", SPANISH, None),
    ],
)
def test_find_displayed_date_keeps_the_page_s_writing(
    line: str, months: tuple[tuple[str, int], ...], expected: str | None
) -> None:
    weekdays = ARABIC_WEEKDAYS if months is ARABIC else SPANISH_WEEKDAYS
    assert find_displayed_date(line, months, weekdays) == expected


def test_western_digits() -> None:
    assert western_digits("٣٠ أيار ٢٠٢٤، ٢٣:٤٩ ۱۲") == "30 أيار 2024, 23:49 12"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Fri, 01 Aug 2025 09:00:00 GMT", datetime(2025, 8, 1, 9, tzinfo=timezone.utc)),
        (b"Fri, 01 Aug 2025 09:00:00 GMT", datetime(2025, 8, 1, 9, tzinfo=timezone.utc)),
        # the obsolete asctime form has no zone: an HTTP-date is GMT
        ("Fri Aug  1 09:00:00 2025", datetime(2025, 8, 1, 9, tzinfo=timezone.utc)),
        ("Friday, 01-Aug-25 09:00:00 GMT", datetime(2025, 8, 1, 9, tzinfo=timezone.utc)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_http_date(header: str | bytes | None, expected: datetime | None) -> None:
    assert http_date(header) == expected
