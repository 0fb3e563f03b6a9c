"""Sign a portfolio PDF as the student (certification) and countersign it as the tutor.

The student's signature is a PAdES B-B *certification* signature with DocMDP P=2: later
form filling and signing stay allowed, anything else breaks it (security-notes §3.5). The
tutor's approval signature goes into an empty signature field that the student's export
placed in advance. Why in advance: pyHanko's default change analysis (stricter than
Acrobat's) rejects a *new visible* signature field added after a certification signature,
while filling an existing one, appearance included, is allowed. So the decision and comment
can be printed in the tutor's box without breaking the student's signature.

Keys stay in memory: pyHanko's ``SimpleSigner`` is built from asn1crypto objects, never from
file paths. Signing time is the signer's own clock (no timestamp authority offline) and the
visible box says so.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.cms_embedder import SigObjSetup
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko_certvalidator.registry import SimpleCertificateStore

from portfolio_app.core.signing.appearance import (
    SIGNING_TIME_MARK,
    TextBoxStampStyle,
    clean_text,
)
from portfolio_app.core.signing.attachments import embed_portfolio_json
from portfolio_app.core.signing.errors import (
    CountersignRefusedError,
    IdentityError,
    SigningError,
)
from portfolio_app.core.signing.identity import (
    Identity,
    fingerprint_sha256,
    load_certificate,
    load_certificates,
    load_private_key,
    subject_summary,
)
from portfolio_app.core.signing.log_routing import route_pyhanko_logs
from portfolio_app.core.signing.notes import (
    COMMENT_KEY,
    DECISION_KEY,
    DECISION_LABELS,
    DECISIONS,
    MAX_COMMENT_CHARS,
    REASON_PREFIX,
    STUDENT_FIELD,
    TUTOR_FIELD,
    Decision,
)
from portfolio_app.core.signing.verification import Verdict, verify_pdf

SignatureBox = tuple[int, float, float, float, float]
"""``(page_index, x1, y1, x2, y2)`` in PDF points, origin at the page's bottom left."""

MAX_INPUT_BYTES = 512 * 1024 * 1024
_MD = "sha256"


def _signer(identity: Identity) -> signers.SimpleSigner:
    """A pyHanko signer over in-memory key material (checked to match the certificate)."""
    key = load_private_key(identity.private_key_pem)
    cert = load_certificate(identity.certificate_pem)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, spki
    ) != cert.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise IdentityError("The signing key does not belong to the identity's certificate.")
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for pem in identity.chain_pem
        for c in load_certificates(pem)
    ]
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


