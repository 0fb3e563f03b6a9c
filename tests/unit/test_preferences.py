"""Preferences: one declaration per option, TOML round trip, forgiving reads, atomic writes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from portfolio_app.core.preferences import (
    Preferences,
    load_preferences,
    option_title,
    preferences_path,
    save_preferences,
)


def test_defaults_and_titles() -> None:
    prefs = Preferences()
    assert prefs.auto_lock_minutes == 10
    assert prefs.theme == "system"
    assert prefs.default_framework == "ipec-2023"
    assert prefs.default_template == "what-so-what-now-what"
    for spec in dataclasses.fields(Preferences):
        assert option_title(spec.name)


def test_round_trip(tmp_path: Path) -> None:
    prefs = Preferences().replace(auto_lock_minutes=3, theme="dark", default_template="gibbs")
    path = save_preferences(prefs, tmp_path)
    assert path == preferences_path(tmp_path)
    assert load_preferences(tmp_path) == prefs
    assert not list(tmp_path.glob(".preferences-*"))  # no temp file left behind


def test_missing_broken_or_odd_files_give_safe_values(tmp_path: Path) -> None:
    assert load_preferences(tmp_path) == Preferences()
    preferences_path(tmp_path).write_text("this is [not toml", encoding="utf-8")
    assert load_preferences(tmp_path) == Preferences()
    preferences_path(tmp_path).write_text(
        'theme = "purple"\nauto_lock_minutes = 99999\nunknown = 1\ndefault_framework = 3\n',
        encoding="utf-8",
    )
    prefs = load_preferences(tmp_path)
    assert prefs.theme == "system"
    assert prefs.auto_lock_minutes == 240
    assert prefs.default_framework == "ipec-2023"


def test_default_folder_comes_from_the_environment() -> None:
    import os

    assert preferences_path().parent == Path(os.environ["PORTFOLIO_CONFIG_DIR"])
