"""Keep secrets and personal data out of logs and exception messages."""

from __future__ import annotations

import re

_VIN_RE = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER_RE = re.compile(r"(bearer|basic)\s+[\w.~+/=-]+", re.IGNORECASE)
_COORD_RE = re.compile(r"-?\d{1,3}\.\d{4,}")
_SECRET_PARAM_RE = re.compile(
    r"((?:access_token|refresh_token|id_token|client_secret|code|password|token)[\"']?\s*[=:]\s*[\"']?)"
    r"[^\s&\"',;]+",
    re.IGNORECASE,
)
_MAX_TEXT = 200


def mask_vin(vin: str | None) -> str:
    """Mask a VIN to its last four characters (``***3456``)."""
    if not vin:
        return "***"
    return "***" + vin.strip()[-4:]


def redact_text(text: str, *secrets: str | None) -> str:
    """Scrub a free text: VINs, e-mails, coordinates, tokens and the given secrets.

    The result is also shortened so a server's error page never floods a log.
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _BEARER_RE.sub(r"\1 ***", text)
    text = _SECRET_PARAM_RE.sub(r"\1***", text)
    text = _EMAIL_RE.sub("***@***", text)
    text = _VIN_RE.sub(lambda match: mask_vin(match.group(0)), text)
    text = _COORD_RE.sub("*.***", text)
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 1] + "…"
    return text
