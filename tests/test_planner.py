"""The polling plan: how many cars a cycle reads and how often a fixed interval may be."""

from __future__ import annotations

from custom_components.psa_connected_car.planner import (
    calls_for_cycle,
    minimum_interval_s,
    plan_cycle,
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
