"""Trips: when to read them, what is kept across restarts, the last-trip sensors."""
