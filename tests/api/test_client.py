"""Every read call of the client against the simulator, compared with its ground truth."""

from __future__ import annotations

from datetime import datetime

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    PsaClient,
    RateBudget,
    VehicleStatus,
)
from simulator.config import SimulatorConfig
from simulator.identities import DEMO_USER, EMPTY_USER, account_id
from simulator.testing import RunningSimulator

from .conftest import BRAND, TokenBox, sign_in


def _assert_matches_truth(status: VehicleStatus, truth: dict[str, object]) -> None:
    fuel = status.fuel.level_pct if status.fuel else None
    battery = status.electric.level_pct if status.electric else None
    assert fuel == truth["fuel_level"]
    assert battery == truth["battery_level"]
    assert status.odometer_km == truth["odometer_km"]
    assert status.moving == truth["moving"]
    assert status.ignition == truth["ignition"]
    assert status.doors_locked == truth["locked"]
    assert status.privacy_state == truth["privacy"]
    updated = datetime.fromisoformat(str(truth["updated_at"]))
    assert status.updated_at == updated
    if truth["latitude"] is not None:
        assert status.position is not None
        assert status.position.latitude == pytest.approx(truth["latitude"])
        assert status.position.longitude == pytest.approx(truth["longitude"])


async def test_user(client: PsaClient) -> None:
    user = await client.get_user()
    assert user.email == DEMO_USER
    assert user.id == account_id(DEMO_USER)
    assert (user.first_name, user.last_name) == ("Dominique", "Demo")


async def test_vehicles(client: PsaClient, running: RunningSimulator) -> None:
    vehicles = await client.get_vehicles()
    truth = running.sim.truth()
    assert sorted(v.id for v in vehicles) == sorted(running.sim.vehicles_of(DEMO_USER))
    for vehicle in vehicles:
        assert vehicle.vin == truth[vehicle.id]["vin"]
        assert vehicle.brand == "Peugeot"
        assert vehicle.motorization == truth[vehicle.id]["motorization"]


@pytest.mark.parametrize("sim_config", [SimulatorConfig(vehicles=8, seed=3, time_scale=0)])
async def test_vehicles_over_several_pages(
    running: RunningSimulator, session: aiohttp.ClientSession, token_box: TokenBox
) -> None:
    client = PsaClient(
        session,
        BRAND,
        token_box.client_id,
        token_box.provider,
        api_base=running.api_base,
        page_size=3,
    )
    vehicles = await client.get_vehicles()
    assert len(vehicles) == 8
    assert len({v.id for v in vehicles}) == 8
    assert running.sim.stats()["requests"]["getVehiclesByDevice"] == 3


async def test_status_position_maintenance(client: PsaClient, running: RunningSimulator) -> None:
    truth = running.sim.truth()
    for vehicle_id in running.sim.vehicles_of(DEMO_USER):
        status = await client.get_status(vehicle_id)
        assert status is not None
        _assert_matches_truth(status, truth[vehicle_id])
        assert status.position is not None
        assert status.position.latitude == pytest.approx(truth[vehicle_id]["latitude"])
        maintenance = await client.get_maintenance(vehicle_id)
        assert maintenance is not None
        assert maintenance.days_before_maintenance == truth[vehicle_id]["maintenance_days"]
        assert maintenance.mileage_before_maintenance_km == truth[vehicle_id]["maintenance_km"]


async def test_electric_car_is_charging(client: PsaClient, running: RunningSimulator) -> None:
    truth = running.sim.truth()
    electric_id = next(vid for vid, car in truth.items() if car["motorization"] == "Electric")
    status = await client.get_status(electric_id)
    assert status is not None
    assert status.fuel is None
    assert status.electric is not None
    assert status.electric.charging is not None
    assert status.electric.charging.status == truth[electric_id]["charging_status"]
    assert status.electric.charging.remaining_time is not None
    assert status.total_autonomy_km == status.electric.autonomy_km


async def test_unknown_vehicle(client: PsaClient) -> None:
    assert await client.get_status("0" * 64) is None
    assert await client.get_alerts("0" * 64) == []


async def test_alerts_active_history_and_locale(
    client: PsaClient, running: RunningSimulator
) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    raised = running.sim.raise_alert(vehicle_id, "FuelLevelLow", "Warning")
    active = await client.get_alerts(vehicle_id)
    truth_ids = {a["id"] for a in running.sim.truth()[vehicle_id]["active_alerts"]}
    assert {a.id for a in active} == truth_ids
    assert raised in truth_ids
    alert = next(a for a in active if a.id == raised)
    assert alert.type == "FuelLevelLow"
    assert alert.severity == "Warning"
    assert alert.active
    assert alert.started_at is not None
    history = await client.get_alerts(vehicle_id, active_only=False)
    assert len(history) > len(active)
    assert any(not a.active and a.ended_at is not None for a in history)
    english = await client.get_alerts(vehicle_id, locale="en-GB")
    french = await client.get_alerts(vehicle_id, locale="fr-FR")
    english_text = next(a.message for a in english if a.id == raised)
    french_text = next(a.message for a in french if a.id == raised)
    assert english_text
    assert french_text
    assert english_text != french_text


async def test_empty_account(running: RunningSimulator, session: aiohttp.ClientSession) -> None:
    tokens = await sign_in(running, session, username=EMPTY_USER)
    box = TokenBox(session, running.idp_base(BRAND.tld), BRAND, tokens)
    client = PsaClient(session, BRAND, box.client_id, box.provider, api_base=running.api_base)
    assert await client.get_vehicles() == []
    assert (await client.get_user()).email == EMPTY_USER


@pytest.mark.parametrize("sim_config", [SimulatorConfig(scenario="quirks", time_scale=0)])
async def test_quirks_scenario(client: PsaClient, running: RunningSimulator) -> None:
    truth = running.sim.truth()
    ids = running.sim.vehicles_of(DEMO_USER)
    for vehicle_id in ids:
        status = await client.get_status(vehicle_id)
        assert status is not None
        assert status.updated_at is not None
        assert status.updated_at.tzinfo is not None
        await client.get_alerts(vehicle_id, active_only=False)
    first = await client.get_status(ids[0])
    assert first is not None
    assert await client.get_maintenance(ids[0]) is None
    second = await client.get_status(ids[1])
    assert second is not None
    assert second.electric is not None
    assert second.electric.level_pct == truth[ids[1]]["battery_level"]
    assert second.electric.charging is not None
    assert second.electric.charging.remaining_time is not None
    stats = running.sim.stats()["requests"]
    assert stats["getVehicleAlerts"] == len(ids)


@pytest.mark.parametrize("sim_config", [SimulatorConfig(scenario="privacy", time_scale=0)])
async def test_privacy_scenario(client: PsaClient, running: RunningSimulator) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    status = await client.get_status(vehicle_id)
    assert status is not None
    assert status.privacy_state == "Full"
    assert status.position is None


@pytest.mark.parametrize("sim_config", [SimulatorConfig(scenario="overdue", time_scale=0)])
async def test_overdue_scenario(client: PsaClient, running: RunningSimulator) -> None:
    vehicle_id = running.sim.vehicles_of(DEMO_USER)[0]
    maintenance = await client.get_maintenance(vehicle_id)
    assert maintenance is not None
    assert maintenance.days_before_maintenance is not None
    assert maintenance.days_before_maintenance < 0


async def test_rate_budget_is_shared_and_exposed(client: PsaClient) -> None:
    budget = client.rate_budget
    assert isinstance(budget, RateBudget)
    before = budget.remaining
    await client.get_user()
    assert budget.remaining < before
    assert client.api_base.endswith("/connectedcar/v4")
