"""A process the fault tests kill with SIGKILL mid-work: saves, a key rotation or a backup.

    python kill_worker.py save|rotate|backup DATA_DIR [TARGET]

It prints one line per step that has *returned* (flushed at once), so the parent knows what
must survive the kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.vault import kdf

PASS = "correct horse battery staple"
NEW = "a brand new long passphrase 7"


def main() -> int:
    kdf.default_params = lambda: kdf.KdfParams(1024, 1, 1)  # type: ignore[assignment]
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    with PortfolioService.open(data_dir, PASS) as service:
        if mode == "save":
            for i in range(100_000):
                entry = service.add_entry(
                    EntryDraft(
                        kind=EntryKind.NOTE,
                        title=f"kill test {i}",
                        sections=(Section("Note", "text " * 200, "note"),),
                    )
                )
                print(f"saved {entry.id}", flush=True)
                edited = service.save_entry(entry.replace(title=f"kill test {i} edited"))
                print(f"edited {edited.id}", flush=True)
        elif mode == "rotate":
            print("start", flush=True)
            service.rotate_keys(
                NEW,
                current_passphrase=PASS,
                progress=lambda done, _total, _m: print(f"progress {done}", flush=True),
            )
            print("rotated", flush=True)
        elif mode == "backup":
            from portfolio_app.core.services.backup_service import create_backup

            print("start", flush=True)
            create_backup(service, Path(sys.argv[3]))
            print("backed up", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
