"""The provable timeline: the revision hash chain, the notes on dates, and export comparison.

Standard library and ``core.domain`` only: a verifier in any language can redo every hash
from ``portfolio.json`` with the definitions in ``canonical`` and ``chain``.
"""
