"""Every item model shows the student's and the files' words as characters (issue 8 item 5).

Qt renders a tooltip as rich text whenever ``Qt.mightBeRichText`` says it looks like markup,
so an entry titled ``<font size=7 color=green>VALID AND TRUSTED</font>`` (or an event, a
place, a tag, an imported course outcome, a finding) would print those words in large green
letters over the list. Here each model of ``gui/item_models`` gets such strings from a real
portfolio (entries, events, experiences, tags, revisions, evidence, a course's outcomes CSV
imported from a file) and every ToolTipRole string must either not look like rich text or be
a ``plain_tooltip`` wrapper that, rendered as Qt renders it, shows the literal characters.
DisplayRole strings are painted by the item delegate as plain text; they must hold the literal
characters too (not an escaped or wrapped copy). Each model must show the hostile text
somewhere, so the check is never vacuous.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from portfolio_app.core.course_outcomes import parse_course_outcomes_csv
from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.coverage import coverage, rating_heatmap, rating_history
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, Section
from portfolio_app.core.export.identifiers import ExportFinding
from portfolio_app.core.framework_packs import framework_to_matrix_json
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.controllers.facets import build_facet_groups
from portfolio_app.gui.item_models.attachment_table_model import AttachmentTableModel
from portfolio_app.gui.item_models.coverage_tree_model import CoverageTreeModel
from portfolio_app.gui.item_models.entry_table_model import EntryTableModel
from portfolio_app.gui.item_models.event_table_model import EventTableModel
from portfolio_app.gui.item_models.experience_table_model import ExperienceTableModel
from portfolio_app.gui.item_models.filter_tree_model import FilterTreeModel
from portfolio_app.gui.item_models.finding_table_model import FindingTableModel
from portfolio_app.gui.item_models.rating_grid_model import RatingGridModel
from portfolio_app.gui.item_models.revision_table_model import RevisionTableModel
from portfolio_app.gui.widgets.plain_text import plain_tooltip

#: Loud if rendered: large green words, an image fetch, a link.
HOSTILE = (
    "<font size=7 color=green>VALID AND TRUSTED</font> <img src=x> "
    "<a href='https://evil.example'>click</a>"
)
HOSTILE_TAG = "<b>trusted</b>"
HOSTILE_FILE = "<font size=7 color=green>VALID AND TRUSTED"  # a file name has no "/"
_WRAPPER_START = plain_tooltip("x").split("x")[0]
_VACUOUS = "the hostile text is not shown anywhere (the check would be vacuous)"


def _columns(model: QAbstractItemModel, parent: QModelIndex | None = None) -> int:
    if isinstance(model, QAbstractListModel):
        return 1  # its columnCount is private in PySide6
    return model.columnCount(parent or QModelIndex())


def _indexes(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    columns = _columns(model, parent)
    for row in range(model.rowCount(parent)):
        for column in range(max(1, columns)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and not isinstance(model, QAbstractListModel) and model.rowCount(index):
                yield from _indexes(model, index)


def _rendered(tooltip: str) -> str:
    """What Qt shows for a tooltip: rich text rendered when it looks like it, else the text."""
    if not QtGuiNamespace.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def check_model(model: QAbstractItemModel, hostile: str) -> tuple[list[str], str]:
    """(problems, everything a person reads in the model's tooltips and cells)."""
    problems: list[str] = []
    shown: list[str] = []
    tips: list[str] = []
    for index in _indexes(model):
        tips.append(index.data(Qt.ItemDataRole.ToolTipRole))
        display = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(display, str):
            if display.startswith(_WRAPPER_START) or "&lt;" in display:
                problems.append(f"display text escaped or wrapped: {display!r}")
            shown.append(display)
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = model.rowCount() if orientation == Qt.Orientation.Vertical else _columns(model)
        tips.extend(
            model.headerData(section, orientation, Qt.ItemDataRole.ToolTipRole)
            for section in range(count)
        )
    for tip in tips:
        if not isinstance(tip, str) or not tip:
            continue
        if QtGuiNamespace.mightBeRichText(tip):
            inner = tip.removeprefix(_WRAPPER_START).removesuffix("</p>")
            if not tip.startswith(_WRAPPER_START) or plain_tooltip(html.unescape(inner)) != tip:
                problems.append(f"tooltip rendered as rich text: {tip!r}")
                continue
            if _rendered(tip).replace("\u2029", "\n") != html.unescape(inner):
                problems.append(f"tooltip does not show its characters: {tip!r}")
        shown.append(_rendered(tip))
    everything = "\n".join(shown)
    if hostile not in everything:
        problems.append(_VACUOUS)
    return problems, everything


def _hostile_portfolio(service: PortfolioService) -> dict[str, object]:
    """Entries, events, experiences, tags, a revision, evidence and an imported course CSV,
    all named in HTML."""
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["code", "group", "statement"])
    # The pack reader drops tags but decodes entities: encoded markup arrives as characters.
    writer.writerow(["S1.1", html.escape(HOSTILE), html.escape(HOSTILE)])
    writer.writerow(["S1.2", html.escape(HOSTILE), "Work in a mixed team"])
    course = parse_course_outcomes_csv(
        sheet.getvalue().encode(),
        framework_id="course",
        name=html.escape(HOSTILE),
        source_name=f"{HOSTILE}.csv",
    )
    framework = service.import_framework(
        framework_to_matrix_json(course), source_name=f"{HOSTILE}.csv"
    )
    event = service.add_event(
        EventKind.IPL_WORKSHOP, HOSTILE, on=date(2025, 3, 1), place=HOSTILE, notes=HOSTILE
    )
    experience = service.add_experience(
        ExperienceKind.HOSPITAL_PLACEMENT, HOSTILE, setting=HOSTILE, notes=HOSTILE
    )
    entry = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title=HOSTILE,
            sections=(Section("What?", "We used SBAR.", "what"),),
            tags=(HOSTILE_TAG,),
            event_ids=(event.id,),
            experience_ids=(experience.id,),
            competencies=(CompetencyLink(framework.id, "S1.1", 3),),
            occurred_on=None,
        )
    )
    service.save_entry(entry.replace(sections=(Section("What?", "We used SBAR twice.", "what"),)))
    service.add_attachment_data(entry.id, f"{HOSTILE_FILE}.pdf", b"%PDF-1.4\n%%EOF\n")
    return {"framework": framework, "entry": entry}


