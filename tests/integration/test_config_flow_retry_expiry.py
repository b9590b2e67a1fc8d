"""A retry form left open longer than the access token lives refreshes the kept token."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from simulator.faults import FaultSpec
from simulator.testing import RunningSimulator

from .conftest import FlowDriver
from .test_config_flow_retry import (
    _assert_retry_form,
    _mobile_login_with_a_failing_check,
    _partner_login_with_a_failing_check,
    _retry,
)

LATER = timedelta(hours=2)  # the simulator's access tokens live an hour


def _two_hours_pass(running: RunningSimulator, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(LATER)
    running.sim.advance(LATER.total_seconds())


async def test_partner_retry_after_the_token_expired_refreshes_it(
    hass: HomeAssistant, flow: FlowDriver, freezer: FrozenDateTimeFactory
) -> None:
    result = await _partner_login_with_a_failing_check(flow)
    refreshes = flow.running.sim.stats()["requests"].get("access_token", 0)
    _two_hours_pass(flow.running, freezer)

    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    token = result["data"]["token"]
    assert flow.running.sim.stats()["requests"]["access_token"] == refreshes + 1
    now = flow.running.sim.clock.timestamp()
    assert flow.running.sim.tokens.lookup_access(token["access_token"], now) is not None
    assert token["refresh_token"]


async def test_mobile_retry_after_the_token_expired_refreshes_it(
    hass: HomeAssistant, flow: FlowDriver, freezer: FrozenDateTimeFactory
) -> None:
    _form, result = await _mobile_login_with_a_failing_check(hass, flow)
    _two_hours_pass(flow.running, freezer)

    result = await _retry(hass, result)

    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    assert result["data"]["connection"] == "mobile_app"


async def test_a_refresh_that_fails_for_now_keeps_the_retry_form(
    hass: HomeAssistant, flow: FlowDriver, freezer: FrozenDateTimeFactory
) -> None:
    result = await _partner_login_with_a_failing_check(flow)
    _two_hours_pass(flow.running, freezer)
    flow.running.sim.inject_fault(
        FaultSpec(kind="error", status=503, count=1, endpoint="access_token")
    )

    result = await _retry(hass, result)
    _assert_retry_form(result)

    result = await _retry(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result


async def test_a_revoked_login_asks_for_a_new_one(
    hass: HomeAssistant, flow: FlowDriver, freezer: FrozenDateTimeFactory
) -> None:
    form, result = await _mobile_login_with_a_failing_check(hass, flow)
    _two_hours_pass(flow.running, freezer)
    flow.running.sim.inject_fault(FaultSpec(kind="revoke_refresh", count=1))
    refreshes = flow.running.sim.stats()["requests"].get("access_token", 0)

    result = await _retry(hass, result)

    assert flow.running.sim.stats()["requests"]["access_token"] == refreshes + 1

    assert result["step_id"] == "mobile_code"
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"] == form["description_placeholders"]
