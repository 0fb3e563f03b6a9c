"""The trust model end to end: a course CA with roles, a student, a tutor, a second marker and a
moderator, each with their own portfolio, through the installed ``portfolio`` command; and a
student trying to forge a "meets" every way issue 7 found, with pyHanko's public API.

Every verdict that says the cryptography is valid is checked independently: poppler's pdfsig
(the course CA trusted through an NSS database) and ``openssl cms -verify`` over each
signature's byte range.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from trust_tools import (
    SCRIPT,
    Cli,
    add_text_field,
    fill_text_field,
    nss_db,
    openssl_cms_results,
    pdfsig_text,
    problems_of,
    sign_field,
    verify_json,
)

from portfolio_app.core.services import identity_service
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.signing.identity import Identity

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed"),
    pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed"),
]

TUTOR_BOX_PAGE_TEXT = "TutorSignature"


@dataclass
class Course:
    """Everyone's folders and the files the honest workflow produced."""

    work: Path
    ca_dir: Path
    ca_cert: Path
    student: Cli
    tutor: Cli
    second: Cli
    moderator: Cli
    peer: Cli
    signed: Path
    countersigned: Path
    complete: Path
    nss: str | None

    def identity(self, who: Cli) -> Identity:
        """The private identity of a person's own portfolio (what they can always read)."""
        assert who.data_dir is not None
        with PortfolioService.open(who.data_dir, who.passphrase) as service:
            identity = identity_service.load_identity(service)
        assert identity is not None
        return identity


def _person(work: Path, key: str, name: str, person_id: str) -> Cli:
    cli = Cli(work / key, f"{key}'s own long passphrase")
    cli.ok("init", *cli.d, "--name", name, "--student-id", person_id, "--programme", "MBChB")
    return cli


def _certify(course_dir: Path, who: Cli, role: str, work: Path, *extra: str) -> None:
    csr = work / f"{who.data_dir.name if who.data_dir else 'x'}-{role}.csr"
    cert = csr.with_suffix(".pem")
    who.ok("identity", "csr", *who.d, str(csr))
    Cli(None, "").ok(
        "ca",
        "issue",
        str(csr),
        "--ca-dir",
        str(course_dir),
        "--out",
        str(cert),
        "--role",
        role,
        "--yes",
        *extra,
    )
    who.ok("identity", "import-chain", *who.d, str(cert))


