"""Soak: simulated hours of polling through faults; the integration must stay healthy.

The real integration runs inside Home Assistant against the simulator on the benchmark's
virtual clock (``bench.harness``; see ``docs/performance.md``). Short profile (default,
CI): 6 simulated hours, about 10 s. Full profile: ``SOAK_HOURS=24``, under a minute.

Faults, injected through the simulator while the soak runs (they stop 20 min before the
end): 5 % 5xx (2.5 % API error bodies with 500, 2.5 % gateway HTML pages with 502), 1 %
malformed bodies, 2 % slow answers (20 ms, real time), a 429 burst every 70 min (three
429 answers in a row, without ``Retry-After``), a latency spike every 3 hours that ends
in the gateway's own timeout page (the request is held 0.2 s of wall time, then answered
504; the client's 30 s timeout is left as it ships), access tokens that
expire every simulated hour (the simulator's 3599 s), one revocation of the access token
(the 401 path), and one revocation of the refresh token at half time, which must end in
exactly one reauth flow. The person who logs in again does so while the API answers
(faults are paused for the login and put back right after).
"""

from __future__ import annotations

import os

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType
import pytest

from bench.env import BenchEnv
from bench.harness import Harness, Trip, bench_config, open_stack, retry_setup
from custom_components.psa_connected_car.const import DOMAIN
from simulator.faults import FaultSpec

from .log_checks import unhandled

pytestmark = pytest.mark.soak

HOURS = float(os.environ.get("SOAK_HOURS") or 6)
CARS = 3
LIMIT = 120
SPIKE_HOLD_S = 0.2
MIN = 60.0
HOUR = 3600.0
BACKGROUND_FAULTS = (
    FaultSpec(kind="error", status=500, probability=0.025),
    FaultSpec(kind="html", status=502, probability=0.025),
    FaultSpec(kind="malformed", probability=0.01),
    FaultSpec(kind="latency", delay_s=0.02, probability=0.02),
)


