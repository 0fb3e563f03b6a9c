"""Reflective Portfolio: an encrypted, offline reflective portfolio for interprofessional learning."""

__version__ = "0.1.0"
