"""Trips: parsing, the plausibility of their figures, and reading them from the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    PsaClient,
    TripFigures,
    parse_trip,
    parse_trips,
    trip_figures,
)
from simulator.identities import DEMO_USER
from simulator.testing import RunningSimulator

from .conftest import BRAND, TokenBox

REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"
TRIP_FILES = sorted(REALWORLD.glob("*trips*.json")) if REALWORLD.is_dir() else []


def _trip(**fields: Any) -> dict[str, Any]:
    return {"id": "t1", "startedAt": "2026-09-12T09:49:48Z", **fields}


def _figures(doc: dict[str, Any]) -> TripFigures:
    trip = parse_trip(doc)
    assert trip is not None
    return trip_figures(trip)


def test_spec_units_are_read_as_sent() -> None:
    doc = _trip(
        duration=1800,
        distance=25.0,
        done=True,
        energyConsumptions=[
            {"type": "Fuel", "consumption": 1.5, "avgConsumption": 600.0},
            {"type": "Electric", "consumption": 4.0, "avgConsumption": 16000.0},
        ],
        kinetic={"avgSpeed": 50.0, "maxSpeed": 90.0},
        segments=[{"propulsion": "Electric", "percent": 40}],
    )
    figures = trip_figures(parse_trips({"_embedded": {"trips": [doc]}})[0])
    assert figures.distance_km == 25.0
    assert figures.duration_s == 1800
    assert figures.average_speed_kmh == 50.0
    assert figures.fuel_used_l == 1.5
    assert figures.fuel_l_per_100km == pytest.approx(6.0)
    assert figures.electric_used_kwh == 4.0
    assert figures.electric_kwh_per_100km == pytest.approx(16.0)
    assert figures.electric_share_pct == 40
    assert figures.ended_at == datetime(2026, 9, 12, 10, 19, 48, tzinfo=UTC)
    assert not figures.incomplete


def test_centilitres_and_watt_hours_are_recognised_by_plausibility() -> None:
    doc = _trip(
        duration=312,
        distance=3.1,
        energyConsumptions=[
            {"type": "Fuel", "consumption": 32.184},
            {"type": "Electric", "consumption": 520.0},
        ],
        kinetic={"avgSpeed": 16.53, "maxSpeed": 0.0},
    )
    trip = parse_trip(doc)
    assert trip is not None
    figures = trip_figures(trip)
    assert figures.fuel_used_l == pytest.approx(0.32184)
    assert figures.electric_used_kwh == pytest.approx(0.52)
    # 16.53 fits neither 3.1 km in 312 s nor any unit: distance over duration is shown.
    assert figures.average_speed_kmh == pytest.approx(3.1 / 312 * 3600)


def test_implausible_figures_are_not_shown() -> None:
    doc = _trip(
        duration=60,
        distance=40.0,
        energyConsumptions=[{"type": "Fuel", "consumption": 5000.0}],
    )
    figures = _figures(doc)
    assert figures.distance_km is None  # 2400 km/h
    assert figures.average_speed_kmh is None
    assert figures.fuel_used_l is None
    short = _figures(
        _trip(
            duration=197, distance=0.2, energyConsumptions=[{"type": "Fuel", "consumption": 0.05}]
        )
    )
    assert short.distance_km == 0.2
    assert short.fuel_used_l is None  # too short for a meaningful consumption


def test_a_faulted_trip_is_flagged_and_never_zero_km() -> None:
    doc = _trip(
        duration=540,
        distance=0.0,
        done=True,
        faults=[{"fault": "DataLacking", "cause": "GeoPrivacy"}],
    )
    trip = parse_trip(doc)
    assert trip is not None
    assert trip.finished
    assert trip.incomplete
    figures = trip_figures(trip)
    assert figures.incomplete
    assert figures.faults == ("DataLacking:GeoPrivacy",)
    assert figures.distance_km is None


@pytest.mark.parametrize(
    "doc",
    [None, [], {}, {"id": None}, {"id": "x", "distance": "far", "duration": -3, "faults": 7}],
)
def test_odd_documents_never_raise(doc: object) -> None:
    trips = parse_trips(doc if isinstance(doc, list) else [doc])
    for trip in trips:
        figures = trip_figures(trip)
        assert figures.distance_km is None
        assert figures.duration_s is None


def test_done_flag_and_its_absence() -> None:
    running_trip = parse_trip(_trip(done=False, duration=1038, distance=5.5))
    old_trip = parse_trip(_trip(duration=724, distance=6.2))
    bare = parse_trip(_trip())
    assert running_trip is not None
    assert not running_trip.finished
    assert old_trip is not None
    assert old_trip.finished
    assert bare is not None
    assert not bare.finished


@pytest.mark.skipif(not TRIP_FILES, reason=f"no real-world trip bodies at {REALWORLD}")
@pytest.mark.parametrize("path", TRIP_FILES, ids=lambda path: path.name)
def test_every_realworld_trip_file_parses_plausibly(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    trips = parse_trips(raw)
    assert len(trips) == len(raw)
    for trip in trips:
        figures = trip_figures(trip)
        assert figures.started_at is not None
        if figures.distance_km is not None and figures.duration_s:
            assert 0 <= figures.average_speed_kmh <= 250  # type: ignore[operator]
        if figures.fuel_l_per_100km is not None:
            assert 1.5 <= figures.fuel_l_per_100km <= 30


async def test_trips_from_the_simulator_newest_after_a_time(
    client: PsaClient, running: RunningSimulator
) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    every = await client.get_trips(vehicle_id)
    assert len(every) >= 2
    assert every == sorted(every, key=lambda trip: trip.started_at)  # type: ignore[arg-type,return-value]
    running.sim.start_trip(vehicle_id, 600, 60)
    running.sim.advance(900)
    newer = await client.get_trips(vehicle_id, started_after=every[-1].started_at)
    assert len(newer) == 1
    assert newer[0].finished
    truth = running.sim.truth()[vehicle_id]["last_trip"]
    figures = trip_figures(newer[0])
    assert figures.trip_id == truth["id"]
    assert figures.distance_km == pytest.approx(truth["distance_km"], abs=0.05)
    faulted = await client.get_trips(vehicle_id, states=["DataLacking"])
    assert [trip.incomplete for trip in faulted] == [True]


async def test_trip_pages_are_all_read(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[1]
    since = running.sim.now()
    for _ in range(3):
        running.sim.start_trip(vehicle_id, 300, 50)
        running.sim.advance(600)
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
        page_size=1,
    )
    trips = await client.get_trips(vehicle_id, started_after=since - timedelta(seconds=1))
    assert len(trips) == 3
    assert running.sim.stats()["requests"]["getTripsByVehicle"] == 3
