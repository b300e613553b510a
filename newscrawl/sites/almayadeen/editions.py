"""Al Mayadeen's editions and the names it uses: hosts, languages, time zone, site and region names."""

from __future__ import annotations

from newscrawl.sites.profile import Edition

#: The names the site appends to titles ("Headline | Al Mayadeen English").
SITE_NAMES = ("Al Mayadeen English", "Al Mayadeen Español", "Al Mayadeen", "الميادين")
#: Displayed times carry no offset; they are Beirut local time.
TIMEZONE = "Asia/Beirut"

#: The editions, by code.
EDITIONS: dict[str, Edition] = {
    "en": Edition("en", "https://english.almayadeen.net", "en", TIMEZONE, SITE_NAMES),
    "ar": Edition("ar", "https://www.almayadeen.net", "ar", TIMEZONE, SITE_NAMES, direction="rtl"),
    "es": Edition("es", "https://espanol.almayadeen.net", "es", TIMEZONE, SITE_NAMES),
}

# Region names of the menu, from the site notes; a link labelled so is a region, not a section.
REGION_NAMES = frozenset({"africa", "asia", "asia-pacific", "europe", "latin america", "mena", "palestine", "us & canada"})
