"""Lay the portfolio out in ONE reportlab pass, contents page and "Page X of Y" included.

Why not ``multiBuild``: it lays the whole story out until page numbers settle, three passes
for 500 entries (≈ 12 s, platform-notes §4) and three times the memory. Here the unknown
numbers are drawn *after* the pages, into PDF form XObjects that the pages already reference:

1. Everything that decides the contents' *length* is known before layout: the reading order
   (``plan``) fixes every heading, and each contents line is exactly one line (titles are
   shortened with "…" to fit). So the number of contents pages is computed up front and the
   story reserves exactly that many :class:`_ContentsPage` flowables. Each paints a form
   ``portfolio-toc-<n>`` that does not exist yet, and puts a link annotation on each line.
2. Each heading is a :class:`_Heading` flowable that records the page it is drawn on and adds
   its bookmark and outline entry at that moment.
3. When reportlab saves the canvas (our canvas subclass's ``save``), every page number is
   known: the contents forms and the ``portfolio-page-total`` form (the Y of "Page X of Y")
   are drawn then, just before the file is written.

The numbers printed in the contents are therefore the physical pages the headings were drawn
on, the same numbers as the footers; a test reads both back with ``pdftotext``.

Memory: entries enter the story as :class:`_EntryStub` placeholders and become flowables
(Markdown converted, paragraphs parsed) only when reportlab reaches them; reportlab drops
flowables once drawn, so a 2,000-entry export never holds the whole story in memory.
Progress and cancellation are checked there too.

Signature boxes: :class:`_SignatureSlot` records where it was drawn, so the signing step can
put the student's visible signature and the tutor's empty field exactly on the printed frames.
Feedback boxes (issue 9): :class:`_FeedbackSlot` ends each entry with a light, compact "Tutor
feedback" area (one line of text high when empty: 500 entries add about 25 pages) and records
where its form field goes; the signatures page gets a larger overall-feedback area the same way.

This module imports reportlab at import time; import it lazily (the export service does).
"""

from __future__ import annotations

import contextlib
import io
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.flowables import HRFlowable
from reportlab.platypus.frames import Frame

from portfolio_app.core.domain.coverage import (
    NO_EVIDENCE_TEXT,
    CompetencyCoverage,
    coverage,
    entries_by_event_kind,
    entries_per_month,
    rating_heatmap,
    suggestions,
    summarise,
    unlisted_links,
)
from portfolio_app.core.domain.entries import Entry, EntryKind, EntryStatus
from portfolio_app.core.domain.entry_filter import entry_date
from portfolio_app.core.domain.events import Event, Experience, format_hours
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.evidence.pdf_embed import EvidenceItem
from portfolio_app.core.export.charts import category_chart, months_chart
from portfolio_app.core.export.coverage_pages import MAX_TERMS, CountBar, heat_shade
from portfolio_app.core.export.entry_extras import EntryExtras
from portfolio_app.core.export.errors import ExportCancelled, ExportLayoutError
from portfolio_app.core.export.fonts import MONO, SANS, SANS_BOLD, printable, register_fonts
from portfolio_app.core.export.markdown_render import MarkdownRenderer, markup_text
from portfolio_app.core.export.plan import DocumentPlan, EntryGroup, GroupKind
from portfolio_app.core.export.styles import (
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GREY_TEXT,
    LEFT_MARGIN,
    LIGHT_SHADE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE_GREY,
    SHADE,
    TOP_MARGIN,
    Styles,
    make_styles,
)
from portfolio_app.core.timeline.chain import EntryTimeline
from portfolio_app.core.timeline.notes import TimelineNote

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]
SignatureBox = tuple[int, float, float, float, float]

TOC_LINE_HEIGHT = 14.0
TOC_TITLE_HEIGHT = 64.0
TOC_NUMBER_WIDTH = 36.0
TOC_INDENT = 14.0
PAGE_TOTAL_FORM = "portfolio-page-total"
STUDENT_SLOT = "student"
TUTOR_SLOT = "tutor"
#: The key of the overall feedback area in ``LayoutResult.feedback_boxes`` (entries use ids).
OVERALL_FEEDBACK_SLOT = "overall"
#: Height of an entry's feedback area: three lines of 8 pt text once filled, one light band
#: with its label while empty. The label takes the left column, the field the rest.
FEEDBACK_SLOT_HEIGHT = 30.0
FEEDBACK_LABEL_WIDTH = 74.0
OVERALL_FEEDBACK_HEIGHT = 60.0
#: Staff box headings and what each countersignature means, by role value.
_STAFF_BOX_TEXT = {
    "tutor": ("Tutor", "Countersignature of the personal tutor."),
    "second-marker": ("Second marker", "Countersignature of the second marker."),
    "moderator": ("Moderator", "Countersignature of the moderator."),
    "practice-assessor": (
        "Practice assessor",
        "Countersignature of the practice assessor (placement supervisor).",
    ),
}
# The smallest staff box drawn to fit the signatures on one page: room for about nine lines
# of the box's text (decision, comment, time, fingerprint) at 7-9 pt.
_MIN_STAFF_SLOT = 92.0
#: How an entry's status reads in the PDF: the status it had when this export was made, so
#: the two the app sets refer to an earlier export.
_PRINTED_STATUS = {
    EntryStatus.SUBMITTED: "Submitted in an earlier export",
    EntryStatus.FEEDBACK_RECEIVED: "Feedback received on an earlier export",
}
_STUB_LOOKAHEAD = 10
_MAX_EVIDENCE_LISTED = 14
_MAX_SUGGESTIONS = 8
# Room needed below the cursor to start an entry (heading, details, a section heading and a
# few lines) or a section (heading and two lines); otherwise the next page is used.
_ENTRY_START_ROOM = 120.0
_SECTION_START_ROOM = 48.0
_TABLE_CHUNK = 120


