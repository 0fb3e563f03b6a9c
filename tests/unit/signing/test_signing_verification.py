"""Verification verdicts: trust, tampering, later updates, hostile files, no network."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import AuthorityInformationAccessOID
from pdf_samples import STUDENT_ID, WriteFile, make_pdf, portfolio_json
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec
from pyhanko.sign.signers import pdf_signer as pdf_signer_module

from portfolio_app.core.signing.course_ca import CourseAuthority, create_ca, issue_certificate
from portfolio_app.core.signing.errors import SigningError, VerificationInputError
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    fingerprint_sha256,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import _signer, countersign, sign_portfolio
from portfolio_app.core.signing.roles import Role, policies_extension
from portfolio_app.core.signing.verification import (
    SignatureRole,
    Verdict,
    extract_embedded_json,
    read_countersignature_notes,
    verify_pdf,
)

# --- helpers that build hostile or modified files ---


def replace_page_content(pdf: bytes, page_index: int) -> bytes:
    """Append an incremental update that swaps a page's content stream (a forged page)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][page_index].get_object()
    forged = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (FORGED PAGE) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def replace_embedded_json(pdf: bytes, new_json: bytes) -> bytes:
    """Append an incremental update pointing portfolio.json at different data."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    spec = writer.root["/AF"][0].get_object()
    stream = embed.EmbeddedFileObject.from_file_data(writer, new_json, mime_type="application/json")
    spec["/EF"] = generic.DictionaryObject(
        {
            generic.pdf_name("/F"): stream.ef_stream_ref,
            generic.pdf_name("/UF"): stream.ef_stream_ref,
        }
    )
    writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_pdf(objects: list[bytes], trailer_extra: bytes = b"", prev_self: bool = False) -> bytes:
    """A syntactically complete PDF (correct xref offsets) around arbitrary object bodies."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    prev = b" /Prev %d" % xref_at if prev_self else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s%s >>\n" % (len(objects) + 1, prev, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


CATALOG_WITH_SIG = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
SIG_FIELD = b"<< /FT /Sig /T (StudentSignature) /V 4 0 R >>"

HOSTILE_FILES: dict[str, bytes] = {
    "empty": b"",
    "random bytes": os.urandom(4096),
    "header only": b"%PDF-1.7\n",
    "garbage with eof": b"%PDF-1.7\n" + os.urandom(2048) + b"\n%%EOF\n",
    "deeply nested array": build_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 20000 + b"]" * 20000 + b" >>", PAGES]
    ),
    "xref prev loop": build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES], prev_self=True),
    "signature value not a dictionary": build_pdf([CATALOG_WITH_SIG, PAGES, SIG_FIELD, b"[1 2 3]"]),
    "signature with absurd byte range": build_pdf(
        [
            CATALOG_WITH_SIG,
            PAGES,
            SIG_FIELD,
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
            b"/ByteRange [0 999999999 1000000000 5] /Contents <3082> >>",
        ]
    ),
    "signature field pointing at itself": build_pdf(
        [CATALOG_WITH_SIG, PAGES, b"<< /FT /Sig /T (Loop) /V 3 0 R /Kids [3 0 R] >>", b"null"]
    ),
    "missing catalog": build_pdf([b"null", PAGES]),
}


# --- trust ---


