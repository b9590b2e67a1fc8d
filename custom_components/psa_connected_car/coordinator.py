"""The only place that decides what to fetch from the API, and when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Set
from dataclasses import replace
from datetime import datetime, timedelta
import logging

from homeassistant.core import HassJob, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import (
    TimestampDataUpdateCoordinator,
    UpdateFailed,
)
from homeassistant.util import dt as dt_util

from .api import (
    Alert,
    AuthenticationError,
    PsaClient,
    PsaError,
    RateLimitedError,
    Vehicle,
    VehicleStatus,
)
from .clock import get_clock
from .collisions.reads import CollisionReads
from .const import (
    CONF_ALERT_LOCALE,
    CONF_SCAN_INTERVAL,
    CONF_UPDATE_POLICY,
    CONF_VEHICLES,
    DOMAIN,
    PARKED_INTERVAL,
    POLICY_FIXED,
    api_locale,
)
from .events.alerts import AlertEventDispatcher
from .fleet.connection import auth_failure_key
from .polling.planner import (
    WaitingCars,
    alerts_due,
    automatic_cadence,
    car_due,
    cycle_calls_available,
    maintenance_due,
    minimum_interval_s,
    plan_cycle,
    planned_calls,
)
from .polling.rounds import read_cars
from .runtime import PsaConfigEntry, PsaRuntimeData
from .trips.reads import TripReads
from .vehicles.availability import AvailabilityLog
from .vehicles.data import VehicleData
from .vehicles.listing import VehicleListing
from .vehicles.odometer import keep_good_odometer
from .vehicles.reads import CarReads
from .vehicles.registry import VehicleRegistry

__all__ = ["PsaConfigEntry", "PsaCoordinator", "PsaRuntimeData"]
_LOGGER = logging.getLogger(__name__)
REFRESH_TIMER = f"{DOMAIN} refresh interval"


class PsaCoordinator(TimestampDataUpdateCoordinator[dict[str, VehicleData]]):
    """Polls one account within its rate budget."""

    config_entry: PsaConfigEntry

    def __init__(self, hass: HomeAssistant, entry: PsaConfigEntry, client: PsaClient) -> None:
        """One coordinator, one client, one rate budget per account."""
        self.clock = get_clock(hass)
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=PARKED_INTERVAL,
            always_update=False,
            request_refresh_debouncer=self.clock.request_debouncer(_LOGGER),
        )
        self.client = client
        self.vehicles = VehicleRegistry(hass, entry)
        self.events = AlertEventDispatcher(hass)
        self.trips = TripReads(hass, entry, client, self.vehicles.device_id)
        self.collisions = CollisionReads(hass, entry, client, self.vehicles.device_id, self.clock)
        self._availability = AvailabilityLog()
        self._listing = VehicleListing(client, self.vehicles, self.clock.utcnow)
        self._reads = CarReads(client, lambda: self._locale, self.clock.utcnow)
        self.push_safety_interval: timedelta | None = None
        self.cadence = PARKED_INTERVAL
        """Time from the start of one cycle to the start of the next."""
        self._read_all = False
        self._alerts_pushed = False
        self._cycle_start = self.clock.utcnow()
        self._waiting = WaitingCars([], {}, 0)
        self._last_cycle = timedelta(0)
        self._cars_left_behind = False
        """Whether the last cycle left cars that were due unread (its budget was spent)."""
        self.pushed_car: str | None = None
        """The car whose push listeners are being told of; ``None`` for a refresh."""

    # -- public helpers ----------------------------------------------------------------

    @callback
    def async_add_vehicle_listener(
        self, listener: Callable[[list[str]], None]
    ) -> Callable[[], None]:
        """Call ``listener`` with the ids of cars that appear after setup."""
        return self.vehicles.async_add_listener(listener)

    @property
    def push_active(self) -> bool:
        """Whether pushes arrive (their alerts monitor included)."""
        return self.push_safety_interval is not None

    @callback
    def async_set_push_active(self, safety_interval: timedelta | None) -> None:
        """While pushes arrive, poll only at ``safety_interval``; ``None`` restores polling."""
        self.push_safety_interval = safety_interval
        if self.data is not None:
            self._plan_next_interval(self.data)

    @callback
    def async_apply_push(
        self,
        vehicle_id: str,
        *,
        status: VehicleStatus | None = None,
        alerts: tuple[Alert, ...] | None = None,
    ) -> bool:
        """Merge data pushed for one car and update its entities now, without an API call.

        Returns ``False`` for a car this account does not (or no longer) have.
        """
        previous = self.data or {}
        current = previous.get(vehicle_id)
        if current is None:
            return False
        updated = replace(
            current,
            status=keep_good_odometer(current.status, status) or current.status,
            alerts=alerts if alerts is not None else current.alerts,
            available=True,
        )
        pushed = self.trips.after_push(current, updated)
        self.events.async_compare(
            {vehicle_id: current}, {vehicle_id: pushed}, self.vehicles.device_id
        )
        # What async_set_updated_data does, except restarting the polling timer (pushes
        # about one car would hold back every car's next read) and updating every car's
        # entities (a push would cost each car in the account).
        every_car = not self.last_update_success  # their entities showed unavailable
        self.data = {**previous, vehicle_id: pushed}
        self.last_update_success = True
        self.last_exception = None
        self.last_update_success_time = self.clock.utcnow()
        if every_car:
            self.async_update_listeners()
        else:
            self._async_update_car_listeners(vehicle_id)
        return True

    @callback
    def _async_update_car_listeners(self, vehicle_id: str) -> None:
        """Update the entities of one car (their context) and the listeners of every car.

        Those see ``pushed_car`` set to the car while they run.
        """
        self.pushed_car = vehicle_id
        try:
            for update_callback, context in list(self._listeners.values()):
                if context is not None and context != vehicle_id:
                    continue
                try:
                    update_callback()
                except Exception:  # as Home Assistant's own loop: one listener, not all
                    _LOGGER.exception("Unexpected error updating a listener after a push")
        finally:
            self.pushed_car = None

    async def async_read_status(self, vehicle_id: str) -> VehicleStatus | None:
        """One car's status, read now (``None`` when the API has none)."""
        return await self.client.get_status(vehicle_id)

    async def async_read_alerts(self, vehicle_id: str) -> tuple[Alert, ...]:
        """One car's active alerts, read now in the entry's alert language."""
        return await self._reads.alerts(vehicle_id)

    @callback
    def async_update_listeners(self) -> None:
        """Announce new cars (and drop departed ones) once ``data`` holds them."""
        if self.data is not None:
            self.vehicles.async_sync(self.data)
        super().async_update_listeners()

    async def async_refresh_vehicle_list(self) -> None:
        """Read the account's car list now instead of waiting up to 12 hours."""
        self._listing.read_soon()
        await self.async_refresh_all()

    async def async_refresh_all(self) -> None:
        """Read every car now, even those push keeps up to date (budget permitting)."""
        self._read_all = True
        await self.async_refresh()

    async def async_request_refresh(self, *, every_car: bool = True) -> None:
        """Someone asked (``homeassistant.update_entity``): every car, soon. A trip start
        (``every_car=False``): the cars that are due, the one that started among them."""
        self._read_all = self._read_all or every_car
        await super().async_request_refresh()

    @callback
    def _schedule_refresh(self) -> None:
        """Home Assistant's refresh timer, moved onto the clock when that is not the loop's.

        Home Assistant decides whether and when (the interval, or a failure's
        ``retry_after``); only a timer it set is moved, with the same delay.
        """
        retry_after = self._retry_after
        super()._schedule_refresh()
        if self.clock.on_event_loop or self._unsub_refresh is None:
            return
        self._unsub_refresh()
        interval = self.update_interval or PARKED_INTERVAL
        delay = retry_after if retry_after is not None else interval.total_seconds()
        job = HassJob(self._async_refresh_when_due, REFRESH_TIMER, cancel_on_shutdown=True)
        self._unsub_refresh = self.clock.call_later(delay, job)

    async def _async_refresh_when_due(self, _now: datetime) -> None:
        await self._handle_refresh_interval()

    # -- the refresh -------------------------------------------------------------------

    async def _async_update_data(self) -> dict[str, VehicleData]:
        previous = self.data or {}
        started = self._cycle_start = self.clock.utcnow()
        try:
            wanted = set(self.config_entry.options.get(CONF_VEHICLES) or ())
            vehicles = await self._listing.async_cars(previous, wanted)
            results = await self._async_read_cars(vehicles, previous)
        except AuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key=auth_failure_key(err)
            ) from err
        except RateLimitedError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"retry_after": str(round(err.retry_after or 60))},
                retry_after=err.retry_after,
            ) from err
        except PsaError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="api_error",
                translation_placeholders={"error": str(err)},
            ) from err
        data = {item.vehicle.id: item for item in results}
        if data and not any(item.available for item in data.values()):
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="all_vehicles_failed")
        self.events.async_compare(previous, data, self.vehicles.device_id)
        self._last_cycle = self.clock.utcnow() - started
        self._plan_next_interval(data, spent=self._last_cycle)
        return data

    async def _async_read_cars(
        self, vehicles: list[Vehicle], previous: dict[str, VehicleData]
    ) -> list[VehicleData]:
        """Read this cycle's cars; what their plan priced but did not spend (a driving car's
        trips are read only once it stopped, alerts only after an upload) reads the next
        stalest cars."""
        chosen, with_maintenance = self._plan_cycle(vehicles, previous)
        budget = self.client.rate_budget
        taken = budget.taken

        def reader(maintenance: Set[str]) -> Callable[[Vehicle], Awaitable[VehicleData]]:
            return lambda car: self._async_refresh_vehicle(
                car, previous.get(car.id), maintenance=car.id in maintenance
            )

        read, spent_out = await read_cars(
            [v for v in vehicles if v.id in chosen], reader(with_maintenance)
        )
        waiting = self._waiting
        while not spent_out and (extra := waiting.top_up(read.keys(), budget.taken - taken)):
            more, spent_out = await read_cars([v for v in vehicles if v.id in extra], reader(set()))
            read |= more
        self._cars_left_behind = any(vid not in read for vid in waiting.stalest_first)
        kept = [read.get(v.id) or self._keep(v, previous.get(v.id)) for v in vehicles]
        return await self.trips.with_pushed_trips(kept, set(read))

    def _plan_cycle(
        self, vehicles: list[Vehicle], previous: dict[str, VehicleData]
    ) -> tuple[set[str], set[str]]:
        """Read as many cars as this cycle's share of the rate limit allows, stalest first."""
        never = datetime.min.replace(tzinfo=dt_util.UTC)

        def staleness(vehicle: Vehicle) -> datetime:
            known = previous.get(vehicle.id)
            return known.refreshed_at or never if known else never

        now, safety = self._cycle_start, None if self._read_all else self._push_safety()
        # Asked for (a refresh request, a trip start): alerts too, as without push.
        self._alerts_pushed = self.push_active and not self._read_all
        self._read_all = False
        waiting = [v for v in vehicles if car_due(previous.get(v.id), now, safety)]
        ordered = [v.id for v in sorted(waiting, key=staleness)]
        due = {v.id for v in waiting if maintenance_due(previous.get(v.id), now)}
        pushed = self._alerts_pushed
        costs = {v.id: planned_calls(previous.get(v.id), now, pushed=pushed) for v in waiting}
        available = cycle_calls_available(self.client.rate_budget, self.cadence, self._last_cycle)
        self._waiting = WaitingCars(ordered, costs, available)
        chosen, maintenance = plan_cycle(ordered, due, available, costs)
        self.collisions.plan(chosen, previous, now, available - len(maintenance), costs)
        return set(chosen), maintenance

    @staticmethod
    def _keep(vehicle: Vehicle, previous: VehicleData | None) -> VehicleData:
        """A car this cycle's budget does not reach keeps what it had."""
        if previous is None:
            return VehicleData(vehicle=vehicle)
        return replace(previous, vehicle=vehicle)

    async def _async_refresh_vehicle(
        self,
        vehicle: Vehicle,
        previous: VehicleData | None,
        *,
        maintenance: bool,
    ) -> VehicleData:
        """Read one car's status, then its alerts and maintenance when due.

        A car whose status fails is unavailable; the status stays when a later read fails.
        """
        base = replace(previous, vehicle=vehicle) if previous else VehicleData(vehicle=vehicle)
        try:
            status = keep_good_odometer(base.status, await self.client.get_status(vehicle.id))
        except AuthenticationError, RateLimitedError:
            raise
        except PsaError as err:
            self._availability.failed(vehicle, err)
            return replace(base, available=False)
        self._availability.answered(vehicle)
        self._reads.log_no_data_once(base, "status", status is None)
        read = replace(base, status=status, available=True, refreshed_at=self.clock.utcnow())
        # The cycle's start, as planned: a car due a second later waits for the next.
        if alerts_due(base, status, self._cycle_start, pushed=self._alerts_pushed):
            read = await self._reads.with_alerts(read)
        else:
            read = replace(read, alerts_status=status)
        if maintenance:
            read = await self._reads.with_maintenance(read)
        read = await self.collisions.with_collisions(read)
        return await self.trips.with_trips(base, read)

    @property
    def _locale(self) -> str | None:
        return api_locale(self.config_entry.options.get(CONF_ALERT_LOCALE))

    def _push_safety(self) -> timedelta | None:
        """The push safety interval, unless the user fixed the interval (which wins)."""
        if self.config_entry.options.get(CONF_UPDATE_POLICY) == POLICY_FIXED:
            return None
        return self.push_safety_interval

    def _cadence(self, data: dict[str, VehicleData]) -> timedelta:
        options = self.config_entry.options
        if options.get(CONF_UPDATE_POLICY) != POLICY_FIXED:
            return automatic_cadence(data.values(), self.push_safety_interval)
        # A fixed interval reads every car each cycle: it may not go below the floor.
        budget = self.client.rate_budget
        floor = minimum_interval_s(len(data), budget.limit, budget.window_s)
        return timedelta(seconds=max(floor, int(options.get(CONF_SCAN_INTERVAL, floor))))

    def _plan_next_interval(
        self, data: dict[str, VehicleData], spent: timedelta = timedelta(0)
    ) -> None:
        """Choose the cadence, then start the next cycle that long after this one started."""
        self.cadence = self._cadence(data)
        wanted = int(self.cadence.total_seconds())
        # Home Assistant counts the interval from the end of a refresh; a cycle paced by the
        # burst limit would otherwise stretch every period by its own length.
        waited = min(int(spent.total_seconds()), wanted // 2)
        self.update_interval = timedelta(seconds=wanted - max(0, waited))
