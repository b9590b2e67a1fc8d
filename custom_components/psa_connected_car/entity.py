"""Base entity and helpers shared by the sensor, binary sensor and tracker platforms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import UnitOfEnergyDistance, UnitOfLength, UnitOfSpeed
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.brands import BRANDS, brand_of_vehicle
from .api.models import Vehicle, VehicleStatus
from .const import CONF_BRAND, CONF_COUNTRY, DOMAIN, IMPERIAL_ROAD_COUNTRIES, MANUFACTURER_FALLBACK
from .coordinator import PsaConfigEntry, PsaCoordinator
from .vehicles.data import VehicleData
from .vehicles.entity_share import starts_enabled

BRAND_CODE_MAX_LENGTH = 2
"""A vehicle ``brand`` this short is a code, not a name."""


def has_status(data: VehicleData) -> bool:
    """Whether the car's status document is known."""
    return data.status is not None


def has_maintenance(data: VehicleData) -> bool:
    """Whether the car's maintenance document is known."""
    return data.maintenance is not None


def always(_: VehicleData) -> bool:
    """Any car has it (active alerts, for example)."""
    return True


def from_status[T](read: Callable[[VehicleStatus], T | None]) -> Callable[[VehicleData], T | None]:
    """Read a value of the status document (``None`` while it is unknown)."""

    def value(data: VehicleData) -> T | None:
        return read(data.status) if data.status is not None else None

    return value


def reported(value_fn: Callable[[VehicleData], object]) -> Callable[[VehicleData], bool]:
    """The car provides the value when it has reported it at least once."""
    return lambda data: value_fn(data) is not None


@dataclass(frozen=True, kw_only=True)
class PsaEntityDescription(EntityDescription):
    """What every PSA entity description knows besides Home Assistant's fields.

    ``exists_fn`` decides whether the car provides the data (the entity is created
    the first time it does); ``available_fn`` whether its source document is known.
    """

    exists_fn: Callable[[VehicleData], bool]
    available_fn: Callable[[VehicleData], bool] = has_status


IMPERIAL_ROAD_UNITS: dict[str, str] = {
    SensorDeviceClass.DISTANCE: UnitOfLength.MILES,
    SensorDeviceClass.SPEED: UnitOfSpeed.MILES_PER_HOUR,
    SensorDeviceClass.ENERGY_DISTANCE: UnitOfEnergyDistance.MILES_PER_KILO_WATT_HOUR,
}
"""Units road signs use where distances are in miles (the native units stay metric)."""


def suggested_units(entry: PsaConfigEntry, device_class: str | None) -> str | None:
    """The unit a sensor of this device class suggests for the entry's country.

    Miles, mph and miles per kWh for a UK account, nothing (Home Assistant's unit
    system decides) elsewhere. Fuel consumption stays in l/100 km: Home Assistant has
    no device class that converts it to mpg.
    """
    country = str(entry.data.get(CONF_COUNTRY) or "").lower()
    if country not in IMPERIAL_ROAD_COUNTRIES or device_class is None:
        return None
    return IMPERIAL_ROAD_UNITS.get(device_class)


def manufacturer_name(vehicle: Vehicle, entry_brand: str | None = None) -> str:
    """The brand as people write it (``Citroën``), whatever case or code the API used.

    A short code nobody knows (real answers send one letter) gives way to the brand of
    the account the car was found in; an unknown name is shown as it is.
    """
    brand = brand_of_vehicle(vehicle.brand)
    if brand is not None:
        return brand.name
    if vehicle.brand and len(vehicle.brand.strip()) > BRAND_CODE_MAX_LENGTH:
        return vehicle.brand
    account_brand = BRANDS.get(entry_brand or "")
    return account_brand.name if account_brand is not None else MANUFACTURER_FALLBACK


def vehicle_name(vehicle: Vehicle, entry_brand: str | None = None) -> str:
    """The car's label, else the brand and the end of its VIN."""
    if vehicle.label:
        return vehicle.label
    return f"{manufacturer_name(vehicle, entry_brand)} {vehicle.vin[-4:]}"


