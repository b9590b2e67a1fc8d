"""When to read a car's trips, what was seen last (kept across restarts), and announcing them.

Trips are read only when one has ended: the car was driving (ignition on or moving) and
now is not, seen by a poll or a push, or it was driving when Home Assistant stopped. The
read asks only for trips started after the last finished one seen (the first read of a
car looks back ``FIRST_LOOKBACK`` and announces only the newest); each finished trip is
announced once. The last trip seen lives in a ``Store`` of the entry, not in the entry's data:
it changes after every trip, and the entry's data is configuration whose updates wake
its listeners.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, fields, replace
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from ..api import (
    AuthenticationError,
    PsaClient,
    PsaError,
    RateLimitedError,
    Trip,
    TripFigures,
    Vehicle,
    mask_vin,
    parse_timestamp,
    trip_figures,
)
from ..const import DOMAIN
from ..events.trips import async_fire_trip_ended
from ..vehicles.data import VehicleData

_LOGGER = logging.getLogger(__name__)
STORAGE_VERSION = 1
FIRST_LOOKBACK = timedelta(days=7)
"""The first read of a car looks this far back for the trip that ended (not its history)."""
_TIMES = ("started_at", "ended_at")


def trips_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """The entry's store of the trips seen (per car: the last trip, driving or not)."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.trips")


async def async_remove_trips_store(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the entry's trips (the entry is removed)."""
    await trips_store(hass, entry_id).async_remove()


def figures_to_store(figures: TripFigures) -> dict[str, Any]:
    """``figures`` as JSON."""
    stored = asdict(figures)
    for key in _TIMES:
        moment = stored[key]
        stored[key] = moment.isoformat() if moment is not None else None
    stored["faults"] = list(figures.faults)
    return stored


def figures_from_store(stored: object) -> TripFigures | None:
    """Figures stored by ``figures_to_store``; ``None`` for anything else."""
    if not isinstance(stored, Mapping):
        return None
    try:
        values = {item.name: stored[item.name] for item in fields(TripFigures)}
        for key in _TIMES:
            values[key] = parse_timestamp(values[key])
        values["faults"] = tuple(str(fault) for fault in values["faults"])
        return TripFigures(**values)
    except KeyError, TypeError:
        return None


class TripReads:
    """The trips of one account's cars."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: PsaClient,
        device_id: Callable[[str], str | None],
    ) -> None:
        """Keep what was seen in the entry's own store."""
        self._hass = hass
        self._client = client
        self._device_id = device_id
        self._store = trips_store(hass, entry.entry_id)
        self._cars: dict[str, dict[str, Any]] | None = None

    async def _async_cars(self) -> dict[str, dict[str, Any]]:
        if self._cars is None:
            stored = await self._store.async_load()
            cars = stored.get("cars") if isinstance(stored, dict) else None
            self._cars = {
                str(vid): dict(car)
                for vid, car in (cars.items() if isinstance(cars, dict) else ())
                if isinstance(car, dict)
            }
        return self._cars

    @staticmethod
    @callback
    def after_push(before: VehicleData, pushed: VehicleData) -> VehicleData:
        """``pushed`` marked for a trip read when the push says the car stopped driving."""
        if before.is_active and pushed.status is not None and not pushed.is_active:
            return replace(pushed, trip_unread=True)
        return pushed

    async def with_pushed_trips(
        self, cars: list[VehicleData], read_now: set[str]
    ) -> list[VehicleData]:
        """``cars`` with the trips read of those not read this cycle whose trip end was pushed.

        The push brought their status: the trips are the only request they need.
        """
        return [
            await self.with_trips(car, car)
            if car.trip_unread and car.vehicle.id not in read_now
            else car
            for car in cars
        ]

    async def with_trips(self, before: VehicleData, read: VehicleData) -> VehicleData:
        """``read`` with its last trip, read now when one has ended."""
        cars = await self._async_cars()
        vehicle = read.vehicle
        car = cars.setdefault(vehicle.id, {})
        was_driving = _was_driving(before, car)
        if car.get("driving") != read.is_active:
            car["driving"] = read.is_active
            # Written now (twice a trip): an entry reloaded mid-trip must know it drove.
            await self._async_save()
        last = before.last_trip or figures_from_store(car.get("figures"))
        ended = before.trip_unread or (was_driving and not read.is_active)
        if read.is_active or not ended:
            return replace(read, last_trip=last, trip_unread=before.trip_unread)
        since = self.read_since(vehicle.id, read)
        try:
            trips = await self._client.get_trips(vehicle.id, started_after=since)
        except AuthenticationError, RateLimitedError:
            raise
        except PsaError as err:
            _LOGGER.debug("Trips of car %s not read: %s", mask_vin(vehicle.vin), err)
            # Tried again once; after that the next trip's read also brings this one.
            return replace(read, last_trip=last, trip_unread=not before.trip_unread)
        finished = [trip for trip in trips if trip.finished and trip.started_at is not None]
        if finished:
            # The first read of a car also finds older trips: only the one that ended is news.
            new = finished if "seen" in car else finished[-1:]
            last = self._seen(read, car, new)
        car.setdefault("seen", _iso(since))
        # At once, not later: a restart right after an announcement must not repeat it.
        await self._async_save()
        return replace(read, last_trip=last, trip_unread=False)

    def read_since(self, vehicle_id: str, read: VehicleData) -> datetime | None:
        """Where the car's next trips read starts: after the last trip seen (else a lookback)."""
        car = (self._cars or {}).get(vehicle_id, {})
        return parse_timestamp(car.get("seen")) if "seen" in car else _lookback(read)

    async def async_read_starts(
        self, vehicles: list[Vehicle], previous: Mapping[str, VehicleData]
    ) -> list[datetime]:
        """Where the trips reads start of the cars that may end a trip this cycle (those
        driving when last seen, or with a trip to read)."""
        cars = await self._async_cars()
        starts: list[datetime] = []
        for vehicle in vehicles:
            before = previous.get(vehicle.id) or VehicleData(vehicle=vehicle)
            ending = before.trip_unread or _was_driving(before, cars.get(vehicle.id, {}))
            if ending and (since := self.read_since(vehicle.id, before)) is not None:
                starts.append(since)
        return starts

    def _seen(self, read: VehicleData, car: dict[str, Any], finished: list[Trip]) -> TripFigures:
        """Remember the newest of ``finished`` and announce each."""
        newest = finished[-1]
        figures = trip_figures(newest)
        car["seen"] = _iso(newest.started_at)
        car["figures"] = figures_to_store(figures)
        status = read.status
        allowed = status is not None and not status.position_hidden
        base = {"device_id": self._device_id(read.vehicle.vin), "vehicle_id": read.vehicle.id}
        for trip in finished:
            found = figures if trip is newest else trip_figures(trip)
            async_fire_trip_ended(self._hass, base, trip, found, positions_allowed=allowed)
        return figures

    async def _async_save(self) -> None:
        await self._store.async_save({"cars": self._cars or {}})


def _was_driving(before: VehicleData, car: Mapping[str, Any]) -> bool:
    """Whether the car was driving when last seen (by this run, else as stored)."""
    return before.is_active if before.status is not None else bool(car.get("driving"))


def _lookback(read: VehicleData) -> datetime | None:
    """Where the first read of a car starts: a while before its last upload (the car's clock)."""
    status = read.status
    moment = (status.updated_at if status is not None else None) or read.refreshed_at
    return moment - FIRST_LOOKBACK if moment is not None else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
