"""A synthetic but realistic corpus of reflective entries, made with a fixed seed.

Benchmarks build portfolios from this so their figures are comparable run to run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.ids import EntryId, new_id

WORDS = [
    "handover",
    "team",
    "pharmacist",
    "nurse",
    "physiotherapist",
    "doctor",
    "social",
    "worker",
    "patient",
    "family",
    "medication",
    "review",
    "discharge",
    "communication",
    "roles",
    "responsibilities",
    "listened",
    "learned",
    "noticed",
    "felt",
    "uncertain",
    "confident",
    "escalation",
    "SBAR",
    "readback",
    "simulation",
    "placement",
    "ward",
    "community",
    "clinic",
    "respect",
    "values",
    "shared",
    "goals",
    "conflict",
    "resolved",
    "feedback",
    "supervisor",
    "reflection",
    "practice",
    "safety",
    "dignity",
    "consent",
    "capacity",
    "mobility",
    "falls",
    "risk",
    "assessment",
    "compassion",
    "empathy",
    "collaboration",
    "leadership",
    "decision",
    "plan",
    "goals",
    "next",
    "time",
    "differently",
]
TAGS = (
    "teamwork",
    "handover",
    "sbar",
    "medicines",
    "communication",
    "emotion",
    "leadership",
    "safety",
    "ethics",
    "discharge",
    "community",
    "sepsis",
    "falls",
    "end-of-life",
)
CODES = ("VE1", "VE3", "VE4", "VE5", "VE7", "RR1", "RR2", "RR4", "C1", "C", "TT")
HEADINGS = ("What?", "So what?", "Now what?")
PROFESSIONS = ("Nursing", "Pharmacy", "Medicine", "Physiotherapy")
KINDS = (EntryKind.REFLECTION, EntryKind.REFLECTION, EntryKind.PLAN, EntryKind.NOTE)


def make_entries(count: int, *, seed: int = 20261122, with_codes: bool = True) -> list[Entry]:
    """``count`` entries of ~150-300 words over two years."""
    rng = random.Random(seed)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    entries = []
    for i in range(count):
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 700))
        sections = tuple(
            Section(h, " ".join(rng.choice(WORDS) for _ in range(rng.randint(50, 100))), f"s{j}")
            for j, h in enumerate(HEADINGS)
        )
        codes = rng.sample(CODES, rng.randint(1, 3)) if with_codes else []
        entries.append(
            Entry(
                id=EntryId(new_id()),
                kind=rng.choice(
                    (EntryKind.REFLECTION, EntryKind.REFLECTION, EntryKind.PLAN, EntryKind.NOTE)
                ),
                title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} #{i}",
                sections=sections,
                status=rng.choice(list(EntryStatus)),
                template_id="what-so-what-now-what",
                created=when,
                updated=when,
                occurred_on=when,
                tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
                professions=tuple(
                    rng.sample(("Nursing", "Pharmacy", "Medicine", "Physiotherapy"), 2)
                ),
                competencies=tuple(CompetencyLink("ipec-2023", c) for c in codes),
            )
        )
    return entries
