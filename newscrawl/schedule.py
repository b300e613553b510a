"""When an archived article is due for a re-check: a decaying schedule, as pure functions.

A schedule is a list of ``(age, interval)`` steps, youngest first: an article published less
than ``age`` ago is re-fetched once its last fetch is ``interval`` old. An article older than
the last step is not re-checked (a full pass, ``-a full=1``, still re-fetches it). The setting
``RECHECK_SCHEDULE`` writes it as ``"6h:1h, 2d:6h, 14d:1d, 90d:30d"``: often in the first hours,
then daily, then rarely.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

#: The default ``RECHECK_SCHEDULE``.
DEFAULT_SCHEDULE = "6h:1h, 2d:6h, 14d:1d, 90d:30d"

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_SPAN = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")

Schedule = list[tuple[timedelta, timedelta]]


class ScheduleError(ValueError):
    """A ``RECHECK_SCHEDULE`` that does not parse; the message says what is wrong."""


def parse_span(text: str) -> timedelta:
    """``"90m"``, ``"6h"``, ``"14d"`` as a timedelta."""
    match = _SPAN.match(text)
    if not match:
        raise ScheduleError(f"{text.strip()!r} is not a span such as 90m, 6h or 14d")
    return int(match[1]) * _UNITS[match[2]]


def parse_schedule(text: str) -> Schedule:
    """``"6h:1h, 2d:6h"`` as ``[(6 h, 1 h), (2 d, 6 h)]``; ``""`` (never re-check) as ``[]``.

    Ages must grow from step to step."""
    steps: Schedule = []
    for part in filter(str.strip, text.split(",")):
        if part.count(":") != 1:
            raise ScheduleError(f"{part.strip()!r} is not a step age:interval such as 2d:6h")
        age, interval = (parse_span(side) for side in part.split(":"))
        if steps and age <= steps[-1][0]:
            raise ScheduleError(f"ages must grow from step to step, but {part.strip()!r} follows {steps[-1][0]}")
        steps.append((age, interval))
    return steps


def recheck_interval(schedule: Schedule, age: timedelta) -> timedelta | None:
    """How often an article of ``age`` is re-checked; ``None`` when no longer."""
    return next((interval for limit, interval in schedule if age < limit), None)


def is_due(schedule: Schedule, published: str | None, first_seen: str, last_fetched: str, now: datetime) -> bool:
    """Whether an archived article is due for a re-check at ``now``.

    Its age counts from ``published`` (ISO 8601; a time without offset is taken as UTC, a
    date as its midnight), else from when the archive first saw it.
    """
    born = parse_moment(published) or parse_moment(first_seen)
    fetched = parse_moment(last_fetched)
    if born is None or fetched is None:
        return False
    interval = recheck_interval(schedule, max(now - born, timedelta(0)))
    return interval is not None and now - fetched >= interval


def max_age(schedule: Schedule) -> timedelta:
    """The age past which no article is re-checked."""
    return schedule[-1][0] if schedule else timedelta(0)


def parse_moment(value: str | None) -> datetime | None:
    """An ISO 8601 time or date as an aware datetime (no offset: UTC; a date: its midnight);
    ``None`` for nothing or what does not parse."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
