"""Data the API pushes: registration of callbacks and monitors, the webhook, targeted reads."""
