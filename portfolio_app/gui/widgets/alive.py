"""Callbacks that do nothing once their widget is gone.

A background check may finish after its window was closed and deleted (Esc while a folder is
being verified). Qt drops connections to a deleted receiver's *methods*, but not to a lambda
that captured it: calling into the deleted C++ object then raises. ``while_alive`` wraps such a
callback so it runs only while ``owner`` still exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def while_alive(owner: QObject, callback: Callable[..., Any]) -> Callable[..., None]:
    """``callback``, skipped when ``owner``'s C++ object has been deleted."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            callback(*args)

    return call
