"""Import a competency framework pack (Mahara SmartEvidence ``.matrix`` JSON) from a file.

The pack is validated and stored by :meth:`PortfolioService.import_framework`; a refused pack
is explained in a dialog with the validator's own message, which names what is wrong and where.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.framework_packs import MAX_PACK_BYTES
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.window_state import remember_folder, remembered_folder

PACK_FILTER = "Framework packs (*.json *.matrix);;All files (*)"


def import_framework_pack(service: PortfolioService, parent: QWidget | None) -> bool:
    """Ask for a pack file and import it; True when a framework was added."""
    start = remembered_folder("framework-pack") or str(Path.home())
    name, _filter = QFileDialog.getOpenFileName(
        parent, "Import a competency framework pack", start, PACK_FILTER
    )
    if not name:
        return False
    path = Path(name)
    remember_folder("framework-pack", str(path.parent))
    return import_framework_file(service, path, parent) is not None


def import_framework_file(
    service: PortfolioService, path: Path, parent: QWidget | None
) -> Framework | None:
    """Import one pack file, telling the student what happened; None when it was refused."""
    try:
        with path.open("rb") as handle:
            # One byte over the limit is enough for the validator to say the file is too big,
            # without reading a huge file into memory.
            data = handle.read(MAX_PACK_BYTES + 1)
    except OSError as exc:
        _show(
            parent,
            QMessageBox.Icon.Warning,
            "Framework pack not imported",
            f"The file {path.name} could not be read.",
            exc.strerror or str(exc),
        )
        return None
    try:
        framework = service.import_framework(data, source_name=path.name)
    except PortfolioError as exc:
        _show(
            parent,
            QMessageBox.Icon.Warning,
            "Framework pack not imported",
            f"The file {path.name} is not a framework pack this app can use. Nothing was changed.",
            exc.user_message,
        )
        return None
    linkable = len(framework.linkable())
    _show(
        parent,
        QMessageBox.Icon.Information,
        "Framework pack imported",
        f"Imported “{framework.name}” with {linkable} "
        f"{'competency' if linkable == 1 else 'competencies'}.",
        "You can now link entries to it, and see its coverage in the coverage view.",
    )
    return framework


def _show(
    parent: QWidget | None, kind: QMessageBox.Icon, title: str, text: str, detail: str
) -> None:
    box = QMessageBox(kind, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(detail)
    box.exec()
