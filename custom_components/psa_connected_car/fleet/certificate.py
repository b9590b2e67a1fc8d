"""The end of a fleet's client certificate: a repair issue 30 days before it.

Checked when the entry is set up and then once a day on the integration's clock; the
issue goes away when a renewed certificate (reauth or reconfigure) is set up.
"""

from __future__ import annotations

from datetime import datetime
import logging
from pathlib import Path

from cryptography import x509
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..clock import get_clock
from ..const import CERTIFICATE_CHECK_INTERVAL, CERTIFICATE_WARNING, CONF_CERT_FILE, DOMAIN
from ..coordinator import PsaConfigEntry

_LOGGER = logging.getLogger(__name__)


def certificate_end(path: str | Path) -> datetime | None:
    """The certificate's ``notAfter`` (blocking I/O); ``None`` when it cannot be read."""
    try:
        pem = Path(path).read_bytes()
        return x509.load_pem_x509_certificate(pem).not_valid_after_utc
    except (OSError, ValueError) as err:
        _LOGGER.warning("The client certificate's end date could not be read: %s", err)
        return None


def issue_id(entry: PsaConfigEntry) -> str:
    """The entry's certificate issue."""
    return f"fleet_certificate_expiring_{entry.entry_id}"


async def async_check_certificate(hass: HomeAssistant, entry: PsaConfigEntry) -> None:
    """Raise or delete the issue, from the certificate's end and the clock's time."""
    path = entry.data["certificate"][CONF_CERT_FILE]
    end = await hass.async_add_executor_job(certificate_end, path)
    now = get_clock(hass).utcnow()
    if end is None or end - now > CERTIFICATE_WARNING:
        ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
        return
    days = max(0, (end - now).days)
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR if end <= now else ir.IssueSeverity.WARNING,
        translation_key="fleet_certificate_expiring",
        translation_placeholders={
            "fleet": entry.title,
            "date": end.date().isoformat(),
            "days": str(days),
        },
    )


@callback
def async_track_certificate(hass: HomeAssistant, entry: PsaConfigEntry) -> CALLBACK_TYPE:
    """Check the certificate every day until the returned function is called."""
    clock = get_clock(hass)
    cancel: CALLBACK_TYPE | None = None

    async def check(_now: datetime) -> None:
        nonlocal cancel
        await async_check_certificate(hass, entry)
        cancel = clock.call_later(CERTIFICATE_CHECK_INTERVAL, check)

    cancel = clock.call_later(CERTIFICATE_CHECK_INTERVAL, check)

    @callback
    def stop() -> None:
        if cancel is not None:
            cancel()

    return stop
