"""``/_sim/b2b`` controls, the fleet flags of the CLI and the PKI's files."""

from __future__ import annotations

import asyncio
from pathlib import Path
import re
import signal
import stat
import sys

import aiohttp
import pytest

from simulator.__main__ import b2b_banner, parse_args
from simulator.b2b.pki import Credential
from simulator.config import SimulatorConfig, parse_fleets
from simulator.testing import run_simulator
from tests.simulator.receiver import webhook_receiver
from tests.simulator.test_b2b_helpers import B2bClient, b2b_config
from tests.simulator.test_b2b_monitors import fleet_monitor


async def test_info_client_and_truth(session: aiohttp.ClientSession) -> None:
    """Where the API listens, its credentials, the fleets; the client pair; the truth."""
    async with run_simulator(b2b_config()) as running:
        async with session.get(f"{running.url}/_sim/b2b") as response:
            info = await response.json()
        assert info["base_url"] == running.b2b_base_url
        assert (info["user"], info["client_id"]) == ("sim-fleet-user", "sim-fleet-client")
        assert info["ca_pem"] == running.b2b_ca_pem
        assert list(info["fleets"]) == running.fleet_ids
        assert [len(cars) for cars in info["fleets"].values()] == [3, 0]
        async with session.get(f"{running.url}/_sim/b2b/client") as response:
            pair = await response.json()
        assert pair == {
            "cert_pem": running.b2b_client_cert_pem,
            "key_pem": running.b2b_client_key_pem,
        }
        async with session.get(f"{running.url}/_sim/b2b/truth") as response:
            truth = await response.json()
        fleet = running.fleet_ids[0]
        assert list(truth[fleet]) == running.fleet_vehicles(fleet)
        assert truth[running.fleet_ids[1]] == {}
        consumer = running.sim.vehicles_of("demo@example.com")
        assert not set(consumer) & set(truth[fleet])


async def test_issued_certificates(session: aiohttp.ClientSession) -> None:
    """A certificate issued for 20 days works; expired and foreign ones do not; bad input 400."""
    async with run_simulator(b2b_config()) as running:
        issue = f"{running.url}/_sim/b2b/certificates"
        async with session.post(issue, json={"days": 20}) as response:
            pair = await response.json()
        context = running.b2b_ssl_context(Credential(pair["cert_pem"], pair["key_pem"]))
        assert (await B2bClient(running, session, context=context).get("/fleets"))[0] == 200
        for body in ({"expired": True}, {"foreign": True}):
            async with session.post(issue, json=body) as response:
                pair = await response.json()
            context = running.b2b_ssl_context(Credential(pair["cert_pem"], pair["key_pem"]))
            with pytest.raises(aiohttp.ClientConnectorError):
                await B2bClient(running, session, context=context).get("/fleets")
        for bad in ({"days": 0}, {"days": "ten"}, [1]):
            async with session.post(issue, json=bad) as response:
                assert response.status == 400
        async with session.post(issue, data=b"{nope") as response:
            assert response.status == 400
        async with session.post(
            f"{running.url}/_sim/b2b/batch", json={"enabled": "no"}
        ) as response:
            assert response.status == 400


async def test_private_folder_and_cleanup() -> None:
    """Keys are 0600 in a 0700 folder that is gone after shutdown."""
    async with run_simulator(b2b_config()) as running:
        pki = running.b2b.pki
        running.b2b_ssl_context()
        assert stat.S_IMODE(pki.folder.stat().st_mode) == 0o700
        keys = list(pki.folder.glob("*key*.pem"))
        assert keys
        assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
    assert not pki.folder.exists()


async def test_no_listener_when_switched_off() -> None:
    """``b2b=False``: no v3 backend, no /_sim/b2b."""
    async with run_simulator(SimulatorConfig(b2b=False, time_scale=0)) as running:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{running.url}/_sim/b2b") as response:
                assert response.status == 404


async def test_cars_come_and_go(session: aiohttp.ClientSession) -> None:
    """A car added to a fleet is listed and monitored; a removed one disappears."""
    async with webhook_receiver() as receiver, run_simulator(b2b_config()) as running:
        client = B2bClient(running, session)
        fleet = client.fleet
        await client.request("POST", f"/fleets/{fleet}/monitors", fleet_monitor(receiver.url))
        added = f"{running.url}/_sim/b2b/fleets/{fleet}/vehicles"
        async with session.post(added, json={"motorization": "Electric"}) as response:
            assert response.status == 201
            new_car = (await response.json())["id"]
        cars = await client.all_items(f"/fleets/{fleet}/vehicles", "vehicles")
        assert [c["id"] for c in cars][-1] == new_car
        assert cars[-1]["motorization"] == "Electric"
        running.sim.raise_alert(new_car, "OilLevelLow", "Warning")
        await running.b2b.deliveries.drain()
        vin = running.sim.world.vehicles[new_car].vin
        assert [m["events"][0]["vin"] for m in receiver.messages()] == [vin]
        async with session.delete(f"{running.url}/_sim/vehicles/{new_car}") as response:
            assert response.status == 200
        cars = await client.all_items(f"/fleets/{fleet}/vehicles", "vehicles")
        assert new_car not in [c["id"] for c in cars]
        assert (await client.get(f"/fleets/{fleet}/vehicles/{new_car}"))[0] == 404
        for bad in ({"motorization": 3}, {"motorization": "Steam"}):
            async with session.post(added, json=bad) as response:
                assert response.status == 400
        async with session.post(f"{running.url}/_sim/b2b/fleets/nope/vehicles") as response:
            assert response.status == 404


def test_cli_fleet_flags_and_banner() -> None:
    """--fleets, --b2b-port and --no-b2b map onto the config; the banner says where to go."""
    config = parse_args(["--fleets", "3,0", "--b2b-port", "8443"])
    assert (config.fleets, config.b2b_port, config.b2b) == ((3, 0), 8443, True)
    assert parse_args([]).fleets == (3,)
    assert parse_args(["--fleets", "", "--no-b2b"]).b2b is False
    assert parse_fleets("") == ()
    for bad in ("three", "3,-1"):
        with pytest.raises(ValueError, match="fleet"):
            parse_fleets(bad)
    with pytest.raises(ValueError, match="fleet"):
        SimulatorConfig(fleets=(-1,))


async def test_banner_names_the_files() -> None:
    """The banner lists the URL, the credentials and the PEM files."""
    async with run_simulator(b2b_config()) as running:
        text = b2b_banner(running.b2b, running.url)
        for needle in (running.b2b_base_url, "sim-fleet-password", "ca.pem", "client-key.pem"):
            assert needle in text
        assert running.fleet_ids[0] in text


async def test_cli_removes_its_pki_folder_on_sigterm() -> None:
    """``python -m simulator`` stopped with SIGTERM (as scripts/develop does) leaves no key."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--fleets",
        "1",
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None
    folder = None
    async with asyncio.timeout(30):
        while folder is None:
            line = (await process.stdout.readline()).decode()
            assert line, "the simulator stopped before printing its PKI folder"
            match = re.search(r"CA (\S+)/ca\.pem", line)
            folder = Path(match.group(1)) if match else None
        assert (folder / "client-key.pem").exists()
        process.send_signal(signal.SIGTERM)
        await process.wait()
    assert process.returncode == 0
    assert not folder.exists()
