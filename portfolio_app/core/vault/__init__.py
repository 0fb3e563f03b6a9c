"""core vault package."""
