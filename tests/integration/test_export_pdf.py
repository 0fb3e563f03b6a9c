"""The exported PDF, checked from the outside: poppler's tools, pyHanko, and our verifier.

One signed export (and its countersigned copy) is built per module and read by many tests:
a real portfolio with Unicode names, events, a placement, a plan answered by a reflection
filed under another event, Markdown with lists, a quote and a table, and a course CA that
certified both the student and the tutor.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_export_support import (
    CA_PASSPHRASE,
    PASSPHRASE,
    POPPLER,
    STUDENT,
    TUTOR,
    UNICODE_NAMES,
    Built,
    certify_with_ca,
    contents_lines,
    fill_portfolio,
    flip_byte_in_signed_stream,
    iter_outline,
    pdftotext_pages,
    replace_first_page,
    tool_output,
)

from portfolio_app.cli.main import main
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.export_service import (
    ExportResult,
    countersign_file,
    export_portfolio,
    extract_portfolio_json,
    verify_file,
)
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.signing.pdfsig import parse_pdfsig_output, run_pdfsig
from portfolio_app.core.signing.verification import Verdict, read_countersignature_notes
from portfolio_app.core.vault import kdf

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@dataclass(frozen=True)
class Exported:
    """The module's shared export."""

    signed: Path
    countersigned: Path
    ca_cert: Path
    result: ExportResult
    built: Built
    snapshot: dict[str, Any]
    student_fingerprint: str
    work: Path


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    work = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        fast = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
        mp.setattr(kdf, "default_params", lambda: fast)
        ca_dir = work / "course-ca"
        identity_service.init_course_ca(
            ca_dir,
            name="IPL course CA",
            institution="University of Leicester",
            passphrase=CA_PASSPHRASE,
        )
        student, _ = PortfolioService.create(work / "student", PASSPHRASE, STUDENT)
        with student:
            built = fill_portfolio(student, count=60)
            certify_with_ca(student, ca_dir, work, "student")
            signed = work / "portfolio.pdf"
            result = export_portfolio(student, signed, acknowledge_findings=True)
            snapshot = student.snapshot_json()
            fingerprint = identity_service.identity_fingerprint(
                identity_service.get_or_create_identity(student)
            )
        tutor, _ = PortfolioService.create(work / "tutor", PASSPHRASE, TUTOR)
        with tutor:
            certify_with_ca(tutor, ca_dir, work, "tutor")
            countersigned = work / "countersigned.pdf"
            countersign_file(
                tutor,
                signed,
                countersigned,
                decision="partially-meets",
                comment="Good reflection on roles.\nMore on conflict next year.",
            )
    yield Exported(
        signed=signed,
        countersigned=countersigned,
        ca_cert=ca_dir / identity_service.CA_CERT_FILE,
        result=result,
        built=built,
        snapshot=snapshot,
        student_fingerprint=fingerprint,
        work=work,
    )


@pytest.fixture(scope="module")
def pages(exported: Exported) -> list[str]:
    return pdftotext_pages(exported.signed)


