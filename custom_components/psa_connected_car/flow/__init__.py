"""Helpers of the config, reauth, reconfigure and options flows."""
