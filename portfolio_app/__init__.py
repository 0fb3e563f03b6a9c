"""Reflective Portfolio: an encrypted, offline portfolio for interprofessional learning."""

__version__ = "0.1.0"
