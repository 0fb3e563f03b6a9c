"""Evidence files: what may be attached and what is refused, stored whole or not at all, and
embedded in the signed export where the signature covers them and verify checks them."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.core.evidence.files import (
    DOCX,
    JPEG,
    MAX_EVIDENCE_BYTES,
    MAX_FILES_PER_ENTRY,
    ODT,
    PDF,
    PNG,
    TEXT,
    read_evidence_file,
)
from portfolio_app.core.export.selection import ExportSelection
from portfolio_app.core.services.export_service import (
    export_portfolio,
    extract_portfolio_json,
    prepare_export,
    verify_file,
)
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.signing.errors import SigningError
from portfolio_app.core.storage.attachment_repository import AttachmentRepository
from tests.integration.test_export_support import PASSPHRASE, POPPLER, STUDENT, tool_output

# ---- files that may be attached ---------------------------------------------------------------


def _png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1800, 1200), (200, 200, 180)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions (a decompression bomb's first bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("certificate.pdf", _pdf(), PDF),
        ("whiteboard.png", _png(), PNG),
        ("photo.JPG", _jpeg(), JPEG),
        ("photo.jpeg", _jpeg(), JPEG),
        ("notes.txt", "Attendance confirmed. Zoë".encode(), TEXT),
        ("notes.md", b"# Notes\n", TEXT),
        ("feedback.docx", _docx(), DOCX),
        ("feedback.odt", _odt(), ODT),
    ],
)
def test_allowed_kinds_are_recognised_from_their_content(
    tmp_path: Path, name: str, data: bytes, media_type: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    evidence = read_evidence_file(path)
    assert (evidence.name, evidence.media_type, evidence.data) == (name, media_type, data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.pdf", b"", "is empty"),
        ("photo.jpg", _png(), "named like a JPEG photo but is a PNG image"),
        ("program.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "not a kind of file"),
        ("archive.docx", _odt().replace(b"mimetype", b"mimetypx"), "not a kind of file"),
        ("certificate", _pdf(), "no extension"),
        ("script.sh", b"#!/bin/sh\necho hi\n", "no extension, or one the portfolio does not take"),
        ("binary.txt", b"text\x00with a NUL", "not a kind of file"),
        ("bomb.png", _png_claiming(20_000, 20_000), "too large an image"),
        ("wide.png", _png_claiming(11_000, 5_000), "too large an image (11000 x 5000 pixels)"),
        ("broken.png", _png()[:60], "cannot be read"),
    ],
)
def test_refused_files_say_why(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValidationError) as caught:
        read_evidence_file(path)
    assert words in caught.value.user_message


def test_links_folders_pipes_and_huge_files_are_refused_without_reading(tmp_path: Path) -> None:
    target = tmp_path / "real.pdf"
    target.write_bytes(_pdf())
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    with pytest.raises(ValidationError, match="symbolic link"):
        read_evidence_file(link)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(ValidationError, match="is a folder"):
        read_evidence_file(folder)
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    with pytest.raises(ValidationError, match="not an ordinary file"):
        read_evidence_file(pipe)  # opened non-blocking: returns at once, never waits
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(MAX_EVIDENCE_BYTES + 1)  # sparse: nothing large is written or read
    with pytest.raises(ValidationError, match=r"at most 15\.0 MB"):
        read_evidence_file(huge)
    with pytest.raises(ValidationError, match="does not exist"):
        read_evidence_file(tmp_path / "missing.pdf")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(_pdf())
    path.chmod(0)
    with pytest.raises(ValidationError, match="permission"):
        read_evidence_file(path)


def test_names_are_cleaned_of_bidi_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "invoice\u202etxt.pdf"
    path.write_bytes(_pdf())
    assert read_evidence_file(path).name == "invoicetxt.pdf"


# ---- stored whole or not at all ----------------------------------------------------------------


@pytest.fixture
def service(tmp_path: Path) -> Iterator[PortfolioService]:
    svc, _ = PortfolioService.create(tmp_path / "p", PASSPHRASE, STUDENT)
    with svc:
        yield svc


def _entry(service: PortfolioService, title: str = "SBAR practice") -> str:
    return service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION, title=title, sections=(Section("What?", "Readback."),)
        )
    ).id


def test_a_refusal_stores_nothing_and_limits_hold(
    service: PortfolioService, tmp_path: Path
) -> None:
    entry_id = _entry(service)
    bad = tmp_path / "fake.png"
    bad.write_bytes(_pdf())
    with pytest.raises(ValidationError):
        service.add_attachment(entry_id, bad)
    assert service.attachments(entry_id) == []
    for n in range(MAX_FILES_PER_ENTRY):
        if n == 1:
            with pytest.raises(ValidationError, match="already attached"):
                service.add_attachment(entry_id, tmp_path / "note-0.txt")
        path = tmp_path / f"note-{n}.txt"
        path.write_text(f"note {n}", encoding="utf-8")
        service.add_attachment(entry_id, path)
    one_more = tmp_path / "one-more.txt"
    one_more.write_text("more", encoding="utf-8")
    with pytest.raises(ValidationError, match="the most it can have"):
        service.add_attachment(entry_id, one_more)
    assert len(service.attachments(entry_id)) == MAX_FILES_PER_ENTRY
    assert service.full_check().ok


# ---- in the signed export ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Export:
    pdf: Path
    files: dict[str, bytes]
    entry_id: str
    service_dir: Path


@pytest.fixture
def evidence_export(tmp_path: Path) -> Export:
    folder = tmp_path / "student"
    files = {"whiteboard.jpg": _jpeg(), "certificate.pdf": _pdf(), "notes.txt": b"Confirmed.\n"}
    svc, _ = PortfolioService.create(folder, PASSPHRASE, STUDENT)
    with svc:
        entry_id = _entry(svc)
        for name, data in files.items():
            path = tmp_path / name
            path.write_bytes(data)
            svc.add_attachment(entry_id, path)
        out = tmp_path / "portfolio.pdf"
        export_portfolio(svc, out, acknowledge_findings=True)
    return Export(out, files, entry_id, folder)


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")
def test_evidence_is_embedded_inside_the_signature(evidence_export: Export, tmp_path: Path) -> None:
    listing = tool_output("pdfdetach", "-list", str(evidence_export.pdf))
    for name in evidence_export.files:
        assert f"E1-{name}" in listing
    assert "portfolio.json" in listing
    for index, name in enumerate(evidence_export.files, start=1):
        saved = tmp_path / f"out-{index}"
        subprocess.run(
            ["pdfdetach", "-save", str(index), "-o", str(saved), str(evidence_export.pdf)],
            check=True,
            timeout=60,
        )
        assert saved.read_bytes() == evidence_export.files[name]
    signatures = tool_output("pdfsig", str(evidence_export.pdf))
    assert "Signature is Valid" in signatures and "Total document signed" in signatures


def test_verify_lists_the_evidence_and_checks_it_against_portfolio_json(
    evidence_export: Export,
) -> None:
    report = verify_file(evidence_export.pdf)
    assert report.exit_code == 2  # intact; the student's own certificate is not trusted here
    assert report.evidence is not None and report.evidence.ok
    found = {f.name: f.sha256 for f in report.evidence.files}
    assert found == {
        f"E1-{name}": hashlib.sha256(data).hexdigest()
        for name, data in evidence_export.files.items()
    }
    document = extract_portfolio_json(evidence_export.pdf)
    assert document is not None
    (entry,) = document["entries"]
    assert {a["embedded_as"] for a in entry["attachments"]} == set(found)
    assert any(line.startswith("Evidence files: 3 embedded") for line in report.describe())


def _forged(service_dir: Path, out: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What a modified app could sign: evidence that disagrees with its own portfolio.json.
    (The real app checks every file it signs and refuses; the modified one skips that.)"""
    from portfolio_app.core.signing import pdf_signing

    with pytest.raises(SigningError, match="evidence"):
        _forge(service_dir, change)
    monkeypatch.setattr(pdf_signing, "_check_result", lambda *_a, **_k: None)
    out.write_bytes(_forge(service_dir, change))
    return out


