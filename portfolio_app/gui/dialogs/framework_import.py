"""Import a competency framework pack (Mahara SmartEvidence ``.matrix`` JSON) from a file,
or a course's own learning outcomes saved from a spreadsheet as CSV.

The pack is validated and stored by :meth:`PortfolioService.import_framework`; a refused pack
is explained in a dialog with the validator's own message, which names what is wrong and where.
A CSV file first asks for a short id (what the student types, e.g. ``leicester``) and a name;
:mod:`portfolio_app.core.course_outcomes` turns the sheet into a pack.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.framework_packs import MAX_PACK_BYTES
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.widgets.plain_text import plain_message
from portfolio_app.gui.window_state import remember_folder, remembered_folder

PACK_FILTER = (
    "Framework packs and course outcomes (*.json *.matrix *.csv);;"
    "Course outcomes from a spreadsheet (*.csv);;All files (*)"
)


class CourseOutcomesDialog(QDialog):
    """Asks for the short id and the name of a course's outcomes list before importing it."""

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import your course's learning outcomes")
        intro = QLabel(
            f"{file_name} will become a framework you can link entries to. Give it a short "
            "id, which you type when linking from the command line (e.g. leicester:S1.2), and "
            "a name people will read.",
            self,
        )
        intro.setWordWrap(True)
        self.id_edit = QLineEdit(self)
        self.id_edit.setAccessibleName("Short id")
        self.id_edit.setPlaceholderText("e.g. leicester")
        self.id_edit.setMaxLength(32)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Name")
        self.name_edit.setPlaceholderText("e.g. IPE strand learning outcomes")
        self.short_edit = QLineEdit(self)
        self.short_edit.setAccessibleName("Short name")
        self.short_edit.setPlaceholderText("e.g. Leicester IPE (optional)")
        form = QFormLayout()
        form.addRow("Short &id:", self.id_edit)
        form.addRow("&Name:", self.name_edit)
        form.addRow("S&hort name:", self.short_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        for edit in (self.id_edit, self.name_edit):
            edit.textChanged.connect(
                lambda _text: ok.setEnabled(
                    bool(self.id_edit.text().strip() and self.name_edit.text().strip())
                )
            )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)


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
        if path.suffix.lower() == ".csv":
            converted = _course_pack(data, path.name, parent)
            if converted is None:
                return None
            data = converted
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
        "You can now link entries to it, and see its coverage in the coverage view."
        + (f"\n\n{framework.completeness_text()}" if framework.is_partial else ""),
    )
    return framework


def _course_pack(data: bytes, file_name: str, parent: QWidget | None) -> bytes | None:
    """The pack made from a course outcomes CSV, or None when the student cancelled."""
    from portfolio_app.core.course_outcomes import parse_course_outcomes_csv
    from portfolio_app.core.framework_packs import framework_to_matrix_json

    dialog = CourseOutcomesDialog(file_name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    framework = parse_course_outcomes_csv(
        data,
        framework_id=dialog.id_edit.text(),
        name=dialog.name_edit.text(),
        short_name=dialog.short_edit.text(),
        source_name=file_name,
    )
    return framework_to_matrix_json(framework)


def _show(
    parent: QWidget | None, kind: QMessageBox.Icon, title: str, text: str, detail: str
) -> None:
    # The text names the file and quotes the pack (its name, what is wrong in it): plain text.
    plain_message(parent, kind, title, text, informative=detail).exec()
