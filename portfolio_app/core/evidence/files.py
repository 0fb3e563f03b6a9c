"""Reading a file a student attaches: safely, within limits, and only the kinds we allow.

Evidence is things like an attendance certificate (PDF), a photo of a whiteboard (JPEG, PNG),
a feedback form (PDF, Word, OpenDocument) or a typed note. The type is decided from the bytes
(a signature at the start, a ZIP's members), and the file name's extension must agree: a file
that is something else than its name says is refused, so a reader never opens a program
dressed up as a certificate.

Reading refuses, each with a message that says what to do: a symbolic link (it could point
anywhere, and the link, not its target, is what the student picked), anything that is not a
regular file (a folder, a FIFO that would block forever, a device), an empty file, an
unreadable one, one larger than :data:`MAX_EVIDENCE_BYTES`, and images with absurd
dimensions (a decompression bomb: a few KB that unpack to gigabytes). The file is opened
once (``O_NOFOLLOW``, non-blocking) and checked on that handle, so it cannot be swapped for a
link between the check and the read.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from portfolio_app.core.domain.errors import ValidationError

#: Sizes fit what a verifier accepts: ``portfolio verify`` refuses PDFs over 32 MiB
#: (``core.signing.limits``), and one export may embed 24 MiB of evidence in all, so any one
#: entry's evidence always fits an export. A phone photo is 2-6 MB, a scanned form 1-10 MB.
MAX_EVIDENCE_BYTES = 15 * 1024 * 1024
MAX_FILES_PER_ENTRY = 20
MAX_BYTES_PER_ENTRY = 24 * 1024 * 1024
MAX_NAME_CHARS = 120
#: Images larger than this (in pixels, or on either side) are refused: no evidence photo needs
#: them, and decoding one would take gigabytes of memory (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 12_000
_MAX_ZIP_MEMBERS = 5_000
_TEXT_SAMPLE = 64 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

#: What may be attached: media type -> (what people call it, the extensions it may have).
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    PDF: ("a PDF document", (".pdf",)),
    PNG: ("a PNG image", (".png",)),
    JPEG: ("a JPEG photo", (".jpg", ".jpeg")),
    TEXT: ("a plain-text file", (".txt", ".md", ".text")),
    DOCX: ("a Word document", (".docx",)),
    ODT: ("an OpenDocument text", (".odt",)),
}
ALLOWED_TEXT = "PDF, PNG, JPEG, plain text (.txt, .md), Word (.docx) or OpenDocument text (.odt)"
IMAGE_TYPES = (PNG, JPEG)


@dataclass(frozen=True)
class EvidenceFile:
    """A checked file, ready to be encrypted into the vault."""

    name: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes (hex), as the export lists it."""
        return hashlib.sha256(self.data).hexdigest()


def kind_label(media_type: str) -> str:
    """The kind of a file in words, for a list or a table: ``PDF document``, ``JPEG photo``."""
    words = ALLOWED.get(media_type, ("a file", ()))[0].removeprefix("a ").removeprefix("an ")
    return words[:1].upper() + words[1:]


def describe_size(size: int) -> str:
    """Bytes in words people read (``1.4 MB``)."""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def clean_name(name: str) -> str:
    """A file name safe to show and to embed: the last path part, no control or bidi-control
    characters (they can reverse how a name reads: ``cert\u202efdp.exe``), trimmed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    kept = " ".join(kept.split()).strip(". ")
    if len(kept) > MAX_NAME_CHARS:
        stem, dot, ext = kept.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            kept = stem[: MAX_NAME_CHARS - len(ext) - 2] + "…." + ext
        else:
            kept = kept[: MAX_NAME_CHARS - 1] + "…"
    return kept


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if (
                mimetype is not None
                and mimetype.file_size < 200
                and archive.read(mimetype).strip() == ODT.encode()
            ):
                return ODT
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    sample = data[:_TEXT_SAMPLE]
    if b"\x00" in sample:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text[:_TEXT_SAMPLE] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls == 0


def sniff(data: bytes) -> str | None:
    """The allowed media type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _is_text(data):
        return TEXT
    return None


