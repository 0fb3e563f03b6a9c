"""``kill -9`` during a stream of saves loses no committed entry, and the file stays healthy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.vault.kdf import KdfParams

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from portfolio_app.core.domain.entries import EntryKind, Section
    from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
    service = PortfolioService.open(Path(sys.argv[1]), "correct horse battery staple")
    i = 0
    while True:
        entry = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title=f"note {i}",
                                             sections=(Section("Body", "x" * 500, "b"),)))
        print(entry.title, flush=True)  # printed only after the commit returned
        i += 1
    """
)


def test_kill_9_during_saves_loses_no_committed_entry(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    service, _ = PortfolioService.create(
        data_dir,
        "correct horse battery staple",
        Profile(name="Crash Test"),
        kdf_params=KdfParams(1024, 1, 1),
    )
    service.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert proc.stdout is not None
    committed: list[str] = []
    deadline = time.monotonic() + 30
    while len(committed) < 40 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert len(committed) >= 40
    with PortfolioService.open(data_dir, "correct horse battery staple") as reopened:
        titles = {e.title for e in reopened.entries()}
        assert set(committed) <= titles
        assert reopened.integrity_check() == []
