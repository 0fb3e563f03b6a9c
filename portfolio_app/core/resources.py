"""The one accessor for bundled, read-only resources (framework packs, templates, fonts, icons).

Where the files are:

* installed wheel: the top-level ``resources/`` folder is force-included as
  ``portfolio_app/resources``, so it is found with ``importlib.resources.files("portfolio_app")``
  (this also works from a zip or a frozen app);
* editable install or a source checkout: ``portfolio_app/resources`` does not exist, and the
  repository's top-level ``resources/`` folder is used instead.

Callers name a resource by its parts relative to ``resources/`` (``"frameworks", "x.json"`` or
``"frameworks/x.json"``). Absolute paths, drive letters, backslashes and ``..`` are refused with
``ValueError``, so a name that came from a file or a user can never reach outside the folder.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGE = "portfolio_app"
_FOLDER = "resources"


@functools.cache
def resources_root() -> Traversable:
    """The folder that holds the bundled resources (see the module docstring for the order)."""
    packaged = resources.files(_PACKAGE) / _FOLDER
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / _FOLDER
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"bundled resources not found: neither {_PACKAGE}/{_FOLDER} nor {checkout} exists"
    )


def _safe_parts(parts: tuple[str, ...]) -> list[str]:
    """Split and check resource name parts; raise ValueError for anything that could escape."""
    if not parts:
        raise ValueError("a resource name is needed")
    checked: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise ValueError(f"resource name parts must be text, not {type(part).__name__}")
        if "\\" in part or "\x00" in part:
            raise ValueError(f"resource name {part!r} contains a backslash or NUL")
        if part.startswith("/") or (len(part) >= 2 and part[1] == ":"):
            raise ValueError(f"resource name {part!r} is absolute; use a relative name")
        for piece in part.split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                raise ValueError(f"resource name {part!r} contains '..'")
            checked.append(piece)
    if not checked:
        raise ValueError("a resource name is needed")
    return checked


def resource_path(*parts: str) -> Traversable:
    """The bundled resource named by ``parts`` (it may not exist; check with ``is_file()``)."""
    target = resources_root()
    for piece in _safe_parts(parts):
        target = target / piece
    return target


def read_resource_bytes(*parts: str) -> bytes:
    """The bytes of a bundled file; FileNotFoundError when there is no such file."""
    target = resource_path(*parts)
    if not target.is_file():
        raise FileNotFoundError(f"no bundled resource {'/'.join(_safe_parts(parts))}")
    return target.read_bytes()


def iter_resources(folder: str) -> Iterator[Traversable]:
    """The files directly inside a bundled folder, sorted by name (nothing if it is missing).

    Hidden files (names starting with ".") are skipped.
    """
    base = resource_path(folder)
    if not base.is_dir():
        return iter(())
    files = [item for item in base.iterdir() if item.is_file() and not item.name.startswith(".")]
    return iter(sorted(files, key=lambda item: item.name))
