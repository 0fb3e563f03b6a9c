"""core export package."""
