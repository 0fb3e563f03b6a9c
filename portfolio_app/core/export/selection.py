"""Which entries go into an export: everything, or a selection the student makes.

A student hands in what a module asks for: "this term's reflections", "everything ready for
review", "what I tagged #placement-2". The criteria combine with AND between kinds of
criterion and OR within one kind (status ready OR reviewed, tag a OR b), because that is how
people read "entries tagged a or b from September to December". An explicit list of entry ids
(the GUI's hand-picked selection) narrows further.

The selection is recorded in the embedded ``portfolio.json`` and printed on the cover, so a
tutor sees what was left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.entry_filter import entry_date
from portfolio_app.core.domain.entry_index import EntrySummary
from portfolio_app.core.domain.errors import ValidationError


@dataclass(frozen=True)
class ExportSelection:
    """What to export. The default (all fields empty) selects every entry.

    ``date_from``/``date_to`` are inclusive and compare with the day an entry is about (when it
    happened, else when it was written). ``tags`` are compared case-insensitively.
    ``entry_ids`` is an explicit pick (``None`` means no pick). ``include_final_reflection``
    lets a student leave a draft closing reflection out of an interim export.

    Evidence: by default every attachment of every exported entry is embedded;
    ``include_attachments`` false embeds none, ``left_out_attachments`` names attachments (by
    id) to leave out, and ``inline_images`` shows photos on the page as well.
    """

    date_from: date | None = None
    date_to: date | None = None
    statuses: frozenset[EntryStatus] = frozenset()
    tags: frozenset[str] = frozenset()
    entry_ids: frozenset[str] | None = None
    include_final_reflection: bool = True
    include_attachments: bool = True
    left_out_attachments: frozenset[str] = frozenset()
    inline_images: bool = True

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError(
                f"the export period ends ({self.date_to}) before it starts ({self.date_from})"
            )
        folded = frozenset(t.strip().lstrip("#").casefold() for t in self.tags if t.strip())
        object.__setattr__(self, "tags", folded)

    @classmethod
    def from_values(
        cls,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        statuses: Iterable[str] = (),
        tags: Iterable[str] = (),
        entry_ids: Iterable[str] | None = None,
        include_final_reflection: bool = True,
        include_attachments: bool = True,
        left_out_attachments: Iterable[str] = (),
        inline_images: bool = True,
    ) -> ExportSelection:
        """Build a selection from user input, with a readable error for an unknown status."""
        parsed: set[EntryStatus] = set()
        for value in statuses:
            try:
                parsed.add(EntryStatus(value.strip().lower()))
            except ValueError:
                known = ", ".join(s.value for s in EntryStatus)
                raise ValidationError(f"unknown status '{value}'; choose one of: {known}") from None
        return cls(
            date_from=date_from,
            date_to=date_to,
            statuses=frozenset(parsed),
            tags=frozenset(tags),
            entry_ids=frozenset(entry_ids) if entry_ids is not None else None,
            include_final_reflection=include_final_reflection,
            include_attachments=include_attachments,
            left_out_attachments=frozenset(left_out_attachments),
            inline_images=inline_images,
        )

    def embeds(self, attachment_id: str) -> bool:
        """Whether an attachment of an exported entry is embedded."""
        return self.include_attachments and attachment_id not in self.left_out_attachments

    @property
    def is_everything(self) -> bool:
        """True when no criterion narrows the export."""
        return (
            not (self.date_from or self.date_to or self.statuses or self.tags)
            and self.entry_ids is None
        )

    def matches(self, entry: Entry | EntrySummary) -> bool:
        """Whether ``entry`` is in the selection."""
        if self.entry_ids is not None and entry.id not in self.entry_ids:
            return False
        if self.statuses and entry.status not in self.statuses:
            return False
        if self.tags and not self.tags.intersection(t.casefold() for t in entry.tags):
            return False
        if self.date_from or self.date_to:
            day = entry_date(entry)
            if self.date_from and day < self.date_from:
                return False
            if self.date_to and day > self.date_to:
                return False
        return True

    def describe(self) -> str:
        """One sentence for the cover page: what was selected."""
        if self.is_everything:
            return "All entries in the portfolio."
        parts: list[str] = []
        if self.date_from and self.date_to:
            parts.append(f"dated {self.date_from:%d %b %Y} to {self.date_to:%d %b %Y}")
        elif self.date_from:
            parts.append(f"dated from {self.date_from:%d %b %Y}")
        elif self.date_to:
            parts.append(f"dated up to {self.date_to:%d %b %Y}")
        if self.statuses:
            labels = sorted(s.label.lower() for s in self.statuses)
            parts.append("with status " + " or ".join(f"'{label}'" for label in labels))
        if self.tags:
            parts.append("tagged " + " or ".join(f"'{t}'" for t in sorted(self.tags)))
        if self.entry_ids is not None:
            parts.append(f"picked by hand ({len(self.entry_ids)} chosen)")
        return "Selected entries: " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the embedded ``portfolio.json``."""
        return {
            "all_entries": self.is_everything,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "statuses": sorted(s.value for s in self.statuses),
            "tags": sorted(self.tags),
            "entry_ids": sorted(self.entry_ids) if self.entry_ids is not None else None,
            "include_final_reflection": self.include_final_reflection,
            "include_attachments": self.include_attachments,
            "attachments_left_out": len(self.left_out_attachments),
            "inline_images": self.inline_images,
            "description": self.describe(),
        }


#: Full entries (the export) or their summaries (counting a selection in the dialog).
AnyEntry = TypeVar("AnyEntry", Entry, EntrySummary)


def select_entries(entries: Iterable[AnyEntry], selection: ExportSelection) -> list[AnyEntry]:
    """The entries in ``selection``, in the order given."""
    return [entry for entry in entries if selection.matches(entry)]
