"""Exchange packages with the workplace party organisations and the town committee."""
