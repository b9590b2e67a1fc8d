"""Device triggers: an alert was raised, a critical alert was raised, the service is due,
a trip ended, a collision was detected, a command failed."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
import probatio

from .api import AlertSeverity
from .const import (
    DOMAIN,
    EVENT_ALERT,
    EVENT_COLLISION,
    EVENT_REMOTE_RESULT,
    EVENT_SERVICE_DUE,
    EVENT_TRIP_ENDED,
)
from .remotes.scopes import entry_kinds

TRIGGER_ALERT_RAISED: Final = "alert_raised"
TRIGGER_CRITICAL_ALERT_RAISED: Final = "critical_alert_raised"
TRIGGER_SERVICE_DUE: Final = "service_due"
TRIGGER_TRIP_ENDED: Final = "trip_ended"
TRIGGER_COLLISION_DETECTED: Final = "collision_detected"
TRIGGER_COMMAND_FAILED: Final = "command_failed"

# Trigger type → (event type, event data the event must carry besides the device).
# Severities are normalised by the parsers, so the exact match here holds for "CRITICAL".
TRIGGER_EVENTS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    TRIGGER_ALERT_RAISED: (EVENT_ALERT, {"state": "raised"}),
    TRIGGER_CRITICAL_ALERT_RAISED: (
        EVENT_ALERT,
        {"state": "raised", "severity": AlertSeverity.CRITICAL.value},
    ),
    TRIGGER_SERVICE_DUE: (EVENT_SERVICE_DUE, {}),
    TRIGGER_TRIP_ENDED: (EVENT_TRIP_ENDED, {}),
    TRIGGER_COLLISION_DETECTED: (EVENT_COLLISION, {}),
    TRIGGER_COMMAND_FAILED: (EVENT_REMOTE_RESULT, {"result": "failed"}),
}

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {probatio.Required(CONF_TYPE): probatio.In(list(TRIGGER_EVENTS))}
)


def _is_car(hass: HomeAssistant, device_id: str) -> bool:
    device = dr.async_get(hass).async_get(device_id)
    return device is not None and any(domain == DOMAIN for domain, _ in device.identifiers)


def _sends_commands(hass: HomeAssistant, device_id: str) -> bool:
    """Whether the car's entry was granted any command."""
    device = dr.async_get(hass).async_get(device_id)
    ids = device.config_entries if device is not None else set()
    entries = (hass.config_entries.async_get_entry(entry_id) for entry_id in ids)
    return any(entry is not None and entry_kinds(entry) for entry in entries)


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    """The triggers every car offers ("command failed" where commands are granted)."""
    if not _is_car(hass, device_id):
        return []
    commands = _sends_commands(hass, device_id)
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_EVENTS
        if commands or trigger_type != TRIGGER_COMMAND_FAILED
    ]


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the integration's event that matches the trigger and the car."""
    event_type, event_data = TRIGGER_EVENTS[config[CONF_TYPE]]
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: event_type,
            CONF_EVENT_DATA: {CONF_DEVICE_ID: config[CONF_DEVICE_ID], **event_data},
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )
