"""An open archive of the whole portfolio: ``portfolio.json``, ``leap2a.xml`` and ``files/``.

The archive is for moving to another ePortfolio after graduation (no lock-in); unlike a backup
it is NOT encrypted, so the caller must make that clear to the student before writing it.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from portfolio_app.core.archive.leap2a import ArchiveContent, archive_file_name, build_feed
from portfolio_app.core.services.backup_service import atomic_write
from portfolio_app.core.services.portfolio_service import PortfolioService


def build_archive(service: PortfolioService) -> bytes:
    """The zip's bytes."""
    attachments = service.attachments()
    content = ArchiveContent(
        vault_id=service.vault_id,
        profile=service.profile,
        entries=service.entries(),
        events=service.events(),
        experiences=service.experiences(),
        frameworks=service.frameworks(),
        attachments=attachments,
        final_reflection=service.final_reflection,
    )
    snapshot = service.snapshot_json()
    snapshot["attachments"] = [
        {
            "id": a.id,
            "entry_id": a.entry_id,
            "filename": a.filename,
            "media_type": a.media_type,
            "size": a.size,
            "path": archive_file_name(a),
        }
        for a in attachments
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leap2a.xml", build_feed(content))
        archive.writestr(
            "portfolio.json", json.dumps(snapshot, ensure_ascii=False, indent=2, default=str)
        )
        for attachment in attachments:
            archive.writestr(archive_file_name(attachment), service.read_attachment(attachment.id))
    return buffer.getvalue()


def write_archive(service: PortfolioService, target: Path) -> Path:
    """Write the archive atomically; returns its path (``.zip`` added when missing)."""
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, [build_archive(service)])
    return target
