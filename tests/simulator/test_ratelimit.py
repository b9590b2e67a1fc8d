"""Sliding-window limits: exact counts, burst, headers, 429 bodies, stats."""

from __future__ import annotations

import aiohttp

from simulator.ratelimit import SlidingWindowLimiter, Stats
from simulator.testing import run_simulator
from tests.simulator.conftest import Api, frozen, token_for


def test_allows_exactly_the_limit_per_window() -> None:
    limiter = SlidingWindowLimiter(limit=5, window=60, burst=0)
    results = [limiter.check("c", 100.0).allowed for _ in range(7)]
    assert results == [True] * 5 + [False] * 2
    assert not limiter.check("c", 159.9).allowed
    assert limiter.check("c", 160.0).allowed
    assert limiter.check("other", 100.0).allowed


def test_sliding_not_fixed_window() -> None:
    limiter = SlidingWindowLimiter(limit=3, window=60, burst=0)
    for moment in (0.0, 20.0, 40.0):
        assert limiter.check("c", moment).allowed
    assert not limiter.check("c", 59.0).allowed
    assert limiter.check("c", 60.5).allowed
    assert not limiter.check("c", 61.0).allowed
    assert limiter.check("c", 80.5).allowed


def test_rejected_requests_do_not_consume_budget() -> None:
    limiter = SlidingWindowLimiter(limit=2, window=10, burst=0)
    assert limiter.check("c", 0.0).allowed
    assert limiter.check("c", 5.0).allowed
    for _ in range(50):
        assert not limiter.check("c", 9.0).allowed
    assert limiter.check("c", 10.0).allowed


def test_burst_limit_and_headers() -> None:
    limiter = SlidingWindowLimiter(limit=100, window=60, burst=2, daily_limit=100_000)
    first = limiter.check("c", 0.0)
    assert first.headers == {
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "99",
        "X-RateLimit-Limit-1": "100000",
        "X-RateLimit-Remaining-1": "99999",
        "X-RateLimit-Limit-2": "2",
        "X-RateLimit-Remaining-2": "1",
    }
    assert limiter.check("c", 0.2).allowed
    rejected = limiter.check("c", 0.5)
    assert not rejected.allowed
    assert rejected.headers["X-RateLimit-Remaining-2"] == "0"
    assert rejected.headers["Retry-After"] == rejected.headers["X-RateLimit-Reset"] == "1"
    assert limiter.check("c", 1.0).allowed


def test_window_reset_header_counts_seconds() -> None:
    limiter = SlidingWindowLimiter(limit=1, window=60, burst=0)
    limiter.check("c", 0.0)
    assert limiter.check("c", 15.5).headers["X-RateLimit-Reset"] == "45"
    limiter.reset()
    assert limiter.check("c", 15.5).allowed


def test_day_limit_reported_and_decreasing() -> None:
    limiter = SlidingWindowLimiter(limit=3, window=60, burst=0, daily_limit=10)
    remaining = []
    for moment in range(0, 600, 60):
        decision = limiter.check("c", float(moment))
        assert decision.allowed
        assert decision.headers["X-RateLimit-Limit-1"] == "10"
        assert decision.headers["X-RateLimit-Limit"] == "3"
        assert decision.headers["X-RateLimit-Remaining"] == "2"
        remaining.append(decision.headers["X-RateLimit-Remaining-1"])
    assert remaining == [str(n) for n in range(9, -1, -1)]
    assert limiter.check("other", 0.0).headers["X-RateLimit-Remaining-1"] == "9"


def test_day_limit_refuses_with_its_reset() -> None:
    limiter = SlidingWindowLimiter(limit=0, window=60, burst=0, daily_limit=3)
    for moment in (0.0, 3600.0, 7200.0):
        assert limiter.check("c", moment).allowed
    for _ in range(5):  # refusals do not consume the day budget
        rejected = limiter.check("c", 10_000.0)
        assert not rejected.allowed
    assert rejected.headers["X-RateLimit-Remaining-1"] == "0"
    assert rejected.headers["Retry-After"] == rejected.headers["X-RateLimit-Reset"] == "76400"
    assert not limiter.check("c", 86_399.9).allowed
    assert limiter.check("c", 86_400.0).allowed
    assert not limiter.check("c", 86_401.0).allowed
    assert limiter.check("c", 90_000.0).allowed


