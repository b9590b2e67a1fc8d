"""The five brands: IdP host suffix, realm, mobile-app redirect scheme, VIN prefix, models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """A car model a brand sells, with what drives it."""

    label: str
    motorization: str  # Thermic | Electric | Hybrid
    tank_l: float = 0.0
    battery_kwh: float = 0.0
    fuel_l_per_100km: float = 0.0
    kwh_per_100km: float = 0.0


@dataclass(frozen=True)
class Brand:
    """One Stellantis ex-PSA brand."""

    key: str
    name: str
    tld: str
    realm: str
    scheme: str
    wmi: str
    models: tuple[Model, ...]


def _models(prefix: str, thermic: str, electric: str, hybrid: str) -> tuple[Model, ...]:
    return (
        Model(f"{prefix} {thermic}", "Thermic", tank_l=50.0, fuel_l_per_100km=5.8),
        Model(f"{prefix} {electric}", "Electric", battery_kwh=50.0, kwh_per_100km=16.0),
        Model(
            f"{prefix} {hybrid}",
            "Hybrid",
            tank_l=43.0,
            battery_kwh=14.2,
            fuel_l_per_100km=6.2,
            kwh_per_100km=18.0,
        ),
    )


BRANDS: dict[str, Brand] = {
    "peugeot": Brand(
        "peugeot",
        "Peugeot",
        "peugeot.com",
        "clientsB2CPeugeot",
        "mymap",
        "VF3",
        _models("Peugeot", "208 PureTech 100", "e-208", "3008 Hybrid4"),
    ),
    "citroen": Brand(
        "citroen",
        "Citroen",
        "citroen.com",
        "clientsB2CCitroen",
        "mymacsdk",
        "VF7",
        _models("Citroen", "C3 PureTech 83", "e-C4", "C5 Aircross Hybrid"),
    ),
    "ds": Brand(
        "ds",
        "DS",
        "driveds.com",
        "clientsB2CDS",
        "mymdssdk",
        "VR1",
        _models("DS", "4 PureTech 130", "3 E-Tense", "7 E-Tense 4x4"),
    ),
    "opel": Brand(
        "opel",
        "Opel",
        "opel.com",
        "clientsB2COpel",
        "mymopsdk",
        "W0L",
        _models("Opel", "Corsa 1.2", "Corsa-e", "Grandland Hybrid"),
    ),
    "vauxhall": Brand(
        "vauxhall",
        "Vauxhall",
        "vauxhall.co.uk",
        "clientsB2CVauxhall",
        "mymvxsdk",
        "W0V",
        _models("Vauxhall", "Astra 1.2", "Mokka-e", "Astra Plug-in Hybrid"),
    ),
}

BRAND_BY_TLD: dict[str, Brand] = {brand.tld: brand for brand in BRANDS.values()}
BRAND_BY_REALM: dict[str, Brand] = {brand.realm: brand for brand in BRANDS.values()}


def model_for(brand: Brand, motorization: str) -> Model:
    """The brand's model with that motorization."""
    for model in brand.models:
        if model.motorization == motorization:
            return model
    raise ValueError(f"unknown motorization {motorization!r}")
