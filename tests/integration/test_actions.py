"""The actions ``set_preconditioning_program`` and ``send_destination`` against the simulator.

A good call reaches the car (the simulator stores the program or the destination); every bad
value, an unknown car, an entry that is not loaded and a login without the scope are refused
with their translated error before any request reaches the API.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.psa_connected_car.const import DOMAIN
from simulator.identities import DEMO_USER

from . import push_support
from .conftest import FlowDriver
from .control_support import car_finishes, until_sent
from .push_support import Setup, api_calls, cars, park_fleet, settle

simulator_config = push_support.simulator_config
external_url = push_support.external_url
push_setup = push_support.push_setup

PROGRAM = "set_preconditioning_program"
DESTINATION = "send_destination"
ELECTRIC = 1


def _device_id(hass: HomeAssistant, setup: Setup, car: int = ELECTRIC) -> str:
    entry, running = setup
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[car]
    vin = running.sim.truth()[vehicle_id]["vin"]
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, vin), entry.entry_id)
    assert device is not None
    return device.id


async def _call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)


async def _refused(
    hass: HomeAssistant, service: str, data: dict[str, Any]
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as caught:
        await _call(hass, service, data)
    return caught.value


GOOD_PROGRAM: dict[str, Any] = {
    "slot": 2,
    "days": ["sat", "mon"],
    "start_time": "07:15",
    "enabled": True,
}
GOOD_DESTINATION: dict[str, Any] = {
    "latitude": 48.8584,
    "longitude": 2.2945,
    "waypoints": [{"latitude": 48.8606, "longitude": 2.3376}],
    "driver_approval": False,
}
WAYPOINT = {"latitude": 45.0, "longitude": 5.0}

BAD_CALLS: list[tuple[str, dict[str, Any], str, str]] = [
    (PROGRAM, GOOD_PROGRAM | {"slot": 0}, "invalid_slot", "from 1 to 4"),
    (PROGRAM, GOOD_PROGRAM | {"slot": 5}, "invalid_slot", "from 1 to 4"),
    (PROGRAM, GOOD_PROGRAM | {"slot": 1.5}, "invalid_slot", "from 1 to 4"),
    (PROGRAM, GOOD_PROGRAM | {"slot": "two"}, "invalid_slot", "from 1 to 4"),
    (PROGRAM, GOOD_PROGRAM | {"slot": True}, "invalid_slot", "from 1 to 4"),
    (PROGRAM, GOOD_PROGRAM | {"days": []}, "invalid_days", "mon, tue, wed"),
    (PROGRAM, GOOD_PROGRAM | {"days": ["monday"]}, "invalid_days", "at least one day"),
    (PROGRAM, GOOD_PROGRAM | {"start_time": "25:00"}, "invalid_start_time", "07:30"),
    (PROGRAM, GOOD_PROGRAM | {"start_time": "soon"}, "invalid_start_time", "07:30"),
    (DESTINATION, GOOD_DESTINATION | {"latitude": 90.5}, "invalid_latitude", "-90 to 90"),
    (DESTINATION, GOOD_DESTINATION | {"latitude": "nan"}, "invalid_latitude", "-90 to 90"),
    (DESTINATION, GOOD_DESTINATION | {"latitude": True}, "invalid_latitude", "-90 to 90"),
    (DESTINATION, GOOD_DESTINATION | {"longitude": -180.1}, "invalid_longitude", "-180"),
    (DESTINATION, GOOD_DESTINATION | {"longitude": "east"}, "invalid_longitude", "-180"),
    (
        DESTINATION,
        GOOD_DESTINATION | {"waypoints": [{"latitude": -91, "longitude": 0}]},
        "invalid_latitude",
        "-90 to 90",
    ),
    (
        DESTINATION,
        GOOD_DESTINATION | {"waypoints": [{"latitude": 1}]},
        "invalid_longitude",
        "-180",
    ),
    (DESTINATION, GOOD_DESTINATION | {"waypoints": ["here"]}, "invalid_waypoint", "waypoint"),
    (
        DESTINATION,
        GOOD_DESTINATION | {"waypoints": [WAYPOINT] * 10},
        "too_many_points",
        "at most 9 waypoints (10 points in total); 10 waypoints",
    ),
    (DESTINATION, GOOD_DESTINATION | {"speed": 3}, "invalid_action_field", "speed"),
]


@pytest.mark.parametrize(
    "case",
    BAD_CALLS,
    ids=[f"{service}-{key}-{index}" for index, (service, _, key, _) in enumerate(BAD_CALLS)],
)
async def test_bad_values_are_refused_without_a_request(
    hass: HomeAssistant, push_setup: Setup, case: tuple[str, dict[str, Any], str, str]
) -> None:
    """Each bad value names its own problem, in the user's language, and sends nothing."""
    service, data, key, text = case
    _, running = push_setup
    device_id = _device_id(hass, push_setup)
    before = api_calls(running)
    error = await _refused(hass, service, {"device_id": device_id, **data})
    assert error.translation_key == key
    assert error.translation_domain == DOMAIN
    assert text in str(error)
    await settle(hass, running)
    assert api_calls(running) == before


