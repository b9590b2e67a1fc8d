"""The ``timestamps`` query parameter: ISO 8601 ranges ``T1/T2``, ``T1/``, ``/T2``, ``T1/PnD``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import re

from simulator.api.common import ApiError

_DURATION = re.compile(
    r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
Range = tuple[datetime | None, datetime | None]


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as err:
        raise ApiError(40000, f"Invalid timestamp {text!r}") from err
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _duration(text: str) -> timedelta:
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT"):
        raise ApiError(40000, f"Invalid duration {text!r}")
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def parse_range(text: str) -> Range:
    """One range; repeating intervals (``R...``) are answered with 400."""
    if text.startswith("R") or text.count("/") != 1:
        raise ApiError(40000, f"Unsupported timestamps range {text!r}")
    low_text, high_text = text.split("/")
    low = _instant(low_text) if low_text else None
    if high_text.startswith("P"):
        if low is None:
            raise ApiError(40000, "A duration needs a start timestamp")
        return low, low + _duration(high_text)
    return low, _instant(high_text) if high_text else None


def parse_ranges(values: tuple[str, ...]) -> list[Range]:
    """Every range (1 to 10)."""
    if len(values) > 10:
        raise ApiError(40000, "At most 10 timestamps ranges")
    return [parse_range(value) for value in values]


def in_ranges(moment: datetime, ranges: list[Range]) -> bool:
    """Whether ``moment`` falls in any range (no ranges: everything)."""
    if not ranges:
        return True
    return any(
        (low is None or moment >= low) and (high is None or moment <= high) for low, high in ranges
    )
