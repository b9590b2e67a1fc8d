"""The living world: vehicles, their trips, energy, alerts and uploads."""
