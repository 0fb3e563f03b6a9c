"""Where the app keeps things: the portfolio folder and the preferences folder.

Per-user folders come from platformdirs; ``PORTFOLIO_DATA_DIR`` or ``--data-dir`` override the
portfolio folder, so scripts and tests never touch the user's real one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "ReflectivePortfolio"
APP_AUTHOR = "ReflectivePortfolio"


@dataclass(frozen=True)
class AppPaths:
    """The folders the app uses."""

    data_dir: Path
    config_dir: Path

    @property
    def backup_dir(self) -> Path:
        """Automatic copies taken before migrations."""
        return self.data_dir / "backups"


def default_data_dir() -> Path:
    """The portfolio folder: PORTFOLIO_DATA_DIR, else the platform's user data folder."""
    override = os.environ.get("PORTFOLIO_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_config_dir() -> Path:
    """The preferences folder: PORTFOLIO_CONFIG_DIR, else the platform's user config folder."""
    override = os.environ.get("PORTFOLIO_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def app_paths(data_dir: Path | None = None) -> AppPaths:
    """Paths with an optional explicit portfolio folder."""
    return AppPaths(data_dir or default_data_dir(), default_config_dir())
