"""core services package."""
