"""Tools for the trust-model tests: the CLI in a subprocess, an attacker's pyHanko, and the
independent checkers (poppler's pdfsig with an NSS database, ``openssl cms -verify``)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from portfolio_app.core.signing.identity import Identity
from portfolio_app.core.signing.pdf_signing import _NotesPdfSigner, _signer

SCRIPT = Path(sys.executable).parent / "portfolio"
CA_PASSPHRASE = "the course CA passphrase, long enough"


@dataclass
class Cli:
    """Runs ``portfolio`` for one person (their own data folder and passphrase)."""

    data_dir: Path | None
    passphrase: str
    prefix: Sequence[str] = ()

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "PORTFOLIO_PASSPHRASE": self.passphrase,
            "PORTFOLIO_CA_PASSPHRASE": CA_PASSPHRASE,
        }
        env.pop("PORTFOLIO_DATA_DIR", None)
        return env

    @property
    def d(self) -> list[str]:
        """``--data-dir DIR`` (goes after the verb)."""
        return ["--data-dir", str(self.data_dir)] if self.data_dir else []

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [*self.prefix, str(SCRIPT), *args]
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env(),
            timeout=300,
            check=False,
        )

    def ok(self, *args: str, stdin: str = "") -> str:
        result = self(*args, stdin=stdin)
        assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        return result.stdout


def verify_json(*args: str, prefix: Sequence[str] = ()) -> tuple[int, dict[str, Any], str]:
    """``portfolio verify ... --json``: (exit code, the first file's report, stderr)."""
    result = Cli(None, "", prefix)("verify", *args, "--json")
    assert "Traceback" not in result.stderr, result.stderr
    data = json.loads(result.stdout) if result.stdout.strip() else {"files": [{}]}
    return result.returncode, data["files"][0], result.stderr


def problems_of(report: dict[str, Any]) -> str:
    """Every problem in a verify report, as one text to search."""
    texts = list(report.get("problems", []))
    for sig in report.get("signatures", []):
        texts.extend(sig.get("problems", []))
    return "\n".join(texts)


# ---- the attacker's tools (pyHanko's public API) --------------------------------------------


def sign_field(
    pdf: bytes,
    identity: Identity,
    field_name: str,
    *,
    decision: str | None = None,
    box: tuple[int, int, int, int, int] | None = None,
    certify: bool = False,
) -> bytes:
    """Sign ``field_name`` (an existing field, or a new one at ``box``) as an outside tool would,
    optionally with our private decision entries (what a forger would write)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=f"Tutor countersignature: {decision}" if decision else None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    spec = None
    if box is not None:
        page, x1, y1, x2, y2 = box
        spec = fields.SigFieldSpec(field_name, on_page=page, box=(x1, y1, x2, y2))
    extras = {}
    if decision:
        extras = {
            "/PortfolioDecision": generic.TextStringObject(decision),
            "/PortfolioComment": generic.TextStringObject("Excellent work."),
        }
    out = io.BytesIO()
    _NotesPdfSigner(
        meta,
        signer=_signer(identity),
        extras=extras,
        new_field_spec=spec,
        stamp_style=TextStampStyle(stamp_text="Decision: meets\n%(signer)s"),
    ).sign_pdf(writer, output=out, existing_fields_only=box is None)
    return out.getvalue()


def add_text_field(pdf: bytes, name: str, page_index: int, rect: Sequence[float]) -> bytes:
    """An incremental update adding an empty text field (what a forger adds before signing)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(page_index)
    page = page_ref.get_object()
    field = generic.DictionaryObject(
        {
            generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
            generic.pdf_name("/T"): generic.TextStringObject(name),
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            generic.pdf_name("/P"): page_ref,
            generic.pdf_name("/F"): generic.NumberObject(4),
        }
    )
    ref = writer.add_object(field)
    annots = page.get("/Annots")
    page["/Annots"] = generic.ArrayObject([*(list(annots.get_object()) if annots else []), ref])
    writer.update_container(page)
    acroform = writer.root.get("/AcroForm")
    if acroform is None:
        writer.root["/AcroForm"] = generic.DictionaryObject(
            {generic.pdf_name("/Fields"): generic.ArrayObject([ref])}
        )
    else:
        acroform = acroform.get_object()
        acroform["/Fields"].append(ref)
        writer.update_container(acroform)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fill_text_field(pdf: bytes, name: str, text: str) -> bytes:
    """Fill a text field with a value and an opaque look-alike appearance (form filling)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if str(field.get("/T")) != name:
            continue
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        stream = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    [
                        generic.FloatObject(0),
                        generic.FloatObject(0),
                        generic.FloatObject(x2 - x1),
                        generic.FloatObject(y2 - y1),
                    ]
                ),
            },
            stream_data=(
                f"1 g 0 0 {x2 - x1} {y2 - y1} re f 0 g BT /Helv 12 Tf 5 20 Td ({text}) Tj ET"
            ).encode(),
        )
        field["/V"] = generic.TextStringObject(text)
        field["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(stream)})
        writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- independent checkers --------------------------------------------------------------------


def nss_db(folder: Path, ca_pem: Path) -> str | None:
    """An NSS database trusting ``ca_pem`` (as Evince/Okular use), or ``None`` without certutil."""
    if shutil.which("certutil") is None:
        return None
    folder.mkdir(exist_ok=True)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "course-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(ca_pem),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return f"sql:{folder}"


def pdfsig_text(path: Path, nss: str | None = None) -> str:
    args = ["pdfsig", *(["-nssdir", nss] if nss else []), str(path)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    return result.stdout + result.stderr


def openssl_cms_results(path: Path, work: Path, ca_pem: Path | None = None) -> list[bool]:
    """``openssl cms -verify`` over each signature's byte range: True where it verifies.

    With ``ca_pem`` the chain is checked too; without, only the signature (``-noverify``).
    """
    data = path.read_bytes()
    reader = PdfFileReader(io.BytesIO(data))
    results = []
    for index, sig in enumerate(
        sorted(reader.embedded_signatures, key=lambda s: s.signed_revision), start=1
    ):
        start1, len1, start2, len2 = (int(v) for v in sig.sig_object["/ByteRange"])
        content = work / f"sig{index}.bin"
        content.write_bytes(data[start1 : start1 + len1] + data[start2 : start2 + len2])
        der = work / f"sig{index}.der"
        der.write_bytes(cms.ContentInfo.load(bytes(sig.sig_object["/Contents"])).dump())
        trust = ["-CAfile", str(ca_pem), "-purpose", "any"] if ca_pem else ["-noverify"]
        result = subprocess.run(
            [
                "openssl",
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                str(der),
                "-content",
                str(content),
                *trust,
                "-out",
                os.devnull,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        results.append(result.returncode == 0 and "Verification successful" in result.stderr)
    return results
