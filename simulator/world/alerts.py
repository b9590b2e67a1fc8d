"""Alert records, the spec's alert types, and localized messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import re

SEVERITIES = ("Information", "Warning", "Critical")

# AlertMsgEnum of the v4 B2C specification.
ALERT_TYPES = frozenset(
    """
AbsBrakingSystemFault ActiveSpoilerFault AdBlueFault AdBlueFaultStartingImpossible
AdBlueFaultStartingImpossibleSoon AddWasherFluid AirbagOrSeatBeltPretensionerOrActiveHoodFailure
AssistanceButtonFault AutomaticBrakingDeactivated AutomaticHeadlightAdjustmentFault
BatteryChargeOrElectricalCircuitSystemFailure BrakingSystemFailure ChargingFailure
CheckTheCenterBrakeLamp CollisionDetectionSystemFault CollisionMitigationSystemFault
CoolantLevellow DrivingAssistanceSensorBlind ElectricTractionSystemFailureLimitSpeed
ElectricTractionSystemFailureStopVehicle ElectricTractionSystemFault ElectronicImmobiliserFault
EmissionSystemOrAdBlueQualityFailueStartingImpossible
EmissionSystemOrAdBlueQualityFailueStartingImpossibleSoon EmissionSystemOrAdBlueQualityFailure
EngineFailure EngineFault EngineMisfiringFuel EngineOilPressureFailure EngineTemperatureFailure
EspAsrSystemFault FrontLeftFlashingIndicatorFault FrontLeftFogLampsFault
FrontLeftParkingLampsFault FrontRightFlashingIndicatorFault FrontRightFogLampsFault
FrontRightParkingLampsFault FuelLevelLow GearboxFault HeadlightsFault InstalledSpareWheelFault
InterVehicleTimeMeasurementFault LaneChangeAssistanceFault LaneDepartureWarningSystemFault
LeftBrakeLampFault LeftFrontDoorOpen LeftFrontDoorOpenLowSpeed LeftFrontTirePressurSensorFault
LeftFrontTirePuncture LeftFrontTireUnderInflated LeftRearDoorOpen LeftRearDoorOpenLowSpeed
LeftRearTirePressurSensorFault LeftRearTirePuncture LeftRearTireUnderInflated
LeftReverseLampFault OilLevelLow ParkAssistSystemFault ParkingBrakeOrHillStartSystemFailure
ParticleFilterAdditiveLevelTooLow ParticleFilterFull ParticleFilterRegenerating
PowerSteeringFailure PowerSteeringFault PreheatingPreventilationDeactivatedBatteryLow
PreheatingPreventilationDeactivatedClockUnset PreheatingPreventilationDeactivatedFuelLevelLow
RearLeftFlashingIndicatorFault RearLeftFogLampsFault RearLeftParkingLampsFault
RearRightFlashingIndicatorFault RearRightFogLampsFault RearRightParkingLampsFault
RearWindowOpen RearWindowOpenLowSpeed ReplaceBrakePads ReplaceTheRemoteControlBattery
RetractableRoofMechanismFault RightBrakeLampFault RightFrontDoorOpenLowSpeed RightFrontDoorOpen
RightFrontTirePressurSensorFault RightFrontTirePuncture RightFrontTireUnderInflated
RightRearDoorOpen RightRearDoorOpenLowSpeed RightRearTirePressurSensorFault
RightRearTirePuncture RightRearTireUnderInflated RightReverseLampFault RiskOfIce
RoofOperationNotPossibleSpeedUnknown RoofOperationNotPossibleTooHighTemp ShiftToPark
SteeringLockFault SuspensionFault SuspensionFaultLimitSpeed SuspensionFaultRepaireVehicle
TireUnderInflationDetectionSystemFault TooManyRoofOperation TrailerConnectionFault
TrunkOrHoodOpen TrunkOrHoodOpenLowSpeed WaterInTheDieselFuelFilter
""".split()  # noqa: SIM905
)

# What the world raises by itself: (type, severity, motorizations that can have it).
RANDOM_ALERTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("AddWasherFluid", "Information", ("Thermic", "Electric", "Hybrid")),
    ("RiskOfIce", "Information", ("Thermic", "Electric", "Hybrid")),
    ("LeftFrontTireUnderInflated", "Warning", ("Thermic", "Electric", "Hybrid")),
    ("ReplaceBrakePads", "Warning", ("Thermic", "Electric", "Hybrid")),
    ("TrunkOrHoodOpen", "Warning", ("Thermic", "Electric", "Hybrid")),
    ("OilLevelLow", "Warning", ("Thermic", "Hybrid")),
    ("ParticleFilterRegenerating", "Information", ("Thermic",)),
    ("ChargingFailure", "Warning", ("Electric", "Hybrid")),
    ("EngineFault", "Critical", ("Thermic", "Hybrid")),
    ("ElectricTractionSystemFault", "Critical", ("Electric",)),
)

_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "FuelLevelLow": "Niveau de carburant bas",
        "AddWasherFluid": "Niveau de lave-glace bas",
        "RiskOfIce": "Risque de verglas",
        "LeftFrontTireUnderInflated": "Pneu avant gauche sous-gonflé",
        "ReplaceBrakePads": "Plaquettes de frein à remplacer",
        "TrunkOrHoodOpen": "Coffre ou capot ouvert",
        "OilLevelLow": "Niveau d'huile bas",
        "ChargingFailure": "Défaut de charge",
        "EngineFault": "Défaut moteur",
    },
    "de": {
        "FuelLevelLow": "Kraftstoffstand niedrig",
        "AddWasherFluid": "Waschwasser nachfüllen",
        "RiskOfIce": "Glättegefahr",
        "LeftFrontTireUnderInflated": "Reifendruck vorne links zu niedrig",
        "ReplaceBrakePads": "Bremsbeläge ersetzen",
        "TrunkOrHoodOpen": "Kofferraum oder Motorhaube offen",
        "OilLevelLow": "Ölstand niedrig",
        "ChargingFailure": "Ladefehler",
        "EngineFault": "Motorstörung",
    },
}
_FALLBACK_PREFIX = {"fr": "Alerte", "de": "Warnung", "es": "Alerta", "it": "Avviso"}


def alert_message(alert_type: str, locale: str | None) -> str:
    """Human text of an alert in the requested locale (``fr-FR``, ``de``...), English default."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", alert_type).lower().capitalize()
    language = (locale or "en").replace("_", "-").split("-")[0].lower()
    translated = _MESSAGES.get(language, {}).get(alert_type)
    if translated is not None:
        return translated
    prefix = _FALLBACK_PREFIX.get(language)
    return f"{prefix}: {words}" if prefix else words


@dataclass
class AlertRecord:
    """One alert of one vehicle (active until ``ended_at`` is set)."""

    id: str
    type: str
    severity: str
    started_at: datetime
    start_position: tuple[float, float, float] | None
    updated_at: datetime
    ended_at: datetime | None = None
    end_position: tuple[float, float, float] | None = None
    clears_after_s: float | None = None

    @property
    def active(self) -> bool:
        """Whether the alert is still on."""
        return self.ended_at is None

    def close(self, when: datetime, position: tuple[float, float, float] | None) -> None:
        """Mark the alert as ended."""
        self.ended_at = when
        self.end_position = position
        self.updated_at = when
