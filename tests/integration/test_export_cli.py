"""The export, identity, ca, countersign and verify verbs, run in process."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_export_support import CA_PASSPHRASE, PASSPHRASE, POPPLER, replace_first_page

from portfolio_app.cli.commands.verify_cmd import worst_exit_code
from portfolio_app.cli.main import main

pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(tmp_path / "student"))
    monkeypatch.delenv("PORTFOLIO_CA_PASSPHRASE", raising=False)

    def run(*argv: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv), stdout=out, stderr=err)
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def student(cli: Run) -> Run:
    assert cli("init", "--name", "Zoë Ñúñez", "--student-id", "STU-9").code == 0
    for title, body, status, tag in (
        ("Workshop plan", "I want to learn roles.", "ready", "roles"),
        ("Ward handover", "Handover went well.", "draft", "handover"),
        ("Simulation", "SBAR *practice*.", "ready", "sbar"),
    ):
        added = cli(
            "add",
            "--title",
            title,
            "--kind",
            "note",
            "--tag",
            tag,
            "--status",
            status,
            stdin=body,
        )
        assert added.code == 0, added.err
    return cli


def _one_error_line(result: Result) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("portfolio: "), result.err
    assert "Traceback" not in result.err
    return lines[0]


def test_export_stops_on_findings_and_goes_ahead_with_yes(student: Run, tmp_path: Path) -> None:
    assert (
        student("add", "--title", "Bed 4", "--kind", "note", stdin="Mrs O'Neill, aged 84.").code
        == 0
    )
    out = tmp_path / "p.pdf"
    stopped = student("export", str(out), "--json")
    assert stopped.code == 1 and not out.exists()
    # The title "Bed 4" is a bed number too (issue 11), besides the name and the age.
    assert "privacy check: 3 possible patient identifiers" in stopped.err
    assert "Nothing was written" in stopped.err
    kinds = sorted(f["kind"] for f in stopped.json()["findings"])
    assert kinds == ["age", "bed", "titled_name"] and stopped.json()["exported"] is False
    done = student("export", str(out), "--yes", "--json")
    assert done.code == 0, done.err
    data = done.json()
    assert data["exported"] and data["signed"] and data["entries"] == 4
    assert len(data["findings"]) == 3 and out.exists()
    assert "exported anyway" in done.err


def test_export_selection_options(student: Run, tmp_path: Path) -> None:
    out = tmp_path / "sel.pdf"
    result = student("export", str(out), "--status", "ready", "--status", "submitted", "--json")
    assert result.code == 0, result.err
    assert result.json()["entries"] == 2
    tagged = student("export", str(out), "--tag", "#handover", "--unsigned")
    assert tagged.code == 0 and "Exported 1 entry (" in tagged.out and "Not signed" in tagged.out
    bad = student("export", str(out), "--status", "finished")
    assert bad.code == 1 and "unknown status 'finished'" in _one_error_line(bad)
    dates = student("export", str(out), "--from", "2030-01-01", "--to", "2020-01-01")
    assert dates.code == 1 and "before it starts" in _one_error_line(dates)


def test_identity_verbs(student: Run, tmp_path: Path) -> None:
    shown = student("identity", "show", "--json")
    assert shown.code == 0 and "a new key and certificate were made" in shown.err
    info = shown.json()
    assert info["name"] == "Zoë Ñúñez" and info["student_id"] == "STU-9" and info["self_signed"]
    again = student("identity", "show")
    assert again.code == 0 and again.err == "" and info["fingerprint_sha256"] in again.out
    cert = tmp_path / "me.pem"
    assert student("identity", "export-cert", str(cert)).code == 0
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    csr = tmp_path / "me.csr"
    assert student("identity", "csr", str(csr)).code == 0
    assert b"CERTIFICATE REQUEST" in csr.read_bytes()
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    refused = student("identity", "import-chain", str(junk))
    assert refused.code == 1 and "certificate" in _one_error_line(refused)


def test_ca_verbs_read_the_passphrase_like_the_portfolio_does(
    student: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca_dir = tmp_path / "ca"
    secret = tmp_path / "ca-pass.txt"
    secret.write_text(CA_PASSPHRASE + "\n", encoding="utf-8")
    no_pass = student(
        "ca", "init", "--name", "IPL CA", "--institution", "Uni", "--ca-dir", str(ca_dir)
    )
    assert no_pass.code == 1 and "PORTFOLIO_CA_PASSPHRASE" in _one_error_line(no_pass)
    made = student(
        "ca",
        "init",
        "--name",
        "IPL CA",
        "--institution",
        "Uni",
        "--ca-dir",
        str(ca_dir),
        "--passphrase-file",
        str(secret),
        "--json",
    )
    assert made.code == 0, made.err
    assert Path(made.json()["certificate"]).is_file()
    csr = tmp_path / "s.csr"
    assert student("identity", "csr", str(csr)).code == 0
    monkeypatch.setenv("PORTFOLIO_CA_PASSPHRASE", "not the passphrase")
    wrong = student(
        "ca", "issue", str(csr), "--ca-dir", str(ca_dir), "--out", str(tmp_path / "x.pem"), "--yes"
    )
    assert wrong.code == 1 and "passphrase is wrong" in _one_error_line(wrong)
    monkeypatch.setenv("PORTFOLIO_CA_PASSPHRASE", CA_PASSPHRASE)
    issued = tmp_path / "s-cert.pem"
    unconfirmed = student("ca", "issue", str(csr), "--ca-dir", str(ca_dir), "--out", str(issued))
    assert unconfirmed.code == 1 and "nothing was issued" in _one_error_line(unconfirmed)
    assert "Name:        Zoë Ñúñez" in unconfirmed.out and not issued.exists()
    done = student("ca", "issue", str(csr), "--ca-dir", str(ca_dir), "--out", str(issued), "--yes")
    assert done.code == 0 and "Issued a certificate for Zoë Ñúñez (id STU-9)" in done.out
    assert issued.read_bytes().count(b"BEGIN CERTIFICATE") == 2
    imported = student("identity", "import-chain", str(issued), "--json")
    assert imported.code == 0 and not imported.json()["self_signed"]


def test_verify_reports_each_file_and_the_worst_exit_code(student: Run, tmp_path: Path) -> None:
    good = tmp_path / "good.pdf"
    assert student("export", str(good)).code == 0
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(replace_first_page(good.read_bytes()))
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\nnot really\n")
    missing = tmp_path / "missing.pdf"
    fingerprint = student("identity", "show", "--json").json()["fingerprint_sha256"]

    assert student("verify", str(good)).code == 2
    assert student("verify", str(good), "--fingerprint", fingerprint).code == 0
    assert student("verify", str(garbage)).code == 3
    assert student("verify", str(missing)).code == 3
    assert student("verify", str(good), str(garbage)).code == 3
    both = student("verify", str(good), str(forged), str(garbage), "--json")
    assert both.code == 1
    verdicts = [f["verdict"] for f in both.json()["files"]]
    assert verdicts == ["valid-untrusted", "broken-or-modified", "not-signed-or-unreadable"]
    text = student("verify", str(good), "--fingerprint", fingerprint)
    assert "Signing time (signer's own clock, not verified)" in text.out
    assert "Signer: Zoë Ñúñez (id STU-9)" in text.out
    typo = student("verify", str(good), "--fingerprint", "AB:CD")
    assert typo.code == 1 and "64 hexadecimal digits" in _one_error_line(typo)


def test_countersign_refuses_unsigned_and_in_place(student: Run, tmp_path: Path) -> None:
    unsigned = tmp_path / "unsigned.pdf"
    assert student("export", str(unsigned), "--unsigned").code == 0
    refused = student(
        "countersign",
        str(unsigned),
        str(tmp_path / "c.pdf"),
        "--decision",
        "meets",
        "--comment",
        "ok",
    )
    assert refused.code == 1 and "no intact student signature" in _one_error_line(refused)
    signed = tmp_path / "signed.pdf"
    assert student("export", str(signed)).code == 0
    in_place = student(
        "countersign", str(signed), str(signed), "--decision", "meets", "--comment", "x"
    )
    assert in_place.code == 1 and "new file" in _one_error_line(in_place)
    empty = student(
        "countersign", str(signed), str(tmp_path / "c.pdf"), "--decision", "meets", "--comment", " "
    )
    assert empty.code == 1 and "comment is empty" in _one_error_line(empty)
    own = student(
        "countersign",
        str(signed),
        str(tmp_path / "c.pdf"),
        "--decision",
        "meets",
        "--comment-file",
        "-",
        stdin="I approve of myself.\n",
    )
    assert own.code == 1 and "countersigned by its author" in _one_error_line(own)
    assert not (tmp_path / "c.pdf").exists()


def test_worst_exit_code_order() -> None:
    assert worst_exit_code([0, 2]) == 2
    assert worst_exit_code([2, 3]) == 3
    assert worst_exit_code([3, 1, 2]) == 1
    assert worst_exit_code([0, 0]) == 0
    assert worst_exit_code([0, 4]) == 4
    assert worst_exit_code([4, 2]) == 2