def test_own_certificate_as_trust_root_gives_valid_trusted(
    signed_pdf: bytes, student: Identity, write: WriteFile
) -> None:
    data = write("portfolio.pdf", signed_pdf).read_bytes()
    report = verify_pdf(data, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    assert report.exit_code == 0
    [sig] = report.signatures
    assert sig.role is SignatureRole.STUDENT_CERTIFICATION
    assert sig.signer_name == "Zoë Ñúñez Łukasz"
    assert sig.signer_id == STUDENT_ID
    assert sig.fingerprint == fingerprint_sha256(student.certificate_pem)
    assert sig.intact
    assert sig.cryptographically_valid
    assert sig.coverage == "entire-file"
    assert sig.modification_level == "none"
    assert sig.docmdp_ok is True
    assert sig.trusted
    assert sig.claimed_signing_time is not None
    assert abs(sig.claimed_signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
    assert report.warnings == ()
    assert report.has_portfolio_json


def test_no_trust_gives_valid_untrusted_exit_2(signed_pdf: bytes) -> None:
    report = verify_pdf(signed_pdf)
    assert report.verdict is Verdict.VALID_UNTRUSTED
    assert report.exit_code == 2
    assert not report.signatures[0].trusted
    assert report.signatures[0].ok


def test_someone_elses_certificate_does_not_make_it_trusted(signed_pdf: bytes) -> None:
    stranger = create_identity("Sam Stranger", "S-99")
    report = verify_pdf(signed_pdf, trust_certs_pem=[stranger.certificate_pem])
    assert report.verdict is Verdict.VALID_UNTRUSTED


@pytest.mark.parametrize("style", ["colons", "plain-lower", "spaced"])
def test_registered_fingerprint_makes_it_trusted(
    signed_pdf: bytes, student: Identity, style: str
) -> None:
    fingerprint = fingerprint_sha256(student.certificate_pem)
    typed = {
        "colons": fingerprint,
        "plain-lower": fingerprint.replace(":", "").lower(),
        "spaced": fingerprint.replace(":", " "),
    }[style]
    report = verify_pdf(signed_pdf, trusted_fingerprints=[typed])
    assert report.verdict is Verdict.VALID_TRUSTED
    assert report.signatures[0].trust_anchor == "a registered certificate fingerprint"


def test_wrong_fingerprint_is_not_trusted(signed_pdf: bytes, tutor: Identity) -> None:
    report = verify_pdf(
        signed_pdf, trusted_fingerprints=[fingerprint_sha256(tutor.certificate_pem)]
    )
    assert report.verdict is Verdict.VALID_UNTRUSTED


def test_course_ca_issued_identity_is_trusted_through_the_ca() -> None:
    ca = create_ca("IPL Course 2025 CA", "Uni")
    other_ca = create_ca("Other Course CA", "Uni")
    student = create_identity("Zoë Ñúñez Łukasz", STUDENT_ID)
    student = import_certificate_chain(
        student, issue_certificate(ca, make_csr(student)) + ca.certificate_pem
    )
    signed = sign_portfolio(
        make_pdf(1), student, reason="Author", embed_json=portfolio_json(STUDENT_ID)
    )
    trusted = verify_pdf(signed, trust_certs_pem=[ca.certificate_pem])
    assert trusted.verdict is Verdict.VALID_TRUSTED, trusted.describe()
    assert "IPL Course 2025 CA" in (trusted.signatures[0].trust_anchor or "")
    assert verify_pdf(signed, trust_certs_pem=[other_ca.certificate_pem]).verdict is (
        Verdict.VALID_UNTRUSTED
    )
    assert verify_pdf(signed).verdict is Verdict.VALID_UNTRUSTED


def test_bad_trust_inputs_raise_input_error(signed_pdf: bytes) -> None:
    with pytest.raises(VerificationInputError):
        verify_pdf(signed_pdf, trust_certs_pem=[b"not a certificate"])
    with pytest.raises(VerificationInputError):
        verify_pdf(signed_pdf, trusted_fingerprints=["12:34"])


# --- countersigned files ---


def test_countersigned_file_reports_both_roles(
    countersigned_pdf: bytes, course_ca: CourseAuthority
) -> None:
    report = verify_pdf(countersigned_pdf, trust_certs_pem=[course_ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    student_sig, tutor_sig = report.signatures
    assert student_sig.role is SignatureRole.STUDENT_CERTIFICATION
    assert student_sig.coverage == "entire-revision"
    assert student_sig.modification_level == "form-filling"
    assert student_sig.docmdp_ok is True
    assert tutor_sig.role is SignatureRole.STAFF_COUNTERSIGNATURE
    assert tutor_sig.box_role == "tutor"
    assert tutor_sig.certificate_roles == ("tutor",)
    assert tutor_sig.coverage == "entire-file"
    assert tutor_sig.signer_name == "Dr Tomás Tutor"
    assert tutor_sig.decision == "partially-meets"
    assert tutor_sig.comment is not None
    assert tutor_sig.comment.startswith("Strong SBAR reflection.")


def test_untrusted_tutor_keeps_the_verdict_untrusted(
    countersigned_pdf: bytes, student: Identity
) -> None:
    """A student could fake a countersignature with a home-made key: it must not pass as trusted."""
    report = verify_pdf(countersigned_pdf, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.VALID_UNTRUSTED
    assert "Dr Tomás Tutor" in report.reason


# --- tampering ---


def test_flipped_byte_in_signed_content_stream_is_broken_exit_1(
    signed_pdf: bytes, student: Identity, write: WriteFile
) -> None:
    assert signed_pdf.count(b"(Page 1 hello)") == 1
    tampered = write("t.pdf", signed_pdf.replace(b"(Page 1 hello)", b"(Page 1 hellp)")).read_bytes()
    report = verify_pdf(tampered, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    assert report.exit_code == 1
    [sig] = report.signatures
    assert sig.intact is False
    assert sig.cryptographically_valid is True  # why `valid` alone must never be the gate
    assert any("digest mismatch" in p for p in sig.problems)


def test_every_flipped_byte_in_a_countersigned_file_is_detected(
    countersigned_pdf: bytes, tutor: Identity, student: Identity
) -> None:
    tampered = countersigned_pdf.replace(b"(Page 0 hello)", b"(Page 0 hallo)")
    assert tampered != countersigned_pdf
    report = verify_pdf(tampered, trust_certs_pem=[student.certificate_pem, tutor.certificate_pem])
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    assert [s.intact for s in report.signatures] == [False, False]


def test_page_replaced_in_later_incremental_update_is_broken(
    signed_pdf: bytes, student: Identity, write: WriteFile
) -> None:
    forged = write("forged.pdf", replace_page_content(signed_pdf, 0)).read_bytes()
    assert forged.startswith(signed_pdf)
    report = verify_pdf(forged, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    [sig] = report.signatures
    assert sig.intact is True  # the signed bytes themselves are untouched ...
    assert sig.coverage == "entire-revision"
    assert sig.modification_level == "other"  # ... but the later change is not allowed
    assert sig.docmdp_ok is False
    assert any("not allowed" in line for line in report.describe())


def test_page_replaced_after_countersignature_is_broken(
    countersigned_pdf: bytes, student: Identity, tutor: Identity
) -> None:
    forged = replace_page_content(countersigned_pdf, 1)
    report = verify_pdf(forged, trust_certs_pem=[student.certificate_pem, tutor.certificate_pem])
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    assert all(s.docmdp_ok is False for s in report.signatures)


def test_json_swapped_later_is_broken_and_extract_returns_the_signed_json(
    signed_pdf: bytes, student: Identity
) -> None:
    forged = replace_embedded_json(signed_pdf, portfolio_json("STU-EVIL"))
    report = verify_pdf(forged, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    assert extract_embedded_json(forged) == extract_embedded_json(signed_pdf)
    assert b"STU-EVIL" not in (extract_embedded_json(forged) or b"")


# --- structure ---


def test_student_id_mismatch_between_json_and_certificate_is_refused_at_signing(
    student: Identity,
) -> None:
    """The honest app never writes such a file (verify would call it forged: exit 1)."""
    with pytest.raises(SigningError, match="STU-SOMEONE-ELSE"):
        sign_portfolio(
            make_pdf(1), student, reason="Author", embed_json=portfolio_json("STU-SOMEONE-ELSE")
        )


def test_approval_only_signature_is_not_a_portfolio(student: Identity) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(1)))
    meta = signers.PdfSignatureMetadata(field_name="Approval", md_algorithm="sha256")
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=_signer(student)).sign_pdf(writer, output=out)
    report = verify_pdf(out.getvalue(), trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    assert "not a certification signature" in report.reason


def test_field_lock_does_not_pass_for_a_certification(student: Identity) -> None:
    """pyHanko's docmdp_level also reads a field /Lock; only /Perms /DocMDP certifies."""
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(1)))
    fields.append_signature_field(
        writer,
        SigFieldSpec(
            "Locked",
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
            doc_mdp_update_value=fields.MDPPerm.FILL_FORMS,
        ),
    )
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Locked", md_algorithm="sha256"),
        signer=_signer(student),
    ).sign_pdf(writer, output=out)
    report = verify_pdf(out.getvalue(), trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    assert "not a certification signature" in report.reason


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_or_malformed_files_are_unreadable_not_exceptions(name: str) -> None:
    report = verify_pdf(HOSTILE_FILES[name])
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE, report.describe()
    assert report.exit_code == 3
    assert report.reason
    assert extract_embedded_json(HOSTILE_FILES[name]) is None
    assert read_countersignature_notes(HOSTILE_FILES[name]) == []


def test_truncated_signed_file_is_unreadable(signed_pdf: bytes) -> None:
    for cut in (len(signed_pdf) // 2, len(signed_pdf) - 10):
        report = verify_pdf(signed_pdf[:cut])
        assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
        assert report.exit_code == 3


def test_unsigned_pdf_is_not_signed(unsigned_pdf: bytes) -> None:
    report = verify_pdf(unsigned_pdf)
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    assert report.reason == "The PDF has no signatures."


def test_encrypted_pdf_is_unreadable() -> None:
    encrypted = make_pdf(1, encrypt="secret")
    assert b"/Encrypt" in encrypted
    report = verify_pdf(encrypted)
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    assert "encrypted" in report.reason


def test_countersigned_file_with_later_tutor_box_removed_by_truncation_still_verifies_student(
    countersigned_pdf: bytes, signed_pdf: bytes, student: Identity
) -> None:
    """Dropping the tutor's revision leaves exactly the student's file, which is still valid."""
    report = verify_pdf(
        countersigned_pdf[: len(signed_pdf)], trust_certs_pem=[student.certificate_pem]
    )
    assert report.verdict is Verdict.VALID_TRUSTED
    assert len(report.signatures) == 1


# --- no network ---


def _leaf_with_revocation_urls(
    ca_key_pem: bytes, ca_cert_pem: bytes, subject_of: Identity
) -> bytes:
    """A student certificate naming OCSP and CRL URLs, so a fetching validator would connect."""
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    own = x509.load_pem_x509_certificate(subject_of.certificate_pem)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(own.subject)
        .issuer_name(ca_cert.subject)
        .public_key(own.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier("http://127.0.0.1:9/ocsp"),
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(policies_extension([Role.STUDENT]), critical=False)
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://127.0.0.1:9/ca.crl")],
                        None,
                        None,
                        None,
                    )
                ]
            ),
            critical=False,
        )
    )
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)  # type: ignore[arg-type]


