"""What the PDF prints around an entry's text for the timeline and its evidence files.

Kept apart from ``document`` (which calls it in three places) so the layout of the entry's
own text stays in one module and this in another:

* a line under the entry's details: when it was first written and last changed, and how
  many saved versions it has (from its revision chain, ``core.timeline.chain``);
* the timeline notes on its dates (``core.timeline.notes``), shaded, in plain words;
* after its tags, the evidence files embedded in the PDF: name, kind, size, when added and
  SHA-256, with photos shown inline (downscaled; ``core.evidence.images``; a picture that
  cannot be shown safely is listed without it, with the reason).

Every time printed here is the student's own computer clock; the summary page says so once.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.evidence.files import describe_size, kind_label
from portfolio_app.core.evidence.images import inline_image
from portfolio_app.core.evidence.pdf_embed import EvidenceItem
from portfolio_app.core.export.fonts import MONO, SANS, SANS_BOLD
from portfolio_app.core.export.markdown_render import markup_text
from portfolio_app.core.export.styles import FRAME_WIDTH, LIGHT_SHADE, RULE_GREY, SHADE, Styles
from portfolio_app.core.timeline.chain import EntryTimeline, parse_time
from portfolio_app.core.timeline.notes import TimelineNote

#: Largest height of an inline picture on the page, in points (about 9 cm).
INLINE_MAX_HEIGHT = 260.0
_SHA_SPLIT = 32


class Anchor(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Takes no room; records the page it lands on (where an entry's evidence is listed)."""

    def __init__(self, key: str, record: Callable[[str, int], object]) -> None:
        super().__init__()
        self.key = key
        self._record = record

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """No size."""
        return 0, 0

    def draw(self) -> None:
        """Record the 0-based page index."""
        self._record(self.key, self.canv.getPageNumber() - 1)


def when(value: str, zone: tzinfo | None) -> str:
    """A chain time as people read it, in the export's time zone: ``10 Mar 2026, 14:02``."""
    moment = parse_time(value)
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local.day} {local:%b %Y, %H:%M}"


class EntryExtras:
    """Builds the timeline line, notes and evidence flowables of each entry."""

    def __init__(
        self,
        styles: Styles,
        *,
        timelines: Mapping[str, EntryTimeline],
        notes: Sequence[TimelineNote],
        evidence: Sequence[EvidenceItem],
        zone: tzinfo | None,
        record_page: Callable[[str, int], object],
    ) -> None:
        self.styles = styles
        self.timelines = timelines
        self.zone = zone
        self.record_page = record_page
        self.notes: dict[str, list[TimelineNote]] = {}
        for note in notes:
            self.notes.setdefault(note.entry_id, []).append(note)
        self.evidence: dict[str, list[EvidenceItem]] = {}
        for item in evidence:
            self.evidence.setdefault(item.entry_id, []).append(item)
        self.note_style = ParagraphStyle(
            "timeline_note",
            parent=styles.meta,
            textColor=colors.black,
            backColor=colors.Color(*LIGHT_SHADE),
            borderColor=colors.Color(*RULE_GREY),
            borderWidth=0.4,
            borderPadding=(3, 4, 3, 4),
            spaceBefore=3,
            spaceAfter=5,
            leftIndent=4,
            rightIndent=4,
        )
        self.sha_style = ParagraphStyle(
            "sha256", parent=styles.cell, fontName=MONO, fontSize=6.8, leading=8.5
        )

    # -- the timeline --

    def timeline_line(self, entry: Entry) -> str | None:
        """Markup for one meta line: first written, last changed, versions (None: no chain)."""
        timeline = self.timelines.get(entry.id)
        if timeline is None:
            return None
        summary = timeline.summary
        first = summary.created or summary.first_saved
        parts = [f"First written {when(first, self.zone)}"]
        if summary.last_changed != first:
            parts.append(f"last changed {when(summary.last_changed, self.zone)}")
        versions = summary.revisions
        parts.append(
            f"{versions} saved version{'' if versions == 1 else 's'}"
            + (f" ({summary.edits} with changes)" if 1 < summary.edits < versions else "")
        )
        if summary.upgraded == summary.revisions:
            parts.append(
                ("saved" if versions == 1 else "all saved") + " before the chain was started"
            )
        elif summary.upgraded:
            earliest = "the first" if summary.upgraded == 1 else f"the first {summary.upgraded}"
            parts.append(f"{earliest} saved before the chain was started")
        if timeline.problems:
            parts.append("history chain: " + "; ".join(timeline.problems))
        return markup_text(" · ".join(parts))

    def note_flowables(self, entry: Entry) -> list[Any]:
        """The entry's timeline notes, one shaded paragraph each."""
        return [
            Paragraph(f"<b>Timeline note.</b> {markup_text(note.text)}", self.note_style)
            for note in self.notes.get(entry.id, [])
        ]

    # -- evidence --

    def evidence_flowables(self, entry: Entry) -> list[Any]:
        """The entry's embedded evidence files: a table, then any pictures."""
        items = self.evidence.get(entry.id, [])
        if not items:
            return []
        s = self.styles
        cell = s.cell
        rows: list[list[Any]] = [
            [
                Paragraph(h, s.cell_bold)
                for h in ("Evidence file", "Kind", "Size", "Added", "SHA-256")
            ]
        ]
        for item in items:
            sha = item.sha256
            rows.append(
                [
                    Paragraph(markup_text(item.embedded_as), cell),
                    Paragraph(markup_text(kind_label(item.media_type)), cell),
                    Paragraph(markup_text(describe_size(item.size)), cell),
                    Paragraph(markup_text(_day(item.added, self.zone)), cell),
                    Paragraph(f"{sha[:_SHA_SPLIT]}<br/>{sha[_SHA_SPLIT:]}", self.sha_style),
                ]
            )
        widths = [128.0, 68.0, 52.0, 66.0, FRAME_WIDTH - 128 - 68 - 52 - 66]
        table = Table(
            rows,
            colWidths=widths,
            repeatRows=1,
            hAlign="LEFT",
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), SANS),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(*RULE_GREY)),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(*SHADE)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            ),
        )
        count = len(items)
        out: list[Any] = [
            CondPageBreak(70),
            Anchor(f"evidence:{entry.id}", self.record_page),
            Paragraph(
                f"<font name='{SANS_BOLD}'>Evidence</font> · {count} file"
                f"{'' if count == 1 else 's'} embedded in this PDF (open "
                f"{'it' if count == 1 else 'them'} from your PDF reader's attachments panel; "
                "the signature covers every byte)",
                s.meta,
            ),
            table,
        ]
        for item in items:
            if item.show_inline:
                out.extend(self._picture(item))
        return out

    def _picture(self, item: EvidenceItem) -> list[Any]:
        try:
            picture = inline_image(item.data, item.media_type, item.embedded_as)
        except ValidationError as exc:
            return [
                Paragraph(
                    markup_text(f"{item.embedded_as}: picture not shown ({exc.user_message})."),
                    self.styles.meta,
                )
            ]
        scale = min(FRAME_WIDTH / picture.width, INLINE_MAX_HEIGHT / picture.height, 1.0)
        # A thumbnail larger than the column is drawn smaller; one smaller stays at 1 px = 1 pt.
        image = Image(
            io.BytesIO(picture.data),
            width=picture.width * scale,
            height=picture.height * scale,
            hAlign="LEFT",
        )
        return [
            Spacer(1, 6),
            KeepTogether(
                [
                    image,
                    Paragraph(
                        markup_text(
                            f"{item.embedded_as}"
                            + (
                                ": a reduced copy; the original file is embedded."
                                if picture.reduced
                                else " (the file itself is embedded)."
                            )
                        ),
                        self.styles.meta,
                    ),
                ]
            ),
        ]


def _day(moment: datetime, zone: tzinfo | None) -> str:
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local.day} {local:%b %Y}"
