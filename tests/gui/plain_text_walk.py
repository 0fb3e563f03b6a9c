"""The plain-text walk: does any widget under a window render a file's or a person's words as
rich text? (issue 8 item 5; used by the trust and the review windows' tests.)"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget
from trust_samples import MARKERS


def _model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    texts: list[str] = []
    parent = parent or QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    for row in range(model.rowCount(parent)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if isinstance(value, str):
                    texts.append(f"{int(role)}\0{value}")
    return texts


def rich_text_leaks(root: QWidget) -> list[str]:
    """Labels that may render HTML, and tooltips carrying raw markup, under ``root``."""
    leaks = []
    labels = [root, *root.findChildren(QWidget)]
    for widget in labels:
        if isinstance(widget, QLabel):
            text = widget.text()
            risky = QtGuiNamespace.mightBeRichText(text) or any(m in text for m in MARKERS)
            if risky and widget.textFormat() != Qt.TextFormat.PlainText:
                leaks.append(f"label {widget.accessibleName() or widget.objectName()!r}: {text}")
        tip = widget.toolTip()
        if any(m in tip for m in MARKERS):
            leaks.append(f"tooltip of {type(widget).__name__}: {tip}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for entry in _model_texts(widget.model()):
                role, text = entry.split("\0", 1)
                if int(role) == int(Qt.ItemDataRole.ToolTipRole) and any(
                    m in text for m in MARKERS
                ):
                    leaks.append(f"item tooltip in {widget.accessibleName()!r}: {text}")
    return leaks


def shown_texts(root: QWidget) -> str:
    """Everything a person can read in ``root``: labels and view cells."""
    parts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel) and widget.isVisibleTo(root):
            parts.append(widget.text())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            parts.extend(t.split("\0", 1)[1] for t in _model_texts(widget.model()))
    return "\n".join(parts)
