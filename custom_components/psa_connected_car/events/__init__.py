"""Home Assistant events derived from what the cars report."""
