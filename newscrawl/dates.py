"""Displayed dates in an edition's own words: month names of any language, Eastern Arabic digits,
and dates shown without a year.

:func:`parse_displayed_date` reads ``30 أيار 2024 23:49``, ``الخميس، ٣٠ مايو ٢٠٢٤ ٢٣:٤٩``,
``23 de julio de 2025 19:20`` or ``23 Julio 19:20`` with the month names it is given (the
tables here, as an edition's :attr:`newscrawl.words.Words.months` names them). Pure: the time
of the fetch is a parameter (:func:`http_date` reads it from the response's ``Date`` header).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_MONTH_NUMBERS = range(1, 13)

#: Levantine (Syriac) month names, as Lebanon, Syria, Jordan, Palestine and Iraq write them.
ARABIC_LEVANTINE = tuple(
    zip(
        ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني",
         "كانون الأول"),
        _MONTH_NUMBERS,
        strict=True,
    )
)  # fmt: skip
#: Egyptian/Gulf month names (from the Latin ones).
ARABIC_EGYPTIAN = tuple(
    zip(
        ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
        _MONTH_NUMBERS,
        strict=True,
    )
)
#: Other spellings of both series: إبريل, يونيه, يوليه, and the names written without hamza or madda.
ARABIC_VARIANTS = (
    ("إبريل", 4), ("يونيه", 6), ("يوليه", 7),
    ("اذار", 3), ("ايار", 5), ("ايلول", 9), ("تشرين الاول", 10), ("كانون الاول", 12),
    ("ابريل", 4), ("اغسطس", 8), ("اكتوبر", 10),
)  # fmt: skip
#: Every Arabic month name.
ARABIC = (*ARABIC_LEVANTINE, *ARABIC_EGYPTIAN, *ARABIC_VARIANTS)
#: Arabic weekday names.
ARABIC_WEEKDAYS = ("الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء", "الخميس", "الجمعة", "السبت", "الأحد", "الاحد")
#: Spanish month names, and "setiembre" for September.
SPANISH = (
    *zip(
        ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
         "diciembre"),
        _MONTH_NUMBERS,
        strict=True,
    ),
    ("setiembre", 9),
)  # fmt: skip
#: Spanish weekday names, with and without accents.
SPANISH_WEEKDAYS = ("lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo")

# Eastern Arabic (U+0660) and Persian (U+06F0) digits → ASCII; the Arabic comma → a comma.
_DIGITS = str.maketrans({**{chr(0x660 + i): str(i) for i in range(10)}, **{chr(0x6F0 + i): str(i) for i in range(10)}, "،": ","})


def western_digits(text: str) -> str:
    """``"٣٠ أيار ٢٠٢٤، ٢٣:٤٩"`` → ``"30 أيار 2024, 23:49"``: Eastern Arabic and Persian digits as
    ASCII digits, the Arabic comma as a comma."""
    return text.translate(_DIGITS)


@lru_cache(maxsize=16)
def displayed_date_pattern(months: tuple[tuple[str, int], ...], weekdays: tuple[str, ...] = ()) -> re.Pattern[str]:
    """The pattern of a displayed date with these month names, in text whose digits are ASCII
    (:func:`western_digits`): an optional weekday and comma, the day, an optional ``de``, the
    month, an optional year (after an optional ``de``) and an optional ``HH:MM`` time."""

    def words(names: tuple[str, ...]) -> str:
        return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True))

    weekday = rf"(?:(?:{words(weekdays)})\s*,?\s*)?" if weekdays else ""
    return re.compile(
        rf"{weekday}(?<!\d)(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month>{words(tuple(n for n, _ in months))})(?!\w)"
        rf"(?:,?\s+(?:de\s+|del\s+)?(?P<year>\d{{4}}))?(?:,?\s+(?:a\s+las\s+)?(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?",
        re.IGNORECASE,
    )


def find_displayed_date(text: str, months: tuple[tuple[str, int], ...], weekdays: tuple[str, ...] = ()) -> str | None:
    """The displayed date inside a longer line, as the page writes it (its digits unchanged):
    ``"Publicado: 23 Julio 19:20"`` → ``"23 Julio 19:20"``."""
    match = displayed_date_pattern(months, weekdays).search(western_digits(text))
    # translating changes no length: the match's span is the original's
    return text[match.start() : match.end()].strip() if match else None


def parse_displayed_date(
    text: str,
    months: tuple[tuple[str, int], ...],
    tz: str | None,
    *,
    anchor: datetime | None = None,
    fetched: datetime | None = None,
    weekdays: tuple[str, ...] = (),
) -> str | None:
    """A displayed date in ISO 8601: with its time, local time in ``tz`` with its offset there
    (``30 أيار 2024 23:49`` → ``2024-05-30T23:49:00+03:00`` in Asia/Beirut, ``+02:00`` in
    winter); without one, the date alone (``2024-05-30``). ``tz=None`` leaves the time naive.

    ``months`` are the month names (:data:`ARABIC`, :data:`SPANISH`...) with their numbers,
    matched case-insensitively; digits may be Eastern Arabic, the weekday may lead
    (``الخميس، ...``, a ``weekdays`` name).

    A date shown without a year (``23 Julio 19:20``) takes it:

    - from ``anchor``, the page's metadata date, when there is one: the year that puts the date
      nearest to it (the anchor's own year, except across a new year's night);
    - else the latest such date not after ``fetched``, when the page was sent (its ``Date``
      header, :func:`http_date`; UTC now when not given): 23 December read on 10 January is
      last year's.

    ``None`` when no date in these words is found, or it does not exist (30 February).
    """
    match = displayed_date_pattern(months, weekdays).search(western_digits(text))
    if match is None:
        return None
    folded = re.sub(r"\s+", " ", match["month"]).casefold()
    month = next(number for name, number in months if name.casefold() == folded)
    day = int(match["day"])
    clock = (int(match["hour"]), int(match["minute"])) if match["hour"] else (0, 0)
    zone = ZoneInfo(tz) if tz else None
    if match["year"]:
        moment = _moment(int(match["year"]), month, day, clock, zone)
    else:
        moment = _year_of(month, day, clock, zone, anchor=anchor, fetched=fetched or datetime.now(timezone.utc))
    if moment is None:
        return None
    if not match["hour"]:
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds")


def _moment(year: int, month: int, day: int, clock: tuple[int, int], zone: ZoneInfo | None) -> datetime | None:
    try:
        return datetime(year, month, day, *clock, tzinfo=zone)
    except ValueError:
        return None


def _year_of(
    month: int, day: int, clock: tuple[int, int], zone: ZoneInfo | None, *, anchor: datetime | None, fetched: datetime
) -> datetime | None:
    """The moment of a date shown without its year (see :func:`parse_displayed_date`)."""
    if anchor is not None:
        candidates = [m for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (m := _moment(y, month, day, clock, zone))]
        return min(candidates, key=lambda m: abs(_delta(m, anchor)), default=None)
    for year in range(fetched.year, fetched.year - 8, -1):  # 29 February: back to a leap year
        moment = _moment(year, month, day, clock, zone)
        if moment is not None and _delta(moment, fetched) <= timedelta(0):
            return moment
    return None


def _delta(moment: datetime, other: datetime) -> timedelta:
    """``moment - other``, a naive one of them taken as being in the other's zone."""
    if (moment.tzinfo is None) != (other.tzinfo is None):
        moment, other = moment.replace(tzinfo=None), other.replace(tzinfo=None)
    return moment - other


def date_of(value: str | None) -> datetime | None:
    """An ISO 8601 date or time (a metadata date), as a datetime; ``None`` if it is not one."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if isinstance(parsed, datetime) else datetime.combine(parsed, datetime.min.time())


def http_date(value: str | bytes | None) -> datetime | None:
    """An HTTP ``Date`` header (``Sat, 10 Jan 2026 08:00:00 GMT``) as an aware datetime: when the
    server sent the page, the moment a date it shows without a year was written against.
    ``None`` when there is none or it cannot be read."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    try:
        moment = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    # an HTTP-date is GMT; an obsolete form without a zone still means it
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment
