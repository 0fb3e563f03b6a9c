"""The editor's text boxes: answers that grow with their text, and the title, on one shared undo.

Both report each change as a :class:`TextChange` (``text_changed_by_user``) instead of keeping an
undo history of their own: the portfolio's QUndoStack holds typing, ticks and links in the
order they were made, so Ctrl+Z, the toolbar and the Edit menu always agree. Ctrl+Z and
Ctrl+Shift+Z / Ctrl+Y are therefore not taken by the box (its ShortcutOverride is declined),
and reach the window's Undo and Redo actions.

:class:`AnswerEdit` is a QTextEdit in plain-text mode, not a QPlainTextEdit: its document layout
knows the height of every line, so the box is sized to its whole text (at least
:data:`MIN_LINES` lines) and the editor's own scroll area scrolls, never the box.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QFrame, QLineEdit, QSizePolicy, QTextEdit, QWidget
from typing_extensions import override

from portfolio_app.gui.editor.text_change import TextChange, diff_texts

MIN_LINES = 4

_HISTORY_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def is_history_key(event: QKeyEvent) -> bool:
    """Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y (the window's Undo and Redo)."""
    if any(event.matches(key) for key in _HISTORY_KEYS):
        return True
    combo = event.keyCombination()
    return combo.key() == Qt.Key.Key_Y and combo.keyboardModifiers() == (
        Qt.KeyboardModifier.ControlModifier
    )


def _is_history_shortcut(event: QEvent) -> bool:
    """An undo/redo key about to be taken as the box's own shortcut: ignored here, so the
    window's shared history gets it (Qt's own undo in the box would bypass it)."""
    if (
        event.type() == QEvent.Type.ShortcutOverride
        and isinstance(event, QKeyEvent)
        and is_history_key(event)
    ):
        event.ignore()
        return True
    return False


class _SharedHistory:
    """Undo/Redo entries for a context menu (the window's actions, set by the editor)."""

    actions: Sequence[QAction] = ()


class AnswerEdit(QTextEdit):
    """A plain-text answer box that grows with its text and reports changes as TextChange."""

    text_changed_by_user = Signal(object)
    #: The cursor moved or the box grew: the owner keeps the cursor in view.
    cursor_moved = Signal()

    history = _SharedHistory()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._shadow = ""
        self._applying = False
        self._min_height = 0
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self.textChanged.connect(self._on_text_changed)
        self.cursorPositionChanged.connect(self.cursor_moved)
        self._fit_height()

    # ---- text ---------------------------------------------------------------------------------

    def text(self) -> str:
        """The text as typed."""
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text without it counting as an edit (showing an entry)."""
        self._applying = True
        try:
            self.setPlainText(text)
            self._shadow = self.toPlainText()
        finally:
            self._applying = False

    def apply_change(self, change: TextChange) -> None:
        """Make ``change`` (an undo or redo): select the old text, type the new, cursor after it.

        Raises ValueError when the text at that place is not what the change expects.
        """
        current = self.toPlainText()
        change.apply(current)  # validates
        self._applying = True
        try:
            cursor = QTextCursor(self.document())
            cursor.setPosition(change.position)
            cursor.setPosition(
                change.position + len(change.removed), QTextCursor.MoveMode.KeepAnchor
            )
            cursor.insertText(change.inserted)
            self.setTextCursor(cursor)
            self._shadow = self.toPlainText()
        finally:
            self._applying = False

    def _on_text_changed(self) -> None:
        if self._applying:
            return
        now = self.toPlainText()
        change = diff_texts(self._shadow, now)
        self._shadow = now
        if change is not None:
            self.text_changed_by_user.emit(change)

    # ---- size ---------------------------------------------------------------------------------

    def _frame_height(self) -> int:
        margins = self.contentsMargins()
        return margins.top() + margins.bottom() + 2 * self.frameWidth()

    def minimum_text_height(self) -> int:
        """The height of :data:`MIN_LINES` lines plus the frame (kept until the font changes)."""
        if not self._min_height:
            line = self.fontMetrics().lineSpacing()
            margin = int(2 * self.document().documentMargin())
            self._min_height = MIN_LINES * line + margin + self._frame_height()
        return self._min_height

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._min_height = 0
            self._fit_height()

    def _fit_height(self, *_args: object) -> None:
        height = max(
            self.minimum_text_height(),
            int(self.document().size().height()) + self._frame_height() + 1,
        )
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)
            self.cursor_moved.emit()

    @override
    def sizeHint(self) -> QSize:
        # Not QTextEdit's own hint, which lays the whole text out to measure it.
        return QSize(self.fontMetrics().averageCharWidth() * 40, self.height())

    # ---- keys ---------------------------------------------------------------------------------

    @override
    def event(self, event: QEvent) -> bool:
        if _is_history_shortcut(event):
            return False
        return super().event(event)

    @override
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        _replace_history_entries(menu, self.history.actions)
        menu.exec(event.globalPos())
        menu.deleteLater()


class TitleEdit(QLineEdit):
    """The entry's title: a line edit whose changes go to the shared undo history."""

    text_changed_by_user = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shadow = ""
        self._applying = False
        self.textChanged.connect(self._on_text_changed)

    def set_text(self, text: str) -> None:
        """Replace the title without it counting as an edit."""
        self._applying = True
        try:
            self.setText(text)
            self._shadow = self.text()
        finally:
            self._applying = False

    def apply_change(self, change: TextChange) -> None:
        """Make an undo or redo of the title (ValueError when it does not fit)."""
        text = change.apply(self.text())
        self._applying = True
        try:
            self.setText(text)
            self.setCursorPosition(change.position + len(change.inserted))
            self._shadow = text
        finally:
            self._applying = False

    def _on_text_changed(self, now: str) -> None:
        if self._applying:
            return
        change = diff_texts(self._shadow, now)
        self._shadow = now
        if change is not None:
            self.text_changed_by_user.emit(change)

    @override
    def event(self, event: QEvent) -> bool:
        if _is_history_shortcut(event):
            return False
        return super().event(event)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_history_key(event):
            event.ignore()  # QLineEdit's own undo would bypass the shared history
            return
        super().keyPressEvent(event)

    @override
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        _replace_history_entries(menu, AnswerEdit.history.actions)
        menu.exec(event.globalPos())
        menu.deleteLater()


def _replace_history_entries(menu: QObject, shared: Sequence[QAction]) -> None:
    """Swap a standard context menu's own Undo/Redo for the window's shared ones."""
    from PySide6.QtWidgets import QMenu

    if not isinstance(menu, QMenu):
        return
    own = [a for a in menu.actions() if a.objectName() in {"edit-undo", "edit-redo"}]
    if not own:
        own = [
            a
            for a in menu.actions()
            if a.text().replace("&", "").split("\t")[0] in {"Undo", "Redo"}
        ]
    first = menu.actions()[0] if menu.actions() else None
    for action in own:
        menu.removeAction(action)
    if shared and first is not None:
        menu.insertActions(menu.actions()[0], list(shared))
