"""core storage package."""
