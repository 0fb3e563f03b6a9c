"""One real round trip through the installed ``portfolio`` console script, with real Argon2id."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_app.core.vault.kdf import DEFAULT_PARAMS

SCRIPT = Path(sys.executable).parent / "portfolio"


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.e2e
@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_init_add_list_show_search_in_subprocesses(tmp_path: Path) -> None:
    data_dir = tmp_path / "portfolio folder"
    env = {
        **os.environ,
        "PORTFOLIO_DATA_DIR": str(data_dir),
        "PORTFOLIO_PASSPHRASE": "a real passphrase for a real KDF",
        "PYTHONIOENCODING": "utf-8",
    }
    init = _run(["init", "--name", "Zoë Ñúñez-Wróbel", "--profession", "Nursing", "--json"], env)
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["data_dir"] == str(data_dir)
    # The key slot really uses the production Argon2id cost, not the tests' cheap one.
    conn = sqlite3.connect(data_dir / "portfolio.db")
    try:
        (header,) = conn.execute("SELECT header FROM key_slots WHERE kind='passphrase'").fetchone()
    finally:
        conn.close()
    assert json.loads(header)["params"] == DEFAULT_PARAMS.to_dict()

    body = "## What?\nA *board round* with seven professions.\n## Now what?\nLearn the shorthand.\n"
    add = _run(
        [
            "add",
            "--title",
            "Board round: ten minutes",
            "--template",
            "quick-capture",
            "--kind",
            "note",
            "--tag",
            "communication",
            "--competency",
            "TT=3",
        ],
        env,
        body,
    )
    assert add.returncode == 0, add.stderr
    entry_id = add.stdout.strip()
    assert len(entry_id) == 32

    listed = _run(["list"], env)
    assert listed.returncode == 0, listed.stderr
    assert entry_id[:8] in listed.stdout
    assert "Board round: ten minutes" in listed.stdout

    shown = _run(["show", entry_id[:8], "--json"], env)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["title"] == "Board round: ten minutes"
    assert {s["key"]: s["body"] for s in data["sections"]}["what"] == (
        "A *board round* with seven professions."
    )
    assert data["competencies"][0]["label"] == "TT: Teams and Teamwork"

    found = _run(["search", "shorthand", "--json"], env)
    assert found.returncode == 0, found.stderr
    assert [e["id"] for e in json.loads(found.stdout)] == [entry_id]

    wrong = _run(["list"], {**env, "PORTFOLIO_PASSPHRASE": "not the passphrase"})
    assert wrong.returncode == 4
    assert wrong.stderr.startswith("portfolio: ")
    assert "Traceback" not in wrong.stderr
