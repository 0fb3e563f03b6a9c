"""Canonical JSON bytes: the exact input of every hash in the revision chain.

The form is the JSON Canonicalization Scheme (JCS, RFC 8785) restricted to the values the
chain hashes, so that any JCS library, in any language, produces the same bytes:

* values: ``null``, ``true``/``false``, integers in ±(2**53 - 1), strings of Unicode scalar
  values (no lone surrogates), arrays, and objects with string keys. Floating-point numbers
  are refused (JCS serialises them the ECMAScript way; we never need them, so we never have
  to get that right);
* no whitespace; object members sorted by their keys compared as UTF-16 code units (RFC 8785
  §3.2.3; this differs from code-point order only above U+FFFF);
* strings escaped minimally: ``\\"``, ``\\\\``, and the control characters U+0000..U+001F
  as ``\\b \\t \\n \\f \\r`` or ``\\u00xx`` (lower-case hex); everything else literal;
* the text encoded as UTF-8.

Python's ``json`` module with ``ensure_ascii=False`` escapes strings exactly that way, so the
members are sorted here and the rest is ``json.dumps``.
"""

from __future__ import annotations

import json
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1
_MAX_DEPTH = 32


class CanonicalFormError(ValueError):
    """A value that has no canonical form here (a float, a non-string key, a lone surrogate)."""


def _sorted(value: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise CanonicalFormError("the value is nested too deeply")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalFormError(f"the integer {value} is outside ±(2**53 - 1)")
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CanonicalFormError("a string holds a lone surrogate") from exc
        return value
    if isinstance(value, list | tuple):
        return [_sorted(item, depth + 1) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalFormError(f"an object key is not a string: {key!r}")
        keys = sorted(value, key=lambda k: _sorted(k).encode("utf-16-be"))
        return {key: _sorted(value[key], depth + 1) for key in keys}
    raise CanonicalFormError(f"{type(value).__name__} values have no canonical form here")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module docstring)."""
    return json.dumps(
        _sorted(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")
