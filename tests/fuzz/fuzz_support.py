"""Helpers of the fuzz and fault suite: quick form by default (seconds), long form on demand.

    packaging/run-tests tests/fuzz                       # quick form (CI)
    PORTFOLIO_FUZZ_LONG=1 .venv/bin/python -m pytest tests/fuzz -q   # long form

The long form multiplies the examples and kills; each test prints what it ran (pytest -s).
A hostile input must never crash (an exception that is not a PortfolioError), hang (each
example runs under an alarm) or be silently accepted (when an open or a restore succeeds and
reports nothing wrong, what it reads must equal the original).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

LONG = os.environ.get("PORTFOLIO_FUZZ_LONG", "") not in ("", "0")
PASS = "correct horse battery staple"
#: Seconds one example may take before it counts as a hang.
HANG_LIMIT = 20


class Reference(tuple[bytes, dict[str, object]]):
    """The reference database bytes and what they read as (short repr for hypothesis)."""

    def __new__(cls, data: bytes, expected: dict[str, object]) -> Reference:
        return super().__new__(cls, (data, expected))

    def __repr__(self) -> str:
        return f"<reference portfolio, {len(self[0])} bytes>"


def scale(quick: int, long: int) -> int:
    """How many examples (or kills) to run in this form."""
    return long if LONG else quick


@contextmanager
def no_hang(seconds: int = HANG_LIMIT) -> Iterator[None]:
    """Fail (instead of waiting forever) when the body takes longer than ``seconds``."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"hung: took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def build_reference(data_dir: Path) -> None:
    """A small portfolio with one of every kind of record."""
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Zoë Ñúñez"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round on ward 5", attended=True)
        experience = service.add_experience(ExperienceKind.SUPERVISION, "Supervision series")
        plan = service.add_entry(EntryDraft(kind=EntryKind.PLAN, title="Plan for the round"))
        entry = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title="What the round taught me",
                sections=(Section("What?", "A long reflection. " * 40, "what"),),
                event_ids=(event.id,),
                experience_ids=(experience.id,),
                plan_id=plan.id,
                competencies=(CompetencyLink("ipec-2023", "VE3", 3),),
                tags=("teamwork",),
            )
        )
        service.save_entry(entry.replace(title="What the round taught me (v2)"))
        evidence = data_dir.parent / "evidence.txt"
        evidence.write_bytes(b"evidence bytes " * 20)
        service.add_attachment(entry.id, evidence)
        service.set_final_reflection("Closing words.")


def content_of(service: PortfolioService) -> dict[str, object]:
    """Everything a student would see, to compare a mutated file's reading with the original."""
    snapshot = service.snapshot_json()
    snapshot["attachments"] = sorted(
        (a.filename, service.read_attachment(a.id)) for a in service.attachments()
    )
    snapshot["revisions"] = sorted(
        (r.id, r.entry.title) for e in service.entries() for r in service.revisions(e.id)
    )
    return snapshot
