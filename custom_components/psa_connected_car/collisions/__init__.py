"""Collisions: when to read them, which were announced (kept across restarts)."""