def test_day_limit_not_shrunk_by_override() -> None:
    limiter = SlidingWindowLimiter(limit=120, window=60, burst=0, daily_limit=1000)
    limiter.override = 2
    headers = [limiter.check("c", 0.0).headers for _ in range(3)]
    assert [h["X-RateLimit-Limit"] for h in headers] == ["2"] * 3
    assert [h["X-RateLimit-Limit-1"] for h in headers] == ["1000"] * 3
    assert [h["X-RateLimit-Remaining-1"] for h in headers] == ["999", "998", "998"]


def test_day_limit_off_when_zero() -> None:
    limiter = SlidingWindowLimiter(limit=5, window=1, burst=0, daily_limit=0)
    for moment in range(200):
        decision = limiter.check("c", float(moment))
        assert decision.allowed
        assert "X-RateLimit-Limit-1" not in decision.headers
        assert "X-RateLimit-Remaining-1" not in decision.headers
    assert decision.headers["X-RateLimit-Limit"] == "5"


def test_disabled_limits_send_no_headers() -> None:
    limiter = SlidingWindowLimiter(limit=0, window=60, burst=0)
    decision = limiter.check("c", 0.0)
    assert decision.allowed
    assert decision.headers == {}


def test_stats_peak_window() -> None:
    stats = Stats(window=60)
    for moment in (0, 1, 2, 70, 71):
        stats.accepted(float(moment))
    assert stats.peak_window == 3


async def test_http_429_and_stats(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(rate_limit=3, burst_limit=10)) as running:
        api = Api(running, session, await token_for(running, session))
        for remaining in ("2", "1", "0"):
            response = await api.get("/user")
            assert response.status == 200
            assert response.headers["X-RateLimit-Remaining"] == remaining
            assert response.headers["X-RateLimit-Remaining-2"] == str(int(remaining) + 7)
        response = await api.get("/user")
        assert response.status == 429
        body = await response.json()
        assert body["code"] == 42900
        assert response.headers["Retry-After"] == "60"
        assert response.headers["X-RateLimit-Reset"] == "60"
        running.sim.advance(60)
        response = await api.get("/user")
        assert response.status == 200
        assert response.headers["X-RateLimit-Limit-1"] == "100000"
        assert response.headers["X-RateLimit-Remaining-1"] == "99996"
        stats = running.sim.stats()
        assert stats["requests"]["getUser"] == 5
        assert stats["rate_limited"] == 1
        assert stats["peak_window"] == 3
        assert stats["total"] == 5 + 3  # plus authorize, submit and access_token


async def test_burst_over_http(session: aiohttp.ClientSession) -> None:
    async with run_simulator(frozen(rate_limit=0, burst_limit=2)) as running:
        api = Api(running, session, await token_for(running, session))
        statuses = [(await api.get("/user")).status for _ in range(3)]
        assert statuses == [200, 200, 429]
        running.sim.advance(1)
        assert (await api.get("/user")).status == 200


async def test_day_limit_over_http(session: aiohttp.ClientSession) -> None:
    config = frozen(rate_limit=0, daily_limit=2, token_expires_in=200_000)
    async with run_simulator(config) as running:
        api = Api(running, session, await token_for(running, session))
        first = await api.get("/user")
        assert first.headers["X-RateLimit-Limit-1"] == "2"
        assert first.headers["X-RateLimit-Remaining-1"] == "1"
        assert "X-RateLimit-Limit" not in first.headers
        running.sim.advance(600)
        assert (await api.get("/user")).headers["X-RateLimit-Remaining-1"] == "0"
        response = await api.get("/user")
        assert response.status == 429
        assert (await response.json())["code"] == 42900
        assert response.headers["Retry-After"] == str(86_400 - 600)
        running.sim.advance(86_400 - 600)
        assert (await api.get("/user")).status == 200


def test_burst_on_its_own_clock_while_the_window_clock_stands_still() -> None:
    wall = [0.0]
    limiter = SlidingWindowLimiter(limit=100, window=60, burst=2, burst_clock=lambda: wall[0])
    assert limiter.check("c", 5.0).allowed
    assert limiter.check("c", 5.0).allowed
    refused = limiter.check("c", 5.0)
    assert not refused.allowed
    assert refused.headers["Retry-After"] == "1"
    wall[0] = 1.01  # a second of wall time; the simulated clock has not moved
    assert limiter.check("c", 5.0).allowed
    assert limiter.seen("c") == 4
    assert limiter.seen("other") == 0
