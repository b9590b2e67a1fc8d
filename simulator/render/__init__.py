"""JSON documents of the API, built from what the cars uploaded."""
