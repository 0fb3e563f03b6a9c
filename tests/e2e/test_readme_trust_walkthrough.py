"""Every command of the README's tutor and assessor walk-through, run as written, in order.

The block between the ``trust-walkthrough`` markers is the documentation; this test runs each
line with the installed ``portfolio`` first on ``PATH``, in an empty folder, and fails on the
first non-zero exit. It then checks what the walk-through promises: both countersignatures
verified with their roles, and the CSV report.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "portfolio"


def walkthrough_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- trust-walkthrough:start -->")[1].split(
        "<!-- trust-walkthrough:end -->"
    )[0]
    lines = [line.strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "```"))]


def test_the_walkthrough_has_the_commands_it_describes() -> None:
    commands = walkthrough_commands()
    assert all(c.startswith("portfolio ") for c in commands)
    verbs = {" ".join(shlex.split(c)[1:3]) for c in commands}
    wanted = ("ca init", "ca issue", "ca list", "ca crl", "identity csr", "verify marked.pdf")
    for expected in wanted:
        assert expected in verbs, expected


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_readme_trust_walkthrough_runs_as_written(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONIOENCODING": "utf-8",
        "PORTFOLIO_PASSPHRASE": "a long enough walkthrough passphrase",
        "PORTFOLIO_CA_PASSPHRASE": "the course CA's own long passphrase",
    }
    env.pop("PORTFOLIO_DATA_DIR", None)
    outputs = []
    for command in walkthrough_commands():
        result = subprocess.run(
            shlex.split(command),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        outputs.append(result.stdout)
    last = json.loads(outputs[-1])
    assert last["exit_code"] == 0
    marked = next(f for f in last["files"] if f["file"].endswith("marked.pdf"))
    assert [s["role"] for s in marked["signatures"]] == ["student", "tutor", "second-marker"]
    assert "VALID AND TRUSTED" in outputs[-2]
    with (tmp_path / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(handle)}
    assert rows["marked.pdf"]["tutor_decision"] == "meets"
    assert rows["marked.pdf"]["second-marker_signer"] == "Dr Sam Second"
    assert rows["portfolio.pdf"]["stage"] == "student-only"
    assert rows["portfolio.pdf"]["student_id"] == "S123"
