"""GUI item_models."""
