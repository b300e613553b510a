"""Al Mayadeen's editions: hosts, languages, time zone, site names, and the words each speaks
(labels, counters, month names, sections and regions), kept as data in ``words.toml`` beside
this module (English from the site notes, Arabic and Spanish from the pages seen of those
editions)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from newscrawl import dates
from newscrawl.sites.profile import Edition
from newscrawl.words import ENGLISH, Words

#: The names the English edition appends to titles ("Headline | Al Mayadeen English").
SITE_NAMES = ("Al Mayadeen English", "Al Mayadeen Español", "Al Mayadeen", "الميادين")
#: Displayed times carry no offset; they are Beirut local time.
TIMEZONE = "Asia/Beirut"

#: The month and weekday names a ``calendar`` of words.toml names.
_CALENDARS = {"arabic": (dates.ARABIC, dates.ARABIC_WEEKDAYS), "spanish": (dates.SPANISH, dates.SPANISH_WEEKDAYS)}


def _words(table: dict[str, Any]) -> Words:
    """An edition's :class:`Words` from its table of ``words.toml``."""
    values = dict(table)
    months, weekdays = _CALENDARS[values.pop("calendar")] if "calendar" in values else ((), ())
    own = tuple(values.pop("byline_prefixes", ()))
    return Words(
        **{name: tuple(value) for name, value in values.items() if name not in ("sections", "regions")},
        byline_prefixes=(*own, *(prefix for prefix in ENGLISH.byline_prefixes if prefix not in own)),
        months=months,
        weekdays=weekdays,
        sections=tuple(values.get("sections", {}).items()),
        regions=tuple(values.get("regions", {}).items()),
    )


_WORDS = {
    code: _words(table)
    for code, table in tomllib.loads((Path(__file__).parent / "words.toml").read_text(encoding="utf-8")).items()
}

#: The editions, by code.
EDITIONS: dict[str, Edition] = {
    "en": Edition("en", "https://english.almayadeen.net", "en", TIMEZONE, SITE_NAMES, words=_WORDS["en"]),
    "ar": Edition(
        "ar", "https://www.almayadeen.net", "ar", TIMEZONE, ("قناة الميادين", "الميادين نت", "الميادين"), "rtl", _WORDS["ar"]
    ),
    "es": Edition(
        "es", "https://espanol.almayadeen.net", "es", TIMEZONE, ("Red El Mayadeen", "Al Mayadeen Español"), words=_WORDS["es"]
    ),
}