# ---- input and output ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentContent:
    """Everything the document shows: copies of vault data, so layout can run on a worker."""

    profile: Profile
    plan: DocumentPlan
    events: tuple[Event, ...]
    attendance: tuple[Event, ...]
    experiences: tuple[Experience, ...]
    coverage_frameworks: tuple[Framework, ...]
    frameworks_by_id: dict[str, Framework]
    final_reflection: str | None
    selection_text: str
    fingerprint: str | None
    signed: bool
    generated_at: datetime
    template_names: dict[str, str] = field(default_factory=dict)
    app_version: str = ""
    #: Staff roles with a countersignature box, in order (values of ``signing.roles.Role``).
    staff_roles: tuple[str, ...] = ("tutor",)
    template_credits: dict[str, str] = field(default_factory=dict)
    attendance_experiences: tuple[Experience, ...] = ()
    #: Records that could not be decrypted and that the student chose to leave out.
    left_out: tuple[str, ...] = ()
    #: Each exported entry's revision chain, the notes on dates, the evidence to embed, and
    #: portfolio.json's top-level ``timeline`` (see ``entry_extras``).
    timelines: dict[str, EntryTimeline] = field(default_factory=dict)
    timeline_notes: tuple[TimelineNote, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    timeline_info: dict[str, Any] = field(default_factory=dict)
    inline_images: bool = True
    #: Issue 9: an empty "Tutor feedback" form field after each entry and an overall one on
    #: the signatures page (the export dialog and ``--no-feedback-fields`` can leave them out).
    feedback_fields: bool = True
    #: Whether each entry gets its own box (false past the limit: only the overall box).
    feedback_per_entry: bool = True

    @property
    def entries(self) -> list[Entry]:
        """Exported entries in reading order."""
        return self.plan.ordered

    @property
    def period(self) -> tuple[date, date] | None:
        """First and last day the exported entries are about."""
        days = [entry_date(e) for e in self.plan.ordered]
        return (min(days), max(days)) if days else None


@dataclass(frozen=True)
class TocLine:
    """One line of the contents: what it points to, its indent level and its text."""

    key: str
    level: int
    text: str


@dataclass(frozen=True)
class LayoutResult:
    """The unsigned PDF and what the signing step and the tests need to know about it."""

    pdf: bytes
    page_count: int
    toc: tuple[tuple[TocLine, int], ...]
    toc_pages: tuple[int, ...]
    student_box: SignatureBox
    staff_boxes: dict[str, SignatureBox]
    seconds: float
    #: The 0-based page listing each entry's evidence files (their PDF "associated" page).
    evidence_pages: dict[str, int] = field(default_factory=dict)
    #: Where each feedback field goes: entry id (or :data:`OVERALL_FEEDBACK_SLOT`) -> box.
    feedback_boxes: dict[str, SignatureBox] = field(default_factory=dict)

    @property
    def tutor_box(self) -> SignatureBox | None:
        """The tutor's box, when the export has one."""
        return self.staff_boxes.get(TUTOR_SLOT)


@dataclass
class _LayoutState:
    """What flowables report while they are drawn (one per build, never shared)."""

    heading_pages: dict[str, int] = field(default_factory=dict)
    last_page: int = 0
    boxes: dict[str, SignatureBox] = field(default_factory=dict)
    outline_levels: list[int] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    feedback_boxes: dict[str, SignatureBox] = field(default_factory=dict)


# ---- contents planning --------------------------------------------------------------------


def _kind_and_title(kind_label: str, title: str) -> str:
    """ "Schwartz round: End of life", but not "Outreach project: Outreach project: ..." when
    the student already began the title with its kind."""
    if title.casefold().startswith(kind_label.casefold()):
        return title
    return f"{kind_label}: {title}"


def _event_heading(event: Event) -> str:
    when = f"{event.on:%d %b %Y} · " if event.on else ""
    return f"{when}{_kind_and_title(event.kind.label, event.title)}"


def _experience_heading(exp: Experience) -> str:
    span = ""
    if exp.starts_on and exp.ends_on:
        span = f" ({exp.starts_on:%b %Y} – {exp.ends_on:%b %Y})"
    elif exp.starts_on:
        span = f" (from {exp.starts_on:%b %Y})"
    return f"{_kind_and_title(exp.kind.label, exp.title)}{span}"


def group_heading(group: EntryGroup) -> str:
    """The heading of a group, as printed and as listed in the contents."""
    if group.event is not None:
        return _event_heading(group.event)
    if group.experience is not None:
        return _experience_heading(group.experience)
    return "Other entries (not linked to an event or experience)"


def entry_heading(plan: DocumentPlan, entry: Entry) -> str:
    """``E12 · Reflection: title`` (no second "Plan:" when the title already starts so)."""
    label = entry.kind.label
    title = entry.title.strip()
    if title.casefold().startswith(label.casefold() + ":"):
        return f"{plan.label(entry.id)} · {title}"
    return f"{plan.label(entry.id)} · {label}: {title}"


def contents_lines(content: DocumentContent) -> list[TocLine]:
    """Every line of the contents, in order (known before layout; see the module docstring)."""
    lines = [TocLine("coverage", 0, "Competency coverage")]
    lines.extend(TocLine(f"framework:{fw.id}", 1, fw.name) for fw in content.coverage_frameworks)
    lines.append(TocLine("summary", 0, "Summary of activity"))
    lines.append(TocLine("entries", 0, "Entries"))
    for group in content.plan.groups:
        lines.append(TocLine(group.key, 1, group_heading(group)))
        lines.extend(
            TocLine(f"entry:{e.id}", 2, entry_heading(content.plan, e)) for e in group.entries
        )
    if content.final_reflection is not None:
        lines.append(TocLine("final", 0, "Final reflection"))
    lines.append(TocLine("attendance", 0, "Attendance record"))
    lines.append(TocLine("signatures", 0, "Signatures"))
    return lines


def lines_per_contents_page(first: bool) -> int:
    """How many contents lines fit on the first (titled) or a later contents page."""
    usable = FRAME_HEIGHT - (TOC_TITLE_HEIGHT if first else 0.0)
    return int(usable // TOC_LINE_HEIGHT)


def paginate_contents(count: int) -> list[range]:
    """Which contents lines go on which contents page (at least one page)."""
    first = lines_per_contents_page(True)
    rest = lines_per_contents_page(False)
    pages = [range(0, min(count, first))]
    start = first
    while start < count:
        pages.append(range(start, min(count, start + rest)))
        start += rest
    return pages


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "…" to fit ``width`` on one line."""
    text = " ".join(printable(text).split())
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


_TOC_FONTS = {0: (SANS_BOLD, 10.0), 1: (SANS_BOLD, 9.0), 2: (SANS, 9.0)}


# ---- flowables ----------------------------------------------------------------------------


class _Heading(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A heading that records its page, and adds its bookmark and outline entry, when drawn.

    It never splits (a heading is at most a few lines), so the recorded page is the page the
    reader finds it on.
    """

    def __init__(
        self,
        markup: str,
        style: Any,
        *,
        key: str,
        outline: str,
        level: int,
        state: _LayoutState,
        closed: bool = False,
    ) -> None:
        super().__init__()
        self._para = Paragraph(markup, style)
        self.key = key
        self.outline = outline
        self.level = level
        self.closed = closed
        self._state = state
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Size of the paragraph inside."""
        width, height = self._para.wrap(avail_width, avail_height)
        self.width, self.height = width, height
        return width, height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Never split: move to the next page instead."""
        return []

    def draw(self) -> None:
        """Draw, and tell the state, the bookmarks and the outline where this heading is."""
        canv = self.canv
        self._state.heading_pages[self.key] = canv.getPageNumber()
        canv.bookmarkHorizontal(self.key, 0, self.height + 4)
        levels = self._state.outline_levels
        level = min(self.level, (levels[-1] + 1) if levels else 0)
        canv.addOutlineEntry(self.outline, self.key, level, self.closed)
        levels.append(level)
        self._para.drawOn(canv, 0, 0)


class _ContentsPage(Flowable):  # type: ignore[misc]
    """One reserved contents page: paints the (later drawn) form and the line links."""

    def __init__(self, index: int, lines: Sequence[TocLine], state: _LayoutState) -> None:
        super().__init__()
        self.index = index
        self.lines = list(lines)
        self._state = state

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The whole frame."""
        self.width, self.height = avail_width, FRAME_HEIGHT
        return avail_width, FRAME_HEIGHT

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Never split (it is always at the top of an empty page)."""
        return []

    def draw(self) -> None:
        """Title on the first page, the form with lines and numbers, and one link per line."""
        canv = self.canv
        self._state.heading_pages[f"contents:{self.index}"] = canv.getPageNumber()
        top = FRAME_HEIGHT
        if self.index == 0:
            canv.bookmarkHorizontal("contents", 0, FRAME_HEIGHT)
            canv.addOutlineEntry("Contents", "contents", 0)
            self._state.outline_levels.append(0)
            canv.setFont(SANS_BOLD, 17)
            canv.drawString(0, top - 20, "Contents")
            canv.setFont(SANS, 8.5)
            canv.setFillColor(colors.Color(*GREY_TEXT))
            canv.drawString(
                0,
                top - 38,
                "Page numbers are those in the footer of each page. "
                "In a PDF reader, click a line to go there.",
            )
            canv.setFillColor(colors.black)
            top -= TOC_TITLE_HEIGHT
        canv.doForm(contents_form_name(self.index))
        for row, line in enumerate(self.lines):
            y = top - (row + 1) * TOC_LINE_HEIGHT
            canv.linkRect(
                "", line.key, (line.level * TOC_INDENT, y, FRAME_WIDTH, y + TOC_LINE_HEIGHT)
            )


def contents_form_name(index: int) -> str:
    """The form XObject that holds contents page ``index`` (0-based)."""
    return f"portfolio-toc-{index}"


class _FixedSlot(Flowable):  # type: ignore[misc]
    """A full-width area of fixed height that never splits and records where it was drawn
    (page index and absolute corners) for the signing step."""

    def __init__(self, height: float, state: _LayoutState) -> None:
        super().__init__()
        self.slot_height = height
        self._state = state

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Full width, fixed height."""
        self.width, self.height = avail_width, self.slot_height
        return avail_width, self.slot_height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Never split (it moves to the next page whole)."""
        return []

    def _drawn_box(self, left: float = 0) -> tuple[int, float, float, float, float]:
        canv = self.canv
        x0, y0 = canv.absolutePosition(left, 0)
        x1, y1 = canv.absolutePosition(self.width, self.height)
        return (canv.getPageNumber() - 1, x0, y0, x1, y1)


class _SignatureSlot(_FixedSlot):
    """A framed, empty area whose position on the page is recorded for the signing step."""

    def __init__(
        self, role: str, height: float, state: _LayoutState, note: str | None = None
    ) -> None:
        super().__init__(height, state)
        self.role = role
        self.note = note

    def draw(self) -> None:
        """A dashed frame (visible on paper before anyone signs) and the recorded box."""
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.Color(*RULE_GREY))
        canv.setDash(3, 2)
        canv.setLineWidth(0.6)
        canv.rect(0, 0, self.width, self.height)
        canv.restoreState()
        if self.note:
            canv.setFont(SANS, 9)
            canv.setFillColor(colors.Color(*GREY_TEXT))
            canv.drawCentredString(self.width / 2, self.height / 2 - 3, self.note)
            canv.setFillColor(colors.black)
        self._state.boxes[self.role] = self._drawn_box()


class _FeedbackSlot(_FixedSlot):
    """A light, labelled area where a tutor's feedback form field goes (recorded for signing).

    Drawn in the page content (so it prints even in readers that hide empty fields): a pale
    band with the label at the left. The field covers the rest; a filled field's appearance
    is opaque, so nothing the page prints under it can mix with the tutor's words.
    """

    def __init__(self, key: str, label: str, hint: str, height: float, state: _LayoutState) -> None:
        super().__init__(height, state)
        self.key = key
        self.label = label
        self.hint = hint

    def draw(self) -> None:
        """The pale band, the label, and the field's recorded rectangle."""
        canv = self.canv
        canv.saveState()
        canv.setFillColor(colors.Color(*LIGHT_SHADE))
        canv.setStrokeColor(colors.Color(0.8, 0.8, 0.8))
        canv.setLineWidth(0.4)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        canv.setFillColor(colors.Color(*GREY_TEXT))
        canv.setFont(SANS_BOLD, 7.5)
        canv.drawString(4, self.height - 10, self.label)
        canv.setFont(SANS, 6.5)
        for row, line in enumerate(self.hint.split("\n")):
            canv.drawString(4, self.height - 19 - 8 * row, line)
        canv.restoreState()
        self._state.feedback_boxes[self.key] = self._drawn_box(FEEDBACK_LABEL_WIDTH)


class _EntryStub(Flowable):  # type: ignore[misc]
    """Stands for one entry until the layout reaches it (see the module docstring)."""

    def __init__(self, entry: Entry, index: int) -> None:
        super().__init__()
        self.entry = entry
        self.index = index

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Stubs are always expanded before layout looks at them; reaching here is a bug."""
        raise ExportLayoutError("internal error: an entry was not expanded before layout")


# ---- the document template ----------------------------------------------------------------


class _PortfolioDocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Expands entry stubs just in time, and reports progress and checks for cancellation."""

    def __init__(
        self,
        buffer: io.BytesIO,
        *,
        expand: Callable[[_EntryStub], list[Any]],
        on_entry: Callable[[int], None],
        is_cancelled: IsCancelled,
        **kwargs: Any,
    ) -> None:
        super().__init__(buffer, **kwargs)
        self._expand = expand
        self._on_entry = on_entry
        self._is_cancelled = is_cancelled

    def filterFlowables(self, flowables: list[Any]) -> None:  # noqa: N802  (reportlab's name)
        """Expand the next few stubs in place, so keep-with-next groups see real flowables."""
        if self._is_cancelled():
            raise ExportCancelled()
        position = 0
        while position < min(len(flowables), _STUB_LOOKAHEAD):
            item = flowables[position]
            if isinstance(item, _EntryStub):
                flowables[position : position + 1] = self._expand(item)
                self._on_entry(item.index)
            else:
                position += 1


# ---- building -----------------------------------------------------------------------------


class _Builder:
    """Turns :class:`DocumentContent` into a story and page decorations."""

    def __init__(self, content: DocumentContent, state: _LayoutState) -> None:
        register_fonts()
        self.content = content
        self.state = state
        self.styles: Styles = make_styles()
        self.markdown = MarkdownRenderer(self.styles)
        self._indent_styles: dict[tuple[str, int], Any] = {}
        self.plan = content.plan
        self.event_by_id: dict[EventId, Event] = {e.id: e for e in content.events}
        self.exp_by_id: dict[ExperienceId, Experience] = {x.id: x for x in content.experiences}
        self.entry_by_id: dict[EntryId, Entry] = {e.id: e for e in content.entries}
        self.answered_by: dict[EntryId, list[Entry]] = {}
        for entry in content.entries:
            if entry.plan_id is not None and entry.plan_id in self.entry_by_id:
                self.answered_by.setdefault(entry.plan_id, []).append(entry)
        profile = content.profile
        self.header_text = " · ".join(
            part
            for part in (profile.name, profile.programme, "Confidential reflective portfolio")
            if part.strip()
        )
        self.header_line = _fit(self.header_text, SANS, 8, FRAME_WIDTH)  # same on every page
        self.extras = EntryExtras(
            self.styles,
            timelines=content.timelines,
            notes=content.timeline_notes,
            evidence=content.evidence,
            zone=content.generated_at.tzinfo,
            record_page=state.anchors.setdefault,
        )
        #: Set by signatures_section when the overall feedback area does not fit its page.
        self.overall_before_signatures = False

    # -- helpers --

    def p(self, markup: str, style: Any | None = None) -> Any:
        return Paragraph(markup, style or self.styles.body)

    def t(self, text: str, style: Any | None = None) -> Any:
        """A paragraph of plain text (escaped)."""
        return self.p(markup_text(text), style)

    def heading(self, text: str, style: Any, key: str, level: int, *, closed: bool = False) -> Any:
        return _Heading(
            markup_text(text),
            style,
            key=key,
            outline=" ".join(printable(text).split()),
            level=level,
            state=self.state,
            closed=closed,
        )

    def table(
        self,
        rows: list[list[Any]],
        widths: list[float],
        *,
        header: bool = True,
        extra: Iterable[tuple[Any, ...]] = (),
    ) -> list[Any]:
        """Tables of at most ``_TABLE_CHUNK`` rows (splitting long tables is quadratic)."""
        head = rows[0] if header else None
        body = rows[1:] if header else rows
        out: list[Any] = []
        base: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),  # the default would be unembedded Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(*RULE_GREY)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            base.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(*SHADE)))
        extra_list = list(extra)
        for start in range(0, max(1, len(body)), _TABLE_CHUNK):
            chunk = body[start : start + _TABLE_CHUNK]
            data = ([head] if head is not None else []) + chunk
            offset = 1 if head is not None else 0
            commands = list(base)
            for command in extra_list:  # row-specific commands carry absolute body rows
                name, (c0, r0), (c1, r1), *rest = command
                if start <= r0 < start + _TABLE_CHUNK:
                    row = r0 - start + offset
                    end_row = min(r1, start + _TABLE_CHUNK - 1) - start + offset
                    commands.append((name, (c0, row), (c1, end_row), *rest))
            out.append(
                Table(
                    data,
                    colWidths=widths,
                    repeatRows=offset,
                    hAlign="LEFT",
                    style=TableStyle(commands),
                )
            )
        return out

    # -- page decorations --

    def on_cover(self, canv: Canvas, doc: Any) -> None:
        self._footer(canv)

    def on_body(self, canv: Canvas, doc: Any) -> None:
        canv.saveState()
        canv.setFont(SANS, 8)
        canv.setFillColor(colors.Color(*GREY_TEXT))
        y = PAGE_HEIGHT - TOP_MARGIN + 12
        canv.drawString(LEFT_MARGIN, y, self.header_line)
        canv.setStrokeColor(colors.Color(*RULE_GREY))
        canv.setLineWidth(0.5)
        canv.line(LEFT_MARGIN, y - 4, LEFT_MARGIN + FRAME_WIDTH, y - 4)
        canv.restoreState()
        self._footer(canv)

    def _footer(self, canv: Canvas) -> None:
        page = canv.getPageNumber()
        self.state.last_page = max(self.state.last_page, page)
        canv.saveState()
        canv.setFont(SANS, 8.5)
        canv.setFillColor(colors.black)
        y = BOTTOM_MARGIN - 22
        label = f"Page {page} of "
        canv.drawString(LEFT_MARGIN, y, label)
        canv.translate(LEFT_MARGIN + stringWidth(label, SANS, 8.5), y)
        canv.doForm(PAGE_TOTAL_FORM)
        canv.restoreState()
        canv.saveState()
        canv.setFont(SANS, 8)
        canv.setFillColor(colors.Color(*GREY_TEXT))
        stamp = f"Exported {self.content.generated_at:%d %b %Y}"
        canv.drawRightString(LEFT_MARGIN + FRAME_WIDTH, y, stamp)
        canv.restoreState()

    def finish(self, canv: Canvas, toc_pages: list[list[TocLine]]) -> None:
        """Draw the forms the pages refer to: the page total and the contents pages."""
        total = self.state.last_page
        canv.beginForm(PAGE_TOTAL_FORM)
        canv.setFont(SANS, 8.5)
        canv.drawString(0, 0, str(total))
        canv.endForm()
        for index, lines in enumerate(toc_pages):
            canv.beginForm(contents_form_name(index))
            top = FRAME_HEIGHT - (TOC_TITLE_HEIGHT if index == 0 else 0.0)
            for row, line in enumerate(lines):
                page = self.state.heading_pages.get(line.key)
                if page is None:
                    raise ExportLayoutError(
                        f"internal error: the contents line {line.key!r} was never placed"
                    )
                self._toc_line(canv, line, page, top - (row + 1) * TOC_LINE_HEIGHT + 3.5)
            canv.endForm()

    @staticmethod
    def _toc_line(canv: Canvas, line: TocLine, page: int, y: float) -> None:
        font, size = _TOC_FONTS.get(line.level, (SANS, 9.0))
        x = line.level * TOC_INDENT
        number = str(page)
        text_room = FRAME_WIDTH - x - TOC_NUMBER_WIDTH - 6
        text = _fit(line.text, font, size, text_room)
        canv.setFont(font, size)
        canv.drawString(x, y, text)
        canv.drawRightString(FRAME_WIDTH, y, number)
        start = x + stringWidth(text, font, size) + 4
        end = FRAME_WIDTH - stringWidth(number, font, size) - 4
        if end - start > 6:
            canv.saveState()
            canv.setStrokeColor(colors.Color(*RULE_GREY))
            canv.setLineWidth(0.6)
            canv.setDash(0.6, 2.4)
            canv.line(start, y + 1, end, y + 1)
            canv.restoreState()

    # -- story --

    def story(self, toc_pages: list[list[TocLine]]) -> list[Any]:
        story: list[Any] = [*self.cover(), NextPageTemplate("body"), PageBreak()]
        for index, lines in enumerate(toc_pages):
            story.append(_ContentsPage(index, lines, self.state))
        story.append(PageBreak())
        story.extend(self.coverage_section())
        story.append(PageBreak())
        story.extend(self.summary_section())
        story.append(PageBreak())
        story.extend(self.entries_section())
        if self.content.final_reflection is not None:
            story.append(PageBreak())
            story.extend(self.final_section(self.content.final_reflection))
        story.append(PageBreak())
        story.extend(self.attendance_section())
        signatures = self.signatures_section()
        if self.overall_before_signatures:
            story.extend(
                [
                    CondPageBreak(OVERALL_FEEDBACK_HEIGHT + 40),
                    Spacer(1, 14),
                    self.t("Overall feedback", self.styles.h3),
                    self.overall_feedback_slot(OVERALL_FEEDBACK_HEIGHT),
                ]
            )
        story.append(PageBreak())
        story.extend(signatures)
        return story

    def overall_feedback_slot(self, height: float) -> Any:
        """The overall feedback area (staff, on the whole portfolio)."""
        return _FeedbackSlot(
            OVERALL_FEEDBACK_SLOT,
            "Overall",
            "feedback from staff\non the whole\nportfolio",
            height,
            self.state,
        )

    def cover(self) -> list[Any]:
        s = self.styles
        c = self.content
        profile = c.profile
        out: list[Any] = [
            Spacer(1, 70),
            self.t("Reflective portfolio", s.title),
            self.t("Interprofessional learning", s.subtitle),
            self.t(profile.name, s.cover_name),
            Spacer(1, 18),
        ]
        period = c.period
        period_text = (
            f"{period[0]:%d %B %Y} to {period[1]:%d %B %Y}" if period else "No entries selected"
        )
        counts = _kind_counts(c.entries)
        facts: list[tuple[str, str]] = [
            ("Student ID", profile.student_id),
            ("Profession", profile.profession),
            ("Programme", profile.programme),
            ("Institution", profile.institution),
            ("Personal tutor", profile.tutor),
            ("Intake", profile.intake),
            ("Period covered", period_text),
            ("Entries", f"{len(c.entries)} ({counts})"),
            ("Selection", c.selection_text),
            ("Left out (could not be read)", "; ".join(c.left_out)),
            ("Exported", f"{c.generated_at:%d %B %Y, %H:%M} (this computer's clock)"),
        ]
        rows = [
            [self.t(label, s.cell_bold), self.t(value, s.cell)]
            for label, value in facts
            if value.strip()
        ]
        if c.fingerprint:
            half = len(c.fingerprint) // 2 + 1
            fp = markup_text(c.fingerprint[:half]) + "<br/>" + markup_text(c.fingerprint[half:])
            rows.append(
                [
                    self.t("Signing certificate (SHA-256 fingerprint)", s.cell_bold),
                    self.p(f'<font face="{MONO}">{fp}</font>', s.cell),
                ]
            )
        else:
            rows.append([self.t("Digital signature", s.cell_bold), self.t("Not signed", s.cell)])
        out.extend(
            self.table(
                rows,
                [130, FRAME_WIDTH - 130],
                header=False,
                extra=[("BACKGROUND", (0, 0), (0, len(rows) - 1), colors.Color(*SHADE))],
            )
        )
        out.append(Spacer(1, 24))
        if c.signed:
            note = (
                "This portfolio carries the student's digital signature (see the Signatures "
                "page). Compare the fingerprint above with the one the student registered, or "
                "check the file against the course certificate: "
                "<i>portfolio verify FILE.pdf --trust course-ca.pem</i>."
            )
        else:
            note = "This copy was exported without a digital signature."
        out.append(self.p(note, s.small))
        out.append(
            self.p(
                "<b>Confidential.</b> Reflective writing about practice, shared for assessment. "
                "The student is responsible for removing anything that could identify a "
                "patient, carer or colleague.",
                s.small,
            )
        )
        return out

    def coverage_section(self) -> list[Any]:
        s = self.styles
        c = self.content
        out: list[Any] = [
            self.heading("Competency coverage", s.h1, "coverage", 0),
            self.p(
                "Each framework is shown as its publisher structures it: competencies in bold, "
                "their items indented beneath. <b>Entries</b> counts the entries that the "
                "student linked to each (the bar is scaled to the most evidenced item); "
                "<b>Evidence</b> lists them, numbered E1, E2, … in the order they appear under "
                f"Entries. A competency without evidence says <b>{NO_EVIDENCE_TEXT}</b>. Counts "
                "are over what the framework pack lists, and the line under each count says "
                "whether that is the whole framework.",
                s.body,
            ),
        ]
        if not c.coverage_frameworks:
            out.append(self.t("No competency framework is available."))
        entries = c.entries
        for framework in c.coverage_frameworks:
            out.extend(self._framework_coverage(framework, entries))
        return out

    def _framework_coverage(self, framework: Framework, entries: Sequence[Entry]) -> list[Any]:
        s = self.styles
        rows = coverage(framework, entries)
        summary = summarise(rows)
        out: list[Any] = [
            CondPageBreak(160),
            self.heading(framework.name, s.h2, f"framework:{framework.id}", 1),
        ]
        gap_text = f" {summary.gap_count} without evidence yet." if summary.gaps else ""
        out.append(self.p(f"<b>{markup_text(summary.describe())}.</b>{gap_text}", s.body))
        completeness = markup_text(framework.completeness_text())
        out.append(
            self.p(f"<b>{completeness}</b>" if framework.is_partial else completeness, s.body)
        )
        if framework.completeness_details():
            out.append(self.t(framework.completeness_details(), s.meta))
        if framework.attribution:
            out.append(self.t(framework.attribution, s.meta))
        bar_width = 60.0
        widths = [46, FRAME_WIDTH - 46 - bar_width - 8 - 150, bar_width + 8, 150]
        table_rows: list[list[Any]] = [
            [
                self.t("Code", s.cell_bold),
                self.t("Competency", s.cell_bold),
                self.t("Entries", s.cell_bold),
                self.t("Evidence", s.cell_bold),
            ]
        ]
        shade: list[tuple[Any, ...]] = []
        largest = max((r.count for r in rows if not r.is_heading), default=0)
        for index, row in enumerate(rows):
            name = row.name or row.label
            code = row.code if framework.is_official_code(row.code) else ""
            style = self._indented(s.cell_bold if row.is_standard else s.cell, row.depth)
            table_rows.append(
                [
                    self.t(code, s.cell_bold if row.is_standard else s.cell),
                    self.t(name, style),
                    CountBar(row.count, largest, bar_width, show_bar=not row.is_heading),
                    self._evidence_cell(row),
                ]
            )
            if row.is_standard:
                shade.append(("BACKGROUND", (0, index), (-1, index), colors.Color(*SHADE)))
        out.extend(self.table(table_rows, widths, extra=shade))
        stray = unlisted_links(framework, entries)
        if stray:
            listed = "; ".join(
                f"{code} ({', '.join(self.plan.label(e) for e in ids)})"
                for code, ids in stray.items()
            )
            out.append(
                self.t(
                    f"Links to codes this version of the framework no longer lists: {listed}.",
                    s.meta,
                )
            )
        out.extend(self._rating_growth(framework, entries))
        out.extend(self._next_steps(framework, rows))
        out.append(Spacer(1, 10))
        return out

    def _indented(self, style: Any, depth: int) -> Any:
        """The cell style indented for a row ``depth`` levels into the framework."""
        if depth <= 0:
            return style
        key = (style.name, depth)
        cached = self._indent_styles.get(key)
        if cached is None:
            cached = ParagraphStyle(
                f"{style.name}-indent{depth}", parent=style, leftIndent=10.0 * depth
            )
            self._indent_styles[key] = cached
        return cached

    def _rating_growth(self, framework: Framework, entries: Sequence[Entry]) -> list[Any]:
        """The heat map of self-ratings by academic term (nothing when there are none)."""
        s = self.styles
        grid = rating_heatmap(framework, entries)
        if not grid.rows:
            return []
        terms = list(grid.terms)
        first = max(0, len(terms) - MAX_TERMS)
        shown = terms[first:]
        out: list[Any] = [
            CondPageBreak(120),
            self.t(f"Self-rating growth: {framework.short_name}", s.section_heading),
            self.t(
                "The student's latest self-rating (1 to 5) of each competency they rated, in "
                "each academic term (autumn: September to December; spring: January to April; "
                "summer: May to August). A blank cell: not rated that term. The shading only "
                "repeats the number."
                + (f" Only the last {MAX_TERMS} terms are shown." if first else ""),
                s.meta,
            ),
        ]
        # Plain strings, not Paragraphs, so that each cell takes the table's text colour.
        # Two-line term headings ("Autumn" over "2024") fit the narrow columns.
        rows: list[list[Any]] = [["Code", *(f"{t.season}\n{t.year}" for t in shown), "Change"]]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(*RULE_GREY)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(*SHADE)),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for number, grid_row in enumerate(grid.rows, start=1):
            line: list[Any] = [printable(grid_row.code)]
            for column, rating in enumerate(grid_row.cells[first:], start=1):
                line.append("" if rating is None else str(rating))
                if rating is not None:
                    background, ink = heat_shade(rating)
                    commands.append(("BACKGROUND", (column, number), (column, number), background))
                    commands.append(("TEXTCOLOR", (column, number), (column, number), ink))
            line.append(f"{grid_row.growth:+d}" if grid_row.growth else "0")
            rows.append(line)
        code_width = 46.0
        change_width = 42.0
        term_width = min(62.0, (FRAME_WIDTH - code_width - change_width) / max(1, len(shown)))
        widths = [code_width] + [term_width] * len(shown) + [change_width]
        out.append(
            Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=TableStyle(commands))
        )
        return out

    def _next_steps(self, framework: Framework, rows: list[CompetencyCoverage]) -> list[Any]:
        """Competencies with no evidence yet, as suggestions for the next plan."""
        s = self.styles
        found = suggestions(framework, rows)
        if not found:
            return [
                self.t(f"Every competency listed for {framework.short_name} has evidence.", s.meta)
            ]
        shown = found[:_MAX_SUGGESTIONS]
        out: list[Any] = [
            CondPageBreak(90),
            self.t(f"Suggestions for the next plan: {framework.short_name}", s.section_heading),
            self.t(
                "Competencies with no evidence yet, those in the least evidenced areas first.",
                s.meta,
            ),
        ]
        lines = [
            f"• <b>{markup_text(item.label)}</b>: {markup_text(item.reason)}" for item in shown
        ]
        if len(found) > len(shown):
            more = len(found) - len(shown)
            lines.append(
                f"… and {more} more without evidence (marked {NO_EVIDENCE_TEXT} in the table)."
            )
        out.append(self.p("<br/>".join(lines), s.body))
        return out

    def _evidence_cell(self, row: CompetencyCoverage) -> Any:
        """Entry numbers, or the gap in words; a standard with elements points to them."""
        s = self.styles

        def listed(ids: Sequence[EntryId]) -> str:
            labels = [self.plan.label(e) for e in ids]
            text = ", ".join(labels[:_MAX_EVIDENCE_LISTED])
            if len(labels) > _MAX_EVIDENCE_LISTED:
                text += f" and {len(labels) - _MAX_EVIDENCE_LISTED} more"
            return text

        whole = " Linked as a whole: its items are not listed." if row.whole_only else ""
        if not row.entry_ids:
            return self.p(f"<b>{NO_EVIDENCE_TEXT}</b>{'.' if whole else ''}{whole}", s.cell)
        if row.whole_only:
            return self.t(f"{listed(row.entry_ids)}.{whole}", s.cell)
        if row.is_heading:
            direct = row.direct_ids
            through = "Through its items below"
            if direct:
                return self.t(f"The standard itself: {listed(direct)}. {through}.", s.cell)
            return self.t(f"{through}.", s.cell)
        return self.t(listed(row.entry_ids), s.cell)

    def summary_section(self) -> list[Any]:
        s = self.styles
        c = self.content
        entries = c.entries
        words = sum(e.word_count for e in entries)
        out: list[Any] = [
            self.heading("Summary of activity", s.h1, "summary", 0),
            self.t(
                f"{_plural(len(entries), 'entry', 'entries')} ({_kind_counts(entries)}), "
                f"{_plural(words, 'word', 'words')} in all; "
                f"{_plural(len(c.attendance), 'IPL event', 'IPL events')} in the attendance "
                "record.",
                s.body,
            ),
        ]
        months = entries_per_month(entries)
        if months:
            out.append(months_chart(months, FRAME_WIDTH))
        else:
            out.append(self.t("No entries, so no monthly chart."))
        out.append(Spacer(1, 14))
        kinds = entries_by_event_kind(entries, self.event_by_id)
        if kinds:
            out.append(
                category_chart(
                    "Entries by kind of IPL event",
                    [(kind.label, count) for kind, count in kinds],
                    FRAME_WIDTH,
                    "Number of entries linked to an event of this kind",
                )
            )
        else:
            out.append(self.t("No exported entry is linked to an IPL event."))
        out.append(Spacer(1, 14))
        professions = _professions_met(entries, self.event_by_id)
        if professions:
            out.append(
                category_chart(
                    "Professions met",
                    professions,
                    FRAME_WIDTH,
                    "Number of entries involving this profession (in the entry or its event)",
                )
            )
        else:
            out.append(self.t("No professions are recorded in the exported entries."))
        out.extend(self._models_used(entries))
        out.extend(self._timeline_summary())
        return out

    def _timeline_summary(self) -> list[Any]:
        """How to read the dates under each entry, and what the chain lets a reader check."""
        c = self.content
        info = c.timeline_info
        if not info:
            return []
        started = info.get("chain_started")
        since = ""
        if isinstance(started, str):
            day = datetime.fromisoformat(started).astimezone(c.generated_at.tzinfo)
            since = f" since {day.day} {day:%b %Y}" + (
                " (history saved before then was chained when the app was upgraded)"
                if info.get("chain_origin") == "upgrade"
                else ""
            )
        head = str(info.get("portfolio_head") or "")
        notes = len(c.timeline_notes)
        files = len(c.evidence)
        text = (
            "<b>Timeline.</b> Under each entry: the day it is about, and when it was first "
            "written and last changed, from its saved versions. These times come from the "
            "student's own computer clock. The saved versions of every entry form a hash chain"
            f"{markup_text(since)}; the newest link of each is in the signed portfolio.json "
            f"(portfolio head <font name='{MONO}'>{head[:16]}…</font>), so a later export can "
            "be checked against this one: <i>portfolio verify --compare EARLIER.pdf "
            "LATER.pdf</i> shows every entry changed, added or removed in between."
        )
        if notes:
            text += (
                f" {_plural(notes, 'timeline note is', 'timeline notes are')} printed beside "
                "the entries concerned (for instance a plan first written after its event)."
            )
        if files:
            text += (
                f" {_plural(files, 'evidence file is', 'evidence files are')} embedded in "
                "this PDF, listed under their entries with their SHA-256."
            )
        return [Spacer(1, 10), CondPageBreak(80), self.p(text, self.styles.meta)]

    def _models_used(self, entries: Sequence[Entry]) -> list[Any]:
        """Which reflective models the entries were written with, each credited to its source."""
        s = self.styles
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry.template_id] = counts.get(entry.template_id, 0) + 1
        used = [t for t in counts if t in self.content.template_credits]
        if not used:
            return []
        names = self.content.template_names
        lines = [
            f"<b>{markup_text(names.get(t, t))}</b> "
            f"({_plural(counts[t], 'entry', 'entries')}): "
            f"{markup_text(self.content.template_credits[t])}"
            for t in sorted(used, key=lambda t: (-counts[t], names.get(t, t)))
        ]
        return [
            Spacer(1, 14),
            CondPageBreak(80),
            self.t("Reflective models used", s.section_heading),
            self.p("<br/>".join(lines), s.meta),
        ]

    def entries_section(self) -> list[Any]:
        s = self.styles
        out: list[Any] = [
            self.heading("Entries", s.h1, "entries", 0),
            self.t(
                "Entries are grouped by the IPL event or the longer experience they belong to, "
                "in time order. Each plan is followed by the reflections that answer it.",
                s.body,
            ),
        ]
        if not self.plan.groups:
            out.append(self.t("No entries were selected for this export.", s.blank))
        index = 0
        for number, group in enumerate(self.plan.groups):
            if number:
                out.append(CondPageBreak(200))
            out.append(self.heading(group_heading(group), s.h2, group.key, 1, closed=True))
            details = self._group_details(group)
            if details:
                out.append(self.p(details, s.meta))
            for entry in group.entries:
                index += 1
                out.append(_EntryStub(entry, index))
        return out

    def _group_details(self, group: EntryGroup) -> str:
        parts: list[str] = []
        if group.kind is GroupKind.EVENT and group.event is not None:
            event = group.event
            if event.place.strip():
                parts.append(f"Place: {markup_text(event.place)}")
            if event.professions_present:
                parts.append(
                    "Professions present: " + markup_text(", ".join(event.professions_present))
                )
            if not event.attended:
                parts.append("Recorded as not attended")
        elif group.experience is not None:
            exp = group.experience
            if exp.setting.strip():
                parts.append(f"Setting: {markup_text(exp.setting)}")
            if exp.supervisor.strip():
                parts.append(f"Supervisor: {markup_text(exp.supervisor)}")
        count = len(group.entries)
        parts.append(f"{count} {'entry' if count == 1 else 'entries'}")
        return " · ".join(parts)

    def expand_entry(self, stub: _EntryStub) -> list[Any]:
        """The flowables of one entry (called when the layout reaches it)."""
        s = self.styles
        entry = stub.entry
        plan = self.plan
        out: list[Any] = [
            CondPageBreak(_ENTRY_START_ROOM),
            self.heading(entry_heading(plan, entry), s.entry_heading, f"entry:{entry.id}", 2),
        ]
        meta = [
            f"{entry_date(entry):%d %B %Y}",
            f"Status: {_PRINTED_STATUS.get(entry.status, entry.status.label)}",
            f"Template: {self.content.template_names.get(entry.template_id, entry.template_id)}",
            f"{entry.word_count} words",
        ]
        lines = [markup_text(" · ".join(meta))]
        written = self.extras.timeline_line(entry)
        if written:
            lines.append(written)
        lines.extend(self._relations(entry))
        out.append(self.p("<br/>".join(lines), s.meta))
        out.extend(self.extras.note_flowables(entry))
        multi = len(entry.sections) > 1
        for section in entry.sections:
            if multi or section.heading.strip():
                out.append(CondPageBreak(_SECTION_START_ROOM))
                out.append(self.t(section.heading or "Text", s.section_heading))
            if section.body.strip():
                out.extend(self.markdown.flowables(section.body))
            else:
                out.append(self.t("(left blank)", s.blank))
        if not entry.sections:
            out.append(self.t("(no text)", s.blank))
        out.extend(self._entry_details(entry))
        out.extend(self.extras.evidence_flowables(entry))
        if self.content.feedback_fields and self.content.feedback_per_entry:
            out.append(Spacer(1, 3))
            out.append(
                _FeedbackSlot(
                    str(entry.id),
                    "Tutor feedback",
                    f"on {plan.label(entry.id)}",
                    FEEDBACK_SLOT_HEIGHT,
                    self.state,
                )
            )
        out.append(
            HRFlowable(
                width="100%",
                thickness=0.5,
                color=colors.Color(*RULE_GREY),
                spaceBefore=4,
                spaceAfter=10,
            )
        )
        return out

    def _relations(self, entry: Entry) -> list[str]:
        plan = self.plan
        lines: list[str] = []
        if entry.kind is EntryKind.REFLECTION and entry.plan_id is not None:
            target = self.entry_by_id.get(entry.plan_id)
            if target is not None:
                lines.append(f"Answers plan {plan.label(target.id)}: {markup_text(target.title)}")
            else:
                lines.append("Answers a plan that is not included in this export.")
        answered = self.answered_by.get(entry.id, [])
        if answered:
            lines.append(
                "Reflections on this plan: "
                + "; ".join(f"{plan.label(r.id)}: {markup_text(r.title)}" for r in answered)
            )
        links = [
            _kind_and_title(self.event_by_id[e].kind.label, self.event_by_id[e].title)
            for e in entry.event_ids
            if e in self.event_by_id
        ]
        links.extend(
            _kind_and_title(self.exp_by_id[x].kind.label, self.exp_by_id[x].title)
            for x in entry.experience_ids
            if x in self.exp_by_id
        )
        if links:
            lines.append("Linked to: " + markup_text("; ".join(links)))
        return lines

    def _entry_details(self, entry: Entry) -> list[Any]:
        """Tags, professions and competencies, as one paragraph (fewer flowables, faster)."""
        lines: list[str] = []
        if entry.tags:
            lines.append("<b>Tags:</b> " + markup_text(", ".join(entry.tags)))
        if entry.professions:
            lines.append("<b>Professions:</b> " + markup_text(", ".join(entry.professions)))
        if entry.competencies:
            items = []
            for link in entry.competencies:
                framework = self.content.frameworks_by_id.get(link.framework_id)
                label = framework.label(link.code) if framework is not None else link.code
                name = framework.short_name if framework is not None else link.framework_id
                rating = f" (self-rating {link.self_rating} of 5)" if link.self_rating else ""
                items.append(markup_text(f"{label} [{name}]{rating}"))
            lines.append("<b>Competencies:</b> " + "; ".join(items))
        return [self.p("<br/>".join(lines), self.styles.meta)] if lines else []

    def final_section(self, text: str) -> list[Any]:
        s = self.styles
        out: list[Any] = [self.heading("Final reflection", s.h1, "final", 0)]
        if text.strip():
            out.extend(self.markdown.flowables(text))
        else:
            out.append(self.t("No final reflection has been written yet.", s.blank))
        return out

    def attendance_section(self) -> list[Any]:
        s = self.styles
        events = self.content.attendance
        attended_hours = sum(e.hours or 0.0 for e in events if e.attended)
        out: list[Any] = [
            self.heading("Attendance record", s.h1, "attendance", 0),
            self.t(
                _plural(len(events), "IPL event", "IPL events")
                + ", as recorded by the student, with the hours attended and who confirmed "
                "them where the student recorded it."
                + (
                    f" Hours attended in all: {format_hours(attended_hours)}."
                    if attended_hours
                    else ""
                ),
                s.body,
            ),
        ]
        if not events:
            out.append(self.t("No IPL events are recorded.", s.blank))
        else:
            rows: list[list[Any]] = [
                [
                    self.t(h, s.cell_bold)
                    for h in ("Date", "Kind", "Event", "Professions present", "Attended", "Hours")
                ]
            ]
            for event in events:
                hours = format_hours(event.hours) or "Not recorded"
                if event.confirmed_by.strip():
                    hours += f"; confirmed by {event.confirmed_by}"
                rows.append(
                    [
                        self.t(f"{event.on:%d %b %Y}" if event.on else "No date", s.cell),
                        self.t(event.kind.label, s.cell),
                        self.p(
                            markup_text(event.title)
                            + (f"<br/><i>{markup_text(event.place)}</i>" if event.place else ""),
                            s.cell,
                        ),
                        self.t(", ".join(event.professions_present) or "Not recorded", s.cell),
                        self.t("Yes" if event.attended else "No", s.cell),
                        self.t(hours, s.cell),
                    ]
                )
            # 56 pt: "Attended" in the bold header font needs ~55 pt with the cell padding
            widths = [60, 80, 120, FRAME_WIDTH - 60 - 80 - 120 - 56 - 92, 56, 92]
            out.extend(self.table(rows, widths))
        out.extend(self._placement_hours())
        return out

    def _placement_hours(self) -> list[Any]:
        """Placements and other experiences the exported entries belong to, with their hours."""
        s = self.styles
        experiences = self.content.attendance_experiences
        if not experiences:
            return []
        total = sum(x.hours or 0.0 for x in experiences)
        out: list[Any] = [
            Spacer(1, 10),
            CondPageBreak(90),
            self.t("Placements and other experiences", s.section_heading),
            self.t(
                "Hours as recorded by the student, and who confirmed them."
                + (f" Hours in all: {format_hours(total)}." if total else ""),
                s.meta,
            ),
        ]
        rows: list[list[Any]] = [
            [
                self.t(h, s.cell_bold)
                for h in ("Dates", "Kind", "Experience", "Hours", "Confirmed by")
            ]
        ]
        for exp in experiences:
            if exp.starts_on and exp.ends_on:
                dates = f"{exp.starts_on:%d %b %Y} to {exp.ends_on:%d %b %Y}"
            elif exp.starts_on:
                dates = f"From {exp.starts_on:%d %b %Y}"
            else:
                dates = "No dates"
            rows.append(
                [
                    self.t(dates, s.cell),
                    self.t(exp.kind.label, s.cell),
                    self.t(exp.title, s.cell),
                    self.t(format_hours(exp.hours) or "Not recorded", s.cell),
                    self.t(exp.confirmed_by or "Not recorded", s.cell),
                ]
            )
        widths = [92, 100, FRAME_WIDTH - 92 - 100 - 56 - 110, 56, 110]
        out.extend(self.table(rows, widths))
        return out

    def signatures_section(self) -> list[Any]:
        """The student's box and one box per staff role, laid out to read well on paper.

        Everything goes on one page when it can: the staff boxes shrink (down to
        ``_MIN_STAFF_SLOT``, still room for a decision, a short comment and a fingerprint at a
        readable size) to make it fit. When it cannot (four staff roles), the page breaks only
        between boxes: the heading stays with the student's box, each staff box with its title,
        and the closing note with the last box.
        """
        s = self.styles
        c = self.content
        student_note = None if c.signed else "Not digitally signed: exported without a signature"
        staff = [r for r in c.staff_roles if r in _STAFF_BOX_TEXT]
        opening: list[Any] = [
            self.heading("Signatures", s.h1, "signatures", 0),
            self.t("Student", s.h3),
            self.t(
                "I confirm that this portfolio is my own work and my own reflection, and that I "
                "have removed details that could identify patients, carers or colleagues.",
                s.body,
            ),
            self.t(
                "Digital signature of "
                + c.profile.name
                + " (the date and time in it come from the student's own computer clock):",
                s.meta,
            ),
            _SignatureSlot(STUDENT_SLOT, 104, self.state, student_note),
        ]
        explained = (
            "Added digitally with the Reflective Portfolio app (decision: meets, partially meets "
            "or does not meet the standard, and a comment); it leaves the student's signature "
            "valid and only a certificate with this role counts here."
        )
        if len(staff) > 1:
            opening.append(Spacer(1, 10))
            opening.append(
                self.t(
                    "Countersignatures are added digitally with the Reflective Portfolio app, one "
                    "box per role (decision: meets, partially meets or does not meet the "
                    "standard, and a comment). They leave the student's signature valid, and "
                    "only a certificate with a box's role counts in that box.",
                    s.meta,
                )
            )
        closing = [
            Spacer(1, 16),
            self.p(
                "<b>Checking the signatures.</b> Offline, with the app: <i>portfolio verify "
                "FILE.pdf --trust course-ca.pem</i>. In a PDF reader, open the signature panel: "
                "every signature must be valid and the last one must cover the whole document.",
                s.small,
            ),
        ]

        def staff_block(role: str, slot_height: float) -> list[Any]:
            title, words = _STAFF_BOX_TEXT[role]
            return [
                Spacer(1, 14 if len(staff) > 1 else 22),
                self.t(title, s.h3),
                self.t(words if len(staff) > 1 else f"{words} {explained}", s.meta),
                _SignatureSlot(role, slot_height, self.state),
            ]

        preferred = 150.0 if len(staff) == 1 else 112.0

        def fixed_height() -> float:
            return _stacked_height([*opening, *closing]) + sum(
                _stacked_height(staff_block(role, 0.0)) for role in staff
            )

        self.overall_before_signatures = False
        if c.feedback_fields and staff:
            # The overall feedback area takes what the staff boxes leave at their smallest
            # (36 to 60 pt), so up to two boxes still share the page with it; with more, it
            # goes at the end of the page before (story()).
            spare = FRAME_HEIGHT - fixed_height() - len(staff) * _MIN_STAFF_SLOT - 12
            if spare >= 36:
                opening.extend(
                    [Spacer(1, 8), self.overall_feedback_slot(min(OVERALL_FEEDBACK_HEIGHT, spare))]
                )
            else:
                self.overall_before_signatures = True
        fixed = fixed_height()
        room = (FRAME_HEIGHT - fixed) / len(staff) if staff else preferred
        slot = min(preferred, room)
        if slot >= _MIN_STAFF_SLOT or not staff:
            blocks = [b for role in staff for b in staff_block(role, slot)]
            return [KeepTogether([*opening, *blocks, *closing])]
        parts: list[Any] = [KeepTogether(opening)]
        for index, role in enumerate(staff):
            block = staff_block(role, preferred)
            parts.append(KeepTogether(block + (closing if index == len(staff) - 1 else [])))
        return parts


