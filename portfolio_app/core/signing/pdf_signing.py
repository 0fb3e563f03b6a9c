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

import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
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
from portfolio_app.core.signing.feedback_fields import (
    add_text_fields,
    feedback_field_values,
    fill_text_fields,
)
from portfolio_app.core.signing.form_layout import TEXT, FormField, FormLayout, build_layout
from portfolio_app.core.signing.identity import (
    Identity,
    fingerprint_sha256,
    load_certificate,
    load_certificates,
    load_private_key,
    subject_summary,
)
from portfolio_app.core.signing.limits import MAX_JSON_BYTES, MAX_PAGES, MAX_PDF_BYTES, MiB, mib
from portfolio_app.core.signing.log_routing import route_pyhanko_logs
from portfolio_app.core.signing.notes import (
    COMMENT_KEY,
    DECISION_KEY,
    DECISION_LABELS,
    DECISIONS,
    MAX_COMMENT_CHARS,
    REASON_PREFIX,
    ROLE_KEY,
    STUDENT_FIELD,
    Decision,
)
from portfolio_app.core.signing.roles import Role, certificate_roles
from portfolio_app.core.signing.trust import TrustSettings, build_trust
from portfolio_app.core.signing.verification import (
    Verdict,
    VerificationReport,
    read_form_layout,
    verify_pdf,
)

SignatureBox = tuple[int, float, float, float, float]
"""``(page_index, x1, y1, x2, y2)`` in PDF points, origin at the page's bottom left."""

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
    if len(pdf_in) > MAX_PDF_BYTES:
        raise SigningError(
            f"The PDF is {mib(len(pdf_in))}; portfolios are limited to {MAX_PDF_BYTES // MiB} "
            "MiB so that every assessor can check them quickly (export a date range or fewer "
            "entries)."
        )
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
    name: str,
    box: SignatureBox | None,
    pages: int,
    readable: str | None = None,
    lock_excludes: Sequence[str] | None = None,
) -> fields.SigFieldSpec:
    lock = (
        fields.FieldMDPSpec(fields.FieldMDPAction.EXCLUDE, list(lock_excludes))
        if lock_excludes is not None
        else None
    )
    if box is None:
        return fields.SigFieldSpec(name, readable_field_name=readable, field_mdp_spec=lock)
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
        field_mdp_spec=lock,
    )


def _timestamper(tsa_url: str | None) -> Any:
    """pyHanko's RFC 3161 client for ``tsa_url`` (``None``: no timestamp, nothing fetched)."""
    if not tsa_url:
        return None
    if not tsa_url.startswith(("http://", "https://")):
        raise SigningError("The time-stamping authority's address must start with http(s)://.")
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(tsa_url, timeout=30)


