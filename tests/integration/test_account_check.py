"""Who the account is: id and title from the user document or the id_token."""

from __future__ import annotations

import base64
import json

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.psa_connected_car.api import BRANDS, User
from custom_components.psa_connected_car.const import DOMAIN
from custom_components.psa_connected_car.flow.account_check import (
    account_ids_of,
    account_title,
)
from simulator.identities import mobile_client_id, mobile_client_secret

from .conftest import FlowDriver, user_input


def _id_token(subject: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"sub": subject}).encode()).rstrip(b"=")
    return f"e30.{payload.decode()}.signature"


def test_account_ids_prefer_the_subject_then_the_user_id_then_the_email() -> None:
    anonymous = User(id=None, email=None, first_name=None, last_name=None)
    with_everything = User("u-1", "Ann@Example.com", None, None)
    ids = account_ids_of(with_everything, {"id_token": _id_token("sub-42")})
    assert ids[:2] == ("sub-42", "u-1")
    assert ids[2].startswith("email-sha256:")
    assert account_ids_of(anonymous, {"id_token": _id_token("sub-42")}) == ("sub-42",)
    assert account_ids_of(User("u-1", None, None, None), {}) == ("u-1",)
    assert account_ids_of(anonymous, {"id_token": "not a jwt"}) == ()
    assert account_ids_of(User(None, "  ", None, None), {}) == ()


def test_the_email_id_is_normalised_and_never_the_address() -> None:
    (first,) = account_ids_of(User(None, " Ann@Example.COM ", None, None), {})
    (second,) = account_ids_of(User(None, "ann@example.com", None, None), {})
    assert first == second
    assert "example" not in first.lower()
    assert "ann" not in first.lower()


def test_title_prefers_email_then_name_then_brand() -> None:
    peugeot = BRANDS["peugeot"]
    assert account_title(User("u", "a@b.example", "Ann", "Lee"), peugeot) == "a@b.example"
    assert account_title(User("u", None, "Ann", "Lee"), peugeot) == "Ann Lee"
    assert account_title(User("u", None, None, None), peugeot) == "Peugeot account"


async def test_unreachable_api_after_login(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    form = user_input(flow.running, connection="mobile_app")
    form["advanced"]["api_base"] = "http://127.0.0.1:9/connectedcar/v4"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    code_form = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_CLIENT_ID: mobile_client_id("peugeot"),
            CONF_CLIENT_SECRET: mobile_client_secret("peugeot"),
        },
    )
    result = await hass.config_entries.flow.async_configure(
        code_form["flow_id"], {"redirect_url": await flow.mobile_redirect(code_form)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
