"""What the integration knows about each car, and which cars the account has."""
