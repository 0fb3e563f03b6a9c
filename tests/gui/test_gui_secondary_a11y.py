"""Every input in the secondary dialogs has an accessible name, and mnemonics do not clash."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.backup_dialog import BackupDialog, RestoreDialog
from portfolio_app.gui.dialogs.catalogue_dialog import (
    CatalogueDialog,
    EventEditorDialog,
    ExperienceEditorDialog,
)
from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog
from portfolio_app.gui.dialogs.export_dialog import ExportDialog
from portfolio_app.gui.dialogs.feedback_import_dialog import FeedbackImportDialog
from portfolio_app.gui.dialogs.history_dialog import RevisionHistoryDialog
from portfolio_app.gui.dialogs.passphrase_dialog import (
    ChangePassphraseDialog,
    RecoveryKeyStatusDialog,
)
from portfolio_app.gui.dialogs.review_window import ReviewWindow
from portfolio_app.gui.dialogs.verify_window import VerifyWindow
from portfolio_app.gui.views.coverage_view import CoverageView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

_INPUTS = (
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QCheckBox,
    QRadioButton,
)
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _is_part_of_a_compound_input(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs under ``root`` without an accessible name (inner parts of combos aside)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, _INPUTS) or _is_part_of_a_compound_input(widget):
            continue
        if isinstance(widget, QHeaderView):
            continue  # a table's header: the table carries the name
        if not widget.accessibleName():
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            missing.append(f"{type(widget).__name__} {text!r} {widget.objectName()!r}")
    return missing


def clashing_mnemonics(root: QWidget) -> list[str]:
    """Mnemonic letters used twice among the widgets visible together in ``root``."""
    letters: Counter[str] = Counter()
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            letters.update(m.lower() for m in _MNEMONIC.findall(widget.text()))
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                letters.update(m.lower() for m in _MNEMONIC.findall(widget.tabText(i)))
    return [letter for letter, count in letters.items() if count > 1]


def _service_with_history(service: PortfolioService) -> str:
    service.add_event(EventKind.IPL_WORKSHOP, "Workshop")
    entry = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Note"))
    service.save_entry(entry.replace(title="Note, edited"))
    return entry.id


def _builders(
    service: PortfolioService, entry_id: str, data_dir: Path
) -> dict[str, Callable[[], QWidget]]:
    return {
        "coverage": lambda: CoverageView(service),
        "catalogue": lambda: CatalogueDialog(service),
        "event editor": lambda: EventEditorDialog(service, service.events()[0]),
        "experience editor": lambda: ExperienceEditorDialog(service),
        "history": lambda: RevisionHistoryDialog(service, entry_id),
        "change passphrase": lambda: ChangePassphraseDialog(service),
        "recovery key": lambda: RecoveryKeyStatusDialog(service),
        "backup": lambda: BackupDialog(service),
        "restore": lambda: RestoreDialog(None, data_dir),
        "verify": VerifyWindow,
        "export": lambda: ExportDialog(service),
        "countersign": lambda: CountersignDialog(service),
        "review": lambda: ReviewWindow(service),
        "import feedback": lambda: FeedbackImportDialog(service),
    }


NAMES = (
    "coverage",
    "catalogue",
    "event editor",
    "experience editor",
    "history",
    "change passphrase",
    "recovery key",
    "backup",
    "restore",
    "verify",
    "export",
    "countersign",
    "review",
    "import feedback",
)


@pytest.mark.parametrize("name", NAMES)
def test_every_input_has_an_accessible_name_and_mnemonics_are_unique(
    qtbot: QtBot, service: PortfolioService, data_dir: Path, name: str
) -> None:
    entry_id = _service_with_history(service)
    widget = _builders(service, entry_id, data_dir)[name]()
    qtbot.addWidget(widget)
    widget.show()
    assert unnamed_inputs(widget) == []
    assert clashing_mnemonics(widget) == []
