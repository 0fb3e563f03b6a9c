"""Export service behaviour: selections, identifier findings, cancel, atomic output, hostile
text without network, unsigned exports, and the identity kept in the vault."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_export_support import CA_PASSPHRASE, fill_portfolio, offline, pdftotext_pages

from portfolio_app.core.domain.entries import EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import PortfolioExistsError
from portfolio_app.core.export.atomic import TEMP_SUFFIX
from portfolio_app.core.export.errors import ExportCancelled, IdentifierFindingsError
from portfolio_app.core.export.selection import ExportSelection
from portfolio_app.core.services import export_service, identity_service
from portfolio_app.core.services.export_service import (
    check_identifiers,
    export_portfolio,
    extract_portfolio_json,
    prepare_export,
    verify_file,
)
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.signing.errors import (
    CertificateAuthorityError,
    IdentityError,
    SigningError,
)
from portfolio_app.core.signing.verification import Verdict


def _note(service: PortfolioService, title: str, body: str, **kwargs: object) -> str:
    entry = service.add_entry(
        EntryDraft(
            kind=EntryKind.NOTE,
            title=title,
            sections=(Section("Text", body),),
            **kwargs,  # type: ignore[arg-type]
        )
    )
    return entry.id


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_selection_reaches_the_pdf_and_the_json(service: PortfolioService, tmp_path: Path) -> None:
    fill_portfolio(service, count=12)
    selection = ExportSelection.from_values(
        date_from=date(2024, 9, 20),
        date_to=date(2024, 11, 30),
        statuses=["ready", "submitted"],
        tags=["handover", "teamwork"],
        include_final_reflection=False,
    )
    expected = {e.id for e in service.entries() if selection.matches(e)}
    assert 0 < len(expected) < service.entry_count()
    out = tmp_path / "selected.pdf"
    result = export_portfolio(service, out, selection, acknowledge_findings=True)
    assert result.entry_count == len(expected)
    data = extract_portfolio_json(out)
    assert data is not None
    assert {e["id"] for e in data["entries"]} == expected
    assert data["final_reflection"] is None
    assert data["selection"]["statuses"] == ["ready", "submitted"]
    text = "\n".join(pdftotext_pages(out))
    assert "Final reflection" not in text
    assert "Selected entries: dated 20 Sep 2024 to 30 Nov 2024" in " ".join(text.split())


def test_identifier_findings_stop_the_export_until_acknowledged(
    service: PortfolioService, tmp_path: Path
) -> None:
    _note(service, "Handover on the ward", "The patient, NHS number 943 476 5919, was seen.")
    _note(service, "Clean", "Nothing identifying here.")
    findings = check_identifiers(service)
    assert [f.kind for f in findings] == ["nhs_number"]
    assert findings[0].where.startswith("E1 'Handover on the ward', section 'Text'")
    assert findings[0].excerpt == "943 476 5919" and findings[0].advice
    assert not identity_service.has_identity(service)  # checking makes no key
    out = tmp_path / "out.pdf"
    with pytest.raises(IdentifierFindingsError) as caught:
        export_portfolio(service, out)
    assert caught.value.findings == tuple(findings)
    assert not out.exists()
    result = export_portfolio(service, out, acknowledge_findings=True)
    assert result.findings_acknowledged == 1 and out.exists()


def test_cancel_during_layout_leaves_no_file(service: PortfolioService, tmp_path: Path) -> None:
    fill_portfolio(service, count=10)
    job = prepare_export(service)
    seen: list[int] = []
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(ExportCancelled):
        job.run(
            out,
            acknowledge_findings=True,
            progress=lambda done, _total, _message: seen.append(done),
            is_cancelled=lambda: len(seen) > 4,
        )
    assert not out.exists() and _leftovers(tmp_path) == []
    assert seen[:2] == [0, 1]


def test_a_failed_export_keeps_the_existing_pdf(
    service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_portfolio(service, count=4)
    out = tmp_path / "portfolio.pdf"
    export_portfolio(service, out, acknowledge_findings=True)
    before = out.read_bytes()

    def broken_signer(*_args: object) -> bytes:
        raise SigningError("the signing key is unusable")

    monkeypatch.setattr(export_service, "_sign", broken_signer)
    with pytest.raises(SigningError):
        export_portfolio(service, out, acknowledge_findings=True)
    assert out.read_bytes() == before and _leftovers(tmp_path) == []


HOSTILE = (
    "<script>new Image().src='http://198.51.100.7/x'</script>\n\n"
    '<img src="http://198.51.100.7/pixel.png" alt="pixel">\n\n'
    "![tracker](https://198.51.100.7/t.png) [js](javascript:alert(1)) "
    '<a href="file:///etc/passwd">file</a> <iframe src="http://198.51.100.7/"></iframe>',
    ">" * 10_000 + " deep",
    "\n".join("    " * i + "- level" for i in range(300)),
    "|"
    + "|".join(f"h{i}" for i in range(40))
    + "|\n|"
    + "---|" * 40
    + "\n"
    + "\n".join("|" + "|".join(f"c{r}.{i}" for i in range(40)) + "|" for r in range(300)),
    "| a | b |\n|---|---|\n" + "\n".join(f"| row {r} | value {r} |" for r in range(1_500)),
    "[" * 10_000,
    "<div>" * 3_000 + "x",
)


@pytest.mark.slow
def test_hostile_markdown_exports_offline_without_a_crash(
    service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = offline(monkeypatch)
    service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="Hostile <b>title</b> & <script>",
            sections=tuple(Section(f"Part {n}", body) for n, body in enumerate(HOSTILE)),
        )
    )
    service.set_final_reflection(HOSTILE[0])
    out = tmp_path / "hostile.pdf"
    result = export_portfolio(service, out, acknowledge_findings=True)
    assert attempts() == []
    assert result.page_count > 10
    assert verify_file(out).verdict is Verdict.VALID_UNTRUSTED
    text = "\n".join(pdftotext_pages(out))
    assert "Hostile <b>title</b> & <script>" in text  # titles are text, not markup
    assert "198.51.100.7" not in text and "javascript" not in text
    assert "[image not included: pixel]" in text


def test_unsigned_export_carries_json_but_no_signature(
    service: PortfolioService, tmp_path: Path
) -> None:
    _note(service, "Only note", "Text.")
    out = tmp_path / "draft.pdf"
    result = export_portfolio(service, out, sign=False)
    assert not result.signed and result.fingerprint is None
    assert not identity_service.has_identity(service)
    report = verify_file(out)
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    data = extract_portfolio_json(out)
    assert data is not None and data["entries"][0]["title"] == "Only note"
    assert "Not digitally signed" in "\n".join(pdftotext_pages(out))


def test_empty_portfolio_still_exports(service: PortfolioService, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    result = export_portfolio(service, out)
    assert result.entry_count == 0 and result.page_count >= 6
    assert "No entries were selected for this export." in "\n".join(pdftotext_pages(out))


# ---- identity in the vault and the course CA ------------------------------------------------


def test_identity_is_made_once_and_kept_encrypted(
    service: PortfolioService, data_dir: Path, tmp_path: Path
) -> None:
    assert identity_service.load_identity(service) is None
    first = identity_service.get_or_create_identity(service)
    again = identity_service.get_or_create_identity(service)
    assert first == again
    info = identity_service.describe_identity(first)
    assert info.name == "Zoë Ñúñez" and info.student_id == "STU-2025-0042" and info.self_signed
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes(), path
    cert = identity_service.export_certificate(service, tmp_path / "me.pem")
    assert cert.read_bytes() == first.certificate_pem


def test_csr_issue_and_import_chain(service: PortfolioService, tmp_path: Path) -> None:
    ca_dir = tmp_path / "ca"
    ca = identity_service.init_course_ca(
        ca_dir, name="IPL course CA", institution="Uni", passphrase=CA_PASSPHRASE
    )
    assert (ca_dir / identity_service.CA_CERT_FILE).is_file()
    key_pem = (ca_dir / identity_service.CA_KEY_FILE).read_bytes()
    assert b"BEGIN REFLECTIVE PORTFOLIO CA KEY" in key_pem and b"PRIVATE KEY--" not in key_pem
    with pytest.raises(PortfolioExistsError):
        identity_service.init_course_ca(
            ca_dir, name="Again", institution="Uni", passphrase=CA_PASSPHRASE
        )
    csr = identity_service.make_certificate_request(service, tmp_path / "me.csr")
    with pytest.raises(CertificateAuthorityError):
        identity_service.issue_student_certificate(ca_dir, "wrong passphrase!!", csr.read_bytes())
    bundle, info = identity_service.issue_student_certificate(
        ca_dir, CA_PASSPHRASE, csr.read_bytes()
    )
    assert info.name == "Zoë Ñúñez" and not info.self_signed
    assert len(list((ca_dir / identity_service.CA_ISSUED_DIR).iterdir())) == 1
    assert [c.role for c in identity_service.list_issued(ca_dir)] == ["student"]
    before = identity_service.load_identity(service)
    updated = identity_service.import_certificate_chain(service, bundle)
    assert before is not None and updated.private_key_pem == before.private_key_pem
    assert identity_service.describe_identity(updated).issuer.endswith("CN=IPL course CA")
    assert ca.fingerprint != identity_service.identity_fingerprint(updated)
    # A certificate for somebody else's key is refused.
    other_csr = tmp_path / "other.csr"
    with PortfolioService.create(tmp_path / "other", "another good passphrase", service.profile)[
        0
    ] as other:
        identity_service.make_certificate_request(other, other_csr)
    foreign, _ = identity_service.issue_student_certificate(
        ca_dir, CA_PASSPHRASE, other_csr.read_bytes()
    )
    with pytest.raises(IdentityError):
        identity_service.import_certificate_chain(service, foreign)


def test_portfolio_without_student_id_gets_a_stable_serial(
    tmp_path: Path,
) -> None:
    from portfolio_app.core.domain.profile import Profile

    svc, _ = PortfolioService.create(tmp_path / "t", "tutor passphrase here", Profile(name="Tutor"))
    with svc:
        identity = identity_service.get_or_create_identity(svc)
        serial = identity_service.describe_identity(identity).student_id
        assert serial == identity_service.serial_for(svc)
        assert serial is not None and serial.startswith("portfolio-")


def test_occurred_dates_drive_the_period_on_the_cover(
    service: PortfolioService, tmp_path: Path
) -> None:
    for name, day in (("First", date(2024, 9, 1)), ("Last", date(2025, 6, 30))):
        _note(
            service,
            f"{name} note",
            "Text.",
            occurred_on=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            status=EntryStatus.READY,
        )
    out = tmp_path / "period.pdf"
    export_portfolio(service, out)
    cover = " ".join(pdftotext_pages(out)[0].split())
    assert "01 September 2024 to 30 June 2025" in cover
