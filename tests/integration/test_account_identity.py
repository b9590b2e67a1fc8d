"""The account's unique id when ``/user`` has no ``id`` (as real answers often do)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
import hashlib
import json
from pathlib import Path

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.psa_connected_car.api import BRANDS, parse_user
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.flow.account_check import (
    AccountCheckError,
    account_ids_of,
    async_check_account,
)
from simulator.identities import DEMO_USER, PARTNER_CLIENT_ID
from simulator.testing import RunningSimulator
from tests.api.raw_server import RawServer, Reply, serve

from .conftest import FlowDriver

Setup = tuple[ConfigEntry, RunningSimulator]
REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "realworld"
# The shape real cars' accounts answer with: no id, an e-mail, names, embedded cars.
USER_WITHOUT_ID = {
    "email": "Driver@Example.com",
    "firstName": "Ann",
    "lastName": "Lee",
    "_embedded": {"vehicles": [{"id": "car-1", "vin": "VR3UHZKXZLT000001"}]},
}
CLOSE = {"Connection": "close"}  # Home Assistant's shared session keeps no connection open
VEHICLES = {
    "total": 1,
    "_embedded": {"vehicles": [{"id": "car-1", "vin": "VR3UHZKXZLT000001"}]},
}


def _id_token(subject: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"sub": subject}).encode()).rstrip(b"=")
    return f"e30.{payload.decode()}.signature"


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[RawServer]:
    """A scripted API answering ``/user`` without an id, then the car list."""
    async with serve(
        RawServer(
            script=[Reply(body=USER_WITHOUT_ID, headers=CLOSE), Reply(body=VEHICLES, headers=CLOSE)]
        )
    ) as raw:
        yield raw


async def _check(hass: HomeAssistant, api: RawServer, token: dict[str, str]) -> tuple[str, ...]:
    account = await async_check_account(
        hass,
        brand=BRANDS["citroen"],
        client_id=PARTNER_CLIENT_ID,
        api_base=f"{api.url}/connectedcar/v4",
        token=token,
    )
    assert account.title == "Driver@Example.com"
    assert [vehicle.id for vehicle in account.vehicles] == ["car-1"]
    return account.ids


async def test_a_user_without_id_is_known_by_the_login_subject(
    hass: HomeAssistant, api: RawServer
) -> None:
    ids = await _check(hass, api, {"access_token": "a", "id_token": _id_token("sub-7")})
    assert ids[0] == "sub-7"


async def test_without_subject_the_hashed_email_identifies_the_account(
    hass: HomeAssistant, api: RawServer
) -> None:
    ids = await _check(hass, api, {"access_token": "a"})
    digest = hashlib.sha256(b"driver@example.com").hexdigest()
    assert ids == (f"email-sha256:{digest}",)


async def test_an_account_without_any_identifier_is_refused(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    anonymous = {"firstName": "Ann"}
    async with serve(
        RawServer(
            script=[Reply(body=anonymous, headers=CLOSE), Reply(body=VEHICLES, headers=CLOSE)]
        )
    ) as raw:
        with pytest.raises(AccountCheckError) as caught:
            await _check(hass, raw, {"access_token": "a"})
    assert caught.value.reason == "no_account_id"


def _email_id() -> str:
    return f"email-sha256:{hashlib.sha256(DEMO_USER.strip().lower().encode()).hexdigest()}"


async def test_an_entry_known_by_another_identifier_is_recognised(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    """An older entry keeps its unique id; logging in to that account again is refused."""
    entry, _running = setup_integration
    hass.config_entries.async_update_entry(entry, unique_id=_email_id())

    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_reauth_keeps_the_unique_id_an_entry_already_has(
    hass: HomeAssistant, setup_integration: Setup, flow: FlowDriver
) -> None:
    entry, _running = setup_integration
    hass.config_entries.async_update_entry(entry, unique_id=_email_id())
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_REAUTH, "entry_id": entry.entry_id}, data=entry.data
    )
    external = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await flow.browser_login(external)
    assert result["reason"] == "reauth_successful"
    assert entry.unique_id == _email_id()


def test_real_user_answers_identify_the_account() -> None:
    files = sorted(REALWORLD.glob("*user*.json")) if REALWORLD.is_dir() else []
    if not files:
        pytest.skip(f"no real /user answers in {REALWORLD} (../shared/realworld is absent)")
    for path in files:
        user = parse_user(json.loads(path.read_text(encoding="utf-8")))
        ids = account_ids_of(user, {})
        assert ids, f"{path.name}: no identifier"
        assert all(user.email not in uid for uid in ids if user.email), path.name
