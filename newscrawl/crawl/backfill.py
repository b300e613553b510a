"""The window of a sitemap backfill (``-a discover=sitemap -a since=... -a until=...``) and which
sitemap entries fall in it, as pure functions."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from newscrawl.crawl.arguments import SpiderArgumentError


@dataclass(frozen=True)
class DateWindow:
    """Publication dates from ``since`` to ``until``, both included; ``None`` leaves a side open."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> DateWindow:
        """The window of the ``since`` and ``until`` arguments (``YYYY-MM-DD``), checked."""
        window = cls(_day("since", since), _day("until", until))
        if window.since and window.until and window.since > window.until:
            raise SpiderArgumentError(f"since={since!r} is after until={until!r}")
        return window

    def holds_month(self, year: int, month: int) -> bool:
        """Whether some day of the month is in the window (a monthly sitemap worth reading)."""
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return not ((self.since and last < self.since) or (self.until and first > self.until))

    def may_hold(self, published: str | None, lastmod: str | None) -> bool:
        """Whether a sitemap entry can be an article of the window: by its news publication date
        where it gives one; else an entry last modified before ``since`` was published before it."""
        day = _date_of(published)
        if day is not None:
            return not ((self.since and day < self.since) or (self.until and day > self.until))
        modified = _date_of(lastmod)
        return not (self.since and modified is not None and modified < self.since)


def _day(name: str, value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise SpiderArgumentError(f"{name}={value!r} is not a date YYYY-MM-DD") from None


def _date_of(value: str | None) -> date | None:
    """The calendar date a W3C datetime or date names, in its own offset."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None
