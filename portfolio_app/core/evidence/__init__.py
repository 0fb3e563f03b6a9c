"""Evidence files attached to entries: what may be attached, read safely, shown and embedded."""
