"""Config entry diagnostics, with personal data and secrets redacted."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET
from homeassistant.core import HomeAssistant
from homeassistant.helpers.redact import async_redact_data

from .const import CONF_ACCOUNT_ID, CONF_CERTIFICATE, CONF_VEHICLES
from .coordinator import PsaConfigEntry
from .vehicles.data import VehicleData

TO_REDACT_ENTRY = {
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "code_verifier",
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ACCOUNT_ID,
    CONF_CERTIFICATE,
    CONF_VEHICLES,
    "push_secret",
    "unlock_code",
    "push_vehicles",
    "auth_implementation",
    "email",
    "username",
    "password",
    "fleet_id",
    "webhook_id",
}
"""Keys of the entry's data and options."""

TO_REDACT_DATA = {
    "id",
    "vin",
    "label",
    "pictures",
    "latitude",
    "longitude",
    "altitude_m",
    "coordinates",
    "email",
    "first_name",
    "last_name",
    "name",
    "target",
    "attributes",
}
"""Keys of the coordinator data (vehicles, statuses, alerts, positions)."""

TO_REDACT_PUSH = {"callback_id", "monitor_ids"}
"""Our callback's and monitors' ids at the API: they address our webhook's deliveries."""


def _scalar(value: Any) -> Any:
    """Datetimes, durations and enums as JSON values; anything else unchanged."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Enum):
        return value.value
    return value


def _jsonable(value: Any) -> Any:
    """Dataclasses (``dataclasses.asdict``), mappings and sequences, made JSON-friendly."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    return _scalar(value)


def _vehicle(data: VehicleData) -> dict[str, Any]:
    """One car's data; the car is listed, not keyed, so no identifier escapes."""
    plain = _jsonable(data)
    # The status the alerts were read with is bookkeeping, mostly the status again.
    plain["alerts_read_with_status_of"] = (plain.pop("alerts_status") or {}).get("updated_at")
    redacted: dict[str, Any] = async_redact_data(plain, TO_REDACT_DATA)
    return redacted


def _push(plain: dict[str, Any]) -> dict[str, Any]:
    """Push's state, with the number of monitors kept visible beside their redacted ids."""
    redacted: dict[str, Any] = async_redact_data(plain, TO_REDACT_PUSH)
    redacted["monitors"] = len(plain["monitor_ids"] or ())
    return redacted


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PsaConfigEntry
) -> dict[str, Any]:
    """The entry (redacted), the coordinator's state and data, push, and the rate budget."""
    coordinator = entry.runtime_data.coordinator
    budget = entry.runtime_data.client.rate_budget
    interval = coordinator.update_interval
    push = entry.runtime_data.push
    last_success = coordinator.last_update_success_time
    return {
        "entry": {
            "version": entry.version,
            "minor_version": entry.minor_version,
            "data": async_redact_data(dict(entry.data), TO_REDACT_ENTRY),
            "options": async_redact_data(dict(entry.options), TO_REDACT_ENTRY),
        },
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "last_update_success_time": last_success.isoformat() if last_success else None,
            "update_interval_s": interval.total_seconds() if interval else None,
        },
        "push": _push(push.diagnostics()) if push is not None else None,
        "remotes": remotes.diagnostics() if (remotes := entry.runtime_data.remotes) else None,
        "rate_budget": budget.snapshot(),
        "vehicles": [_vehicle(data) for data in (coordinator.data or {}).values()],
    }