def _forge(service_dir: Path, change: str) -> bytes:
    with PortfolioService.open(service_dir, PASSPHRASE) as svc:
        job = prepare_export(svc)
    items = list(job.evidence)
    if change == "bytes":
        items[0] = dataclasses.replace(items[0], data=b"%PDF-1.4 something else")
    elif change == "extra":
        items.append(dataclasses.replace(items[0], embedded_as="E1-unlisted.pdf"))
    else:
        items.pop()
    forged = dataclasses.replace(job, evidence=tuple(items))
    pdf, _layout = forged.build_pdf()
    return pdf


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("bytes", "is not the file portfolio.json records"),
        ("extra", "portfolio.json does not record it"),
        ("missing", "but it is not embedded"),
    ],
)
def test_evidence_that_disagrees_with_the_signed_json_fails(
    evidence_export: Export,
    tmp_path: Path,
    change: str,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forged = _forged(evidence_export.service_dir, tmp_path / "forged.pdf", change, monkeypatch)
    report = verify_file(forged)
    assert report.exit_code == 1
    assert any(words in p for p in report.problems), report.problems


def test_an_embedded_file_replaced_after_signing_breaks_the_signature(
    evidence_export: Export, tmp_path: Path
) -> None:
    """With pyHanko's public API, not our code: swap a file's bytes in a later update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(evidence_export.pdf.read_bytes()))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    ef = spec["/EF"]
    stream = generic.StreamObject(stream_data=b"%PDF-1.4 a different certificate")
    stream["/Type"] = generic.pdf_name("/EmbeddedFile")
    ef["/F"] = writer.add_object(stream)
    writer.update_container(ef)
    out = io.BytesIO()
    writer.write(out)
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out.getvalue())
    report = verify_file(tampered)
    assert report.exit_code == 1
    # The evidence is read from the revision the student signed, so it still matches there.
    assert report.evidence is not None and report.evidence.ok


def test_export_options_choose_the_evidence(service: PortfolioService, tmp_path: Path) -> None:
    entry_id = _entry(service)
    for name, data in (("a.txt", b"first\n"), ("b.txt", b"second\n")):
        (tmp_path / name).write_bytes(data)
        service.add_attachment(entry_id, tmp_path / name)
    first = service.attachments(entry_id)[0]
    none = prepare_export(service, ExportSelection(include_attachments=False), sign=False)
    assert none.evidence == ()
    one = prepare_export(
        service, ExportSelection(left_out_attachments=frozenset({first.id})), sign=False
    )
    assert [item.name for item in one.evidence] == ["b.txt"]
    document = json.loads(one.portfolio_json)
    assert [a["name"] for a in document["entries"][0]["attachments"]] == ["b.txt"]


def test_the_identifier_check_covers_file_names(service: PortfolioService, tmp_path: Path) -> None:
    entry_id = _entry(service)
    path = tmp_path / "discharge_letter_NHS_943_476_5919.txt"
    path.write_text("anonymised\n", encoding="utf-8")
    service.add_attachment(entry_id, path)
    job = prepare_export(service, sign=False)
    assert any("evidence file 'discharge_letter" in f.where for f in job.findings)


def test_a_hostile_image_in_the_vault_is_listed_without_its_picture(
    service: PortfolioService, tmp_path: Path
) -> None:
    """An image that slipped past the checks (an older version stored it) never reaches the
    decoder: the export lists it and says why there is no picture."""
    entry_id = _entry(service)
    store = service._require_store()
    AttachmentRepository(store).add(
        EntryId(entry_id), "bomb.png", PNG, _png_claiming(30_000, 30_000)
    )
    out = tmp_path / "out.pdf"
    export_portfolio(service, out, acknowledge_findings=True, sign=False)
    if shutil.which("pdftotext"):
        text = tool_output("pdftotext", str(out), "-")
        assert "E1-bomb.png: picture not shown" in " ".join(text.split())


def test_one_inflating_stream_named_many_times_is_bounded() -> None:
    """A hostile signed file could name one small stream that inflates to 15 MB thousands of
    times: the check stops at its total budget instead of inflating gigabytes."""
    from pyhanko.pdf_utils import generic

    from portfolio_app.core.evidence.pdf_read import MAX_TOTAL_BYTES, check_evidence_root

    bomb = zlib.compress(b"\x00" * (15 * 1024 * 1024), 9)
    stream = generic.StreamObject(
        {generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode")}, encoded_data=bomb
    )
    spec = generic.DictionaryObject(
        {
            generic.pdf_name("/UF"): generic.pdf_string("E1-bomb.txt"),
            generic.pdf_name("/EF"): generic.DictionaryObject({generic.pdf_name("/F"): stream}),
        }
    )
    names = generic.ArrayObject()
    for n in range(1000):
        names.append(generic.pdf_string(f"E{n:05d}"))
        names.append(spec)
    root = generic.DictionaryObject(
        {
            generic.pdf_name("/Names"): generic.DictionaryObject(
                {
                    generic.pdf_name("/EmbeddedFiles"): generic.DictionaryObject(
                        {generic.pdf_name("/Names"): names}
                    )
                }
            )
        }
    )
    report = check_evidence_root(root, {"entries": []})
    assert any("more than any export embeds" in p for p in report.problems)
    # Inflated only until the budget ran out: a handful, not the thousand the file names.
    assert len(report.files) <= MAX_TOTAL_BYTES // (15 * 1024 * 1024) + 1
