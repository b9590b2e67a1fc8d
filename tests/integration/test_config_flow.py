"""Config flow against the simulator's real identity provider (login page, code, token)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from yarl import URL

from custom_components.psa_connected_car.api import BRANDS
from custom_components.psa_connected_car.const import DOMAIN
from simulator.identities import EMPTY_USER, mobile_client_id

from .conftest import FlowDriver, user_input


async def test_partner_login_creates_the_entry(hass: HomeAssistant, flow: FlowDriver) -> None:
    external = await flow.start_partner(brand="citroen", country="BE")
    url = URL(external["url"])
    assert url.path.endswith("/idp/citroen.com/am/oauth2/authorize")
    assert url.query["code_challenge_method"] == "S256"
    assert len(url.query["code_challenge"]) == 43
    assert url.query["locale"] == "fr-BE"
    assert url.query["state"]

    result = await flow.browser_login(external)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.title == "demo@example.com"
    assert entry.unique_id
    assert entry.data["brand"] == "citroen"
    assert entry.data["country"] == "be"
    assert entry.data["connection"] == "partner"
    assert entry.data["token"]["refresh_token"]
    assert entry.data["api_base"] == flow.running.api_base
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_same_account_twice_aborts(hass: HomeAssistant, flow: FlowDriver) -> None:
    assert (await flow.partner_entry())["type"] is FlowResultType.CREATE_ENTRY
    result = await flow.partner_entry()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_account_without_cars_aborts(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await flow.partner_entry(username=EMPTY_USER)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_vehicles"
    assert result["description_placeholders"] == {"brand": "Peugeot"}


async def test_refused_consent_aborts(hass: HomeAssistant, flow: FlowDriver) -> None:
    external = await flow.start_partner()
    result = await flow.browser_login(external, consent=False)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"


async def test_bad_server_address_is_refused(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["step_id"] == "user"
    form = user_input(flow.running) | {"advanced": {"api_base": "ftp://nowhere"}}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_url"}


async def test_blank_server_address_is_ignored(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    form = user_input(flow.running)
    form["advanced"]["idp_base"] = "  "
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["step_id"] == "certificate"


# -- brand mobile-app credentials ------------------------------------------------------


async def test_mobile_login_with_pasted_address(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step(brand="opel")
    placeholders = form["description_placeholders"]
    assert placeholders["redirect_uri"] == "mymopsdk://oauth2redirect/fr"
    assert URL(placeholders["authorize_url"]).query["client_id"] == mobile_client_id("opel")

    location = await flow.mobile_redirect(form)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": f"  {location} "}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["connection"] == "mobile_app"
    assert result["data"][CONF_CLIENT_ID] == mobile_client_id("opel")
    assert result["data"]["token"]["expires_at"] > 0


async def test_mobile_login_with_bare_code(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step()
    code = URL(await flow.mobile_redirect(form)).query["code"]
    result = await hass.config_entries.flow.async_configure(form["flow_id"], {"redirect_url": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("pasted", "error"),
    [
        ("   ", "redirect_empty"),
        ("https://example.com/?code=8a1e1f0e-0c7b-4b8e-9a52-3c7f0e3c9f11", "redirect_wrong_scheme"),
        ("mymap://oauth2redirect/fr?state=abc", "redirect_missing_code"),
        ("mymap://oauth2redirect/fr?state=abc&code=short", "redirect_invalid_code"),
        ("not-a-code", "redirect_invalid_code"),
    ],
)
async def test_mobile_paste_errors(
    hass: HomeAssistant, flow: FlowDriver, pasted: str, error: str
) -> None:
    form = await flow.mobile_code_step()
    state = URL(form["description_placeholders"]["authorize_url"]).query["state"]
    pasted = pasted.replace("state=abc", f"state={state}")
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": pasted}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"redirect_url": error}


async def test_mobile_state_mismatch_is_refused(hass: HomeAssistant, flow: FlowDriver) -> None:
    first = await flow.mobile_code_step()
    other = await flow.mobile_code_step()
    location = await flow.mobile_redirect(other)
    result = await hass.config_entries.flow.async_configure(
        first["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"redirect_url": "redirect_state_mismatch"}


async def test_mobile_denied_login(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form, consent=False)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"redirect_url": "redirect_error_returned"}


async def test_mobile_reused_code(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    done = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert done["type"] is FlowResultType.CREATE_ENTRY
    again = await flow.mobile_code_step()
    new_state = URL(again["description_placeholders"]["authorize_url"]).query["state"]
    reused = str(URL(location).update_query(state=new_state))
    result = await hass.config_entries.flow.async_configure(
        again["flow_id"], {"redirect_url": reused}
    )
    assert result["errors"] == {"base": "invalid_auth"}


async def test_mobile_expired_code(hass: HomeAssistant, flow: FlowDriver) -> None:
    form = await flow.mobile_code_step()
    location = await flow.mobile_redirect(form)
    flow.running.sim.advance(61)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    # A new login with the same link then works.
    location = await flow.mobile_redirect(form)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_mobile_wrong_client_secret(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(flow.running, connection="mobile_app")
    )
    form = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_CLIENT_ID: mobile_client_id("peugeot"), CONF_CLIENT_SECRET: "wrong"},
    )
    location = await flow.mobile_redirect(form)
    result = await hass.config_entries.flow.async_configure(
        form["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"base": "invalid_client"}


async def test_mobile_cannot_connect(hass: HomeAssistant, flow: FlowDriver) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    form = user_input(flow.running, connection="mobile_app")
    dead = "http://127.0.0.1:9/idp/peugeot.com/am/oauth2"
    form["advanced"]["idp_base"] = dead
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    form_result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_CLIENT_ID: mobile_client_id("peugeot"), CONF_CLIENT_SECRET: "any"},
    )
    authorize = form_result["description_placeholders"]["authorize_url"]
    live = authorize.replace(dead, flow.running.idp_base("peugeot.com"))
    location = await flow.mobile_redirect(
        {**form_result, "description_placeholders": {"authorize_url": live}}
    )
    result = await hass.config_entries.flow.async_configure(
        form_result["flow_id"], {"redirect_url": location}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_brands_have_their_own_login_server(hass: HomeAssistant, flow: FlowDriver) -> None:
    for key, brand in BRANDS.items():
        form = await flow.mobile_code_step(brand=key)
        url = URL(form["description_placeholders"]["authorize_url"])
        assert url.path == f"/idp/{brand.tld}/am/oauth2/authorize"
        assert form["description_placeholders"]["redirect_uri"].startswith(brand.mobile_scheme)
