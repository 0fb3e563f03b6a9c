"""Run poppler's ``pdfsig`` and parse its text, as an independent second opinion.

Why parse text: ``pdfsig`` exits 0 for valid, tampered and unverifiable files alike (it exits
2 only for an unsigned file), so its exit status proves nothing (security-notes §3.3). It also
does no change analysis, so "Signature is Valid" next to "Not total document signed" can hide
a page swapped after signing: callers must look at both, and at the *last* signature.
poppler lists signature *fields* in form-field order, not signing order, including empty ones
("The signature form field is not signed."), so match them by field name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

_HEADER = re.compile(r"^Signature #(\d+):\s*$")
_ITEM = re.compile(r"^\s*-\s*([^:]+?):\s*(.*)$")
_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class PdfsigSignature:
    """One ``Signature #n`` block of ``pdfsig`` output."""

    number: int
    field_name: str | None
    signed: bool
    common_name: str | None
    signing_time: str | None
    signature_type: str | None
    total_document_signed: bool
    signature_validation: str | None
    certificate_validation: str | None

    @property
    def signature_valid(self) -> bool:
        """poppler's "Signature is Valid." (digest and CMS check only; no change analysis)."""
        return self.signature_validation == "Signature is Valid."


def parse_pdfsig_output(text: str) -> list[PdfsigSignature]:
    """Parse ``pdfsig`` (poppler 22.x) text output into one record per signature."""
    blocks: list[tuple[int, dict[str, str], bool]] = []
    unsigned: set[int] = set()
    for line in text.splitlines():
        header = _HEADER.match(line.strip())
        if header:
            blocks.append((int(header.group(1)), {}, False))
            continue
        if not blocks:
            continue
        number, items, _ = blocks[-1]
        stripped = line.strip()
        if stripped == "The signature form field is not signed.":
            unsigned.add(number)
            continue
        if stripped == "- Total document signed":
            blocks[-1] = (number, items, True)
            continue
        item = _ITEM.match(line)
        if item:
            items[item.group(1).strip()] = item.group(2).strip()
    return [
        PdfsigSignature(
            number=number,
            field_name=items.get("Signature Field Name"),
            signed=number not in unsigned,
            common_name=items.get("Signer Certificate Common Name"),
            signing_time=items.get("Signing Time"),
            signature_type=items.get("Signature Type"),
            total_document_signed=total,
            signature_validation=items.get("Signature Validation"),
            certificate_validation=items.get("Certificate Validation"),
        )
        for number, items, total in blocks
    ]


def pdfsig_available() -> bool:
    """Whether poppler's ``pdfsig`` is on ``PATH``."""
    return shutil.which("pdfsig") is not None


def run_pdfsig(path: str | os.PathLike[str], nss_dir: str | None = None) -> str:
    """Run ``pdfsig`` on a file and return its combined text output (exit status ignored)."""
    exe = shutil.which("pdfsig")
    if exe is None:
        raise FileNotFoundError("pdfsig (poppler-utils) is not installed")
    args = [exe]
    if nss_dir is not None:
        args += ["-nssdir", nss_dir]
    args.append(os.fspath(path))
    result = subprocess.run(  # fixed executable, no shell
        args, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=False
    )
    return result.stdout + result.stderr
