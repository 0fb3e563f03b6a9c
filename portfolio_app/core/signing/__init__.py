"""core signing package."""
