"""Portfolio entries: plans written before an IPL event, reflections after it, and notes.

An entry is the unit a student writes and a tutor reads. Its text lives in template sections
of Markdown; its tags link it to events, experiences, professions, free tags and framework
competencies. The status moves draft -> ready (by the student), -> submitted (set by a signed
export) -> feedback received (set only by importing a tutor's countersigned PDF); the student can
reopen an entry as a draft or ready again at any point, but never set the last two by hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId

MAX_TITLE_LENGTH = 300
MAX_SECTION_LENGTH = 200_000


class EntryKind(StrEnum):
    """What an entry is for."""

    PLAN = "plan"
    REFLECTION = "reflection"
    NOTE = "note"

    @property
    def label(self) -> str:
        """The name people read."""
        return {"plan": "Plan", "reflection": "Reflection", "note": "Note"}[self.value]


class EntryStatus(StrEnum):
    """Where an entry stands on its way to a tutor and back.

    ``SUBMITTED`` and ``FEEDBACK_RECEIVED`` say what happened, so only the app sets them: a
    signed export marks what it exported as submitted, and importing a tutor's countersigned
    PDF marks the entries that received feedback. Before version 0.9 a student could mark an
    entry "reviewed" by hand; such entries are read as ``READY`` (see :meth:`from_stored`).
    """

    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    FEEDBACK_RECEIVED = "feedback-received"

    @property
    def label(self) -> str:
        """The name people read."""
        return _STATUS_LABELS[self]

    @property
    def set_by_app(self) -> bool:
        """Whether only the app sets this status (never the student by hand)."""
        return self in (EntryStatus.SUBMITTED, EntryStatus.FEEDBACK_RECEIVED)

    @classmethod
    def from_stored(cls, value: object) -> EntryStatus:
        """A status read from the vault or a saved version; the retired ``reviewed`` (a status
        students set by hand, so it never meant a tutor had seen the entry) reads as ready."""
        text = str(value)
        if text == LEGACY_REVIEWED:
            return cls.READY
        return cls(text)


#: The status students could set by hand before feedback import existed (read as ready).
LEGACY_REVIEWED = "reviewed"

_STATUS_LABELS = {
    EntryStatus.DRAFT: "Draft",
    EntryStatus.READY: "Ready for review",
    EntryStatus.SUBMITTED: "Submitted",
    EntryStatus.FEEDBACK_RECEIVED: "Feedback received",
}

#: Moves a student may make by hand: between draft and ready, and back from a status the app
#: set (to revise an entry after submitting it or after feedback).
_HAND_TARGETS = frozenset({EntryStatus.DRAFT, EntryStatus.READY})


def check_status_move(old: EntryStatus, new: EntryStatus) -> None:
    """Raise ValidationError when the student may not move ``old -> new`` by hand."""
    if old == new:
        return
    if new is EntryStatus.SUBMITTED:
        raise ValidationError(
            "'Submitted' is set by the app when an entry goes out in a signed export; export "
            "the portfolio to submit it"
        )
    if new is EntryStatus.FEEDBACK_RECEIVED:
        raise ValidationError(
            "'Feedback received' is set only by importing your tutor's countersigned PDF "
            "(portfolio feedback import, or File > Import tutor feedback)"
        )
    if new not in _HAND_TARGETS:
        raise ValidationError(f"an entry cannot move from '{old.label}' to '{new.label}'")


@dataclass(frozen=True)
class Section:
    """One template section: a heading and the student's Markdown under it."""

    heading: str
    body: str
    key: str = ""


@dataclass(frozen=True)
class CompetencyLink:
    """A link from an entry to a framework competency, with an optional self-rating (1-5)."""

    framework_id: str
    code: str
    self_rating: int | None = None

    def __post_init__(self) -> None:
        if self.self_rating is not None and not 1 <= self.self_rating <= 5:
            raise ValidationError("a self-rating must be between 1 and 5")


@dataclass(frozen=True)
class Entry:
    """A plan, reflection or note, with everything it is tagged to."""

    id: EntryId
    kind: EntryKind
    title: str
    sections: tuple[Section, ...]
    status: EntryStatus = EntryStatus.DRAFT
    template_id: str = "free"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    occurred_on: datetime | None = None
    plan_id: EntryId | None = None
    event_ids: tuple[EventId, ...] = ()
    experience_ids: tuple[ExperienceId, ...] = ()
    professions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    competencies: tuple[CompetencyLink, ...] = ()

    def validate(self) -> None:
        """Raise ValidationError if the entry breaks a rule that storage relies on."""
        if not self.title.strip():
            raise ValidationError("an entry needs a title")
        if len(self.title) > MAX_TITLE_LENGTH:
            raise ValidationError(f"a title can be at most {MAX_TITLE_LENGTH} characters")
        for section in self.sections:
            if len(section.body) > MAX_SECTION_LENGTH:
                raise ValidationError(f"section '{section.heading}' is too long")
        if self.plan_id is not None and self.kind is not EntryKind.REFLECTION:
            raise ValidationError("only a reflection can answer a plan")
        if self.plan_id == self.id:
            raise ValidationError("an entry cannot answer itself")
        seen: set[tuple[str, str]] = set()
        for link in self.competencies:
            key = (link.framework_id, link.code)
            if key in seen:
                raise ValidationError(f"competency {link.code} is linked twice")
            seen.add(key)

    @property
    def body_markdown(self) -> str:
        """All sections as one Markdown document, headings included."""
        parts: list[str] = []
        for section in self.sections:
            if section.heading and len(self.sections) > 1:
                parts.append(f"## {section.heading}\n\n{section.body.strip()}")
            else:
                parts.append(section.body.strip())
        return "\n\n".join(p for p in parts if p.strip())

    @property
    def word_count(self) -> int:
        """How many words the student wrote in the sections."""
        return sum(len(s.body.split()) for s in self.sections)

    def searchable_text(self) -> str:
        """The text a search matches against: case-folded, every run of whitespace one space.

        A search word (never whitespace) is in this text exactly when it is in the raw text,
        and a phrase matches across line breaks and double spaces. Kept in memory only.
        """
        pieces = [self.title, *(s.heading for s in self.sections), *(s.body for s in self.sections)]
        pieces.extend(self.tags)
        pieces.extend(self.professions)
        pieces.extend(link.code for link in self.competencies)
        return " ".join("\n".join(pieces).casefold().split())

    def replace(self, **changes: object) -> Entry:
        """A copy with some fields changed (dataclasses.replace, typed for callers)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def normalise_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Trim, drop empties and duplicates (case-insensitively), keep the student's order."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        clean = " ".join(tag.strip().lstrip("#").split())
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            result.append(clean)
    return tuple(result)
