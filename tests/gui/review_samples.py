"""A student's signed export and a tutor, for the review window, the import dialog and the
editor's feedback panel (tests and screenshots; this module holds no tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trust_samples import CA_PASSPHRASE, _certify, _portfolio

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

HOSTILE_FEEDBACK = "<b>bold?</b> <a href='http://example.invalid'>link</a> **not markdown**"
ENTRIES = (
    (
        "Handover on ward 5 with Łukasz (pharmacy)",
        "We used SBAR at the bedside. Łukasz asked about the **dose** first; I learned to "
        "lead with the situation.",
    ),
    (
        "Schwartz round: when the plan changes",
        "The chaplain said listening is a clinical skill. Σοφία, the OT student, spoke about "
        "the family's fear.",
    ),
    ("Simulation debrief", "Readback caught a wrong allergy. <script>alert(1)</script>"),
)


@dataclass
class ReviewCourse:
    """Open portfolios (close them) and the signed export."""

    folder: Path
    student: PortfolioService
    tutor: PortfolioService
    signed: Path
    ca_cert: Path
    ids: list[str]

    def close(self) -> None:
        for service in (self.student, self.tutor):
            if service.is_open:
                service.close()


def build_review_course(folder: Path) -> ReviewCourse:
    """A course CA, a student with three entries exported and signed, and a tutor."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_dir = folder / "ca"
    identity_service.init_course_ca(
        ca_dir,
        name="IPL 2025 course CA",
        institution="University of Leicester",
        passphrase=CA_PASSPHRASE,
    )
    student = _portfolio(folder / "student", "Zoë Ñúñez", "STU-2025-0042")
    tutor = _portfolio(folder / "tutor", "Dr Tomás Tutor", "STAFF-7")
    work = folder / "requests"
    work.mkdir()
    _certify(student, ca_dir, work, "student", "student")
    _certify(tutor, ca_dir, work, "tutor", "tutor")
    ids = []
    for title, body in ENTRIES:
        entry = student.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title=title,
                sections=(Section("What happened?", body, "what"),),
            )
        )
        ids.append(entry.id)
    signed = folder / "portfolio.pdf"
    export_service.export_portfolio(student, signed, acknowledge_findings=True)
    return ReviewCourse(folder, student, tutor, signed, ca_dir / "ca-cert.pem", ids)


def countersign_with_feedback(course: ReviewCourse, out: Path) -> Path:
    """The tutor's countersigned copy with feedback on the first two entries and overall."""
    export_service.countersign_file(
        course.tutor,
        course.signed,
        out,
        decision="partially-meets",
        comment="See the feedback boxes.",
        feedback={
            course.ids[0]: "Zoë, a clear account of SBAR. Next time, say what you would do "
            "differently at the next handover.\n" + HOSTILE_FEEDBACK,
            course.ids[1]: "Good link to listening. Σοφία's point deserves a line of its own.",
            "overall": "Partially meets: the reflections are honest; link them to the plans.",
        },
    )
    return out
