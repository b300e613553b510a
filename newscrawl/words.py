"""The words an edition's pages label their parts with: :class:`Words`.

The generic layers find a "Source:" line, a "By" byline, a "5 Shares" counter or a displayed
date by these words, which they take as a parameter; :data:`ENGLISH` (what any news site in
English and a few neighbouring languages writes) is their default. A site profile gives each of
its editions its own (:attr:`newscrawl.sites.profile.Edition.words`), so that nothing outside
the profile knows a site's words. All matching is case-insensitive.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    """An edition's labels, counters, menus and month names, as its pages show them."""

    #: Labels of the wire agency's line, before a colon (``Source: TASS``, ``Fuente: EFE``).
    source_labels: tuple[str, ...] = ("source", "sources")
    #: Words a byline starts with, before the name (``By Jane Doe``, ``بقلم: ...``).
    byline_prefixes: tuple[str, ...] = ("by", "von", "par", "por", "di", "door", "av", "af")
    #: Words that may stand before a byline prefix (``Written by``, ``A cura di``).
    byline_lead_ins: tuple[str, ...] = ("written", "reported", "a cura")
    #: The share counter's word after its number, singular and plural (``5 Shares``).
    shares: tuple[str, ...] = ("share", "shares")
    #: The view counter's word after its number (``20 Visualizaciones``); none: not read.
    views: tuple[str, ...] = ()
    #: The read time's words after its number of minutes (``4 Min Read``); a space in them
    #: also matches a dot and spaces (``4 Min. Read``).
    read_time: tuple[str, ...] = ("min read", "mins read", "minute read", "minutes read")
    #: Read-time phrases that mean one minute with no number (``دقيقة قراءة``).
    read_time_one: tuple[str, ...] = ()
    #: The ticker's label, which is no line of it (``BREAKING``).
    ticker_labels: tuple[str, ...] = ("breaking", "breaking news")
    #: Month names of displayed dates with their numbers, every spelling the edition uses
    #: (:mod:`newscrawl.dates`); none: the English months, read by
    #: :func:`newscrawl.processors.parse_datetime`.
    months: tuple[tuple[str, int], ...] = ()
    #: Weekday names that may open a displayed date (``الخميس، 30 أيار 2024 23:49``).
    weekdays: tuple[str, ...] = ()
    #: Listing paths of the edition's menu sections → their labels (``/entrevistas`` →
    #: ``Entrevistas``), for pages whose menus the crawl has not read.
    sections: tuple[tuple[str, str], ...] = ()
    #: Listing paths of its regions → their labels (``/regiones/europa`` → ``Europa``).
    regions: tuple[tuple[str, str], ...] = ()
    #: Region labels of its menus, for a menu link whose path does not say it is a region.
    region_names: tuple[str, ...] = ()

    def all_region_names(self) -> frozenset[str]:
        """Every region label, case-folded: :attr:`region_names` and the labels of :attr:`regions`."""
        return frozenset(name.casefold() for name in (*self.region_names, *(label for _, label in self.regions)))


#: The generic words: English, with byline prefixes of other languages written in Latin script.
ENGLISH = Words()
