"""An open archive of the whole portfolio: ``portfolio.json``, ``leap2a.xml`` and ``files/``.

The archive is for moving to another ePortfolio after graduation (no lock-in), and back into
this app (``portfolio archive import``, see ``archive_import``); unlike a backup it is NOT
encrypted, so the caller must make that clear to the student before writing it.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from portfolio_app.core.archive.leap2a import ArchiveContent, archive_file_name, build_feed
from portfolio_app.core.framework_packs import framework_to_matrix_json
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
            "added": a.added.isoformat(),
            "path": archive_file_name(a),
        }
        for a in attachments
    ]
    # The packs the student imported, so entries claiming their competencies import again
    # (``portfolio archive import``); the built-in packs ship with the app.
    snapshot["framework_packs"] = [
        {"id": framework.id, "pack": json.loads(framework_to_matrix_json(framework))}
        for framework in sorted(service.imported_frameworks(), key=lambda f: f.id)
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
