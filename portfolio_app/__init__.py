"""Reflective Portfolio: an encrypted, offline portfolio for interprofessional learning.

The version has one source, ``version`` in pyproject.toml, read back from the installed
package's metadata (a frozen bundle carries that metadata too). It is looked up on first use,
not at import: the lookup scans every installed distribution (about 30 ms), which the start-up
path does not need to pay.
"""

from __future__ import annotations

import functools

DISTRIBUTION = "reflective-portfolio"
#: The app's desktop identity, the same everywhere: the .desktop file's name, the AppStream
#: component id, the icon's name, the Wayland app id and the X11 WM_CLASS class. Changing it
#: orphans installed menu entries and icons, so it stays fixed once released.
APP_ID = "org.reflectiveportfolio.ReflectivePortfolio"
#: The desktop launcher's command (a gui-script, and the bundle's executable).
LAUNCHER_NAME = "reflective-portfolio"
#: What ``__version__`` says when the package runs from a source tree that was never installed.
UNKNOWN_VERSION = "0+unknown"


@functools.cache
def package_version() -> str:
    """The installed distribution's version (pyproject.toml's ``version``)."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def __getattr__(name: str) -> str:
    # PEP 562: ``portfolio_app.__version__`` and ``from portfolio_app import __version__``.
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
