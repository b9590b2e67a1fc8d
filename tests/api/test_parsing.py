"""Tolerant primitives: timestamps, durations, numbers, booleans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.psa_connected_car.api.parsing import (
    CO2_EMISSION_UNKNOWN,
    SCORE_UNKNOWN,
    as_list,
    dig,
    parse_duration,
    parse_timestamp,
    to_bool,
    to_float,
    to_int,
    to_str,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017-08-10T13:46:39.652+0000", datetime(2017, 8, 10, 13, 46, 39, 652000, UTC)),
        ("2000-12-31T15:01:01.000Z", datetime(2000, 12, 31, 15, 1, 1, tzinfo=UTC)),
        ("2024-05-02T07:31:05Z", datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)),
        ("2024-05-02T07:31:05", datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)),
        ("2024-05-02 07:31", datetime(2024, 5, 2, 7, 31, tzinfo=UTC)),
        ("2024-05-02T09:31:05+02:00", datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)),
        ("2024-05-02T05:31:05-0200", datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)),
        ("2024-05-02T08:31:05+01", datetime(2024, 5, 2, 7, 31, 5, tzinfo=UTC)),
        ("2024-05-02T07:31:05.123456789Z", datetime(2024, 5, 2, 7, 31, 5, 123456, UTC)),
        ("2024-05-02T07:31:05,5 UTC", datetime(2024, 5, 2, 7, 31, 5, 500000, UTC)),
        ("2024-05-02", datetime(2024, 5, 2, tzinfo=UTC)),
        ("Mon Jun 03 08:35:36 GMT 2019", datetime(2019, 6, 3, 8, 35, 36, tzinfo=UTC)),
        (1_600_000_000, datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        (1_600_000_000_000, datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
    ],
)
def test_timestamps_become_aware_utc(raw: object, expected: datetime) -> None:
    parsed = parse_timestamp(raw)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "raw",
    [
        "unknown",
        "10/13/2051",
        "",
        "2024-13-01T00:00:00Z",
        "2024-05-02T25:00:00Z",
        "Mon Foo 03 08:35:36 GMT 2019",
        "0001-01-01T00:00:00+01:00",
        None,
        True,
        -5,
        float("nan"),
        1e300,
        [],
        {},
    ],
)
def test_unparseable_timestamps_are_none(raw: object) -> None:
    assert parse_timestamp(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PT2H55M", timedelta(hours=2, minutes=55)),
        ("PT04H30M", timedelta(hours=4, minutes=30)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("P1W", timedelta(weeks=1)),
        ("PT0S", timedelta(0)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("pt10m", timedelta(minutes=10)),
        ("-PT5M", timedelta(minutes=-5)),
        ("53", timedelta(seconds=53)),
        (475, timedelta(seconds=475)),
        (-60, timedelta(seconds=-60)),
    ],
)
def test_durations(raw: object, expected: timedelta) -> None:
    assert parse_duration(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "P",
        "PT",
        "P1H",
        "2H",
        "unknown",
        None,
        True,
        "P99999999W",
        "P999999999999W",
        1e300,
        "P5000D",
    ],
)
def test_bad_durations_are_none(raw: object) -> None:
    assert parse_duration(raw) is None


def test_numbers() -> None:
    assert to_float("53") == 53.0
    assert to_float(" 12,5 ") == 12.5
    assert to_float(7) == 7.0
    assert to_float(value=True) is None
    assert to_float("abc") is None
    assert to_float(float("inf")) is None
    assert to_float(None) is None
    assert to_float(-1, sentinels=(CO2_EMISSION_UNKNOWN,)) is None
    assert to_float(999999, sentinels=(SCORE_UNKNOWN,)) is None
    assert to_float(3.97, sentinels=(SCORE_UNKNOWN,)) == 3.97
    assert to_int("44.6") == 45
    assert to_int(1e20) is None
    assert to_int("x") is None


def test_strings_and_booleans() -> None:
    assert to_str("  a ") == "a"
    assert to_str("   ") is None
    assert to_str(12) == "12"
    assert to_str(value=False) is None
    assert to_str(float("nan")) is None
    assert to_str([]) is None
    assert to_bool("TRUE") is True
    assert to_bool("off") is False
    assert to_bool(1) is True
    assert to_bool(0.0) is False
    assert to_bool(2) is None
    assert to_bool("maybe") is None
    assert to_bool(None) is None


def test_containers() -> None:
    assert as_list({"a": 1}) == [{"a": 1}]
    assert as_list((1, 2)) == [1, 2]
    assert as_list("abc") == []
    assert as_list(None) == []
    assert dig({"a": {"b": 1}}, "a", "b") == 1
    assert dig({"a": [1]}, "a", "b") is None
    assert dig(None, "a") is None