def vehicle_device_info(vehicle: Vehicle, entry_brand: str | None = None) -> DeviceInfo:
    """The device registry entry of one car; its model is the label the API gives."""
    return DeviceInfo(
        identifiers={(DOMAIN, vehicle.vin)},
        manufacturer=manufacturer_name(vehicle, entry_brand),
        model=vehicle.label,
        serial_number=vehicle.vin,
        name=vehicle_name(vehicle, entry_brand),
    )


def vehicle_unique_id(vehicle: Vehicle, key: str) -> str:
    """The unique id of one car's entity for the description ``key``."""
    return f"{vehicle.vin}_{key}"


class PsaEntity(CoordinatorEntity[PsaCoordinator]):
    """An entity showing one piece of one car's data."""

    _attr_has_entity_name = True
    entity_description: PsaEntityDescription

    def __init__(
        self,
        coordinator: PsaCoordinator,
        vehicle_id: str,
        description: PsaEntityDescription,
    ) -> None:
        """Bind the entity to a car of the coordinator (a push updates that car's only)."""
        super().__init__(coordinator, context=vehicle_id)
        self.entity_description = description
        self.vehicle_id = vehicle_id
        vehicle = coordinator.data[vehicle_id].vehicle
        self._attr_unique_id = vehicle_unique_id(vehicle, description.key)
        if not starts_enabled(description.key, len(coordinator.data)):
            self._attr_entity_registry_enabled_default = False
        entry_brand = coordinator.config_entry.data.get(CONF_BRAND)
        self._attr_device_info = vehicle_device_info(vehicle, entry_brand)

    @property
    def vehicle_data(self) -> VehicleData | None:
        """The car's latest data (``None`` once it left the account)."""
        return self.coordinator.data.get(self.vehicle_id)

    @property
    def available(self) -> bool:
        """Available when the last poll worked and the car's source data is known."""
        data = self.vehicle_data
        return (
            super().available
            and data is not None
            and data.available
            and self.entity_description.available_fn(data)
        )


@callback
def async_add_vehicle_entities[D: PsaEntityDescription](
    entry: PsaConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Sequence[D],
    factory: Callable[[PsaCoordinator, str, D], Entity],
) -> None:
    """Add one entity per car and description, as soon as the car provides its data.

    Entities are created for the cars already known, for cars that join the account
    later, and for data a car starts sending later (a status that failed at setup).
    An entity registered before (a restart) is created from the car list even while its
    car has not answered yet: it shows unavailable, not missing.
    """
    coordinator = entry.runtime_data.coordinator
    created: set[tuple[str, str]] = set()
    registered = _registered_unique_ids(entry, async_get_current_platform().domain)

    @callback
    def add(vehicle_ids: Iterable[str]) -> None:
        entities: list[Entity] = []
        for vehicle_id in vehicle_ids:
            data = coordinator.data.get(vehicle_id) if coordinator.data else None
            if data is None:
                continue
            for description in descriptions:
                key = (vehicle_id, description.key)
                unique_id = vehicle_unique_id(data.vehicle, description.key)
                if key not in created and (description.exists_fn(data) or unique_id in registered):
                    created.add(key)
                    entities.append(factory(coordinator, vehicle_id, description))
        if entities:
            async_add_entities(entities)

    @callback
    def add_known() -> None:
        if coordinator.pushed_car is not None:  # a push: data it may have brought
            add([coordinator.pushed_car])
            return
        current = set(coordinator.data or {})
        # A car that left the account lost its device and entities: if it comes back,
        # it gets them again.
        created.difference_update({key for key in created if key[0] not in current})
        add(current)

    add_known()
    entry.async_on_unload(coordinator.async_add_vehicle_listener(add))
    entry.async_on_unload(coordinator.async_add_listener(add_known))


def _registered_unique_ids(entry: PsaConfigEntry, platform_domain: str) -> set[str]:
    """Unique ids of this platform's entities of this entry already in the registry."""
    registry = er.async_get(entry.runtime_data.coordinator.hass)
    return {
        item.unique_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.domain == platform_domain
    }
