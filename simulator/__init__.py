"""Simulator of the Stellantis Connected Car v4 B2C API and its brands' identity providers.

See ``simulator/README.md``. Entry points: ``python -m simulator``, ``simulator.app.create_app``
and ``simulator.testing.run_simulator``.
"""

from simulator.config import SimulatorConfig

__all__ = ["SimulatorConfig"]
