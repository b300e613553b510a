"""SQL of the days the desk counts articles by, and of the bins (day, ISO week, month) a range of
days is shown in.

An article's day is its UTC date where its time has an offset, so that days compare and sort alike
across editions and sites; where its time has none (a date alone, a time the ``news`` spider found
without its zone), the date the site gives, so that such an article still counts.
"""

from __future__ import annotations

from newscrawl.archive.schema import utc_sql

#: The longest range, in days (both ends included), shown by day; a longer one up to
#: :data:`WEEK_BINS_UP_TO` days is shown by ISO week, a longer one still by month.
DAY_BINS_UP_TO = 62
#: The longest range, in days, shown by ISO week.
WEEK_BINS_UP_TO = 366


def published_day(table: str, *, stored: bool = True) -> str:
    """SQL of the day ``table``'s article was published, ``YYYY-MM-DD``: the UTC date of its
    ``published_at`` where that has an offset, else its first ten characters; NULL without one.
    ``stored``: read ``published_at_utc`` (schema version 3 on); else compute the same UTC time
    from ``published_at`` as that column does, for an archive of any version."""
    utc = f"{table}.published_at_utc" if stored else utc_sql(f"{table}.published_at")
    return f"coalesce(substr({utc}, 1, 10), substr({table}.published_at, 1, 10))"


def bin_unit(first: str, last: str) -> str:
    """SQL of the bin a range of days is shown in, from the SQL of its first and last day
    (``YYYY-MM-DD``, both included): ``'day'`` up to :data:`DAY_BINS_UP_TO` days, ``'week'`` up
    to :data:`WEEK_BINS_UP_TO`, ``'month'`` beyond; ``'day'`` for a range without days (NULL)."""
    days = f"(julianday({last}) - julianday({first}) + 1)"
    return f"CASE WHEN {days} > {WEEK_BINS_UP_TO} THEN 'month' WHEN {days} > {DAY_BINS_UP_TO} THEN 'week' ELSE 'day' END"


def bin_start(day: str, unit: str) -> str:
    """SQL of the first day of the bin of ``unit`` (SQL of ``'day'``, ``'week'``, ``'month'``)
    that ``day`` falls in: the day itself, the Monday of its ISO week, the first of its month."""
    return (
        f"CASE {unit} WHEN 'month' THEN date({day}, 'start of month') "
        f"WHEN 'week' THEN date({day}, '-6 days', 'weekday 1') ELSE date({day}) END"
    )


def bin_end(start: str, unit: str) -> str:
    """SQL of the day after the bin of ``unit`` that begins on ``start`` (where a bar ends)."""
    return f"CASE {unit} WHEN 'month' THEN date({start}, '+1 month') WHEN 'week' THEN date({start}, '+7 days') ELSE date({start}, '+1 day') END"
