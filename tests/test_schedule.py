"""The re-check schedule: parsing the setting and deciding what is due, as tables."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.schedule import DEFAULT_SCHEDULE, ScheduleError, is_due, max_age, parse_schedule, recheck_interval

H, D = timedelta(hours=1), timedelta(days=1)
NOW = datetime(2025, 7, 9, 12, 0, tzinfo=timezone.utc)
SCHEDULE = parse_schedule(DEFAULT_SCHEDULE)


def test_default_schedule() -> None:
    assert SCHEDULE == [(6 * H, H), (2 * D, 6 * H), (14 * D, D), (90 * D, 30 * D)]
    assert max_age(SCHEDULE) == 90 * D
    assert parse_schedule(" 90m : 15m ") == [(timedelta(minutes=90), timedelta(minutes=15))]
    assert parse_schedule("") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6h", "'6h' is not a step age:interval such as 2d:6h"),
        ("6h:1w", "'1w' is not a span such as 90m, 6h or 14d"),
        ("2d:1h, 6h:1h", "ages must grow from step to step, but '6h:1h' follows 2 days"),
        ("1h:1:1", "'1h:1:1' is not a step"),
    ],
)
def test_bad_schedules(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(text)


@pytest.mark.parametrize(
    ("age", "interval"),
    [(timedelta(0), H), (5 * H, H), (6 * H, 6 * H), (3 * D, D), (89 * D, 30 * D), (90 * D, None), (400 * D, None)],
)
def test_interval_decays_with_age(age: timedelta, interval: timedelta | None) -> None:
    assert recheck_interval(SCHEDULE, age) == interval


@pytest.mark.parametrize(
    ("published", "first_seen", "last_fetched", "due"),
    [
        (
            "2025-07-09T13:30:00+03:00",
            "2025-07-09T10:31:00+00:00",
            "2025-07-09T10:40:00+00:00",
            True,
        ),  # 2 h old, fetched 80 min ago
        ("2025-07-09T13:30:00+03:00", "2025-07-09T10:31:00+00:00", "2025-07-09T11:30:00+00:00", False),  # fetched 30 min ago
        ("2025-07-08T12:00:00+00:00", "2025-07-08T12:05:00+00:00", "2025-07-09T05:00:00+00:00", True),  # 1 day old, 7 h
        ("2025-07-08T12:00:00+00:00", "2025-07-08T12:05:00+00:00", "2025-07-09T07:00:00+00:00", False),  # 1 day old, 5 h
        ("2025-07-08", "2025-07-08T12:05:00+00:00", "2025-07-09T05:00:00+00:00", True),  # a date: from its midnight
        (None, "2025-07-09T11:00:00+00:00", "2025-07-09T11:30:00+00:00", False),  # no date: age from first seen
        (None, "2025-07-09T09:00:00+00:00", "2025-07-09T10:00:00+00:00", True),
        ("2023-11-13T20:45:00+02:00", "2025-07-01T00:00:00+00:00", "2025-07-01T00:00:00+00:00", False),  # too old
        ("not a date", "2025-07-09T09:00:00+00:00", "2025-07-09T10:00:00+00:00", True),  # falls back to first seen
    ],
)
def test_is_due(published: str | None, first_seen: str, last_fetched: str, due: bool) -> None:
    assert is_due(SCHEDULE, published, first_seen, last_fetched, NOW) is due


def test_empty_schedule_never_rechecks() -> None:
    assert not is_due([], "2025-07-09T11:00:00+00:00", "2025-07-09T11:00:00+00:00", "2025-07-01T00:00:00+00:00", NOW)
