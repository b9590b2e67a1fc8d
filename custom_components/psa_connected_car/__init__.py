"""The PSA Connected Car integration (Peugeot, Citroën, DS, Opel, Vauxhall)."""