def test_verification_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    ca = create_ca("Offline Course CA", "Uni")
    student = create_identity("Alex Student", STUDENT_ID)
    leaf = _leaf_with_revocation_urls(ca.private_key_pem, ca.certificate_pem, student)
    student = import_certificate_chain(student, leaf + ca.certificate_pem)
    signed = sign_portfolio(
        make_pdf(1), student, reason="Author", embed_json=portfolio_json(name="Alex Student")
    )

    attempts: list[Any] = []

    def refuse_connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    def refuse_lookup(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    monkeypatch.setattr(socket, "create_connection", refuse_lookup)
    report = verify_pdf(signed, trust_certs_pem=[ca.certificate_pem])
    assert attempts == []
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()


# --- output ---


def test_to_dict_is_json_and_describe_labels_the_clock(
    countersigned_pdf: bytes, student: Identity
) -> None:
    report = verify_pdf(countersigned_pdf, trust_certs_pem=[student.certificate_pem])
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json["verdict"] == "valid-untrusted"
    assert as_json["exit_code"] == 2
    assert [s["role"] for s in as_json["signatures"]] == ["student", "tutor"]
    assert [s["kind"] for s in as_json["signatures"]] == [
        "student-certification",
        "staff-countersignature",
    ]
    assert as_json["signatures"][1]["signer_id"] == "STAFF-7"
    assert "student_id" not in as_json["signatures"][1]
    # Trusting only the student's certificate, the tutor is not confirmed: a claim, not a
    # decision (test_signing_claimed_decisions.py has the rest).
    assert as_json["signatures"][1]["decision"] is None
    assert as_json["signatures"][1]["claimed_decision"] == "partially-meets"
    assert as_json["signatures"][0]["claimed_signing_time_signers_clock"]
    text = "\n".join(report.describe())
    assert "signer's own clock" in text
    claim = "Claimed decision (not counted: signer not confirmed as a tutor): partially-meets"
    assert claim in text
    assert text.startswith("VALID BUT SIGNER NOT CONFIRMED")


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        (Verdict.VALID_TRUSTED, 0),
        (Verdict.BROKEN_OR_MODIFIED, 1),
        (Verdict.VALID_UNTRUSTED, 2),
        (Verdict.NOT_SIGNED_OR_UNREADABLE, 3),
        (Verdict.MISSING_REQUIRED, 4),
    ],
)
def test_exit_codes(verdict: Verdict, code: int) -> None:
    assert verdict.exit_code == code