async def test_destination_with_nine_waypoints_reaches_the_car(
    hass: HomeAssistant, push_setup: Setup
) -> None:
    """The limit itself: 9 waypoints and the destination make the API's 10 points, in order."""
    _, running = push_setup
    car = running.sim.vehicles_of(DEMO_USER)[ELECTRIC]
    waypoints = [{"latitude": 45.0 + i / 10, "longitude": 5.0} for i in range(9)]
    data = {"device_id": _device_id(hass, push_setup), "latitude": 46.0, "longitude": 6.0}
    data |= {"waypoints": waypoints, "driver_approval": False}
    await until_sent(hass, running, car, _call(hass, DESTINATION, data))
    await car_finishes(hass, running)
    navigation = running.sim.truth()[car]["navigation"]
    assert navigation is not None
    assert navigation["positions"][0] == [5.0, 45.0]  # GeoJSON: longitude first
    assert navigation["positions"][-1] == [6.0, 46.0]  # the destination comes last
    assert len(navigation["positions"]) == 10
    assert navigation["driver_approval"] is False


async def test_program_reaches_the_car(hass: HomeAssistant, push_setup: Setup) -> None:
    """The program is stored in its slot, its days in the order of the week."""
    _, running = push_setup
    car = running.sim.vehicles_of(DEMO_USER)[ELECTRIC]
    data = GOOD_PROGRAM | {"device_id": _device_id(hass, push_setup)}
    await until_sent(hass, running, car, _call(hass, PROGRAM, data))
    await car_finishes(hass, running)
    programs = running.sim.truth()[car]["preconditioning_programs"]
    assert programs == [
        {
            "slot": 2,
            "enabled": True,
            "recurrence": "Daily",
            "start": "PT7H15M",
            "occurence": {"day": ["Mon", "Sat"]},
        }
    ]


async def test_unknown_device_is_refused(hass: HomeAssistant, push_setup: Setup) -> None:
    """Another integration's device, no device at all, or a car no longer in the account."""
    entry, running = push_setup
    registry = dr.async_get(hass)
    other = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("other", "x")}
    )
    gone = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "VF3NOLONGERHERE01")}
    )
    before = api_calls(running)
    for device_id in (other.id, "not-a-device", gone.id):
        error = await _refused(hass, DESTINATION, GOOD_DESTINATION | {"device_id": device_id})
        assert error.translation_key == "unknown_vehicle"
        assert "No car of PSA Connected Car" in str(error)
    assert api_calls(running) == before


async def test_unloaded_entry_is_refused(hass: HomeAssistant, push_setup: Setup) -> None:
    """The actions stay registered; a car of an unloaded entry gets a clear error."""
    entry, running = push_setup
    device_id = _device_id(hass, push_setup)
    assert await hass.config_entries.async_unload(entry.entry_id)
    before = api_calls(running)
    error = await _refused(hass, PROGRAM, GOOD_PROGRAM | {"device_id": device_id})
    assert error.translation_key == "entry_not_loaded"
    assert "not loaded" in str(error)
    assert api_calls(running) == before


@pytest.fixture
async def doors_only_setup(hass: HomeAssistant, external_url: str, flow: FlowDriver) -> Setup:
    """A partner login granted the doors command only (no charging, climate or navigation)."""
    flow.running.sim.remotes.partner_scopes = ("remote:door:write",)
    park_fleet(flow.running)
    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await settle(hass, flow.running)
    return result["result"], flow.running


async def test_login_without_the_scopes(
    hass: HomeAssistant, doors_only_setup: Setup, entity_registry: er.EntityRegistry
) -> None:
    """No switch or time entity without their scope; the actions refuse without a request."""
    entry, running = doors_only_setup
    platforms = {
        item.domain for item in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    assert "lock" in platforms  # the granted command has its entity
    assert not platforms & {"switch", "time"}
    before = api_calls(running)
    device_id = _device_id(hass, doors_only_setup)
    for service, data in ((PROGRAM, GOOD_PROGRAM), (DESTINATION, GOOD_DESTINATION)):
        with pytest.raises(HomeAssistantError) as refused:
            await _call(hass, service, data | {"device_id": device_id})
        assert refused.value.translation_key == "remote_not_granted"
    assert api_calls(running) == before
    assert all(running.sim.truth()[car]["remotes_received"] == {} for car in cars(running))
