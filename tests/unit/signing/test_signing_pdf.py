"""Signing and countersigning: what ends up in the PDF, and what is refused."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from pdf_samples import STUDENT_BOX, TUTOR_BOX, WriteFile, make_pdf, portfolio_json
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm

from portfolio_app.core.signing.course_ca import CourseAuthority
from portfolio_app.core.signing.errors import (
    CountersignRefusedError,
    IdentityError,
    SigningError,
)
from portfolio_app.core.signing.identity import Identity, create_identity
from portfolio_app.core.signing.notes import COMMENT_KEY, DECISION_KEY
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.verification import (
    Verdict,
    extract_embedded_json,
    read_countersignature_notes,
    verify_pdf,
)


def _reader(data: bytes) -> PdfFileReader:
    return PdfFileReader(io.BytesIO(data), strict=True)


def test_student_signature_is_pades_certification_allowing_form_fill(
    signed_pdf: bytes, write: WriteFile
) -> None:
    path = write("signed.pdf", signed_pdf)
    reader = _reader(path.read_bytes())
    [sig] = reader.embedded_signatures
    assert sig.field_name == "StudentSignature"
    assert sig.docmdp_level == MDPPerm.FILL_FORMS
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.sig_object["/Reason"] == "I am the author of this portfolio"
    assert sig.md_algorithm == "sha256"
    # The catalog's /Perms /DocMDP points at this very signature (a real certification).
    docmdp_ref = reader.root["/Perms"].raw_get("/DocMDP").reference
    assert docmdp_ref == sig.sig_field.raw_get("/V").reference


def test_student_signature_box_is_visible_where_asked(signed_pdf: bytes) -> None:
    reader = _reader(signed_pdf)
    [sig] = reader.embedded_signatures
    rect = [float(v) for v in sig.sig_field["/Rect"]]
    assert rect == [STUDENT_BOX[1], STUDENT_BOX[2], STUDENT_BOX[3], STUDENT_BOX[4]]
    page = reader.root["/Pages"]["/Kids"][STUDENT_BOX[0]].get_object()
    annots = [a.get_object().get("/T") for a in page["/Annots"]]
    assert "StudentSignature" in annots
    assert "TutorSignature" in annots
    appearance = sig.sig_field["/AP"]["/N"].get_object()
    assert appearance.data  # a real appearance stream, not an empty one


def test_empty_tutor_field_is_placed_inside_the_certified_revision(signed_pdf: bytes) -> None:
    reader = _reader(signed_pdf)
    fields = {f.get_object()["/T"]: f.get_object() for f in reader.root["/AcroForm"]["/Fields"]}
    tutor = fields["TutorSignature"]
    assert "/V" not in tutor  # empty until the tutor signs
    assert [float(v) for v in tutor["/Rect"]] == list(TUTOR_BOX[1:])


def test_portfolio_json_is_attached_as_associated_data_and_covered(signed_pdf: bytes) -> None:
    reader = _reader(signed_pdf)
    [spec_ref] = reader.root["/AF"]
    spec = spec_ref.get_object()
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == "portfolio.json"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json"
    embedded = json.loads(stream.data)
    assert {k: v for k, v in embedded.items() if k != "form"} == json.loads(portfolio_json())
    assert [f["name"] for f in embedded["form"]["fields"]] == ["StudentSignature", "TutorSignature"]
    [sig] = reader.embedded_signatures
    # Attached in the revision the signature covers (the only revision after the original).
    assert sig.signed_revision == reader.xrefs.total_revisions - 1
    assert reader.xrefs.get_last_change(spec_ref.reference) == sig.signed_revision
    assert extract_embedded_json(signed_pdf) == stream.data


def test_sign_without_json_or_box_still_certifies_and_names_the_signer(student: Identity) -> None:
    signed = sign_portfolio(make_pdf(1), student, reason="Author")
    report = verify_pdf(signed, trust_certs_pem=[student.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    embedded = extract_embedded_json(signed)
    assert embedded is not None
    assert json.loads(embedded)["profile"]["student_id"] == "STU-2025-0042"
    assert report.summary.student_id == "STU-2025-0042"


def test_signing_never_writes_key_material_to_temp_files(
    student: Identity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy_tmp = tmp_path / "tmp"
    spy_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spy_tmp))
    monkeypatch.setenv("TMPDIR", str(spy_tmp))
    signed = sign_portfolio(
        make_pdf(1), student, reason="Author", visible_box=(0, 40, 40, 300, 120)
    )
    assert list(spy_tmp.iterdir()) == []
    key_body = b"".join(student.private_key_pem.splitlines()[1:-1])
    assert key_body not in signed


def test_sign_refuses_non_pdf_encrypted_and_already_signed(
    student: Identity, signed_pdf: bytes
) -> None:
    with pytest.raises(SigningError, match="not a PDF"):
        sign_portfolio(b"hello", student, reason="x")
    with pytest.raises(SigningError, match=r"[Ee]ncrypted"):
        sign_portfolio(make_pdf(1, encrypt="secret"), student, reason="x")
    with pytest.raises(SigningError, match="already signed"):
        sign_portfolio(signed_pdf, student, reason="x")


def test_sign_refuses_boxes_off_the_page_and_bad_json(student: Identity) -> None:
    with pytest.raises(SigningError, match="page 5"):
        sign_portfolio(make_pdf(2), student, reason="x", visible_box=(4, 10, 10, 200, 80))
    with pytest.raises(SigningError, match="JSON"):
        sign_portfolio(make_pdf(1), student, reason="x", embed_json=b"{not json")


def test_sign_refuses_identity_whose_key_does_not_match_certificate() -> None:
    one = create_identity("One", "S-1")
    two = create_identity("Two", "S-2")
    franken = Identity(private_key_pem=one.private_key_pem, certificate_pem=two.certificate_pem)
    with pytest.raises(IdentityError, match="does not belong"):
        sign_portfolio(make_pdf(1), franken, reason="x")


def test_countersignature_records_decision_and_comment(countersigned_pdf: bytes) -> None:
    reader = _reader(countersigned_pdf)
    student_sig, tutor_sig = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    assert student_sig.field_name == "StudentSignature"
    assert tutor_sig.field_name == "TutorSignature"
    assert tutor_sig.docmdp_level is None  # approval, not certification
    assert tutor_sig.sig_object["/Reason"] == "Tutor countersignature: partially-meets"
    assert tutor_sig.sig_object[DECISION_KEY] == "partially-meets"
    assert tutor_sig.sig_object[COMMENT_KEY].startswith("Strong SBAR reflection.\n")
    [notes] = read_countersignature_notes(countersigned_pdf)
    assert notes.field_name == "TutorSignature"
    assert notes.decision == "partially-meets"
    assert notes.comment == (
        "Strong SBAR reflection.\nLink the next plan to the pharmacist's view."
    )
    # The countersignature is an incremental update: the signed file is a prefix.
    assert countersigned_pdf.startswith(_reader_bytes_prefix(countersigned_pdf, student_sig))


def _reader_bytes_prefix(data: bytes, sig: object) -> bytes:
    byte_range = sig.sig_object["/ByteRange"]  # type: ignore[attr-defined]
    return data[: byte_range[2] + byte_range[3]]


def test_countersign_keeps_the_student_signature_valid(
    countersigned_pdf: bytes, signed_pdf: bytes, course_ca: CourseAuthority
) -> None:
    assert countersigned_pdf.startswith(signed_pdf)
    report = verify_pdf(countersigned_pdf, trust_certs_pem=[course_ca.certificate_pem])
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    student_check, tutor_check = report.signatures
    assert student_check.modification_level == "form-filling"
    assert student_check.docmdp_ok is True
    assert tutor_check.decision == "partially-meets"


def test_countersign_refuses_unknown_decision(signed_pdf: bytes, tutor: Identity) -> None:
    with pytest.raises(SigningError, match="decision"):
        countersign(signed_pdf, tutor, decision="excellent", comment="")  # type: ignore[arg-type]


def test_countersign_refuses_file_without_tutor_box(student: Identity, tutor: Identity) -> None:
    no_box = sign_portfolio(make_pdf(1), student, reason="Author", embed_json=portfolio_json())
    with pytest.raises(CountersignRefusedError, match="no tutor box"):
        countersign(no_box, tutor, decision="meets", comment="ok")


def test_countersign_refuses_twice(countersigned_pdf: bytes, tutor: Identity) -> None:
    with pytest.raises(CountersignRefusedError, match="already signed"):
        countersign(countersigned_pdf, tutor, decision="meets", comment="again")


def test_countersign_refuses_unsigned_pdf(tutor: Identity) -> None:
    with pytest.raises(CountersignRefusedError, match="no intact student signature"):
        countersign(make_pdf(1), tutor, decision="meets", comment="")


def test_countersign_refuses_tampered_portfolio(signed_pdf: bytes, tutor: Identity) -> None:
    tampered = signed_pdf.replace(b"(Page 0 hello)", b"(Page 0 jello)")
    assert tampered != signed_pdf
    with pytest.raises(CountersignRefusedError, match="fails its checks") as info:
        countersign(tampered, tutor, decision="meets", comment="looks fine")
    assert "cannot be countersigned" in info.value.user_message


def test_long_comment_is_kept_whole_in_the_signature(signed_pdf: bytes, tutor: Identity) -> None:
    comment = " ".join(f"word{i}" for i in range(1500))
    result = countersign(signed_pdf, tutor, decision="does-not-meet", comment=comment)
    [notes] = read_countersignature_notes(result)
    assert notes.comment == comment
    assert notes.decision == "does-not-meet"
    assert verify_pdf(result).verdict is Verdict.VALID_UNTRUSTED


def test_control_characters_in_comment_are_dropped(signed_pdf: bytes, tutor: Identity) -> None:
    result = countersign(signed_pdf, tutor, decision="meets", comment="ok\x00\x07 fine\u202e")
    [notes] = read_countersignature_notes(result)
    assert notes.comment == "ok fine"


def test_signed_json_keeps_unicode(student: Identity) -> None:
    data = json.dumps(
        {"profile": {"student_id": "STU-2025-0042", "name": "Zoë Ñúñez Łukasz"}, "note": "Σοφία"},
        ensure_ascii=False,
    ).encode()
    signed = sign_portfolio(make_pdf(1), student, reason="Author", embed_json=data)
    embedded = extract_embedded_json(signed)
    assert embedded is not None and "Σοφία".encode() in embedded
    assert json.loads(embedded)["note"] == "Σοφία"
