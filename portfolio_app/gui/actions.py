"""Every command of the main window as a QAction, each with a shortcut, an icon and a status tip.

The table below is the single place where an action's text, shortcut and icon are declared, so
the menus, the toolbar and the keyboard-shortcut list (Help > Keyboard shortcuts) cannot
disagree. Actions carry no behaviour: controllers connect their ``triggered`` signals.
Undo and redo come from a QUndoGroup, so they follow whichever portfolio's stack is active.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QWidget

from portfolio_app.gui.icons import icon

_Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """Declaration of one action."""

    name: str
    text: str
    shortcut: str | QKeySequence.StandardKey
    icon: str = ""
    tip: str = ""
    checkable: bool = False
    #: More key sequences for the same action (the first shortcut is the one shown).
    more_shortcuts: tuple[str, ...] = ()
    #: Draw a separator above this action in its menu.
    separated: bool = False


#: All actions except undo/redo (which QUndoGroup makes), by menu.
SPECS: tuple[tuple[str, tuple[ActionSpec, ...]], ...] = (
    (
        "&File",
        (
            ActionSpec(
                "new_reflection",
                "New &reflection",
                "Ctrl+N",
                "new-reflection",
                "Write a reflection after an event, using a reflective model",
            ),
            ActionSpec(
                "new_plan",
                "New &plan",
                "Ctrl+Shift+N",
                "new-plan",
                "Plan what you want to learn before an event",
            ),
            ActionSpec("new_note", "New &note", "Ctrl+Alt+N", "new-note", "Jot down a quick note"),
            ActionSpec(
                "save",
                "&Save",
                _Std.Save,
                "save",
                "Save now (the portfolio also saves as you type)",
            ),
            ActionSpec(
                "export",
                "&Export signed PDF…",
                "Ctrl+E",
                "export",
                "Export entries as a signed PDF portfolio",
                separated=True,
            ),
            ActionSpec(
                "import_feedback",
                "Import tutor &feedback…",
                "Ctrl+Shift+I",
                "import",
                "Bring your tutor's countersigned PDF back: its feedback goes under each entry",
            ),
            ActionSpec(
                "backup", "&Back up…", "Ctrl+Shift+B", "backup", "Write an encrypted backup file"
            ),
            ActionSpec(
                "restore",
                "Restore from bac&kup…",
                "Ctrl+Shift+O",
                "restore",
                "Restore a portfolio from a backup file",
            ),
            ActionSpec(
                "import_archive",
                "&Import archive…",
                "Ctrl+Shift+A",
                "import",
                "Bring the entries of an open archive (.zip from 'portfolio archive') into "
                "this portfolio",
            ),
            ActionSpec(
                "change_passphrase",
                "Change pass&phrase…",
                "Ctrl+Alt+P",
                "passphrase",
                "Change the passphrase that unlocks this portfolio",
            ),
            ActionSpec(
                "recovery_key",
                "Recovery ke&y…",
                "Ctrl+Alt+K",
                "passphrase",
                "What the recovery key is for, and making a new one",
            ),
            ActionSpec(
                "lock",
                "&Lock",
                "Ctrl+L",
                "lock",
                "Save, lock the portfolio and forget the key until you unlock it again",
                separated=True,
            ),
            ActionSpec("quit", "&Quit", "Ctrl+Q", "quit", "Save and quit", separated=True),
        ),
    ),
    (
        "&Edit",
        (
            ActionSpec(
                "find", "&Find entries", _Std.Find, "find", "Search as you type", separated=True
            ),
            ActionSpec(
                "clear_filters",
                "C&lear filters",
                "Ctrl+Shift+X",
                "filter",
                "Show every entry again",
            ),
            ActionSpec(
                "preferences",
                "Pr&eferences…",
                "Ctrl+,",
                "preferences",
                "Auto-lock, theme, default framework and template",
                separated=True,
            ),
        ),
    ),
    (
        "E&ntry",
        (
            ActionSpec(
                "reflect_on_plan",
                "&Reflect on this plan",
                "Ctrl+R",
                "reflect-on-plan",
                "Start a reflection that answers the selected plan",
            ),
            ActionSpec(
                "mark_ready",
                "Mark ready for re&view",
                "Ctrl+Shift+R",
                "status",
                "Tell your tutor the entry is ready",
                separated=True,
            ),
            ActionSpec(
                "mark_draft",
                "Reopen as &draft",
                "Ctrl+Shift+D",
                "new-note",
                "Move the entry back to draft",
            ),
            ActionSpec(
                "history",
                "Revision &history…",
                "Ctrl+H",
                "history",
                "See and restore earlier versions of the entry",
                separated=True,
            ),
            ActionSpec(
                "final_reflection",
                "&Final reflection…",
                "Ctrl+Shift+J",
                "new-reflection",
                "Write the closing overall reflection printed in the PDF",
            ),
            ActionSpec(
                "delete_entry",
                "De&lete entry",
                "Ctrl+Delete",
                "delete",
                "Delete the entry (Undo brings it back)",
                separated=True,
            ),
        ),
    ),
    (
        "&View",
        (
            ActionSpec(
                "focus_mode",
                "F&ocus mode",
                "F11",
                "focus-mode",
                "Only the title, the prompts and your answers, in a calm column",
                checkable=True,
                more_shortcuts=("Ctrl+Shift+F",),
            ),
            ActionSpec(
                "toggle_list",
                "Entry l&ist and filters",
                "F9",
                "list",
                "Show or hide the entry list and the filters (more room to write)",
                checkable=True,
                separated=True,
            ),
            ActionSpec(
                "toggle_sidebar",
                "&Filters sidebar",
                "Shift+F9",
                "filter",
                "Show or hide the filters beside the entry list",
                checkable=True,
            ),
            ActionSpec(
                "toggle_links",
                "Lin&ks panel",
                "Ctrl+Shift+L",
                "links",
                "Tags, professions, events, experiences and competencies of the entry",
                checkable=True,
            ),
            ActionSpec(
                "toggle_preview",
                "Markdown &preview",
                "Ctrl+Shift+M",
                "preview",
                "Show the entry as it will read, beside the text",
                checkable=True,
            ),
            ActionSpec(
                "coverage",
                "&Coverage…",
                "Ctrl+Shift+G",
                "coverage",
                "Which competencies your entries cover, and the gaps",
                separated=True,
            ),
            ActionSpec(
                "focus_list",
                "Go to entry &list",
                "Ctrl+1",
                "",
                "Move the focus to the list",
                separated=True,
            ),
            ActionSpec(
                "focus_editor", "Go to &editor", "Ctrl+2", "", "Move the focus to the editor"
            ),
        ),
    ),
    (
        "&Tools",
        (
            ActionSpec(
                "catalogue",
                "&Events && experiences…",
                "Ctrl+Shift+E",
                "catalogue",
                "Record IPL events, placements and other experiences",
            ),
            ActionSpec(
                "import_framework",
                "&Import framework pack…",
                "Ctrl+Alt+I",
                "import",
                "Add a competency framework (Mahara .matrix JSON)",
            ),
            ActionSpec(
                "verify",
                "&Verify a PDF…",
                "Ctrl+Alt+V",
                "verify",
                "Check who signed a portfolio PDF and that nothing changed",
            ),
            ActionSpec(
                "review",
                "Review a &portfolio…",
                "Ctrl+Alt+W",
                "verify",
                "As a tutor: read a student's signed PDF, give feedback per entry and countersign",
            ),
            ActionSpec(
                "countersign",
                "&Countersign a PDF…",
                "Ctrl+Alt+S",
                "countersign",
                "As a tutor: record a decision and countersign a student's PDF",
            ),
            ActionSpec(
                "course_certificates",
                "Course ce&rtificates…",
                "Ctrl+Alt+R",
                "certificate",
                "For tutors: the course CA (create it, issue, revoke, revocation list)",
            ),
        ),
    ),
    (
        "&Identity",
        (
            ActionSpec(
                "get_certified",
                "&Get certified…",
                "Ctrl+Alt+C",
                "certificate",
                "Ask your course for a certificate and import it; who your exports are signed as",
            ),
            ActionSpec(
                "signing_settings",
                "&Signing settings…",
                "Ctrl+Alt+G",
                "preferences",
                "Which staff boxes your exports prepare; an optional time-stamping authority",
            ),
        ),
    ),
    (
        "&Help",
        (
            ActionSpec(
                "shortcuts", "&Keyboard shortcuts", "Ctrl+/", "help", "List every keyboard shortcut"
            ),
            ActionSpec(
                "about",
                "&About Reflective Portfolio",
                _Std.HelpContents,
                "info",
                "Version and licences",
            ),
        ),
    ),
)


class AppActions:
    """The main window's actions, reachable by name (``actions.get("lock")``)."""

    def __init__(self, parent: QWidget, undo_group: QUndoGroup) -> None:
        self._actions: dict[str, QAction] = {}
        self._separated: set[str] = set()
        for _menu, specs in SPECS:
            for spec in specs:
                action = QAction(spec.text, parent)
                action.setObjectName(f"action_{spec.name}")
                action.setShortcuts(
                    [QKeySequence(spec.shortcut), *(QKeySequence(k) for k in spec.more_shortcuts)]
                )
                action.setStatusTip(spec.tip)
                action.setCheckable(spec.checkable)
                if spec.icon:
                    action.setIcon(icon(spec.icon))
                if spec.separated:
                    self._separated.add(spec.name)
                self._actions[spec.name] = action
        # One history for everything: typing (in word-sized steps), ticks, tags, links, new
        # and deleted entries. Ctrl+Z in a text box lands here too (editor/answer_edit.py).
        undo = undo_group.createUndoAction(parent, "&Undo")
        undo.setShortcuts(_bindings(_Std.Undo, "Ctrl+Z"))
        undo.setIcon(icon("undo"))
        undo.setObjectName("action_undo")
        undo.setStatusTip(
            "Undo the last change: typing, ticks, tags, links, new or deleted entries"
        )
        redo = undo_group.createRedoAction(parent, "&Redo")
        redo.setShortcuts(_bindings(_Std.Redo, "Ctrl+Shift+Z", "Ctrl+Y"))
        redo.setIcon(icon("redo"))
        redo.setObjectName("action_redo")
        redo.setStatusTip("Redo what was undone")
        self._actions["undo"] = undo
        self._actions["redo"] = redo
        for action in self._actions.values():
            tip = plain_text(action.text())
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip.rstrip('…')} ({keys})" if keys else tip)

    def get(self, name: str) -> QAction:
        """The action called ``name``."""
        return self._actions[name]

    def all(self) -> dict[str, QAction]:
        """Every action by name."""
        return dict(self._actions)

    def menus(self) -> list[tuple[str, list[QAction | None]]]:
        """Menu titles with their actions (None marks a separator)."""
        result: list[tuple[str, list[QAction | None]]] = []
        for title, specs in SPECS:
            items: list[QAction | None] = []
            if title == "&Edit":
                items = [self._actions["undo"], self._actions["redo"]]
            for spec in specs:
                if spec.name in self._separated and items:
                    items.append(None)
                items.append(self._actions[spec.name])
            result.append((title, items))
        return result

    def set_portfolio_actions_enabled(self, enabled: bool) -> None:
        """Disable everything that needs an open portfolio while it is locked."""
        always = {"quit", "verify", "about", "shortcuts", "preferences", "countersign", "review"}
        always |= {"course_certificates"}
        for name, action in self._actions.items():
            if name not in always and name not in {"undo", "redo"}:
                action.setEnabled(enabled)


def _bindings(standard: QKeySequence.StandardKey, *extra: str) -> list[QKeySequence]:
    """The platform's keys for a standard action, plus the ones students know from elsewhere."""
    keys = list(QKeySequence.keyBindings(standard))
    for text in extra:
        sequence = QKeySequence(text)
        if sequence not in keys:
            keys.append(sequence)
    return keys


def plain_text(text: str) -> str:
    """An action or label text without its mnemonic ampersands ("&&" stays one "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")
