"""Remote commands: who may send them, sending them once, following them to their end."""
