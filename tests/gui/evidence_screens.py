"""Open the main window on a small portfolio whose entry has evidence files, with the
Evidence tab showing, for screenshots under Xvfb (not a test).

    /work/shared/tools/screenshot out.png --delay 8 -- \\
        .venv/bin/python tests/gui/evidence_screens.py [--dark] [--refused] [--export]

``--refused`` also tries to attach a program named like a photo (the message bar says why it
was refused); ``--export`` opens the export dialog at its findings page with a timeline note.
Set ``QT_SCALE_FACTOR=1.5`` and ``--size 1366x768`` on the screenshot tool for the small
laptop case. The portfolio lives in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image, ImageDraw
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import Entry, EntryKind, Section
from portfolio_app.core.domain.ids import EntryId, new_id
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.preferences import Preferences
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.vault import kdf
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.theme import ThemeManager

PASSPHRASE = "evidence screens passphrase"


def _files(folder: Path) -> list[Path]:
    image = Image.new("RGB", (1600, 1000), (248, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([80, 80, 1520, 920], outline=(40, 70, 160), width=10)
    photo = folder / "whiteboard-sbar.jpg"
    image.save(photo, quality=85)
    certificate = folder / "attendance-certificate.pdf"
    certificate.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    notes = folder / "feedback from the session lead.txt"
    notes.write_text("Clear SBAR; readback used every time.\n", encoding="utf-8")
    return [photo, certificate, notes]


def build(folder: Path) -> tuple[PortfolioService, str]:
    kdf.default_params = lambda: kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    service, _key = PortfolioService.create(
        folder / "portfolio",
        PASSPHRASE,
        Profile(name="Amira Patel", student_id="S2025017", programme="MPharm"),
    )
    event = service.add_event(EventKind.SBAR_SIMULATION, "SBAR simulation", on=date(2026, 3, 12))
    at = datetime(2026, 3, 13, 18, tzinfo=UTC)
    entry = Entry(
        id=EntryId(new_id()),
        kind=EntryKind.REFLECTION,
        title="SBAR with readback: what the simulation taught me",
        sections=(
            Section("What?", "In the simulation the nurse read my recommendation back.", "what"),
            Section("So what?", "Readback caught a dose I had said wrongly.", "so-what"),
            Section("Now what?", "I will ask for readback on every handover.", "now-what"),
        ),
        template_id="what-so-what-now-what",
        created=at,
        updated=at,
        occurred_on=datetime(2026, 3, 12, 12, tzinfo=UTC),
        event_ids=(event.id,),
    )
    plan = Entry(
        id=EntryId(new_id()),
        kind=EntryKind.PLAN,
        title="Before the simulation",
        sections=(Section("Plan", "Practise SBAR with another profession."),),
        created=datetime(2026, 3, 14, 9, tzinfo=UTC),
        updated=datetime(2026, 3, 14, 9, tzinfo=UTC),
        event_ids=(event.id,),
    )
    service.add_entries_bulk([entry, plan])
    for path in _files(folder):
        service.add_attachment(entry.id, path)
    return service, entry.id


def main() -> int:
    app = QApplication(sys.argv[:1])
    themes = ThemeManager(app, "dark" if "--dark" in sys.argv else "light")
    themes.apply()
    folder = Path(tempfile.mkdtemp(prefix="evidence-screens-"))
    service, entry_id = build(folder)
    controller = AppController(app, folder / "portfolio", Preferences(), themes)
    controller.open_session(service)
    portfolio = controller.portfolio
    assert portfolio is not None and controller.window is not None
    portfolio.show_entry(entry_id)
    editor = controller.window.editor
    # The docked links panel holds the Evidence tab.
    controller.window.show_links_page(editor.links_tabs.indexOf(portfolio.attachments.panel))
    if "--refused" in sys.argv:
        fake = folder / "scan.jpg"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
        portfolio.attachments.attach_paths([fake])
    if "--export" in sys.argv:
        from portfolio_app.gui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(service, controller.window)
        dialog.path_edit.setText(str(folder / "out.pdf"))
        dialog.show()
        QTimer.singleShot(300, dialog.start)
    code = app.exec()
    shutil.rmtree(folder, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
