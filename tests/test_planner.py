"""The polling plan: how many cars a cycle reads and how often a fixed interval may be."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from custom_components.psa_connected_car.api import (
    Alert,
    Charging,
    Energy,
    RateBudget,
    Vehicle,
    VehicleStatus,
)
from custom_components.psa_connected_car.polling.planner import (
    WaitingCars,
    alerts_due,
    automatic_cadence,
    calls_for_cycle,
    car_due,
    cycle_calls_available,
    minimum_interval_s,
    plan_cycle,
    planned_calls,
)
from custom_components.psa_connected_car.vehicles.data import VehicleData

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PUSH_SAFETY = timedelta(minutes=30)


def _car(
    *, moving: bool = False, charging: str | None = None, read_ago: timedelta | None = None
) -> VehicleData:
    electric = None
    if charging is not None:
        plug = Charging(True, charging, None, None)  # noqa: FBT003
        electric = Energy("Electric", 50.0, 150.0, plug, NOW)
    status = VehicleStatus(
        NOW,
        None,
        electric,
        1000.0,
        None,
        moving,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    return VehicleData(
        vehicle=Vehicle("id", "VIN", "Peugeot", "e-208", "Electric"),
        status=status,
        refreshed_at=None if read_ago is None else NOW - read_ago,
    )


def test_every_car_fits_a_roomy_budget() -> None:
    chosen, maintenance = plan_cycle(["a", "b", "c"], {"b"}, 96)
    assert chosen == ["a", "b", "c"]
    assert maintenance == {"b"}


def test_a_tight_budget_reads_the_stalest_cars_first() -> None:
    cars = [f"car{i}" for i in range(100)]
    chosen, maintenance = plan_cycle(cars, set(cars), 96)
    assert chosen == cars[:48]
    assert maintenance == set()  # status and alerts first; maintenance can wait


def test_maintenance_uses_what_is_left() -> None:
    chosen, maintenance = plan_cycle(["a", "b", "c"], {"a", "c"}, 7)
    assert chosen == ["a", "b", "c"]
    assert maintenance == {"a"}


def test_no_budget_no_request() -> None:
    assert plan_cycle(["a"], {"a"}, 1) == ([], set())
    assert plan_cycle(["a"], {"a"}, -3) == ([], set())


def test_fixed_interval_floor() -> None:
    assert minimum_interval_s(1, 120, 60) == 30
    assert minimum_interval_s(48, 120, 60) == 60
    assert minimum_interval_s(100, 120, 60) == 125
    assert minimum_interval_s(0, 120, 60) == 30


def test_a_cycle_sends_at_most_80_percent_of_a_window() -> None:
    assert calls_for_cycle(120, 60, 60, 120) == 96
    assert calls_for_cycle(120, 60, 300, 120) == 96  # a long interval does not burst
    assert calls_for_cycle(120, 60, 30, 120) == 48
    assert calls_for_cycle(120, 60, 60, 10) == 10  # what the window still allows


def test_cadence_without_push_follows_driving() -> None:
    parked, driving = _car(read_ago=timedelta(0)), _car(moving=True, read_ago=timedelta(0))
    assert automatic_cadence([parked], None) == timedelta(minutes=5)
    assert automatic_cadence([parked, driving], None) == timedelta(minutes=1)


def test_a_car_not_read_yet_comes_next_minute_a_failed_one_after_the_parked_cadence() -> None:
    read = _car(read_ago=timedelta(0))
    assert automatic_cadence([read, _car()], PUSH_SAFETY) == timedelta(minutes=1)
    failed = VehicleData(vehicle=read.vehicle, available=False)
    assert automatic_cadence([read, failed], PUSH_SAFETY) == timedelta(minutes=5)


def test_with_push_a_car_whose_read_failed_is_retried_after_5_minutes_not_30() -> None:
    """One failed read must not hide a car (and its commands) until the safety read."""
    failed = replace(_car(read_ago=timedelta(minutes=5)), available=False)
    assert car_due(failed, NOW, PUSH_SAFETY)
    assert not car_due(replace(failed, available=True), NOW, PUSH_SAFETY)
    recent = replace(_car(read_ago=timedelta(minutes=4)), available=False)
    assert not car_due(recent, NOW, PUSH_SAFETY)


def test_with_push_a_drive_keeps_the_minute_a_charging_battery_the_parked_cadence() -> None:
    driving = _car(moving=True, read_ago=timedelta(0))
    parked = _car(read_ago=timedelta(0))
    charging = _car(charging="InProgress", read_ago=timedelta(0))
    finished = _car(charging="Finished", read_ago=timedelta(0))
    assert automatic_cadence([driving, parked], PUSH_SAFETY) == timedelta(minutes=1)
    assert automatic_cadence([parked, finished], PUSH_SAFETY) == PUSH_SAFETY
    assert automatic_cadence([parked, charging], PUSH_SAFETY) == timedelta(minutes=5)


def test_without_push_every_cycle_reads_every_car() -> None:
    assert car_due(_car(read_ago=timedelta(seconds=1)), NOW, None)
    assert car_due(None, NOW, PUSH_SAFETY)
    assert car_due(_car(), NOW, PUSH_SAFETY)


def test_with_push_a_car_is_due_at_its_own_cadence() -> None:
    def due(read_ago: timedelta, charging: str | None = None) -> bool:
        return car_due(_car(charging=charging, read_ago=read_ago), NOW, PUSH_SAFETY)

    assert not due(timedelta(minutes=29))
    assert due(timedelta(minutes=29, seconds=30))  # within the tolerance of a cycle
    assert not due(timedelta(minutes=4), charging="InProgress")
    assert due(timedelta(minutes=5), charging="InProgress")
    assert not due(timedelta(minutes=5), charging="Stopped")


def test_with_push_only_the_driving_car_is_read_every_minute() -> None:
    """Pushes announce trip starts: a parked car waits for its own cadence meanwhile."""
    assert car_due(_car(moving=True, read_ago=timedelta(minutes=1)), NOW, PUSH_SAFETY)
    assert not car_due(_car(moving=True, read_ago=timedelta(seconds=20)), NOW, PUSH_SAFETY)
    assert not car_due(_car(read_ago=timedelta(minutes=1)), NOW, PUSH_SAFETY)


def test_costs_decide_how_many_cars_fit() -> None:
    costs = {"a": 1, "b": 2, "c": 1}
    assert plan_cycle(["a", "b", "c"], set(), 4, costs) == (["a", "b", "c"], set())
    assert plan_cycle(["a", "b", "c"], {"a", "c"}, 5, costs) == (["a", "b", "c"], {"a"})
    # Stalest first: a car that does not fit is not overtaken by a cheaper one behind it.
    assert plan_cycle(["b", "a"], set(), 1, costs) == ([], set())


def _alerts_read(car: VehicleData, ago: timedelta) -> VehicleData:
    return replace(car, alerts_fetched_at=NOW - ago, alerts_status=car.status)


def test_alerts_follow_uploads() -> None:
    parked = _car(read_ago=timedelta(minutes=5))
    assert alerts_due(parked, parked.status, NOW)  # never read
    read = _alerts_read(parked, timedelta(minutes=5))
    assert not alerts_due(read, read.status, NOW)  # no upload since
    assert read.status is not None
    uploaded = replace(read.status, updated_at=NOW + timedelta(seconds=30))
    assert alerts_due(read, uploaded, NOW)
    assert alerts_due(read, None, NOW)  # no status: nothing to compare with
    assert alerts_due(_alerts_read(parked, timedelta(hours=1)), read.status, NOW)  # hourly


def test_while_driving_alerts_wait_5_minutes() -> None:
    driving = _car(moving=True, read_ago=timedelta(minutes=1))
    assert driving.status is not None
    uploaded = replace(driving.status, updated_at=NOW + timedelta(seconds=30))
    assert not alerts_due(_alerts_read(driving, timedelta(minutes=4)), uploaded, NOW)
    assert alerts_due(_alerts_read(driving, timedelta(minutes=5)), uploaded, NOW)


def test_with_push_new_alerts_are_pushed_and_only_active_ones_are_polled_to_see_them_end() -> None:
    parked = _car(read_ago=timedelta(minutes=5))
    read = _alerts_read(parked, timedelta(minutes=5))
    assert read.status is not None
    uploaded = replace(read.status, updated_at=NOW + timedelta(seconds=30))
    assert alerts_due(read, uploaded, NOW)  # polling: an upload may bring one
    assert not alerts_due(read, uploaded, NOW, pushed=True)  # the monitor would have
    alert = Alert("a1", "OilLevelLow", "Warning", True, NOW, None, None)  # noqa: FBT003
    with_alert = replace(read, alerts=(alert,))
    assert not alerts_due(with_alert, uploaded, NOW, pushed=True)  # read 5 minutes ago
    read_long_ago = replace(_alerts_read(parked, timedelta(minutes=30)), alerts=(alert,))
    assert alerts_due(read_long_ago, uploaded, NOW, pushed=True)  # to see it end
    assert not alerts_due(read_long_ago, read_long_ago.status, NOW, pushed=True)  # no upload
    # The re-check behind the monitor: hourly when polling, every two hours with push.
    assert alerts_due(_alerts_read(parked, timedelta(hours=1)), read.status, NOW)
    hour_ago = _alerts_read(parked, timedelta(hours=1))
    assert not alerts_due(hour_ago, hour_ago.status, NOW, pushed=True)
    two_hours_ago = _alerts_read(parked, timedelta(hours=2))
    assert alerts_due(two_hours_ago, two_hours_ago.status, NOW, pushed=True)
    assert planned_calls(read, NOW, pushed=True) == 1
    assert planned_calls(read, NOW) == 1  # quiet: alerts only if it uploads, rarely


def test_planned_calls_count_alerts_unless_surely_skipped() -> None:
    driving = _car(moving=True, read_ago=timedelta(minutes=1))
    parked = _car(read_ago=timedelta(minutes=5))
    assert planned_calls(None, NOW) == 2
    # A driving car's trip may end this cycle: its trip read is planned too.
    assert planned_calls(driving, NOW) == 3  # alerts never read
    assert planned_calls(_alerts_read(driving, timedelta(minutes=1)), NOW) == 2
    assert planned_calls(_alerts_read(driving, timedelta(minutes=5)), NOW) == 3
    # A quiet parked car rarely uploads: its status alone is planned, the few uploads take
    # from the headroom; not when its alerts lag its last status, it charges, or the
    # hourly re-check is due.
    assert planned_calls(_alerts_read(parked, timedelta(minutes=1)), NOW) == 1
    assert planned_calls(parked, NOW) == 2  # alerts never read
    assert planned_calls(_alerts_read(parked, timedelta(hours=1)), NOW) == 2
    charging = _alerts_read(
        _car(charging="InProgress", read_ago=timedelta(minutes=5)), timedelta(minutes=1)
    )
    assert planned_calls(charging, NOW) == 2
    lagging = replace(_alerts_read(parked, timedelta(minutes=1)), alerts_status=None)
    assert planned_calls(lagging, NOW) == 2


def test_calls_a_cycle_did_not_spend_go_to_the_next_stalest_cars() -> None:
    waiting = WaitingCars(["a", "b", "c", "d"], {"a": 3, "b": 2, "c": 2, "d": 1}, 5)
    assert waiting.top_up(["a", "b"], 5) == set()
    assert waiting.top_up(["a", "b"], 3) == {"c"}  # d would fit, but c waited longer
    assert waiting.top_up(["a", "b"], 2) == {"c", "d"}
    assert waiting.top_up(["a", "b", "c", "d"], 0) == set()
    assert waiting.top_up([], 9) == set()  # spent more than planned: nothing more


async def _previous_cycle(budget: RateBudget, now: list[float], calls: int, over_s: float) -> None:
    for index in range(calls):
        now[0] = index * over_s / calls
        await budget.acquire(wait=False)


async def test_a_cycle_gets_the_slots_its_predecessor_frees_while_it_runs() -> None:
    now = [0.0]
    budget = RateBudget(limit=120, window_s=60, burst_limit=10, clock=lambda: now[0])
    await _previous_cycle(budget, now, 96, over_s=20)  # slower than the burst limit
    now[0] = 60.0
    minute = timedelta(minutes=1)
    # Paced by the burst limit alone (9.6 s), half the last cycle would still count.
    assert cycle_calls_available(budget, minute) < 96 * 3 // 4
    # As long as the last cycle took, its requests leave the window as this one sends.
    assert cycle_calls_available(budget, minute, timedelta(seconds=20)) == 96
    # A cycle that took longer than half the cadence is not taken as the pace.
    assert cycle_calls_available(budget, minute, timedelta(minutes=5)) == 96
    now[0] = 30.0  # within half the cadence, only the request sent at 0 s leaves
    assert cycle_calls_available(budget, minute, timedelta(minutes=5)) == 120 - 96 + 1