def _entries(service: PortfolioService, _made: dict[str, object]) -> QAbstractItemModel:
    model = EntryTableModel()
    model.set_entries(service.entries())
    return model


def _filters(service: PortfolioService, _made: dict[str, object]) -> QAbstractItemModel:
    model = FilterTreeModel()
    model.set_groups(
        build_facet_groups(
            service.entries(), service.events(), service.experiences(), service.frameworks()
        )
    )
    return model


def _events(service: PortfolioService, _made: dict[str, object]) -> QAbstractItemModel:
    model = EventTableModel()
    model.set_events(service.events())
    return model


def _experiences(service: PortfolioService, _made: dict[str, object]) -> QAbstractItemModel:
    model = ExperienceTableModel()
    model.set_experiences(service.experiences())
    return model


def _coverage(service: PortfolioService, made: dict[str, object]) -> QAbstractItemModel:
    framework = made["framework"]
    entries = service.entries()
    model = CoverageTreeModel()
    model.set_coverage(
        coverage(framework, entries),  # type: ignore[arg-type]
        {e.id: e for e in entries},
        rating_history(framework, entries),  # type: ignore[arg-type]
    )
    return model


def _ratings(service: PortfolioService, made: dict[str, object]) -> QAbstractItemModel:
    model = RatingGridModel()
    model.set_grid(rating_heatmap(made["framework"], service.entries()))  # type: ignore[arg-type]
    return model


def _findings(_service: PortfolioService, _made: dict[str, object]) -> QAbstractItemModel:
    model = FindingTableModel()
    model.set_findings(
        [ExportFinding("e1", f"E1 '{HOSTILE}'", "nhs-number", HOSTILE, "Take it out.")]
    )
    return model


def _revisions(service: PortfolioService, made: dict[str, object]) -> QAbstractItemModel:
    model = RevisionTableModel()
    model.set_revisions(service.revisions(made["entry"].id), {0})  # type: ignore[attr-defined]
    return model


def _attachments(service: PortfolioService, made: dict[str, object]) -> QAbstractItemModel:
    model = AttachmentTableModel()
    model.set_attachments(service.attachments(made["entry"].id))  # type: ignore[attr-defined]
    return model


MODELS: dict[str, Callable[[PortfolioService, dict[str, object]], QAbstractItemModel]] = {
    "entries": _entries,
    "filters": _filters,
    "events": _events,
    "experiences": _experiences,
    "coverage": _coverage,
    "self-ratings": _ratings,
    "export-findings": _findings,
    "revisions": _revisions,
    "attachments": _attachments,
}


@pytest.mark.parametrize("name", list(MODELS))
def test_item_models_show_hostile_text_as_characters(
    qapp: object, service: PortfolioService, name: str
) -> None:
    made = _hostile_portfolio(service)
    model = MODELS[name](service, made)
    problems, everything = check_model(model, HOSTILE_FILE if name == "attachments" else HOSTILE)
    assert problems == []
    if name == "filters":
        assert HOSTILE_TAG in everything


def test_the_links_panel_shows_hostile_titles_places_and_outcomes_as_characters(
    service: PortfolioService, request: pytest.FixtureRequest, qtbot: QtBot
) -> None:
    """The editor's checklists (events, experiences, competencies), built by the app."""
    made = _hostile_portfolio(service)
    app = request.getfixturevalue("open_app")  # opened on the hostile portfolio
    app.portfolio.show_entry(made["entry"].id)  # type: ignore[attr-defined]
    editor = app.window.editor
    for checklist in (editor.events, editor.experiences, editor.competencies):
        problems, _everything = check_model(checklist.model, HOSTILE)
        assert problems == [], checklist.model.objectName()


def test_the_coverage_view_shows_an_imported_pack_as_characters(
    service: PortfolioService, qtbot: QtBot
) -> None:
    """Its labels quote the pack (name, completeness, details); its tables its statements."""
    from plain_text_walk import rich_text_leaks, shown_texts

    from portfolio_app.gui.views.coverage_view import CoverageView

    made = _hostile_portfolio(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    view.show()
    view.set_framework(made["framework"].id)  # type: ignore[attr-defined]
    assert rich_text_leaks(view) == []
    assert HOSTILE in shown_texts(view)


class _LeakyModel(QAbstractListModel):
    """One row whose tooltip is raw markup (what the models returned before)."""

    def __init__(self, tooltip: str) -> None:
        super().__init__()
        self.tooltip = tooltip

    def rowCount(self, parent: object = None) -> int:  # noqa: N802 (Qt's name)
        return 1

    def data(self, index: object, role: int = 0) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip
        return "row" if role == Qt.ItemDataRole.DisplayRole else None


def test_the_check_catches_a_rich_tooltip(qapp: object) -> None:
    """The walk's own check: a raw HTML tooltip is a problem, its wrapper is not."""
    assert check_model(_LeakyModel(plain_tooltip(HOSTILE)), HOSTILE)[0] == []
    problems, _everything = check_model(_LeakyModel(HOSTILE), HOSTILE)
    assert problems == [f"tooltip rendered as rich text: {HOSTILE!r}", _VACUOUS]
