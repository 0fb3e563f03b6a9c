"""Shared fixtures: offscreen Qt, cheap key derivation, and portfolios in tmp folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.vault import kdf

#: Cheap Argon2id for tests only: real portfolios use kdf.DEFAULT_PARAMS.
FAST_KDF = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_kdf_and_private_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test derives keys cheaply and never touches the user's real folders."""
    monkeypatch.setattr(kdf, "default_params", lambda: FAST_KDF)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.delenv("PORTFOLIO_PASSPHRASE", raising=False)


@pytest.fixture
def profile() -> Profile:
    """A student with a name that needs Unicode."""
    return Profile(
        name="Zoë Ñúñez",
        student_id="STU-2025-0042",
        profession="Nursing",
        programme="BSc Adult Nursing",
        institution="University of Leicester",
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty portfolio folder."""
    return tmp_path / "portfolio"


@pytest.fixture
def service(data_dir: Path, profile: Profile) -> Iterator[PortfolioService]:
    """A freshly created, open portfolio."""
    svc, _recovery = PortfolioService.create(data_dir, PASSPHRASE, profile)
    yield svc
    svc.close()
