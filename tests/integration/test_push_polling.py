"""What polling reads while push is active: the cars push cannot keep up to date."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from custom_components.psa_connected_car.coordinator import PsaCoordinator

from . import push_support
from .push_support import Setup, settle

push_setup = push_support.push_setup
external_url = push_support.external_url


def _status_reads(setup: Setup) -> int:
    requests: dict[str, int] = setup[1].sim.stats()["requests"]
    return requests.get("getVehicleStatus", 0)


async def test_with_push_a_cycle_reads_only_the_charging_cars(
    hass: HomeAssistant, push_setup: Setup, freezer: FrozenDateTimeFactory
) -> None:
    """The parked cars' changes are pushed; a charging battery's level is not."""
    coordinator: PsaCoordinator = push_setup[0].runtime_data.coordinator
    assert coordinator.push_safety_interval is not None
    assert coordinator.cadence == timedelta(minutes=5)
    charging = {vid for vid, item in coordinator.data.items() if item.is_charging}
    assert 0 < len(charging) < len(coordinator.data)
    before = _status_reads(push_setup)

    await coordinator.async_refresh()  # the cars were all read a moment ago
    assert _status_reads(push_setup) == before

    freezer.tick(coordinator.cadence)
    read_at = {vid: item.refreshed_at for vid, item in coordinator.data.items()}
    await coordinator.async_refresh()
    assert _status_reads(push_setup) == before + len(charging)
    changed = {vid for vid, item in coordinator.data.items() if item.refreshed_at != read_at[vid]}
    assert changed == charging


async def test_a_requested_refresh_reads_every_car(hass: HomeAssistant, push_setup: Setup) -> None:
    """``homeassistant.update_entity`` (and a pushed trip start) read every car, due or not."""
    coordinator: PsaCoordinator = push_setup[0].runtime_data.coordinator
    before = _status_reads(push_setup)
    await coordinator.async_request_refresh()
    await settle(hass, push_setup[1])
    assert _status_reads(push_setup) == before + len(coordinator.data)
