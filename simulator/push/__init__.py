"""Callbacks, monitors and remotes; webhook deliveries with the documented retry policy."""
