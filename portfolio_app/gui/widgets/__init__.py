"""Reusable widgets: they render state and emit intent signals; controllers do the work."""
