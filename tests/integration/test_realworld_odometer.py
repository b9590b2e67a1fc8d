"""The odometer guard: a 0 or a drop keeps the last good reading, logged once per spell."""

from __future__ import annotations

from dataclasses import replace
import logging

import pytest

from custom_components.psa_connected_car.api import VehicleStatus, parse_status
from custom_components.psa_connected_car.vehicles.odometer import keep_good_odometer

LOGGER = "custom_components.psa_connected_car.vehicles.odometer"


def _status(km: float | None) -> VehicleStatus:
    return replace(parse_status({}), odometer_km=km)


@pytest.mark.parametrize(
    ("before", "now", "shown"),
    [
        (None, 100.0, 100.0),
        (100.0, 100.0, 100.0),
        (100.0, 150.5, 150.5),
        (100.0, 0.0, 100.0),
        (100.0, 99.9, 100.0),
        (None, 0.0, None),
        (100.0, None, None),
    ],
)
def test_keeps_the_last_good_reading(
    before: float | None, now: float | None, shown: float | None
) -> None:
    previous = _status(before) if before is not None else None
    kept = keep_good_odometer(previous, _status(now))
    assert kept is not None
    assert kept.odometer_km == shown


def test_no_status_stays_none() -> None:
    assert keep_good_odometer(_status(5.0), None) is None


def test_logged_once_per_bad_spell(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    status = _status(1200.0)
    for reading in (0.0, 0.0, 1100.0, 1250.0, 0.0):
        status = keep_good_odometer(status, _status(reading)) or status
    assert status.odometer_km == 1250.0
    messages = [r for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 2
    assert all(record.levelno == logging.DEBUG for record in messages)