def check_image(data: bytes, name: str) -> tuple[int, int]:
    """Width and height of an image, refusing one too large to decode safely (read from its
    header, without decoding the pixels); ValidationError when it is not a readable image."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
                raise ValidationError(_too_many_pixels(name, width, height))
            image.verify()  # structure and checksums, without decoding every pixel
    except Image.DecompressionBombError as exc:
        raise ValidationError(_too_many_pixels(name)) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(
            f"'{name}' looks like an image but cannot be read ({exc}); export it again from "
            "the app that made it"
        ) from exc
    return width, height


def _too_many_pixels(name: str, width: int = 0, height: int = 0) -> str:
    size = f" ({width} x {height} pixels)" if width else ""
    return (
        f"'{name}' is too large an image{size}: at most {MAX_IMAGE_SIDE:,} pixels on a side and "
        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels; save a smaller copy and attach that"
    )


def check_content(name: str, data: bytes) -> str:
    """The media type of a file's bytes, checked against its name; ValidationError if the
    file is empty, too large, of a kind not allowed, or not what its extension says."""
    if not data:
        raise ValidationError(f"'{name}' is empty, so there is nothing to attach")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(_too_large(name, len(data)))
    media_type = sniff(data)
    extension = Path(name).suffix.lower()
    expected = next((t for t, (_w, exts) in ALLOWED.items() if extension in exts), None)
    if media_type is None:
        raise ValidationError(
            f"'{name}' is not a kind of file the portfolio takes as evidence (allowed: "
            f"{ALLOWED_TEXT}); save it as one of those and attach that"
        )
    if expected is None:
        raise ValidationError(
            f"'{name}' has no extension, or one the portfolio does not take; it is "
            f"{ALLOWED[media_type][0]}: rename it to end in {ALLOWED[media_type][1][0]}"
        )
    if expected != media_type:
        raise ValidationError(
            f"'{name}' is named like {ALLOWED[expected][0]} but is {ALLOWED[media_type][0]}; "
            f"rename it to end in {ALLOWED[media_type][1][0]} if that is what you meant"
        )
    if media_type in IMAGE_TYPES:
        check_image(data, name)
    return media_type


def _too_large(name: str, size: int) -> str:
    return (
        f"'{name}' is {describe_size(size)}; evidence files can be at most "
        f"{describe_size(MAX_EVIDENCE_BYTES)} (save a smaller copy: a lower-resolution photo "
        "or a compressed PDF)"
    )


def read_evidence_file(path: Path) -> EvidenceFile:
    """Read and check a file to attach (see the module docstring); ValidationError says why
    not. Nothing is stored here."""
    name = clean_name(path.name)
    if not name:
        raise ValidationError("the file has no usable name")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        if path.is_symlink():
            raise ValidationError(
                f"'{name}' is a symbolic link; attach the file it points to instead"
            )
        descriptor = os.open(path, flags)
    except ValidationError:
        raise
    except FileNotFoundError as exc:
        raise ValidationError(f"'{path}' does not exist") from exc
    except PermissionError as exc:
        raise ValidationError(
            f"'{name}' cannot be read: you do not have permission to open it"
        ) from exc
    except OSError as exc:
        if path.is_symlink():
            raise ValidationError(
                f"'{name}' is a symbolic link; attach the file it points to instead"
            ) from exc
        raise ValidationError(f"'{name}' cannot be read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise ValidationError(f"'{name}' is a folder; attach the files in it one by one")
        if not stat.S_ISREG(info.st_mode):
            raise ValidationError(f"'{name}' is not an ordinary file (a device or a pipe)")
        if info.st_size > MAX_EVIDENCE_BYTES:
            raise ValidationError(_too_large(name, info.st_size))
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(descriptor, 1024 * 1024)
            except OSError as exc:
                raise ValidationError(f"'{name}' cannot be read: {exc.strerror or exc}") from exc
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_EVIDENCE_BYTES:  # it grew while we read it
                raise ValidationError(_too_large(name, total))
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    return EvidenceFile(name, check_content(name, data), data)
