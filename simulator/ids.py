"""Deterministic identifiers: long hex ids, UUIDs from a seeded RNG, VINs with check digit."""

from __future__ import annotations

import hashlib
import random
import uuid

_VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O, Q
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 = A ... repeats every 30 years


def long_hex_id(*parts: object, length: int = 96) -> str:
    """A long lowercase hex id derived from ``parts`` (sha512-based, like the API's ids)."""
    digest = hashlib.sha512("/".join(str(p) for p in parts).encode()).hexdigest()
    while len(digest) < length:
        digest += hashlib.sha512(digest.encode()).hexdigest()
    return digest[:length]


def seeded_uuid(rng: random.Random) -> str:
    """A UUID4-shaped string drawn from ``rng`` (deterministic)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def vin_check_digit(vin: str) -> str:
    """ISO 3779 / North-American check digit for the 9th position."""
    total = sum(_VIN_VALUES[char] * weight for char, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def make_vin(wmi: str, year: int, rng: random.Random) -> str:
    """A valid 17-character VIN for that manufacturer prefix."""
    vds = "".join(rng.choice(_VIN_ALPHABET) for _ in range(5))
    year_code = _YEAR_CODES[(year - 2010) % len(_YEAR_CODES)]
    plant = rng.choice("ABCDEFGHJKL")
    serial = f"{rng.randrange(0, 1_000_000):06d}"
    draft = f"{wmi}{vds}0{year_code}{plant}{serial}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def vin_is_valid(vin: str) -> bool:
    """Whether ``vin`` has 17 allowed characters and a correct check digit."""
    if len(vin) != 17 or any(char not in _VIN_VALUES for char in vin):
        return False
    return vin[8] == vin_check_digit(vin)
