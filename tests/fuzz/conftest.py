"""Fixtures of the fuzz and fault suite (forms and oracles: see fuzz_support.py)."""

from __future__ import annotations

import pytest
from fuzz_support import PASS, Reference, build_reference, content_of

from portfolio_app.core.services.portfolio_service import PortfolioService


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The reference portfolio's database bytes (WAL checkpointed) and what it reads as."""
    from portfolio_app.core.vault import kdf

    original = kdf.default_params
    kdf.default_params = lambda: kdf.KdfParams(1024, 1, 1)  # type: ignore[assignment]
    try:
        data_dir = tmp_path_factory.mktemp("reference") / "p"
        build_reference(data_dir)
        with PortfolioService.open(data_dir, PASS) as service:
            expected = content_of(service)
            assert service.full_check().ok
    finally:
        kdf.default_params = original  # type: ignore[assignment]
    assert not (data_dir / "portfolio.db-wal").exists()
    return Reference((data_dir / "portfolio.db").read_bytes(), expected)