def test_countersign_then_verify_round_trip_with_course_ca() -> None:
    ca = create_ca("Course CA", "Uni")
    student = create_identity("Łukasz Student", STUDENT_ID)
    tutor = create_identity("Tutor Two", "STAFF-2")
    student = import_certificate_chain(
        student, issue_certificate(ca, make_csr(student)) + ca.certificate_pem
    )
    tutor = import_certificate_chain(
        tutor, issue_certificate(ca, make_csr(tutor), role=Role.TUTOR) + ca.certificate_pem
    )
    signed = sign_portfolio(
        make_pdf(2),
        student,
        reason="Author",
        visible_box=(1, 40, 40, 300, 120),
        countersign_box=(1, 40, 140, 300, 260),
        embed_json=portfolio_json(name="Łukasz Student"),
    )
    done = countersign(signed, tutor, decision="meets", comment="Well evidenced.")
    report = verify_pdf(done, trust_certs_pem=[ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    assert [s.trusted for s in report.signatures] == [True, True]


def test_untrusted_verification_prints_nothing_on_stderr(
    signed_pdf: bytes, write: WriteFile
) -> None:
    """pyHanko logs a traceback for self-signed certificates; with no logging configured,
    Python's last-resort handler would print it. Our routing keeps stderr clean."""
    path = write("untrusted.pdf", signed_pdf)
    code = (
        "import sys\n"
        "from portfolio_app.core.signing.verification import verify_pdf\n"
        "report = verify_pdf(open(sys.argv[1], 'rb').read())\n"
        "print(report.verdict.value)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valid-untrusted"
    assert result.stderr == ""


def test_certification_that_is_not_the_first_signature_is_broken(
    student: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="First", md_algorithm="sha256"),
        signer=_signer(student),
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(make_pdf(1))), output=first)
    # pyHanko refuses to certify a signed file; switch its check off to forge one.
    monkeypatch.setattr(pdf_signer_module, "_signatures_exist", lambda handler: False)
    second = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Late", md_algorithm="sha256", certify=True),
        signer=_signer(student),
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(first.getvalue())), output=second)
    report = verify_pdf(second.getvalue(), trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE
    assert "first signature is not a certification signature" in report.reason


def test_control_characters_from_the_file_never_reach_the_report(
    signed_pdf: bytes, tutor: Identity
) -> None:
    """A hostile field name or comment must not be able to drive the terminal (ANSI escapes)."""
    from portfolio_app.core.signing.pdf_signing import _NotesPdfSigner

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    out = io.BytesIO()
    _NotesPdfSigner(
        signers.PdfSignatureMetadata(field_name="Evil\x1b[2J", md_algorithm="sha256"),
        signer=_signer(tutor),
        extras={
            "/PortfolioDecision": generic.TextStringObject("meets"),
            "/PortfolioComment": generic.TextStringObject("fine\x1b[31m red\u202etxt.exe"),
        },
    ).sign_pdf(writer, output=out)
    report = verify_pdf(out.getvalue())
    text = "\n".join(report.describe()) + json.dumps(report.to_dict())
    assert len(report.signatures) == 2
    assert report.signatures[1].decision is None  # not a staff box: never read as a decision
    assert report.signatures[1].claimed_decision == "meets"
    assert report.verdict is Verdict.BROKEN_OR_MODIFIED
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\\u001b" not in text