def _countersign(who: Cli, src: Path, out: Path, decision: str, *extra: str) -> None:
    who.ok(
        "countersign",
        *who.d,
        str(src),
        str(out),
        "--decision",
        decision,
        "--comment",
        f"{decision}: reviewed.",
        *extra,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    work = tmp_path_factory.mktemp("course")
    ca_dir = work / "course-ca"
    admin = Cli(None, "")
    admin.ok(
        "ca",
        "init",
        "--name",
        "IPL 2025 course CA",
        "--institution",
        "Uni",
        "--ca-dir",
        str(ca_dir),
    )
    student = _person(work, "student", "Zoë Student", "STU-1")
    student.ok("add", *student.d, "--kind", "note", "--title", "Handover", stdin="Went well.")
    _certify(ca_dir, student, "student", work)
    student.ok("identity", "settings", *student.d, "--staff-roles", "tutor,second-marker,moderator")
    tutor = _person(work, "tutor", "Dr Tomás Tutor", "STAFF-1")
    _certify(ca_dir, tutor, "tutor", work)
    second = _person(work, "second", "Dr Sam Second", "STAFF-2")
    _certify(ca_dir, second, "second-marker", work)
    moderator = _person(work, "moderator", "Prof Mo Moderator", "STAFF-3")
    _certify(ca_dir, moderator, "moderator", work)
    peer = _person(work, "peer", "Pat Peer", "STU-2")
    _certify(ca_dir, peer, "student", work)

    signed = work / "signed.pdf"
    student.ok("export", *student.d, str(signed))
    countersigned = work / "tutor.pdf"
    _countersign(tutor, signed, countersigned, "does-not-meet")
    second_done = work / "second.pdf"
    _countersign(second, countersigned, second_done, "does-not-meet")
    complete = work / "complete.pdf"
    _countersign(moderator, second_done, complete, "partially-meets")
    yield Course(
        work=work,
        ca_dir=ca_dir,
        ca_cert=ca_dir / "ca-cert.pem",
        student=student,
        tutor=tutor,
        second=second,
        moderator=moderator,
        peer=peer,
        signed=signed,
        countersigned=countersigned,
        complete=complete,
        nss=nss_db(work / "nssdb", ca_dir / "ca-cert.pem"),
    )


def _write(course: Course, name: str, data: bytes) -> Path:
    path = course.work / name
    path.write_bytes(data)
    return path


def _assert_crypto_valid_elsewhere(course: Course, path: Path, report: dict[str, object]) -> None:
    """pdfsig and openssl agree with every "cryptographically valid" our verify reports."""
    sigs = report["signatures"]
    assert isinstance(sigs, list)
    text = pdfsig_text(path, course.nss)
    cms = openssl_cms_results(path, course.work)
    assert len(cms) == len(sigs)
    for sig, cms_ok in zip(sigs, cms, strict=True):
        if sig["intact"] and sig["cryptographically_valid"]:
            assert cms_ok, (sig["index"], path)
    valid = sum(1 for s in sigs if s["intact"] and s["cryptographically_valid"])
    assert text.count("Signature is Valid.") >= valid, text


# ---- the honest path -------------------------------------------------------------------------


def test_second_marker_and_moderator_on_one_file(course: Course) -> None:
    code, report, _ = verify_json(
        str(course.complete),
        "--trust",
        str(course.ca_cert),
        "--require",
        "tutor",
        "--require",
        "moderator",
    )
    assert code == 0, report
    assert [s["role"] for s in report["signatures"]] == [
        "student",
        "tutor",
        "second-marker",
        "moderator",
    ]
    assert [c["decision"] for c in report["countersigned_by"]] == [
        "does-not-meet",
        "does-not-meet",
        "partially-meets",
    ]
    assert report["summary"]["student_id"] == "STU-1"
    code, report, _ = verify_json(
        str(course.complete), "--trust", str(course.ca_cert), "--require", "practice-assessor"
    )
    assert code == 4 and report["missing_roles"] == ["practice-assessor"]
    # Independent: pdfsig trusts all four through the course CA; openssl agrees on each.
    if course.nss is not None:
        text = pdfsig_text(course.complete, course.nss)
        assert text.count("Certificate is Trusted.") == 4, text
        assert text.count("Signature is Valid.") == 4
    assert openssl_cms_results(course.complete, course.work, course.ca_cert) == [True] * 4


def test_student_only_is_its_own_result_and_require_makes_it_non_zero(course: Course) -> None:
    result = Cli(None, "")("verify", str(course.signed), "--trust", str(course.ca_cert))
    assert result.returncode == 0
    assert "signed by the student; no staff countersignature yet" in result.stdout.lower()
    code, report, _ = verify_json(
        str(course.signed), "--trust", str(course.ca_cert), "--require", "tutor"
    )
    assert code == 4 and report["stage"] == "student-only"


# ---- forgeries -------------------------------------------------------------------------------


def test_self_countersign_is_refused_and_a_forged_one_fails(course: Course) -> None:
    refused = course.student(
        "countersign",
        *course.student.d,
        str(course.signed),
        str(course.work / "self.pdf"),
        "--decision",
        "meets",
        "--comment",
        "I approve.",
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    forged = _write(
        course,
        "self-forged.pdf",
        sign_field(
            course.signed.read_bytes(),
            course.identity(course.student),
            "TutorSignature",
            decision="meets",
        ),
    )
    code, report, _ = verify_json(str(forged), "--trust", str(course.ca_cert))
    assert code == 1
    assert "certificate is a student's" in problems_of(report)
    assert report["countersigned_by"] == []
    _assert_crypto_valid_elsewhere(course, forged, report)


def test_peer_countersign_in_the_tutor_box_fails(course: Course) -> None:
    forged = _write(
        course,
        "peer.pdf",
        sign_field(
            course.signed.read_bytes(),
            course.identity(course.peer),
            "TutorSignature",
            decision="meets",
        ),
    )
    code, report, _ = verify_json(str(forged), "--trust", str(course.ca_cert))
    assert code == 1
    assert "claims a tutor decision ('meets') but its certificate is a student's" in (
        problems_of(report)
    )
    _assert_crypto_valid_elsewhere(course, forged, report)


def test_decision_in_the_students_own_signature_is_reported_not_read(course: Course) -> None:
    """The student re-exports with a certification signature carrying a decision."""
    from portfolio_app.core.signing.verification import extract_embedded_json

    embedded = extract_embedded_json(course.signed.read_bytes())
    assert embedded is not None
    layout = json.loads(embedded)["form"]["fields"]
    box = next(f for f in layout if f["name"] == "StudentSignature")
    # Rebuild an unsigned copy of the export: the revision before the student's signature.
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = course.signed.read_bytes()
    reader = PdfFileReader(__import__("io").BytesIO(data))
    first_end = reader.xrefs.get_startxref_for_revision(0)
    original = data[: data.index(b"%%EOF", first_end) + 5] + b"\n"
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    from portfolio_app.core.signing.attachments import embed_portfolio_json

    writer = IncrementalPdfFileWriter(__import__("io").BytesIO(original))
    for item in layout:
        if item["purpose"] == "countersignature":
            page = item["page"] - 1
            x1, y1, x2, y2 = (int(v) for v in item["rect"])
            fields.append_signature_field(
                writer, fields.SigFieldSpec(item["name"], on_page=page, box=(x1, y1, x2, y2))
            )
    embed_portfolio_json(writer, embedded)
    buffer = __import__("io").BytesIO()
    writer.write(buffer)
    x1, y1, x2, y2 = (int(v) for v in box["rect"])
    forged = _write(
        course,
        "decision-in-student.pdf",
        sign_field(
            buffer.getvalue(),
            course.identity(course.student),
            "StudentSignature",
            decision="meets",
            box=(box["page"] - 1, x1, y1, x2, y2),
            certify=True,
        ),
    )
    code, report, _ = verify_json(str(forged), "--trust", str(course.ca_cert))
    assert code == 1, report
    assert "carries a decision ('meets')" in problems_of(report)
    assert report["signatures"][0]["decision"] is None
    _assert_crypto_valid_elsewhere(course, forged, report)


def test_pinned_student_leaf_cannot_issue_a_tutor(course: Course, tmp_path: Path) -> None:
    """A self-signed student pins their leaf; they issue "Dr Fake Tutor" with their own key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    from portfolio_app.core.signing.identity import (
        create_identity,
        leaf_extensions,
        load_certificate,
        load_private_key,
    )
    from portfolio_app.core.signing.roles import Role, policies_extension

    lone = Cli(tmp_path / "lone", "lone student's passphrase")
    lone.ok("init", *lone.d, "--name", "Lee Lone", "--student-id", "STU-9")
    signed = tmp_path / "lone.pdf"
    lone.ok("export", *lone.d, str(signed))
    pem = tmp_path / "lone.pem"
    lone.ok("identity", "export-cert", *lone.d, str(pem))
    me = course.identity(lone)
    fake = create_identity("Dr Fake Tutor", "STAFF-99")
    own_key = load_private_key(me.private_key_pem)
    fake_key = load_private_key(fake.private_key_pem)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(load_certificate(fake.certificate_pem).subject)
        .issuer_name(load_certificate(me.certificate_pem).subject)
        .public_key(fake_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
    )
    builder = leaf_extensions(builder, fake_key.public_key()).add_extension(
        policies_extension([Role.TUTOR]), critical=False
    )
    cert = builder.sign(own_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    forger = Identity(fake.private_key_pem, cert, (me.certificate_pem,))
    forged = _write(
        course,
        "pinned-leaf.pdf",
        sign_field(signed.read_bytes(), forger, "TutorSignature", decision="meets"),
    )
    fingerprint = lone.ok("identity", "show", *lone.d, "--json")
    fp = json.loads(fingerprint)["fingerprint_sha256"]
    for trust in (["--trust", str(pem)], ["--fingerprint", fp]):
        code, report, _ = verify_json(str(forged), *trust)
        assert code == 2, report
        assert report["signatures"][0]["trusted"] is True  # the pin: that student, that box
        assert report["signatures"][1]["trusted"] is False
        assert report["countersigned_by"][0]["trusted"] is False


def test_a_bundle_with_student_and_ca_trusts_only_the_student(course: Course) -> None:
    bundle = course.work / "student-with-chain.pem"
    course.student.ok("identity", "export-cert", *course.student.d, str(bundle), "--with-chain")
    result = Cli(None, "")("verify", str(course.countersigned), "--trust", str(bundle))
    assert result.returncode == 2, result.stdout
    assert "only that signer is trusted" in result.stdout


def _overlay_export(course: Course, overlay: str) -> bytes:
    """The student's export rebuilt by hand with an extra empty field over the tutor box."""
    from portfolio_app.core.signing.verification import extract_embedded_json

    embedded = extract_embedded_json(course.signed.read_bytes())
    assert embedded is not None
    layout = json.loads(embedded)["form"]["fields"]
    tutor = next(f for f in layout if f["name"] == "TutorSignature")
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    from portfolio_app.core.signing.attachments import embed_portfolio_json

    data = course.signed.read_bytes()
    reader = PdfFileReader(io.BytesIO(data))
    first_end = reader.xrefs.get_startxref_for_revision(0)
    original = data[: data.index(b"%%EOF", first_end) + 5] + b"\n"
    page = tutor["page"] - 1
    x1, y1, x2, y2 = (int(v) for v in tutor["rect"])
    if overlay == "text":
        original = add_text_field(original, "Overlay", page, (x1, y1, x2, y2))
    writer = IncrementalPdfFileWriter(io.BytesIO(original))
    for item in layout:
        if item["purpose"] == "countersignature":
            bx = tuple(int(v) for v in item["rect"])
            fields.append_signature_field(
                writer,
                fields.SigFieldSpec(
                    item["name"],
                    on_page=item["page"] - 1,
                    box=bx,  # type: ignore[arg-type]
                    field_mdp_spec=fields.FieldMDPSpec(
                        fields.FieldMDPAction.EXCLUDE,
                        [
                            f["name"]
                            for f in layout
                            if f["purpose"] == "countersignature" and f["name"] != item["name"]
                        ],
                    ),
                ),
            )
    if overlay == "signature":
        fields.append_signature_field(
            writer, fields.SigFieldSpec("Overlay", on_page=page, box=(x1, y1, x2, y2))
        )
    embed_portfolio_json(writer, embedded)
    out = io.BytesIO()
    writer.write(out)
    student = next(f for f in layout if f["name"] == "StudentSignature")
    sx = tuple(int(v) for v in student["rect"])
    return sign_field(
        out.getvalue(),
        course.identity(course.student),
        "StudentSignature",
        box=(student["page"] - 1, *sx),
        certify=True,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("overlay", ["text", "signature"])
def test_shadow_attack_overlay_over_the_tutor_box_fails(course: Course, overlay: str) -> None:
    certified = _write(course, f"shadow-{overlay}.pdf", _overlay_export(course, overlay))
    # Our countersign refuses the file before signing, naming the field.
    refused = course.tutor(
        "countersign",
        *course.tutor.d,
        str(certified),
        str(course.work / "never.pdf"),
        "--decision",
        "does-not-meet",
        "--comment",
        "Not yet.",
    )
    assert refused.returncode == 1 and "'Overlay'" in refused.stderr
    # A tutor using another tool countersigns "does-not-meet"...
    tutor_signed = sign_field(
        certified.read_bytes(),
        course.identity(course.tutor),
        "TutorSignature",
        decision="does-not-meet",
    )
    # ...then the student fills or signs the overlay with a look-alike "meets".
    if overlay == "text":
        attacked = fill_text_field(tutor_signed, "Overlay", "Decision: meets")
    else:
        attacked = sign_field(tutor_signed, course.identity(course.student), "Overlay")
    path = _write(course, f"shadow-{overlay}-attacked.pdf", attacked)
    code, report, _ = verify_json(str(path), "--trust", str(course.ca_cert))
    assert code == 1, report
    assert "'Overlay'" in problems_of(report)
    text = pdfsig_text(path, course.nss)
    assert "Digest Mismatch" not in text  # poppler sees nothing wrong: only our checks do
    _assert_crypto_valid_elsewhere(course, path, report)


def test_same_key_twice_fails(course: Course) -> None:
    """The tutor's key, certified again as a second marker, signs the second box too."""
    from portfolio_app.core.signing.course_ca import issue_certificate, load_ca
    from portfolio_app.core.signing.identity import import_certificate_chain, make_csr
    from portfolio_app.core.signing.roles import Role

    tutor = course.identity(course.tutor)
    ca = load_ca(
        (course.ca_dir / "ca-key.pem").read_bytes(), b"the course CA passphrase, long enough"
    )
    as_second = import_certificate_chain(
        tutor,
        issue_certificate(ca, make_csr(tutor), role=Role.SECOND_MARKER) + ca.certificate_pem,
    )
    forged = _write(
        course,
        "same-key.pdf",
        sign_field(
            course.countersigned.read_bytes(), as_second, "SecondMarkerSignature", decision="meets"
        ),
    )
    code, report, _ = verify_json(str(forged), "--trust", str(course.ca_cert))
    assert code == 1
    assert "same key as signature 2" in problems_of(report)
    _assert_crypto_valid_elsewhere(course, forged, report)


def test_name_mismatch_with_portfolio_json_fails(course: Course) -> None:
    """The peer signs a portfolio whose signed JSON names the student."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    data = course.signed.read_bytes()
    reader = PdfFileReader(io.BytesIO(data))
    end = reader.xrefs.get_startxref_for_revision(0)
    original = data[: data.index(b"%%EOF", end) + 5] + b"\n"
    from portfolio_app.core.signing.pdf_signing import sign_portfolio
    from portfolio_app.core.signing.verification import extract_embedded_json

    embedded = extract_embedded_json(data)
    assert embedded is not None
    document = json.loads(embedded)
    document.pop("form")
    with pytest.raises(Exception, match="not the author"):
        sign_portfolio(
            original,
            course.identity(course.peer),
            reason="Author",
            embed_json=json.dumps(document).encode(),
        )
    # The forger uses pyHanko directly instead.
    forged = _forge_certified(course, original, embedded, course.identity(course.peer))
    path = _write(course, "name-mismatch.pdf", forged)
    code, report, _ = verify_json(str(path), "--trust", str(course.ca_cert))
    assert code == 1
    assert "the signer is not the author" in problems_of(report)
    _assert_crypto_valid_elsewhere(course, path, report)


def _forge_certified(course: Course, original: bytes, embedded: bytes, who: Identity) -> bytes:
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    from portfolio_app.core.signing.attachments import embed_portfolio_json

    layout = json.loads(embedded)["form"]["fields"]
    writer = IncrementalPdfFileWriter(io.BytesIO(original))
    for item in layout:
        if item["purpose"] == "countersignature":
            bx = tuple(int(v) for v in item["rect"])
            fields.append_signature_field(
                writer,
                fields.SigFieldSpec(item["name"], on_page=item["page"] - 1, box=bx),  # type: ignore[arg-type]
            )
    embed_portfolio_json(writer, embedded)
    out = io.BytesIO()
    writer.write(out)
    student = next(f for f in layout if f["name"] == "StudentSignature")
    sx = tuple(int(v) for v in student["rect"])
    return sign_field(
        out.getvalue(), who, "StudentSignature", box=(student["page"] - 1, *sx), certify=True
    )  # type: ignore[arg-type]


# ---- time --------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_expired_certificate_still_verifies_at_its_signing_time(
    course: Course, tmp_path: Path
) -> None:
    """A 2-day student certificate, checked five years later with the clock moved (faketime
    in a subprocess; libfaketime moves Python's clock, checked below)."""
    shorty = Cli(tmp_path / "short", "short-lived student's passphrase")
    shorty.ok("init", *shorty.d, "--name", "Sam Short", "--student-id", "STU-5")
    _certify(course.ca_dir, shorty, "student", tmp_path, "--days", "2")
    signed = tmp_path / "short.pdf"
    shorty.ok("export", *shorty.d, str(signed))
    done = tmp_path / "short-countersigned.pdf"
    _countersign(course.tutor, signed, done, "meets")
    future = ["faketime", "2031-06-01 12:00:00"]
    clock = subprocess.run(
        [*future, "python3", "-c", "import time; print(time.time())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(clock.stdout) > dt.datetime(2031, 1, 1, tzinfo=dt.UTC).timestamp()
    code, report, _ = verify_json(str(done), "--trust", str(course.ca_cert), prefix=future)
    assert code == 0, report
    assert all(s["time_source"] == "signer-clock" for s in report["signatures"])
    text = Cli(None, "", future)("verify", str(done), "--trust", str(course.ca_cert)).stdout
    assert "signer's own clock" in text


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_a_signature_claiming_a_future_time_fails(course: Course, tmp_path: Path) -> None:
    ahead = Cli(tmp_path / "ahead", "clock-ahead student's passphrase")
    ahead.ok("init", *ahead.d, "--name", "Ada Ahead", "--student-id", "STU-6")
    _certify(course.ca_dir, ahead, "student", tmp_path)
    signed = tmp_path / "ahead.pdf"
    future = [
        "faketime",
        (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S"),
    ]
    Cli(ahead.data_dir, ahead.passphrase, future).ok("export", *ahead.d, str(signed))
    code, report, _ = verify_json(str(signed), "--trust", str(course.ca_cert))
    assert code == 1
    assert "in the future" in problems_of(report)


# ---- revocation ------------------------------------------------------------------------------


def test_revoked_after_signing_stands_revoked_before_fails(course: Course, tmp_path: Path) -> None:
    late = Cli(tmp_path / "late", "late student's passphrase")
    late.ok("init", *late.d, "--name", "Lou Late", "--student-id", "STU-7")
    _certify(course.ca_dir, late, "student", tmp_path)
    before_revocation = tmp_path / "before.pdf"
    late.ok("export", *late.d, str(before_revocation))
    # CRL dates and CMS signing times have one-second precision, and a revocation in the same
    # second as a signature counts as before it (the safe reading); keep them apart.
    time.sleep(1.2)
    listing = json.loads(Cli(None, "").ok("ca", "list", "--ca-dir", str(course.ca_dir), "--json"))
    serial = next(c["serial"] for c in listing["certificates"] if c["name"] == "Lou Late")
    Cli(None, "").ok(
        "ca", "revoke", serial, "--ca-dir", str(course.ca_dir), "--reason", "cessation-of-operation"
    )
    crl = tmp_path / "course.crl"
    Cli(None, "").ok("ca", "crl", "--ca-dir", str(course.ca_dir), "--out", str(crl))
    after_revocation = tmp_path / "after.pdf"
    late.ok("export", *late.d, str(after_revocation))

    code, report, _ = verify_json(
        str(before_revocation), "--trust", str(course.ca_cert), "--crl", str(crl)
    )
    assert code == 0, report
    assert "after this signature was made" in "\n".join(report["signatures"][0]["notes"])
    code, report, _ = verify_json(
        str(after_revocation), "--trust", str(course.ca_cert), "--crl", str(crl)
    )
    assert code == 1
    assert "was revoked on" in problems_of(report) and "left the course" in problems_of(report)
    # A CRL from a CA nobody trusts is refused outright.
    result = Cli(None, "")("verify", str(before_revocation), "--crl", str(crl))
    assert result.returncode == 1 and "not signed by a CA you trust" in result.stderr
    listing = json.loads(Cli(None, "").ok("ca", "list", "--ca-dir", str(course.ca_dir), "--json"))
    assert next(c for c in listing["certificates"] if c["serial"] == serial)["revoked"]


# ---- RFC 3161 timestamps on loopback -----------------------------------------------------------


def _tsa(tmp_path: Path) -> tuple[Path, object, object]:
    """A TSA certificate (EKU timeStamping, critical) and its key, from a throwaway TSA root."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loopback TSA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "tsa.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pem, cert, key


def test_loopback_tsa_gives_a_trusted_time(course: Course, tmp_path: Path) -> None:
    import asyncio
    import http.server
    import threading

    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pem, cert, key = _tsa(tmp_path)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),  # type: ignore[attr-defined]
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(  # type: ignore[attr-defined]
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = tsp.TimeStampReq.load(body)
            response = asyncio.run(stamper.async_request_tsa_response(request))
            payload = response.dump()
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
        stamped = tmp_path / "stamped.pdf"
        course.student.ok("export", *course.student.d, str(stamped), "--tsa", url)
        asked = len(hits)  # pyHanko asks once to size the token, then for the real one
        assert asked >= 1
        done = tmp_path / "stamped-countersigned.pdf"
        _countersign(course.tutor, stamped, done, "meets", "--tsa", url)
        assert len(hits) > asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    code, report, _ = verify_json(
        str(done), "--trust", str(course.ca_cert), "--trust-tsa", str(pem)
    )
    assert code == 0, report
    assert [s["time_source"] for s in report["signatures"]] == ["timestamp", "timestamp"]
    assert report["signatures"][0]["timestamp_authority"] == "Common Name: Loopback TSA"
    text = Cli(None, "")(
        "verify", str(done), "--trust", str(course.ca_cert), "--trust-tsa", str(pem)
    ).stdout
    assert "from the time-stamping authority" in text
    # Without trusting the TSA, the signer's clock is used and the report says why.
    code, report, _ = verify_json(str(done), "--trust", str(course.ca_cert))
    assert code == 0
    assert report["signatures"][0]["time_source"] == "signer-clock"
    assert "did not trust that authority" in "\n".join(report["signatures"][0]["notes"])
    # The plain export (no --tsa, no setting) never asked anyone: no timestamp token.
    assert (
        verify_json(str(course.signed), "--trust", str(course.ca_cert), "--trust-tsa", str(pem))[1][
            "signatures"
        ][0]["timestamp_time"]
        is None
    )