def _open(pdf_in: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over ``pdf_in``, or a :class:`SigningError` saying why not."""
    if len(pdf_in) > MAX_INPUT_BYTES:
        raise SigningError("The PDF is too large to sign.")
    if b"%PDF-" not in pdf_in[:1024]:
        raise SigningError("This is not a PDF file.")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_in))
    except Exception as exc:
        raise SigningError(f"The PDF could not be read: {exc}") from exc
    if writer.prev.encrypted:
        raise SigningError("Encrypted PDFs cannot be signed; export the portfolio again.")
    return writer


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    try:
        return int(writer.root["/Pages"]["/Count"])
    except Exception as exc:
        raise SigningError("The PDF's page tree is unreadable.") from exc


def _field_spec(
    name: str, box: SignatureBox | None, pages: int, readable: str | None = None
) -> fields.SigFieldSpec:
    if box is None:
        return fields.SigFieldSpec(name, readable_field_name=readable)
    page, x1, y1, x2, y2 = box
    if not 0 <= page < pages:
        raise SigningError(f"Signature box on page {page + 1}, but the PDF has {pages} pages.")
    if x2 - x1 < 20 or y2 - y1 < 10:
        raise SigningError("The signature box is too small to show any text.")
    return fields.SigFieldSpec(
        name,
        on_page=page,
        box=(round(x1), round(y1), round(x2), round(y2)),
        readable_field_name=readable,
    )


def _sign(
    writer: BasePdfFileWriter,
    pdf_signer: signers.PdfSigner,
    *,
    existing_fields_only: bool = False,
) -> bytes:
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, existing_fields_only=existing_fields_only, output=out)
    except (SigningError, IdentityError):
        raise
    except Exception as exc:  # pyHanko raises its own SigningError, PdfWriteError, ...
        raise SigningError(f"Signing failed: {exc}") from exc
    return out.getvalue()


def sign_portfolio(
    pdf_in: bytes,
    identity: Identity,
    *,
    field_name: str = STUDENT_FIELD,
    reason: str,
    location: str | None = None,
    visible_box: SignatureBox | None = None,
    embed_json: bytes | None = None,
    countersign_box: SignatureBox | None = None,
    countersign_field_name: str = TUTOR_FIELD,
    font_path: str | os.PathLike[str] | None = None,
) -> bytes:
    """Certify ``pdf_in`` as the student (PAdES B-B, DocMDP P=2, SHA-256); return the new PDF.

    ``embed_json`` is attached as ``portfolio.json`` in the signed revision. ``countersign_box``
    places the empty, visible tutor signature field now, because adding one later would count
    as a disallowed change; without it the portfolio cannot be countersigned. ``font_path``
    should name the app's bundled Unicode TrueType font for the visible box.
    """
    route_pyhanko_logs()
    pdf_signer_obj = _signer(identity)
    writer = _open(pdf_in)
    if writer.prev.embedded_signatures:
        raise SigningError(
            "This PDF is already signed; a certification signature must be the first one."
        )
    pages = _page_count(writer)
    student_spec = _field_spec(field_name, visible_box, pages)
    if countersign_box is not None:
        if countersign_field_name == field_name:
            raise SigningError("The tutor's field needs a name of its own.")
        fields.append_signature_field(
            writer,
            _field_spec(countersign_field_name, countersign_box, pages, "Tutor countersignature"),
        )
    if embed_json is not None:
        try:
            json.loads(embed_json)
        except ValueError as exc:
            raise SigningError("The portfolio data to embed is not valid JSON.") from exc
        embed_portfolio_json(writer, embed_json)

    summary = subject_summary(identity.certificate_pem)
    name = clean_text(summary["name"] or "")
    paragraphs = [f"Digitally signed by {name}"]
    if summary["student_id"]:
        paragraphs.append(f"Student ID: {clean_text(summary['student_id'])}")
    paragraphs += [
        f"Certificate SHA-256: {fingerprint_sha256(identity.certificate_pem)}",
        f"Signing time: {SIGNING_TIME_MARK} (signer's own clock)",
        f"Reason: {clean_text(reason)}",
    ]
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=clean_text(reason) or None,
        location=clean_text(location) if location else None,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        md_algorithm=_MD,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    signed = _sign(
        writer,
        signers.PdfSigner(
            meta,
            signer=pdf_signer_obj,
            stamp_style=TextBoxStampStyle(
                paragraphs=tuple(paragraphs),
                font_path=os.fspath(font_path) if font_path is not None else None,
            ),
            new_field_spec=student_spec,
        ),
    )
    _check_result(signed, expected_signatures=1)
    return signed


class _SigDictExtras:
    """Wraps pyHanko's CMS-embedder coroutine to add entries to the signature dictionary.

    pyHanko has no public knob for private signature-dictionary keys; the dictionary is a
    plain ``DictionaryObject`` handed over in ``SigObjSetup``, so we add ours on the way.
    The entries are written before hashing, hence covered by the signature.
    """

    def __init__(self, inner: Any, extras: Mapping[str, generic.PdfObject]) -> None:
        self._inner = inner
        self._extras = dict(extras)

    def send(self, message: Any) -> Any:
        if isinstance(message, SigObjSetup):
            for key, value in self._extras.items():
                message.sig_placeholder[generic.pdf_name(key)] = value
        return self._inner.send(message)


class _NotesPdfSigner(signers.PdfSigner):
    """A ``PdfSigner`` that records extra (private) entries in the signature dictionary."""

    def __init__(self, *args: Any, extras: Mapping[str, generic.PdfObject], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._extras = extras

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.cms_writer = _SigDictExtras(session.cms_writer, self._extras)
        return session


def _empty_tutor_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    """Refuse unless ``field_name`` exists, is unsigned, and has a visible box."""
    found = list(fields.enumerate_sig_fields(writer.prev, with_name=field_name))
    if not found:
        raise CountersignRefusedError(
            f"This portfolio has no tutor signature box ({field_name}). Ask the student to "
            "export it again with the countersignature box."
        )
    _, value, field_ref = found[0]
    if value is not None:
        raise CountersignRefusedError("This portfolio has already been countersigned.")
    rect = field_ref.get_object().get("/Rect")
    try:
        x1, y1, x2, y2 = (float(v) for v in rect)
    except Exception:
        x1 = y1 = x2 = y2 = 0.0
    if abs(x2 - x1) < 1 or abs(y2 - y1) < 1:
        raise CountersignRefusedError(
            "The tutor signature box is invisible, so the decision could not be shown."
        )


def countersign(
    pdf_in: bytes,
    identity: Identity,
    *,
    decision: Decision,
    comment: str,
    field_name: str = TUTOR_FIELD,
    location: str | None = None,
    font_path: str | os.PathLike[str] | None = None,
) -> bytes:
    """Add the tutor's approval signature, with decision and comment, as an incremental update.

    Refuses (:class:`CountersignRefusedError`) when the student's certification signature is
    missing, broken, or the file was changed in a way it does not allow: countersigning a
    tampered portfolio would lend it credibility. Trust in the student's certificate is not
    required here; the caller may check it first with :func:`verify_pdf`.
    """
    route_pyhanko_logs()
    if decision not in DECISIONS:
        raise SigningError(f"The decision must be one of: {', '.join(DECISIONS)}.")
    comment = clean_text(comment, keep_newlines=True)
    if len(comment) > MAX_COMMENT_CHARS:
        raise SigningError(f"The comment is longer than {MAX_COMMENT_CHARS} characters.")
    pdf_signer_obj = _signer(identity)
    before = verify_pdf(pdf_in)
    if before.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE:
        raise CountersignRefusedError(
            f"There is no intact student signature to countersign: {before.reason}"
        )
    if before.verdict is Verdict.BROKEN_OR_MODIFIED:
        raise CountersignRefusedError(
            "The student's signature is broken or the portfolio was changed after signing; "
            f"it cannot be countersigned. ({before.reason})"
        )
    writer = _open(pdf_in)
    _empty_tutor_field(writer, field_name)

    summary = subject_summary(identity.certificate_pem)
    paragraphs = [
        f"Tutor countersignature by {clean_text(summary['name'] or '')}",
        f"Decision: {decision} ({DECISION_LABELS[decision]})",
        f"Signing time: {SIGNING_TIME_MARK} (signer's own clock)",
    ]
    comment_lines = comment.split("\n") if comment else []
    if comment_lines:
        paragraphs.append(f"Comment: {comment_lines[0]}")
        paragraphs.extend(comment_lines[1:])
    paragraphs.append(f"Certificate SHA-256: {fingerprint_sha256(identity.certificate_pem)}")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=f"{REASON_PREFIX}{decision}",
        location=clean_text(location) if location else None,
        certify=False,
        md_algorithm=_MD,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = _NotesPdfSigner(
        meta,
        signer=pdf_signer_obj,
        stamp_style=TextBoxStampStyle(
            paragraphs=tuple(paragraphs),
            font_path=os.fspath(font_path) if font_path is not None else None,
        ),
        extras={
            DECISION_KEY: generic.TextStringObject(decision),
            COMMENT_KEY: generic.TextStringObject(comment),
        },
    )
    signed = _sign(writer, pdf_signer, existing_fields_only=True)
    _check_result(signed, expected_signatures=len(before.signatures) + 1)
    return signed


def _check_result(signed: bytes, *, expected_signatures: int) -> None:
    """Re-verify what we just wrote, so a broken file is never handed to the user."""
    report = verify_pdf(signed)
    if (
        report.verdict in {Verdict.BROKEN_OR_MODIFIED, Verdict.NOT_SIGNED_OR_UNREADABLE}
        or len(report.signatures) != expected_signatures
    ):
        raise SigningError(f"The signed PDF failed its own check: {report.reason}")
