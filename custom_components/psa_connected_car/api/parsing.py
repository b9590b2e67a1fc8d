"""Tolerant parsing primitives: they never raise, odd input gives ``None``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math
import re
from typing import Any

CO2_EMISSION_UNKNOWN = -1.0
"""``co2EmissionEstimated`` value meaning "not computed"."""
SCORE_UNKNOWN = 999999.0
"""Eco-driving ``score`` value meaning "not computed"."""
ENGINE_TEMPERATURE_UNKNOWN = 215.0
"""Coolant or oil ``temp`` value real cars send for "no reading"."""

_ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d+))?)?)?"
    r"\s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d+)?)?)?)?$"
)
_JAVA_RE = re.compile(
    r"^\w{3} (?P<mon>\w{3}) (?P<d>\d{1,2}) (?P<t>\d{2}:\d{2}:\d{2}) (?:GMT|UTC) (?P<y>\d{4})$"
)
_DURATION_RE = re.compile(
    r"^(?P<sign>[+-])?P(?!$)(?:(?P<w>\d+(?:[.,]\d+)?)W)?(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<m>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MAX_DURATION = timedelta(days=3650)
_EPOCH_MS_THRESHOLD = 1e11


def as_mapping(value: object) -> Mapping[str, Any] | None:
    """The value when it is a JSON object, else ``None``."""
    return value if isinstance(value, Mapping) else None


def as_list(value: object) -> list[Any]:
    """The value when it is a JSON array, a one-item list for an object, else ``[]``."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        return list(value)
    return []


def dig(value: object, *path: str) -> Any:
    """Follow keys through nested objects; ``None`` as soon as one is missing."""
    current: Any = value
    for key in path:
        mapping = as_mapping(current)
        if mapping is None:
            return None
        current = mapping.get(key)
    return current


def to_str(value: object) -> str | None:
    """A non-empty, stripped string; numbers are turned into text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return None


def to_float(value: object, *, sentinels: Sequence[float] = ()) -> float | None:
    """A finite number from a number or a numeric string ("53", "12,5")."""
    number: float | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    if number is None or not math.isfinite(number) or number in sentinels:
        return None
    return number


def to_canonical(value: object, known: type[StrEnum]) -> str | None:
    """A text value in the known spelling when it matches one case-insensitively, else as sent.

    The one place enum values (ignition, severity, charging status, privacy...) are
    normalised: everything after the parsers compares them exactly.
    """
    text = to_str(value)
    if text is None:
        return None
    folded = text.casefold()
    for member in known:
        if member.value.casefold() == folded:
            return str(member.value)
    return text


def to_int(value: object) -> int | None:
    """An integer (rounded) from a number or a numeric string."""
    number = to_float(value)
    if number is None or abs(number) > 1e15:
        return None
    return round(number)


def to_bool(value: object) -> bool | None:
    """A boolean from ``true``/``false`` in their usual JSON and text spellings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
    return None


def parse_timestamp(value: object) -> datetime | None:
    """An aware UTC datetime from the API's many timestamp spellings, else ``None``.

    Accepted: RFC 3339 with ``Z`` or an offset (``+00:00``/``+0000``/``+01``),
    any number of fraction digits, no zone at all (taken as UTC), Java's
    ``Mon Jun 03 08:35:36 GMT 2019`` and epoch seconds or milliseconds.
    """
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _from_epoch(float(value))
        if isinstance(value, str):
            return _from_text(value.strip())
    except ValueError, OverflowError, OSError:
        return None
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    if seconds > _EPOCH_MS_THRESHOLD:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, tz=UTC)


def _from_text(text: str) -> datetime | None:
    if match := _ISO_RE.match(text):
        return _from_iso_match(match)
    if match := _JAVA_RE.match(text):
        month = _MONTHS.index(match["mon"].lower()) + 1 if match["mon"].lower() in _MONTHS else 0
        stamp = f"{match['y']}-{month:02d}-{int(match['d']):02d}T{match['t']}"
        return datetime.fromisoformat(stamp).replace(tzinfo=UTC)
    return None


def _from_iso_match(match: re.Match[str]) -> datetime:
    frac = (match["frac"] or "")[:6].ljust(6, "0")
    stamp = f"{match['date']}T{match['h'] or '00'}:{match['m'] or '00'}:{match['s'] or '00'}.{frac}"
    parsed = datetime.fromisoformat(stamp)
    tz = match["tz"]
    if tz and tz[0] in "+-":
        digits = tz[1:].replace(":", "")
        offset = timedelta(
            hours=int(digits[:2]), minutes=int(digits[2:4] or 0), seconds=float(digits[4:] or 0)
        )
        parsed -= offset if tz[0] == "+" else -offset
    return parsed.replace(tzinfo=UTC)


def parse_duration(value: object) -> timedelta | None:
    """A ``timedelta`` from an ISO 8601 duration (``PT2H55M``) or a number of seconds."""
    if isinstance(value, str) and (match := _DURATION_RE.match(value.strip())):
        parts = {
            key: float(number.replace(",", "."))
            for key, number in match.groupdict().items()
            if key != "sign" and number
        }
        try:
            result = timedelta(
                weeks=parts.get("w", 0),
                days=parts.get("d", 0),
                hours=parts.get("h", 0),
                minutes=parts.get("m", 0),
                seconds=parts.get("s", 0),
            )
        except OverflowError:
            return None
        result = -result if match["sign"] == "-" else result
    else:
        seconds = to_float(value)
        if seconds is None or abs(seconds) > _MAX_DURATION.total_seconds():
            return None
        result = timedelta(seconds=seconds)
    return result if abs(result) <= _MAX_DURATION else None
