"""The Connected Car v4 B2C API under ``/connectedcar/v4``."""
