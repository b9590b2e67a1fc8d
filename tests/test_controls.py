"""When a delayed charge set as a time of day starts: the next occurrence of that time."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from custom_components.psa_connected_car.controls import next_occurrence

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("now", "at", "expected"),
    [
        # 09:00 in Paris (UTC+1): 22:30 is still ahead today.
        (
            datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
            time(22, 30),
            datetime(2026, 11, 22, 21, 30, tzinfo=UTC),
        ),
        # 07:00 is past: tomorrow.
        (
            datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
            time(7, 0),
            datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
        ),
        # Exactly now is not "next": tomorrow.
        (
            datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
            time(9, 0),
            datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
        ),
        # Late evening UTC is already the next day in Paris.
        (
            datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
            time(1, 0),
            datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
        ),
        # Across the change to summer time: 06:00 the next morning is UTC+2.
        (
            datetime(2026, 3, 28, 20, 0, tzinfo=UTC),
            time(6, 0),
            datetime(2026, 3, 29, 4, 0, tzinfo=UTC),
        ),
        # 02:30 does not exist that night; the clocks show 03:30 instead.
        (
            datetime(2026, 3, 28, 20, 0, tzinfo=UTC),
            time(2, 30),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_next_occurrence(now: datetime, at: time, expected: datetime) -> None:
    """The first moment after now whose local time is the one asked for."""
    assert next_occurrence(now, at, PARIS).astimezone(UTC) == expected