def _stacked_height(flowables: Sequence[Any]) -> float:
    """Height the flowables take one above the other in the frame (space before and after)."""
    total = 0.0
    for flowable in flowables:
        _width, height = flowable.wrap(FRAME_WIDTH, FRAME_HEIGHT)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _kind_counts(entries: Sequence[Entry]) -> str:
    counts = dict.fromkeys(EntryKind, 0)
    for entry in entries:
        counts[entry.kind] += 1
    names = {EntryKind.PLAN: "plan", EntryKind.REFLECTION: "reflection", EntryKind.NOTE: "note"}
    return ", ".join(
        f"{count} {names[kind]}{'' if count == 1 else 's'}" for kind, count in counts.items()
    )


def _professions_met(
    entries: Sequence[Entry], events: dict[EventId, Event]
) -> list[tuple[str, int]]:
    """Entries per profession, counting the entry's own and its events' professions once."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for entry in entries:
        names = {p.strip().casefold(): p.strip() for p in entry.professions if p.strip()}
        for event_id in entry.event_ids:
            event = events.get(event_id)
            if event is not None:
                for p in event.professions_present:
                    if p.strip():
                        names.setdefault(p.strip().casefold(), p.strip())
        for key, name in names.items():
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, name)
    return sorted(((shown[k], n) for k, n in counts.items()), key=lambda i: (-i[1], i[0]))


@contextlib.contextmanager
def _plain_binary_streams() -> Iterator[None]:
    """Compressed streams without reportlab's default ASCII85 layer while we build.

    ASCII85 makes every page stream a quarter larger and its pure-Python encoder cost about
    3% of the layout time; nothing reads our PDFs through a 7-bit channel. The setting is
    process-wide in reportlab, so it is restored afterwards.
    """
    from reportlab import rl_config

    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def render_document(
    content: DocumentContent,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> LayoutResult:
    """Lay the document out once and return the unsigned PDF with its layout facts.

    ``progress(done, total, message)`` is called as entries are laid out (``total`` is the
    number of entries); ``is_cancelled()`` is polled between flowables and stops the layout
    with :class:`ExportCancelled`.
    """
    started = time.perf_counter()
    state = _LayoutState()
    builder = _Builder(content, state)
    lines = contents_lines(content)
    toc_pages = [[lines[i] for i in page] for page in paginate_contents(len(lines))]
    total_entries = len(content.entries)
    report = progress or (lambda _d, _t, _m: None)
    cancelled = is_cancelled or (lambda: False)

    def on_entry(index: int) -> None:
        report(index, total_entries, f"Laying out entry {index} of {total_entries}")

    class _FinishingCanvas(Canvas):  # type: ignore[misc]
        """Draws the late forms (contents, page total) just before the file is written."""

        def save(self) -> None:
            builder.finish(self, toc_pages)
            super().save()

    profile = content.profile
    buffer = io.BytesIO()
    doc = _PortfolioDocTemplate(
        buffer,
        expand=builder.expand_entry,
        on_entry=on_entry,
        is_cancelled=cancelled,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=LEFT_MARGIN,
        rightMargin=PAGE_WIDTH - LEFT_MARGIN - FRAME_WIDTH,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=printable(f"Reflective portfolio: {profile.name}"),
        author=printable(profile.name),
        subject=printable(
            "Interprofessional learning reflective portfolio"
            + (f", {profile.programme}" if profile.programme else "")
            + (f", {profile.institution}" if profile.institution else "")
        ),
        creator=f"Reflective Portfolio {content.app_version}".strip(),
        keywords=["reflective portfolio", "interprofessional learning"],
        lang="en-GB",
        pageCompression=1,
        # reportlab's default Helvetica would be referenced (unembedded) from every page.
        initialFontName=SANS,
    )

    def frame(frame_id: str) -> Frame:
        return Frame(
            LEFT_MARGIN,
            BOTTOM_MARGIN,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=frame_id,
        )

    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame("cover")], onPage=builder.on_cover),
            PageTemplate(id="body", frames=[frame("body")], onPage=builder.on_body),
        ]
    )
    story = builder.story(toc_pages)
    report(0, total_entries, "Laying out pages")
    try:
        with _plain_binary_streams():
            doc.build(story, canvasmaker=_FinishingCanvas)
    except (ExportCancelled, ExportLayoutError):
        raise
    except RecursionError as exc:
        raise ExportLayoutError("The document is nested too deeply to lay out.") from exc
    except Exception as exc:  # reportlab's LayoutError and friends
        raise ExportLayoutError(f"The PDF could not be laid out: {exc}") from exc
    missing = {STUDENT_SLOT, *content.staff_roles} - set(state.boxes)
    if missing:
        raise ExportLayoutError("internal error: the signature boxes were not placed")
    toc = tuple((line, state.heading_pages[line.key]) for line in lines)
    contents_page_numbers = tuple(
        state.heading_pages[f"contents:{i}"] for i in range(len(toc_pages))
    )
    return LayoutResult(
        pdf=buffer.getvalue(),
        page_count=state.last_page,
        toc=toc,
        toc_pages=contents_page_numbers,
        student_box=state.boxes[STUDENT_SLOT],
        staff_boxes={r: state.boxes[r] for r in content.staff_roles},
        seconds=time.perf_counter() - started,
        evidence_pages={
            key.removeprefix("evidence:"): page
            for key, page in state.anchors.items()
            if key.startswith("evidence:")
        },
        feedback_boxes=dict(state.feedback_boxes),
    )


def contents_page_count(line_count: int) -> int:
    """How many pages a contents of ``line_count`` lines takes (for callers and tests)."""
    first = lines_per_contents_page(True)
    if line_count <= first:
        return 1
    return 1 + math.ceil((line_count - first) / lines_per_contents_page(False))


__all__ = [
    "DocumentContent",
    "LayoutResult",
    "TocLine",
    "contents_lines",
    "contents_page_count",
    "render_document",
]
