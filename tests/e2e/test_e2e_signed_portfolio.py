"""The whole signed-portfolio journey through the installed ``portfolio`` console script.

Student: init -> add entries -> export (self-signed) -> certificate request. Tutor: course
CA -> issue the student's certificate. Student: import it -> export again. Tutor: own
portfolio and CA-issued identity -> countersign. Assessor: verify with the CA certificate
only -> exit 0. Real processes, real Argon2id, nothing shared but files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "portfolio"


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed")
def test_student_tutor_assessor_round_trip(tmp_path: Path) -> None:
    base = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "PORTFOLIO_CA_PASSPHRASE": "the tutor's course CA passphrase",
    }
    base.pop("PORTFOLIO_DATA_DIR", None)
    student = {**base, "PORTFOLIO_PASSPHRASE": "the student's own passphrase"}
    tutor = {**base, "PORTFOLIO_PASSPHRASE": "the tutor's own passphrase"}
    sdir, tdir, ca_dir = tmp_path / "student", tmp_path / "tutor", tmp_path / "course ca"
    s = ["--data-dir", str(sdir)]
    t = ["--data-dir", str(tdir)]

    _ok(
        _run(
            [
                "init",
                *s,
                "--name",
                "Σοφία Παπαδοπούλου",
                "--student-id",
                "STU-77",
                "--programme",
                "BSc Nursing",
                "--institution",
                "University of Leicester",
            ],
            student,
        )
    )
    plan = _ok(
        _run(
            ["add", *s, "--kind", "plan", "--title", "Plan: Łukasz's workshop", "--tag", "roles"],
            student,
            "I want to *name* four roles.",
        )
    ).strip()
    _ok(
        _run(
            [
                "add",
                *s,
                "--answers",
                plan,
                "--title",
                "What Łukasz Wróbel taught me",
                "--status",
                "ready",
            ],
            student,
            "## What?\n\n- pharmacist\n- physio\n",
        )
    )

    first = tmp_path / "first.pdf"
    _ok(_run(["export", *s, str(first)], student))
    assert _run(["verify", str(first)], base).returncode == 2  # self-signed: not yet trusted

    _ok(
        _run(
            [
                "ca",
                "init",
                *t,
                "--name",
                "IPL course CA",
                "--institution",
                "University of Leicester",
                "--ca-dir",
                str(ca_dir),
            ],
            base,
        )
    )
    ca_cert = ca_dir / "ca-cert.pem"
    csr, cert = tmp_path / "student.csr", tmp_path / "student-cert.pem"
    _ok(_run(["identity", "csr", *s, str(csr)], student))
    _ok(_run(["ca", "issue", str(csr), "--ca-dir", str(ca_dir), "--out", str(cert), "--yes"], base))
    _ok(_run(["identity", "import-chain", *s, str(cert)], student))

    second = tmp_path / "second.pdf"
    exported = json.loads(_ok(_run(["export", *s, str(second), "--json"], student)))
    assert exported["signed"] and exported["entries"] == 2
    assert _run(["verify", str(second), "--trust", str(ca_cert)], base).returncode == 0

    _ok(_run(["init", *t, "--name", "Dr Tomás Tutor", "--student-id", "STAFF-1"], tutor))
    tcsr, tcert = tmp_path / "tutor.csr", tmp_path / "tutor-cert.pem"
    _ok(_run(["identity", "csr", *t, str(tcsr)], tutor))
    issue_tutor = ["ca", "issue", str(tcsr), "--ca-dir", str(ca_dir), "--out", str(tcert)]
    _ok(_run([*issue_tutor, "--role", "tutor", "--yes"], base))
    _ok(_run(["identity", "import-chain", *t, str(tcert)], tutor))
    final = tmp_path / "countersigned.pdf"
    _ok(
        _run(
            [
                "countersign",
                *t,
                str(second),
                str(final),
                "--decision",
                "meets",
                "--comment",
                "Clear plan and an honest reflection.",
            ],
            tutor,
        )
    )

    verified = _run(["verify", str(final), "--trust", str(ca_cert), "--json"], base)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)["files"][0]
    assert [s["role"] for s in report["signatures"]] == ["student", "tutor"]
    assert report["signatures"][1]["decision"] == "meets"
    assert report["countersigned_by"][0]["signer_name"] == "Dr Tomás Tutor"
    assert _run(["verify", str(final)], base).returncode == 2
    pdfsig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True, check=False)
    assert pdfsig.stdout.count("Signature is Valid.") == 2
    assert "Digest Mismatch" not in pdfsig.stdout

    # A poppler-based reader with the course CA installed (an NSS database, as Evince and
    # Okular use) calls both signers trusted: the assessor's view outside our app.
    if shutil.which("certutil") is None:
        pytest.skip("certutil (libnss3-tools) is not installed")
    nss = tmp_path / "nssdb"
    nss.mkdir()
    for command in (
        ["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"],
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "course-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(ca_cert),
        ],
    ):
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    trusted = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(final)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert trusted.stdout.count("Certificate is Trusted.") == 2, trusted.stdout
    assert trusted.stdout.count("Signature is Valid.") == 2
