"""The fleet (B2B v3) client against the simulator's mTLS listener."""

from __future__ import annotations

import asyncio
from pathlib import Path
import socket
import ssl
from typing import Any

import aiohttp
import pytest

from custom_components.psa_connected_car.api import (
    BRANDS,
    AuthenticationError,
    PsaConnectionError,
    PsaError,
    RateBudget,
    create_ssl_context,
)
from custom_components.psa_connected_car.api.fleet import FleetClient, batch_gone
from custom_components.psa_connected_car.api.fleet_batch import BatchKind
from custom_components.psa_connected_car.api.fleet_tls import CertificateRejectedError
from simulator.b2b.pki import Credential
from simulator.config import SimulatorConfig
from simulator.testing import RunningSimulator

BRAND = BRANDS["peugeot"]


@pytest.fixture(name="quiet_refusals")
async def quiet_refusals_fixture(hass: Any) -> None:
    """The simulator's TLS listener reports each handshake it refuses to the loop's
    exception handler, which the test harness turns into a failure: those are expected."""
    loop = asyncio.get_running_loop()
    harness = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        refused = isinstance(context.get("exception"), ssl.SSLError)
        if refused and "incoming connection" in str(context.get("message")):
            return
        if harness is not None:
            harness(loop, context)

    loop.set_exception_handler(handler)


@pytest.fixture(name="sim_config")
def sim_config_fixture() -> SimulatorConfig:
    """One fleet of a thermic, an electric and a hybrid car, and one without cars."""
    return SimulatorConfig(vehicles=0, seed=7, time_scale=0, autonomous=False, fleets=(3, 0))


def _files(
    running: RunningSimulator, folder: Path, credential: Credential | None = None
) -> tuple[Path, Path, Path]:
    cert, key, ca = folder / "client.crt", folder / "client.key", folder / "ca.crt"
    cert.write_text(credential.cert_pem if credential else running.b2b_client_cert_pem)
    key.write_text(credential.key_pem if credential else running.b2b_client_key_pem)
    ca.write_text(running.b2b_ca_pem)
    return cert, key, ca


def _client(
    running: RunningSimulator,
    session: aiohttp.ClientSession,
    tmp_path: Path,
    *,
    fleet_id: str | None = None,
    password: str | None = None,
    credential: Credential | None = None,
    api_base: str | None = None,
) -> FleetClient:
    return FleetClient(
        session,
        BRAND,
        client_id=running.b2b_client_id,
        username=running.b2b_basic_user,
        password=password or running.b2b_basic_password,
        ssl_context=create_ssl_context(*_files(running, tmp_path, credential)),
        fleet_id=fleet_id,
        api_base=api_base or running.b2b_base_url,
        rate_budget=RateBudget(),
        request_timeout=5,
    )


async def test_fleets_and_their_cars(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    fleets = await _client(running, session, tmp_path).list_fleets()
    assert [fleet.id for fleet in fleets] == running.fleet_ids
    assert all(fleet.title for fleet in fleets)
    full, empty = running.fleet_ids
    client = _client(running, session, tmp_path, fleet_id=full)
    vehicles = await client.get_vehicles()
    assert [v.id for v in vehicles] == running.fleet_vehicles(full)
    assert all(v.vin and v.brand for v in vehicles)
    assert [v.motorization for v in vehicles] == ["Thermic", "Electric", "Hybrid"]
    assert await _client(running, session, tmp_path, fleet_id=empty).get_vehicles() == []


async def test_per_car_reads_parse_into_the_consumer_models(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    fleet_id = running.fleet_ids[0]
    client = _client(running, session, tmp_path, fleet_id=fleet_id)
    thermic, electric, hybrid = running.fleet_vehicles(fleet_id)
    thermic_status = await client.get_status(thermic)
    electric_status = await client.get_status(electric)
    hybrid_status = await client.get_status(hybrid)
    assert thermic_status
    assert thermic_status.fuel
    assert not thermic_status.electric
    assert electric_status
    assert electric_status.electric
    assert not electric_status.fuel
    assert hybrid_status
    assert hybrid_status.fuel
    assert hybrid_status.electric
    assert thermic_status.odometer_km
    assert thermic_status.position
    maintenance = await client.get_maintenance(thermic)
    assert maintenance is not None
    assert maintenance.days_before_maintenance is not None
    assert isinstance(await client.get_alerts(thermic), list)
    assert isinstance(await client.get_trips(thermic), list)


async def test_batch_reads_answer_what_each_car_answers(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    fleet_id = running.fleet_ids[0]
    client = _client(running, session, tmp_path, fleet_id=fleet_id)
    vehicles = await client.get_vehicles()
    statuses = await client.get_batch(BatchKind.STATUS)
    maintenances = await client.get_batch(BatchKind.MAINTENANCE)
    for vehicle in vehicles:
        assert statuses.items_of(vehicle.id, vehicle.vin) == [await client.get_status(vehicle.id)]
        assert maintenances.items_of(vehicle.id, vehicle.vin) == [
            await client.get_maintenance(vehicle.id)
        ]
    assert statuses.items_of("unknown", "VF3UNKNOWN0000000") == []


async def test_batch_switched_off_is_told_apart(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    client = _client(running, session, tmp_path, fleet_id=running.fleet_ids[0])
    for status in (404, 410, 501):
        async with session.post(
            f"{running.url}/_sim/b2b/batch",
            json={"enabled": False, "status": status},
        ) as response:
            assert response.status == 200
        with pytest.raises(PsaError) as caught:
            await client.get_batch(BatchKind.STATUS)
        assert caught.value.status == status
        assert batch_gone(caught.value)
    assert not batch_gone(PsaError("boom", status=500))


async def test_wrong_password_is_an_authentication_error_sent_once(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    client = _client(running, session, tmp_path, password="wrong")
    with pytest.raises(AuthenticationError) as caught:
        await client.list_fleets()
    assert not isinstance(caught.value, CertificateRejectedError)
    assert caught.value.status == 401
    assert running.sim.counters.requests.get("v3.getFleets") == 1


@pytest.mark.usefixtures("quiet_refusals")
@pytest.mark.parametrize("kind", ["foreign", "expired"])
async def test_refused_certificate_is_its_own_error(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path, kind: str
) -> None:
    credential = running.b2b_client_cert(**{kind: True})
    client = _client(running, session, tmp_path, credential=credential)
    with pytest.raises(CertificateRejectedError, match="refused the client certificate"):
        await client.list_fleets()


async def test_no_server_is_a_connection_error_not_a_certificate_one(
    running: RunningSimulator, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    client = _client(
        running, session, tmp_path, api_base=f"https://127.0.0.1:{port}/connectedcar/v3"
    )
    with pytest.raises(PsaConnectionError) as caught:
        await client.list_fleets()
    assert not isinstance(caught.value, CertificateRejectedError)
