"""Fixtures of the fuzz and fault suite.

``reference``: the database fuzzing and faults (forms and oracles: see fuzz_support.py).
``seeds``: the verify fuzzing (mutations and oracle: see mutations.py): real exports made by
the app. Three portfolios (a student, a tutor, a second marker) certified by one course CA
with roles; the student's export has tutor and second-marker boxes; the tutor countersigns it,
then the second marker. Built once per session (a few seconds) in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_support import PASS, Reference, build_reference, content_of
from mutations import Seeds

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.signing.course_ca import CourseAuthority, create_ca, issue_certificate
from portfolio_app.core.signing.identity import make_csr
from portfolio_app.core.signing.roles import Role
from portfolio_app.core.vault import kdf

PASSPHRASE = "a long fuzzing passphrase for the seeds"
CHEAP = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)


def _person(
    folder: Path, name: str, person_id: str, ca: CourseAuthority, role: Role
) -> PortfolioService:
    profile = Profile(name=name, student_id=person_id, programme="MBChB", institution="Uni")
    service, _recovery = PortfolioService.create(folder, PASSPHRASE, profile, kdf_params=CHEAP)
    identity = identity_service.get_or_create_identity(service)
    bundle = issue_certificate(ca, make_csr(identity), role=role) + ca.certificate_pem
    identity_service.import_certificate_chain(service, bundle)
    return service


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """Real exports: student-only, tutor-countersigned, and both staff boxes signed."""
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    ca = create_ca("Fuzz course CA", "Uni")
    student = _person(folder / "student", "Zoë Ñúñez", "STU-1", ca, Role.STUDENT)
    tutor = _person(folder / "tutor", "Dr Tomás Tutor", "STAFF-1", ca, Role.TUTOR)
    marker = _person(folder / "marker", "Dr Sam Second", "STAFF-2", ca, Role.SECOND_MARKER)
    try:
        for title in ("SBAR handover with pharmacy", "Schwartz round reflection"):
            entry = student.add_entry(
                EntryDraft(
                    kind=EntryKind.REFLECTION,
                    title=title,
                    sections=(Section("What happened", f"{title}: what I learned."),),
                )
            )
        # An embedded evidence file too, so mutants reach the evidence check (issue 9).
        student.add_attachment_data(entry.id, "attendance.txt", b"Attended, 2 hours.\n")
        signed = folder / "signed.pdf"
        export_service.export_portfolio(
            student, signed, staff_roles=["tutor", "second-marker"], acknowledge_findings=True
        )
        tutored = folder / "tutored.pdf"
        export_service.countersign_file(
            tutor, signed, tutored, decision="partially-meets", comment="Good start."
        )
        both = folder / "both.pdf"
        export_service.countersign_file(
            marker, tutored, both, decision="meets", comment="Agree, and more."
        )
    finally:
        for service in (student, tutor, marker):
            service.close()
    files = {"signed": signed, "tutored": tutored, "both": both}
    return Seeds({name: path.read_bytes() for name, path in files.items()}, ca.certificate_pem)


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The reference portfolio's database bytes (WAL checkpointed) and what it reads as."""
    from portfolio_app.core.vault import kdf

    original = kdf.default_params
    kdf.default_params = lambda: kdf.KdfParams(1024, 1, 1)  # type: ignore[assignment]
    try:
        data_dir = tmp_path_factory.mktemp("reference") / "p"
        build_reference(data_dir)
        with PortfolioService.open(data_dir, PASS) as service:
            expected = content_of(service)
            assert service.full_check().ok
    finally:
        kdf.default_params = original  # type: ignore[assignment]
    assert not (data_dir / "portfolio.db-wal").exists()
    return Reference((data_dir / "portfolio.db").read_bytes(), expected)
