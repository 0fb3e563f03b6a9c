"""Open archives: the whole portfolio in formats other ePortfolios read (JSON, Leap2A)."""
