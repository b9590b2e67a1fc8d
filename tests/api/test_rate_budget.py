"""The per-account request budget, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.psa_connected_car.api import RateBudget, RateLimitedError
from custom_components.psa_connected_car.api.rate_budget import retry_after_from_headers

from .fakes import FakeClock


def _budget(clock: FakeClock, **kwargs: int | float) -> RateBudget:
    return RateBudget(clock=clock, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


async def _send(budget: RateBudget, clock: FakeClock, count: int, spacing: float) -> None:
    for _ in range(count):
        await budget.acquire(wait=False)
        clock.advance(spacing)


def test_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateBudget(limit=0)
    with pytest.raises(ValueError, match="positive"):
        RateBudget(window_s=0)


async def test_window_limit_without_waiting() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=5, window_s=60, burst_limit=10)
    await _send(budget, clock, 5, 1.0)
    assert budget.remaining == 0
    with pytest.raises(RateLimitedError) as caught:
        await budget.acquire(wait=False)
    assert caught.value.retry_after == pytest.approx(55.0)
    assert budget.blocked_for == pytest.approx(55.0)
    clock.advance(55.0)
    assert budget.remaining == 1
    await budget.acquire(wait=False)


async def test_burst_limit_waits_a_fraction_of_a_second() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=100, burst_limit=3)
    for _ in range(3):
        await budget.acquire()
    await budget.acquire()
    assert clock.sleeps == [pytest.approx(1.0)]
    assert budget.burst_limit == 3


async def test_waiting_is_bounded() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=2, window_s=60)
    await _send(budget, clock, 2, 0.0)
    with pytest.raises(RateLimitedError) as caught:
        await budget.acquire(max_wait_s=10)
    assert caught.value.retry_after == pytest.approx(60.0)
    assert clock.sleeps == []
    await budget.acquire(max_wait_s=60)
    assert clock.sleeps == [pytest.approx(60.0)]


async def test_waiting_is_bounded_even_if_sleep_does_not_advance_time() -> None:
    clock = FakeClock()

    async def frozen_sleep(seconds: float) -> None:
        del seconds

    budget = RateBudget(limit=1, window_s=10, clock=clock, sleep=frozen_sleep)
    await budget.acquire()
    with pytest.raises(RateLimitedError):
        await budget.acquire(max_wait_s=25)


async def test_never_exceeds_budget_in_any_window() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=120, window_s=60, burst_limit=10)
    sent: list[float] = []

    async def worker() -> None:
        for _ in range(60):
            await budget.acquire(max_wait_s=3600)
            sent.append(clock())

    await asyncio.gather(*(worker() for _ in range(5)))
    assert len(sent) == 300
    for index, start in enumerate(sent):
        in_window = [t for t in sent[index:] if t < start + 60]
        in_second = [t for t in sent[index:] if t < start + 1]
        assert len(in_window) <= 120
        assert len(in_second) <= 10


async def test_after_429_nothing_until_retry_after() -> None:
    clock = FakeClock()
    budget = _budget(clock)
    budget.note_rate_limited(30)
    budget.note_rate_limited(5)
    assert budget.remaining == 0
    assert budget.blocked_for == pytest.approx(30)
    with pytest.raises(RateLimitedError) as caught:
        await budget.acquire(wait=False)
    assert caught.value.retry_after == pytest.approx(30)
    await budget.acquire(max_wait_s=30)
    assert clock.now == pytest.approx(1030)


async def test_headers_legacy_family() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=120)
    budget.update_from_headers({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "10"})
    assert budget.limit == 60
    assert budget.remaining == 10
    budget.update_from_headers({"x-ratelimit-limit": "1000", "x-ratelimit-remaining": "junk"})
    assert budget.limit == 120
    assert budget.remaining == 70
    budget.update_from_headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"})
    assert budget.blocked_for == pytest.approx(12)
    clock.advance(12)
    budget.update_from_headers({"X-RateLimit-Remaining": "0"})
    assert budget.blocked_for == pytest.approx(60)


async def test_headers_daily_and_burst_family() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=120, burst_limit=10)
    budget.update_from_headers(
        {
            "X-RateLimit-Limit-1": "100000",
            "X-RateLimit-Remaining-1": "3",
            "X-RateLimit-Limit-2": "4",
            "X-RateLimit-Remaining-2": "2",
        }
    )
    assert budget.burst_limit == 4
    assert budget.daily_remaining == 3
    assert budget.remaining == 3
    await budget.acquire()
    assert budget.daily_remaining == 2
    snapshot = budget.snapshot()
    assert snapshot["daily_limit"] == 100000
    assert snapshot["remaining"] == 2
    budget.update_from_headers({"X-RateLimit-Remaining-2": "0"})
    assert budget.blocked_for == pytest.approx(1.0)
    budget.update_from_headers({"X-RateLimit-Remaining-1": "0", "Retry-After": "1045"})
    assert budget.blocked_for == pytest.approx(1045)
    clock.advance(2000)
    budget.update_from_headers({"X-RateLimit-Remaining-1": "0"})
    assert budget.blocked_for == pytest.approx(60)
    clock.advance(60)
    assert budget.remaining == 120
    await budget.acquire(wait=False)
    assert budget.daily_remaining == 0


def test_retry_after_headers() -> None:
    assert retry_after_from_headers({"Retry-After": "5"}) == 5
    assert retry_after_from_headers({"X-RateLimit-Reset": "7.5"}) == 7.5
    assert retry_after_from_headers({"Retry-After": "-1", "X-RateLimit-Reset": "3"}) == 3
    assert retry_after_from_headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after_from_headers({}) is None


async def test_available_within_counts_the_slots_that_free_up() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=10, window_s=60, burst_limit=10)
    await _send(budget, clock, 8, 1.0)  # sent at 0..7 s, now 8 s
    clock.advance(52.5)  # now 60.5 s: the first request has left the window
    assert budget.remaining == 3
    assert budget.available_within(0) == 3
    assert budget.available_within(3) == 6  # those sent at 1, 2 and 3 s leave too
    assert budget.available_within(60) == 10
    budget.note_rate_limited(5)
    assert budget.available_within(3) == 0
    assert budget.available_within(6) == 9  # only the one sent at 7 s still counts


async def test_available_within_respects_the_daily_budget() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=10, window_s=60, burst_limit=10)
    budget.update_from_headers({"X-RateLimit-Limit-1": "1000", "X-RateLimit-Remaining-1": "4"})
    assert budget.available_within(60) == 4


async def test_taken_counts_the_requests_let_go() -> None:
    clock = FakeClock()
    budget = _budget(clock, limit=3, window_s=60, burst_limit=10)
    await _send(budget, clock, 3, 1.0)
    with pytest.raises(RateLimitedError):
        await budget.acquire(wait=False)
    assert budget.taken == 3
