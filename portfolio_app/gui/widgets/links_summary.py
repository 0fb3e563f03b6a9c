"""A compact row saying what an entry is linked to; each part opens the links panel on its page.

"Tags: handover, SBAR · 1 event · 1 experience · 2 professions · 3 competencies" takes one line
under the title, so the tags and links stay in view while the text gets the height; the pickers
themselves live in the links panel at the side (main_window.py), shown on demand.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QWidget

from portfolio_app.gui.widgets.flow_layout import FlowLayout

#: The links panel's pages, in tab order (the index is what ``page_requested`` carries).
PAGES: tuple[str, ...] = ("tags", "events", "experiences", "competencies")
_MAX_TAGS_SHOWN = 2
_TAG_CHARS = 16


def _count(number: int, noun: str, plural: str = "") -> str:
    if number == 0:
        return f"no {plural or noun + 's'}"
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


class LinksSummaryWidget(QWidget):
    """Flat buttons: tags and professions, events, experiences, competencies."""

    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = FlowLayout(self, spacing=2)
        caption = QLabel("Links:", self)
        caption.setForegroundRole(caption.foregroundRole())
        layout.addWidget(caption)
        self.buttons: dict[str, QToolButton] = {}
        for index, page in enumerate(PAGES):
            button = QToolButton(self)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _checked=False, i=index: self.page_requested.emit(i))
            layout.addWidget(button)
            self.buttons[page] = button
        self.caption = caption
        self.set_links((), 0, 0, 0, 0)

    def set_links(
        self,
        tags: tuple[str, ...],
        professions: int,
        events: int,
        experiences: int,
        competencies: int,
    ) -> None:
        """Show the counts (and the first tags) of the entry's links."""
        shown = ", ".join(
            tag if len(tag) <= _TAG_CHARS else tag[: _TAG_CHARS - 1] + "…"
            for tag in tags[:_MAX_TAGS_SHOWN]
        ) + ("…" if len(tags) > _MAX_TAGS_SHOWN else "")
        tag_text = f"Tags: {shown}" if tags else "No tags"
        if professions:
            tag_text += f" · {_count(professions, 'profession')}"
        texts = {
            "tags": (
                tag_text,
                f"Tags: {', '.join(tags) or 'none'}; {_count(professions, 'profession')}",
            ),
            "events": (_count(events, "event"), f"Linked to {_count(events, 'event')}"),
            "experiences": (
                _count(experiences, "experience"),
                f"Linked to {_count(experiences, 'experience')}",
            ),
            "competencies": (
                _count(competencies, "competency", "competencies"),
                f"Evidences {_count(competencies, 'competency', 'competencies')}",
            ),
        }
        for page, (text, spoken) in texts.items():
            button = self.buttons[page]
            button.setText(text.replace("&", "&&"))
            button.setAccessibleName(spoken)
            button.setAccessibleDescription("Opens the links panel on this page (Ctrl+Shift+L)")
            button.setToolTip(f"{spoken}. Click to change (Ctrl+Shift+L shows the links panel).")