class Soak:
    """The fault schedule and the reauth bookkeeping around a ``Harness``."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.reauth_flows: set[str] = set()
        self.logins = 0
        self.injected_429 = 0
        self.spikes = 0
        self.faults_on = False
        self.setup_retries = 0

    def inject_background(self) -> None:
        for spec in BACKGROUND_FAULTS:
            self.h.host.call(self.h.sim.inject_fault, FaultSpec(**spec.to_json()))
        self.faults_on = True

    def clear(self) -> None:
        self.h.host.call(self.h.sim.clear_faults)
        self.faults_on = False

    async def answer_reauth(self) -> None:
        """After each refresh: a reauth flow in progress is completed by logging in again."""
        hass = self.h.hass
        flows = [
            flow
            for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"]["source"] == SOURCE_REAUTH
        ]
        if not flows:
            return
        self.reauth_flows.update(flow["flow_id"] for flow in flows)
        paused = self.faults_on
        self.clear()
        for flow in flows:
            result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
            result = await self.h.flow.browser_login(result)
            assert result["type"] is FlowResultType.ABORT, result
            assert result["reason"] == "reauth_successful", result
            self.logins += 1
        await hass.async_block_till_done(wait_background_tasks=True)
        self.setup_retries += await retry_setup(hass, self.h.vt, self.h.entry)
        if paused:
            self.inject_background()


async def test_soak(bench_env: BenchEnv) -> None:
    config = bench_config(CARS, seed=7, autonomous=True, rate_limit=LIMIT)
    async with open_stack(bench_env, config, loop_debug=True) as h:
        hass, entry, sim = h.hass, h.entry, h.sim
        entry_id = entry.entry_id
        h.window_start = float("inf")  # no staleness samples: the soak checks health
        soak = Soak(h)
        h.after_refresh.append(soak.answer_reauth)
        start = h.vt.monotonic()
        end = start + HOURS * HOUR
        faults_off = end - 20 * MIN
        h.schedule(
            [
                Trip(start + hour * HOUR + 20 * MIN + index * 7 * MIN, car, 25 * MIN)
                for hour in range(0, int(HOURS), 2)
                for index, car in enumerate(h.cars)
            ]
        )

        events: list[tuple[float, str]] = [(start + 5 * MIN, "faults"), (start + 25 * MIN, "401")]
        events += [(start + HOURS / 2 * HOUR, "revoke_refresh")]
        at = start + 35 * MIN
        while at < faults_off - 10 * MIN:
            events.append((at, "429"))
            at += 70 * MIN
        at = start + 50 * MIN
        while at < faults_off - 10 * MIN:
            events.append((at, "spike"))
            at += 3 * HOUR
        events.append((faults_off, "clear"))
        for at, what in sorted(events):
            await h.run_until(at)
            if what == "faults":
                soak.inject_background()
            elif what == "401":
                assert h.host.call(sim.revoke_tokens, "access") >= 1
            elif what == "revoke_refresh":
                assert h.host.call(sim.revoke_tokens, "refresh") >= 1
            elif what == "429":
                h.host.call(sim.inject_fault, FaultSpec(kind="error", status=429, count=3))
                soak.injected_429 += 3
            elif what == "spike":
                spike = FaultSpec(kind="timeout", delay_s=SPIKE_HOLD_S, count=1)
                h.host.call(sim.inject_fault, spike)
                soak.spikes += 1
            else:
                soak.clear()

        # Faults stopped: one refresh cycle later every entity is available again.
        due = h.vt.refresh_due
        assert due is not None, "polling stopped"
        refreshes = len(h.refreshes)
        await h.run_until(due)
        assert len(h.refreshes) == refreshes + 1
        assert h.coordinator.last_update_success
        assert h.unavailable_entities() == []
        await h.run_until(end)

        stats = h.host.call(sim.stats)
        # Never beyond the limit, and no 429 but the injected ones (which the simulator's
        # limiter does not count), setup and the re-login included.
        assert stats["peak_window"] <= LIMIT
        assert stats["rate_limited"] == 0
        # Exactly one reauth, answered; the entry and its tokens intact.
        assert len(soak.reauth_flows) == 1
        assert soak.logins == 1
        assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [e.entry_id for e in hass.config_entries.async_entries(DOMAIN)] == [entry_id]
        assert entry.state is ConfigEntryState.LOADED
        token = entry.data["token"]
        assert token["access_token"]
        assert token["refresh_token"]
        assert sim.tokens.lookup_access(token["access_token"], sim.clock.timestamp()) is not None
        assert h.unavailable_entities() == []
        assert stats["requests"]["access_token"] >= HOURS  # hourly token refreshes
        assert unhandled(bench_env.caplog) == []
        # The fault paths were taken (a soak that injects nothing proves nothing).
        messages = [record.getMessage() for record in bench_env.caplog.records]
        assert any("Access token rejected" in m for m in messages), "no 401 path"
        assert soak.spikes == 0 or any("Gateway Timeout" in m for m in messages)
        assert any("answer is not JSON" in m or "Bad Gateway" in m for m in messages)
        with bench_env.capsys.disabled():
            print(  # noqa: T201
                f"\nsoak {HOURS:g} h: {len(h.refreshes)} refreshes, {stats['total']} requests,"
                f" peak {stats['peak_window']}/{LIMIT} per 60 s, {soak.injected_429} injected"
                f" 429, {soak.spikes} timeout spikes, {len(soak.reauth_flows)} reauth"
            )


async def test_setup_within_the_burst_limit(bench_env: BenchEnv) -> None:
    """Login, account check and first refresh of 3 cars stay within 10 requests a second.

    The flow's account check and the entry share one rate budget (one per client id).
    """
    async with open_stack(bench_env, bench_config(CARS, seed=7), loop_debug=True) as h:
        assert h.host.call(h.sim.stats)["rate_limited"] == 0


async def test_reauth_survives_a_failed_account_check(bench_env: BenchEnv) -> None:
    """One 5xx on ``/user`` while the person logs in again must not leave the entry stuck."""
    async with open_stack(bench_env, bench_config(CARS, seed=7), loop_debug=True) as h:
        hass = h.hass
        h.window_start = float("inf")
        h.host.call(h.sim.revoke_tokens, "all")
        await h.run_until(h.vt.monotonic() + 10 * MIN)
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
        failing = FaultSpec(kind="error", status=500, count=1, endpoint="getUser")
        h.host.call(h.sim.inject_fault, failing)
        result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {})
        result = await h.flow.browser_login(result)
        await hass.async_block_till_done()
        # The login is kept and the person is asked to try again: no dead end.
        assert result["type"] is FlowResultType.FORM, result
        assert result["step_id"] == "account_check"
        assert result["errors"] == {"base": "cannot_connect"}
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["type"] is FlowResultType.ABORT, result
        assert result["reason"] == "reauth_successful"
        await hass.async_block_till_done(wait_background_tasks=True)
        refreshes = len(h.refreshes)
        await h.run_until(h.vt.monotonic() + HOUR)
        assert len(h.refreshes) > refreshes  # polling again
        assert h.coordinator.last_update_success
        assert h.unavailable_entities() == []