def _with_form(embed_json: bytes | None, layout: FormLayout, identity: Identity) -> bytes:
    """``portfolio.json`` with the ``form`` member describing every field created.

    Without ``embed_json`` a minimal document naming the signer is made, so the file still
    says whose it is.
    """
    summary = subject_summary(identity.certificate_pem)
    document: dict[str, Any] = {
        "format": "reflective-portfolio",
        "profile": {"name": summary["name"], "student_id": summary["student_id"]},
    }
    if embed_json is not None:
        try:
            parsed = json.loads(embed_json)
        except ValueError as exc:
            raise SigningError("The portfolio data to embed is not valid JSON.") from exc
        if not isinstance(parsed, dict):
            raise SigningError("The portfolio data to embed is not a JSON object.")
        document = parsed
    document["form"] = layout.to_json()
    encoded = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    if len(encoded) > MAX_JSON_BYTES:
        raise SigningError(
            f"The portfolio's data is {mib(len(encoded))}; portfolio.json is limited to "
            f"{MAX_JSON_BYTES // MiB} MiB so that every assessor can check it (export a date "
            "range or fewer entries)."
        )
    return encoded


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
    staff_boxes: Mapping[Role, SignatureBox] | None = None,
    text_fields: Sequence[FormField] = (),
    font_path: str | os.PathLike[str] | None = None,
    tsa_url: str | None = None,
    field_labels: Mapping[str, str] | None = None,
) -> bytes:
    """Certify ``pdf_in`` as the student (PAdES B-B, DocMDP P=2, SHA-256); return the new PDF.

    ``staff_boxes`` places one empty, visible signature field per staff role now (adding one
    after certification would count as a disallowed change); ``countersign_box`` is shorthand
    for a tutor box alone. Each staff box carries a FieldMDP ``/Lock`` that excludes only the
    *other* staff boxes, so a countersignature freezes everything but the boxes still to sign.
    ``embed_json`` is attached as ``portfolio.json`` with a ``form`` member listing every
    field created here (the verifier rejects any other). ``font_path`` should name the app's
    bundled Unicode TrueType font for the visible box; ``tsa_url`` adds an RFC 3161 signature
    timestamp from that authority (nothing is fetched without it). ``text_fields`` (feedback
    boxes, ``feedback_fields``) are created empty, with ``field_labels`` as their tooltips.
    """
    route_pyhanko_logs()
    pdf_signer_obj = _signer(identity)
    if field_name != STUDENT_FIELD:
        raise SigningError(f"The student's signature box is always named {STUDENT_FIELD}.")
    writer = _open(pdf_in)
    if writer.prev.embedded_signatures:
        raise SigningError(
            "This PDF is already signed; a certification signature must be the first one."
        )
    pages = _page_count(writer)
    if pages > MAX_PAGES:
        raise SigningError(
            f"The portfolio has {pages:,} pages; signed portfolios are limited to "
            f"{MAX_PAGES:,} pages so that every assessor can check them quickly (export a date "
            "range or fewer entries)."
        )
    student_spec = _field_spec(field_name, visible_box, pages)
    boxes: dict[Role, SignatureBox] = dict(staff_boxes or {})
    if countersign_box is not None:
        boxes.setdefault(Role.TUTOR, countersign_box)
    if any(not role.is_staff for role in boxes):
        raise SigningError("Only staff roles get countersignature boxes.")
    try:
        layout = build_layout(visible_box or (0, 0.0, 0.0, 0.0, 0.0), boxes, text_fields)
    except ValueError as exc:
        raise SigningError(f"The signature boxes cannot be laid out: {exc}") from exc
    for box_field in layout.staff_boxes:
        role = box_field.staff_role
        assert role is not None
        fields.append_signature_field(
            writer,
            _field_spec(
                box_field.name,
                boxes[role],
                pages,
                f"{role.label.capitalize()} countersignature",
                lock_excludes=layout.lock_excludes(box_field),
            ),
        )
    add_text_fields(writer, [f for f in layout.fields if f.kind == TEXT], dict(field_labels or {}))
    embed_portfolio_json(writer, _with_form(embed_json, layout, identity))

    summary = subject_summary(identity.certificate_pem)
    name = clean_text(summary["name"] or "")
    paragraphs = [f"Digitally signed by {name}"]
    if summary["student_id"]:
        paragraphs.append(f"Student ID: {clean_text(summary['student_id'])}")
    clock = "time-stamping authority" if tsa_url else "signer's own clock"
    paragraphs += [
        f"Certificate SHA-256: {fingerprint_sha256(identity.certificate_pem)}",
        f"Signing time: {SIGNING_TIME_MARK} ({clock})",
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
            timestamper=_timestamper(tsa_url),
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


def _spki(pem: bytes) -> bytes:
    return (
        load_certificate(pem)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def choose_box(
    pdf_in: bytes, identity: Identity, role: Role | None = None
) -> tuple[FormField, Role]:
    """The staff box ``identity`` should sign: ``role``'s, else the first unsigned box whose role
    the signer's certificate carries. Raises :class:`CountersignRefusedError` saying why not."""
    layout = read_form_layout(pdf_in)
    if layout is None:
        raise CountersignRefusedError(
            "This portfolio does not record its signature boxes (it was exported by an older "
            "version, or is not a portfolio). Ask the student to export it again."
        )
    cert_roles = certificate_roles(load_certificate(identity.certificate_pem))
    staff_roles = sorted((r for r in cert_roles if r.is_staff), key=lambda r: r.policy_oid)
    if not staff_roles:
        held = ", ".join(r.value for r in cert_roles) or "none (a certificate without a role)"
        raise CountersignRefusedError(
            f"Your certificate's role is {held}, not a staff role, so your signature could "
            "not count in a staff box. Send a certificate request ('portfolio identity csr') "
            "to the course CA and import the tutor certificate it issues."
        )
    if role is not None and role not in cert_roles:
        raise CountersignRefusedError(
            f"Your certificate is for {', '.join(r.label for r in staff_roles)}, not "
            f"{role.label}; a {role.label} box needs a {role.label} certificate."
        )
    signed = set(signed_field_names(pdf_in))
    wanted = [role] if role is not None else staff_roles
    boxes = [b for b in layout.staff_boxes if b.staff_role in wanted]
    if not boxes:
        roles_in_file = ", ".join(b.role for b in layout.staff_boxes) or "none"
        raise CountersignRefusedError(
            f"This portfolio has no {' or '.join(r.label for r in wanted)} box (its staff "
            f"boxes: {roles_in_file}). The student chooses the boxes when exporting."
        )
    for box in boxes:
        if box.name not in signed:
            assert box.staff_role is not None
            return box, box.staff_role
    raise CountersignRefusedError(
        f"The {' and '.join(b.role for b in boxes)} box of this portfolio is already signed."
    )


def signed_field_names(pdf_in: bytes) -> list[str]:
    """Names of the signature fields that hold a signature (never raises)."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_in))
        return [
            str(name)
            for name, value, _ in fields.enumerate_sig_fields(writer.prev)
            if value is not None
        ]
    except Exception:
        return []


def countersign(
    pdf_in: bytes,
    identity: Identity,
    *,
    decision: Decision,
    comment: str,
    role: Role | None = None,
    location: str | None = None,
    font_path: str | os.PathLike[str] | None = None,
    trust_certs_pem: Sequence[bytes] = (),
    trust: TrustSettings | None = None,
    tsa_url: str | None = None,
    crls: Sequence[bytes] = (),
    feedback: Mapping[str, str] | None = None,
) -> bytes:
    """Add a staff approval signature, with decision and comment, as an incremental update.

    ``feedback`` (entry id, or ``"overall"``, -> text) fills the feedback boxes in the same
    revision as the signature, so the signature covers what it fills; an empty text clears a
    box. Only the first staff signature can do that (its lock closes the boxes).

    The box is ``role``'s (default: the first unsigned box matching the signer's certificate
    role). Refuses (:class:`CountersignRefusedError`) when the file fails the verifier's checks
    (a broken or forged signature, an unknown field, something over a signature box, the
    signer being the student): countersigning it would lend it credibility. The trust inputs
    are used for the checks before and after; trust in the student is the caller's question
    (see :func:`precheck`). ``crls`` are embedded as revocation evidence with the signature.
    """
    route_pyhanko_logs()
    if decision not in DECISIONS:
        raise SigningError(f"The decision must be one of: {', '.join(DECISIONS)}.")
    comment = clean_text(comment, keep_newlines=True)
    if len(comment) > MAX_COMMENT_CHARS:
        raise SigningError(f"The comment is longer than {MAX_COMMENT_CHARS} characters.")
    pdf_signer_obj = _signer(identity)
    trust = trust or build_trust(trust_certs_pem)
    before = precheck(pdf_in, identity, trust=trust)
    box, box_role = choose_box(pdf_in, identity, role)
    writer = _open(pdf_in)
    if feedback:
        layout = read_form_layout(pdf_in)
        assert layout is not None  # choose_box refused a file without one
        if any(s.role.value == "staff-countersignature" for s in before.signatures):
            raise CountersignRefusedError(
                "The feedback boxes were locked by the first staff countersignature; a later "
                "signer can add a decision and a comment, not feedback in the boxes."
            )
        values = feedback_field_values(layout, feedback, _entry_numbers(pdf_in))
        fill_text_fields(writer, layout, values, font_path)

    summary = subject_summary(identity.certificate_pem)
    clock = "time-stamping authority" if tsa_url else "signer's own clock"
    paragraphs = [
        f"{box_role.label.capitalize()} countersignature by {clean_text(summary['name'] or '')}",
        f"Decision: {decision} ({DECISION_LABELS[decision]})",
        f"Signing time: {SIGNING_TIME_MARK} ({clock})",
    ]
    comment_lines = comment.split("\n") if comment else []
    if comment_lines:
        paragraphs.append(f"Comment: {comment_lines[0]}")
        paragraphs.extend(comment_lines[1:])
    paragraphs.append(f"Certificate SHA-256: {fingerprint_sha256(identity.certificate_pem)}")
    meta = signers.PdfSignatureMetadata(
        field_name=box.name,
        reason=f"{REASON_PREFIX}{decision}",
        location=clean_text(location) if location else None,
        certify=False,
        md_algorithm=_MD,
        subfilter=fields.SigSeedSubFilter.PADES,
        **_revocation_meta(identity, crls),
    )
    pdf_signer = _NotesPdfSigner(
        meta,
        signer=pdf_signer_obj,
        timestamper=_timestamper(tsa_url),
        stamp_style=TextBoxStampStyle(
            paragraphs=tuple(paragraphs),
            font_path=os.fspath(font_path) if font_path is not None else None,
        ),
        extras={
            DECISION_KEY: generic.TextStringObject(decision),
            COMMENT_KEY: generic.TextStringObject(comment),
            ROLE_KEY: generic.TextStringObject(box_role.value),
        },
    )
    signed = _sign(writer, pdf_signer, existing_fields_only=True)
    _check_result(signed, expected_signatures=len(before.signatures) + 1, trust=trust)
    return signed


def _entry_numbers(pdf_in: bytes) -> dict[str, str]:
    """Entry id -> its number in the PDF ("E12"), from the signed ``portfolio.json``."""
    from portfolio_app.core.signing.verification import extract_embedded_json

    raw = extract_embedded_json(pdf_in)
    try:
        numbers = json.loads(raw or b"{}").get("export", {}).get("entry_numbers", {})
    except (ValueError, AttributeError, RecursionError):
        return {}
    return {str(k): str(v) for k, v in numbers.items()} if isinstance(numbers, dict) else {}


def _revocation_meta(identity: Identity, crls: Sequence[bytes]) -> dict[str, Any]:
    """Signature metadata that embeds ``crls`` (validated against the signer's own chain)."""
    if not crls:
        return {}
    from cryptography import x509
    from pyhanko_certvalidator import ValidationContext

    roots = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for pem in identity.chain_pem
        for c in load_certificates(pem)
    ]
    if not roots:
        raise SigningError("A revocation list can only be embedded with a CA-issued certificate.")
    parsed = []
    for blob in crls:
        try:
            crl = (
                x509.load_pem_x509_crl(blob)
                if b"-----BEGIN" in blob
                else x509.load_der_x509_crl(blob)
            )
        except ValueError as exc:
            raise SigningError("The revocation list is not a readable CRL.") from exc
        parsed.append(crl.public_bytes(serialization.Encoding.DER))
    from asn1crypto import crl as asn1_crl

    context = ValidationContext(
        trust_roots=roots,
        crls=[asn1_crl.CertificateList.load(d) for d in parsed],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    return {"embed_validation_info": True, "validation_context": context}


def precheck(
    pdf_in: bytes, identity: Identity, *, trust: TrustSettings | None = None
) -> VerificationReport:
    """Verify before countersigning; raise :class:`CountersignRefusedError` for a file that
    fails the checks (exit 1 or 3 in ``portfolio verify``) or that the signer wrote."""
    before = verify_pdf(pdf_in, trust=trust)
    if before.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE:
        raise CountersignRefusedError(
            f"There is no intact student signature to countersign: {before.reason}"
        )
    if before.verdict is Verdict.BROKEN_OR_MODIFIED:
        raise CountersignRefusedError(
            f"The portfolio fails its checks, so it cannot be countersigned: {before.reason}"
        )
    own = subject_summary(identity.certificate_pem)
    student = before.signatures[0]
    if (
        own["name"]
        and student.signer_name
        and " ".join(own["name"].split()).casefold()
        == " ".join(student.signer_name.split()).casefold()
        and (own["student_id"] or "") == (student.signer_id or "")
    ):
        raise CountersignRefusedError(
            "Your certificate names the same person as the student's: a portfolio cannot be "
            "countersigned by its author."
        )
    own_key = _spki(identity.certificate_pem)
    own_fp = fingerprint_sha256(identity.certificate_pem)
    for sig in before.signatures:
        if sig.fingerprint == own_fp or (
            sig.public_key_sha256 and sig.public_key_sha256 == (hashlib.sha256(own_key).hexdigest())
        ):
            who = "the student's" if sig.index == 1 else f"signature {sig.index}'s"
            raise CountersignRefusedError(
                f"Your signing key is {who}: a portfolio cannot be countersigned by someone "
                "who already signed it."
            )
    return before


def _check_result(
    signed: bytes, *, expected_signatures: int, trust: TrustSettings | None = None
) -> None:
    """Re-verify what we just wrote, so a broken file is never handed to the user."""
    report = verify_pdf(signed, trust=trust)
    if (
        report.verdict in {Verdict.BROKEN_OR_MODIFIED, Verdict.NOT_SIGNED_OR_UNREADABLE}
        or len(report.signatures) != expected_signatures
    ):
        raise SigningError(f"The signed PDF failed its own check: {report.reason}")
