"""The settings page and the first-run assistant."""
