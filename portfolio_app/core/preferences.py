"""The student's preferences: one typed declaration per option, stored as TOML in the config folder.

Each option is declared once, as a dataclass field carrying its default, its title (what the
preferences dialog shows) and, for choices, the allowed values, so the dialog, the command line
and the file format cannot drift apart. Nothing precious lives here: the file holds settings,
never portfolio text or keys. It is written atomically (temp file, fsync, ``os.replace``) so a
crash mid-write leaves the old file. Qt-free: core and the CLI read it too.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_app.core.app_paths import default_config_dir

#: The file name inside the config folder.
PREFERENCES_FILE = "preferences.toml"

THEMES: tuple[str, ...] = ("system", "light", "dark")


def _option(
    default: Any,
    title: str,
    *,
    choices: tuple[str, ...] = (),
    minimum: int = 0,
    maximum: int = 0,
    unit: str = "",
) -> Any:
    """A dataclass field with its user-facing description in the metadata."""
    return field(
        default=default,
        metadata={
            "title": title,
            "choices": choices,
            "minimum": minimum,
            "maximum": maximum,
            "unit": unit,
        },
    )


@dataclass(frozen=True)
class Preferences:
    """Every option the app has, with its default and title."""

    auto_lock_minutes: int = _option(
        10,
        "Lock the portfolio after this many idle minutes (0 = never)",
        minimum=0,
        maximum=240,
        unit="min",
    )
    theme: str = _option("system", "Colour theme", choices=THEMES)
    default_framework: str = _option("ipec-2023", "Competency framework offered first")
    default_template: str = _option(
        "what-so-what-now-what", "Reflective model used for a new reflection"
    )

    def replace(self, **changes: object) -> Preferences:
        """A copy with some options changed, each checked."""
        return dataclasses.replace(self, **changes)._checked()  # type: ignore[arg-type]

    def _checked(self) -> Preferences:
        """Clamp or reset invalid values so a hand-edited file cannot break the app."""
        fixed: dict[str, object] = {}
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            default = spec.default
            if not isinstance(value, type(default)) or isinstance(value, bool):
                fixed[spec.name] = default
                continue
            choices = spec.metadata.get("choices", ())
            if choices and value not in choices:
                fixed[spec.name] = default
            if isinstance(value, int) and spec.metadata.get("maximum"):
                low, high = spec.metadata["minimum"], spec.metadata["maximum"]
                if not low <= value <= high:
                    fixed[spec.name] = min(max(value, low), high)
        return dataclasses.replace(self, **fixed) if fixed else self  # type: ignore[arg-type]


def option_title(name: str) -> str:
    """The title of an option, as the dialog shows it."""
    for spec in dataclasses.fields(Preferences):
        if spec.name == name:
            return str(spec.metadata["title"])
    raise KeyError(name)


def option_metadata(name: str) -> dict[str, Any]:
    """Title, choices and limits of one option."""
    for spec in dataclasses.fields(Preferences):
        if spec.name == name:
            return dict(spec.metadata)
    raise KeyError(name)


def preferences_path(config_dir: Path | None = None) -> Path:
    """Where the preferences file lives."""
    return (config_dir or default_config_dir()) / PREFERENCES_FILE


def load_preferences(config_dir: Path | None = None) -> Preferences:
    """Read the preferences; a missing or unreadable file gives the defaults (never an error)."""
    path = preferences_path(config_dir)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Preferences()
    known = {spec.name for spec in dataclasses.fields(Preferences)}
    values = {key: value for key, value in data.items() if key in known}
    return Preferences(**values)._checked()


def save_preferences(preferences: Preferences, config_dir: Path | None = None) -> Path:
    """Write the preferences atomically; returns the file written."""
    path = preferences_path(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Reflective Portfolio preferences (settings only, never portfolio text)"]
    for spec in dataclasses.fields(preferences):
        lines.append(f"# {spec.metadata['title']}")
        lines.append(f"{spec.name} = {_toml_value(getattr(preferences, spec.name))}")
    text = "\n".join(lines) + "\n"
    handle, temp_name = tempfile.mkstemp(prefix=".preferences-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temp_name).replace(path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