def _verify_cli(*args: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    return main(["verify", *args], stdout=out, stderr=err)


# ---- signatures ---------------------------------------------------------------------------


def test_pdfsig_says_valid_and_total_document_signed(exported: Exported) -> None:
    signatures = {s.field_name: s for s in parse_pdfsig_output(run_pdfsig(exported.signed))}
    student = signatures["StudentSignature"]
    assert student.signed and student.signature_valid
    assert student.total_document_signed
    assert student.common_name == "Zoë Ñúñez"
    assert student.signature_type == "ETSI.CAdES.detached"
    assert not signatures["TutorSignature"].signed  # the reserved, empty tutor box


def test_verify_exit_codes_with_and_without_trust(exported: Exported) -> None:
    signed = str(exported.signed)
    assert _verify_cli(signed, "--trust", str(exported.ca_cert)) == 0
    assert _verify_cli(signed) == 2
    assert _verify_cli(signed, "--fingerprint", exported.student_fingerprint.lower()) == 0
    report = verify_file(exported.signed)
    assert report.has_portfolio_json and not report.warnings


def test_flipped_byte_is_a_digest_mismatch(exported: Exported, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(flip_byte_in_signed_stream(exported.signed.read_bytes()))
    assert _verify_cli(str(tampered), "--trust", str(exported.ca_cert)) == 1
    text = run_pdfsig(tampered)
    assert "Digest Mismatch." in text and "Signature is Valid." not in text


def test_page_replaced_in_a_later_update_is_caught(exported: Exported, tmp_path: Path) -> None:
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(replace_first_page(exported.signed.read_bytes()))
    assert _verify_cli(str(forged), "--trust", str(exported.ca_cert)) == 1
    # poppler alone would not notice: it is why pdfsig's "Not total document signed" matters.
    student = next(
        s for s in parse_pdfsig_output(run_pdfsig(forged)) if s.field_name == "StudentSignature"
    )
    assert student.signature_valid and not student.total_document_signed


def test_countersigned_copy_has_two_valid_signatures(exported: Exported) -> None:
    report = verify_file(exported.countersigned, trust_pems=[exported.ca_cert.read_bytes()])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    assert [s.field_name for s in report.signatures] == ["StudentSignature", "TutorSignature"]
    assert report.signatures[0].modification_level == "form-filling"
    signatures = {s.field_name: s for s in parse_pdfsig_output(run_pdfsig(exported.countersigned))}
    assert signatures["StudentSignature"].signature_valid
    assert signatures["TutorSignature"].signature_valid
    assert signatures["TutorSignature"].total_document_signed
    notes = read_countersignature_notes(exported.countersigned.read_bytes())
    assert [(n.decision, n.comment) for n in notes] == [
        ("partially-meets", "Good reflection on roles.\nMore on conflict next year.")
    ]
    text = tool_output("pdftotext", "-enc", "UTF-8", str(exported.countersigned), "-")
    assert "Decision: partially-meets" in text and "Dr Tomás Tutor" in text


# ---- text, fonts, metadata, outline -------------------------------------------------------


def test_unicode_names_and_titles_are_real_text(exported: Exported, pages: list[str]) -> None:
    text = "\n".join(pages)
    for name in UNICODE_NAMES:
        assert name in text
    flat = " ".join(text.split())
    for title in exported.built.titles:
        assert title in flat, title


def test_every_font_is_embedded(exported: Exported) -> None:
    for path in (exported.signed, exported.countersigned):
        rows = tool_output("pdffonts", str(path)).splitlines()[2:]
        assert rows
        for row in rows:
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # emb, sub, uni
            assert "Type 1" not in row and "Helvetica" not in row, row


def test_metadata_footer_header_and_outline(exported: Exported, pages: list[str]) -> None:
    info = tool_output("pdfinfo", str(exported.signed))
    assert "Title:           Reflective portfolio: Zoë Ñúñez" in info
    assert "Author:          Zoë Ñúñez" in info
    assert "Subject:         Interprofessional learning reflective portfolio" in info
    assert "Creator:         Reflective Portfolio" in info
    total = exported.result.page_count
    assert len(pages) == total
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        if number > 1:
            assert "Zoë Ñúñez · BSc (Hons) Adult Nursing · Confidential reflective portfolio" in (
                page
            )
    from pyhanko.pdf_utils.reader import PdfFileReader

    with exported.signed.open("rb") as handle:
        outline = list(iter_outline(PdfFileReader(handle)))
    top = [title for level, title in outline if level == 0]
    assert top == [
        "Contents",
        "Competency coverage",
        "Summary of activity",
        "Entries",
        "Final reflection",
        "Attendance record",
        "Signatures",
    ]
    entries = [title for level, title in outline if level == 2]
    assert len(entries) == exported.result.entry_count


def test_contents_page_numbers_are_where_the_headings_are(
    exported: Exported, pages: list[str]
) -> None:
    contents = exported.result.contents_pages
    assert len(contents) >= 2  # the test covers a contents page that continues
    lines = contents_lines(pdftotext_pages(exported.signed, layout=True), contents)
    entry_lines = [(t, p) for t, p in lines if re.match(r"^E\d+ · ", t)]
    assert len(entry_lines) == exported.result.entry_count
    for text, page in lines:
        assert 1 <= page <= len(pages)
        target = " ".join(pages[page - 1].split())
        label = re.match(r"^(E\d+ · )", text)
        if label:
            assert label.group(1) in target, (text, page)
        probe = text.rstrip("…").strip()[:40]
        assert probe in target, (text, page)
    # The reflection filed under another event still follows its plan.
    numbers = {t.split(" · ", 1)[1]: int(t.split(" ")[0][1:]) for t, _ in entry_lines}
    assert numbers[exported.built.answer_title] == numbers[exported.built.plan_title] + 1


def test_coverage_names_gaps_in_words(pages: list[str]) -> None:
    first = next(n for n, page in enumerate(pages) if "Each framework is shown" in page)
    last = next(n for n, page in enumerate(pages) if "Summary of activity" in page and n > first)
    coverage = "\n".join(pages[first:last])
    assert "No evidence yet" in coverage
    assert "RR4" in coverage and "listed competencies evidenced" in coverage
    # The pack is partial and the page says so next to the count.
    assert "15 of its 33 sub-competencies are listed in this pack" in " ".join(coverage.split())
    assert "Suggestions for the next plan" in coverage


def test_attendance_shows_hours_and_who_confirmed_them_and_models_are_credited(
    pages: list[str],
) -> None:
    text = " ".join(" ".join(pages).split())
    attendance = " ".join(next(p for p in reversed(pages) if "Attendance record" in p).split())
    assert "3.5 h; confirmed by Workshop lead" in attendance
    assert "Hours attended in all: 3.5 h." in attendance
    assert "Placements and other experiences" in attendance
    assert "112.5 h" in attendance and "Practice assessor" in attendance
    # Each template used is credited to its model and source.
    assert "Reflective models used" in text
    assert "What? So what? Now what?" in text and "Borton T (1970)" in text


def test_signature_boxes_are_on_the_signatures_page(exported: Exported, pages: list[str]) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    assert "Signatures" in pages[-1] and "Digitally signed by Zoë Ñúñez" in pages[-1]
    with exported.signed.open("rb") as handle:
        reader = PdfFileReader(handle)
        last = reader.root["/Pages"]["/Kids"][-1].get_object()
        names = {str(a.get_object().get("/T")) for a in last.get("/Annots", [])}
    assert {"StudentSignature", "TutorSignature"} <= names


# ---- the machine-readable copy ------------------------------------------------------------


def test_embedded_json_matches_the_vault(exported: Exported) -> None:
    data = extract_portfolio_json(exported.signed)
    assert data is not None
    snapshot = exported.snapshot
    assert data["profile"] == snapshot["profile"]
    # Each exported entry is the vault's, plus its history chain and its evidence list; the
    # export then marks what it submitted (the signed copy keeps the status it had).
    added = ("timeline", "attachments", "status")
    assert [{k: v for k, v in e.items() if k not in added} for e in data["entries"]] == [
        {k: v for k, v in e.items() if k != "status"} for e in snapshot["entries"]
    ]
    assert all(e["timeline"]["revisions"] >= 1 and e["attachments"] == [] for e in data["entries"])
    assert {e["status"] for e in snapshot["entries"]} <= {"submitted", "feedback-received"}
    assert data["events"] == snapshot["events"]
    assert data["final_reflection"] == snapshot["final_reflection"]
    assert data["selection"]["all_entries"] is True
    assert data["export"]["signing_certificate_sha256"] == exported.student_fingerprint
    assert sorted(data["export"]["entry_numbers"].values(), key=lambda v: int(v[1:])) == [
        f"E{n}" for n in range(1, len(snapshot["entries"]) + 1)
    ]
    listing = tool_output("pdfdetach", "-list", str(exported.signed))
    assert "portfolio.json" in listing
    saved = exported.work / "detached.json"
    tool_output("pdfdetach", "-save", "1", "-o", str(saved), str(exported.signed))
    assert json.loads(saved.read_text(encoding="utf-8")) == data
