"""``portfolio frameworks list/import`` and ``portfolio check``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes

Run = Callable[..., Any]

PACK = {
    "framework": {
        "name": "Ward Team Skills",
        "description": "A local framework.",
        "standards": [
            {
                "shortname": "WT",
                "name": "Working together",
                "standardelement": [
                    {"shortname": "WT1", "name": "Shares information early"},
                    {"shortname": "WT2", "name": "Asks for help"},
                ],
            }
        ],
    }
}


def test_frameworks_list_without_a_portfolio_shows_the_built_in_packs(cli: Run) -> None:
    result = cli("frameworks", "list")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "YEAR", "SOURCE", "CODES", "LISTED", "NAME"]
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert {"ipec-2023", "cihc-2024", "nmc-code-2018", "nmc-fn-2018", "gphc-2021"} <= set(rows)
    # A partial pack says so next to its count.
    assert "15 of 33, partial" in rows["ipec-2023"]
    assert "all 6" in rows["cihc-2010"]
    assert "16 of 16, less detail" in rows["gmc-ofg-2018"]


def test_frameworks_list_json(cli: Run) -> None:
    data = cli("frameworks", "list", "--json").json()
    ipec = next(f for f in data if f["id"] == "ipec-2023")
    assert ipec["builtin"] is True
    assert ipec["year"] == 2023
    assert ipec["linkable_codes"] == 19  # 4 competencies, 15 confirmed sub-competencies
    assert ipec["complete"] is False and ipec["statements_in_framework"] == 33
    assert ipec["completeness"].startswith("IPEC 2023: 15 of its 33 sub-competencies")
    assert {
        "name",
        "short_name",
        "publisher",
        "standards",
        "elements",
        "source_url",
        "licence_note",
        "attribution",
        "version",
    } <= set(ipec)


def test_frameworks_codes(cli: Run) -> None:
    result = cli("frameworks", "list", "--codes", "ipec-2023")
    assert result.code == 0
    assert "VE3: Protect people's dignity" in result.out
    assert "15 of its 33 sub-competencies are listed" in result.out
    assert "\n  RR4: " in result.out  # elements are indented under their standard
    assert "\nTT: Teams and Teamwork" in result.out
    codes = cli("frameworks", "list", "--codes", "IPEC-2023", "--json").json()
    assert [c["code"] for c in codes][:2] == ["VE", "VE1"]
    assert codes[0] == {"code": "VE", "label": "VE: Values and Ethics", "standard": "VE"}
    assert {c["code"] for c in codes} >= {"VE10", "RR1", "RR5", "C", "C1", "TT"}


def test_frameworks_codes_marks_the_app_s_own_keys(cli: Run) -> None:
    result = cli("frameworks", "list", "--codes", "nmc-code-2018")
    assert "prioritise-people (app key): Prioritise people" in result.out


def test_frameworks_codes_of_an_unknown_pack(cli: Run) -> None:
    result = cli("frameworks", "list", "--codes", "nope")
    assert result.code == exit_codes.FAILED
    assert "there is no framework 'nope'" in result.error_line
    assert "ipec-2023" in result.error_line


def test_frameworks_import_then_list_and_link(
    portfolio: Run, tmp_path: Path, cli_dir: Path
) -> None:
    pack = tmp_path / "ward-team.matrix"
    pack.write_text(json.dumps(PACK), encoding="utf-8")
    result = portfolio("frameworks", "import", str(pack))
    assert result.code == 0, result.err
    assert "Imported Ward Team Skills (ward-team-skills): 1 standards, 2 elements" in result.out
    listed = portfolio("frameworks", "list", "--json").json()
    mine = next(f for f in listed if f["id"] == "ward-team-skills")
    assert mine["builtin"] is False
    assert "imported" in portfolio("frameworks", "list").out
    added = portfolio("add", "--title", "x", "--competency", "ward-team-skills:WT2=5", "--json")
    assert added.code == 0, added.err
    assert added.json()["competencies"] == [
        {"framework": "ward-team-skills", "code": "WT2", "self_rating": 5}
    ]
    shown = portfolio("show", added.json()["id"])
    assert "WT2: Asks for help" in shown.out


COURSE_CSV = Path(__file__).resolve().parents[1] / "data" / "course" / "example-strand-outcomes.csv"


def test_course_outcomes_import_from_csv_and_one_entry_maps_to_several_frameworks(
    portfolio: Run,
) -> None:
    result = portfolio(
        "frameworks",
        "import",
        str(COURSE_CSV),
        "--id",
        "leicester",
        "--name",
        "IPE strand learning outcomes",
        "--short-name",
        "Leicester IPE",
    )
    assert result.code == 0, result.err
    assert "(leicester): 3 standards, 5 elements" in result.out
    added = portfolio(
        "add",
        "--title",
        "Team task",
        "--competency",
        "leicester:S1.2=3",
        "--competency",
        "ipec-2023:VE5",
        "--competency",
        "nmc-fn-2018:5.4",
        "--json",
    )
    assert added.code == 0, added.err
    assert added.json()["competencies"] == [
        {"framework": "leicester", "code": "S1.2", "self_rating": 3},
        {"framework": "ipec-2023", "code": "VE5", "self_rating": None},
        {"framework": "nmc-fn-2018", "code": "5.4", "self_rating": None},
    ]
    shown = portfolio("show", added.json()["id"]).out
    assert "S1.2: Work in a mixed team on a shared task" in shown
    for framework in ("leicester", "ipec-2023", "nmc-fn-2018"):
        report = portfolio("coverage", "--framework", framework, "--json").json()
        assert report["evidenced"] == 1, framework
    # A CSV without the id and name it needs is refused before anything is stored.
    refused = portfolio("frameworks", "import", str(COURSE_CSV))
    assert refused.code != 0 and "needs --id" in refused.err
    bad_id = portfolio("frameworks", "import", str(COURSE_CSV), "--id", "My Course", "--name", "x")
    assert bad_id.code != 0 and "short name" in bad_id.err


def test_frameworks_import_json(portfolio: Run, tmp_path: Path) -> None:
    pack = tmp_path / "p.json"
    pack.write_text(json.dumps(PACK), encoding="utf-8")
    data = portfolio("frameworks", "import", str(pack), "--json").json()
    assert data["id"] == "ward-team-skills"
    assert (data["standards"], data["elements"]) == (1, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid"),
        (b'{"framework": {"name": "No standards"}}', "framework has no standards"),
        (
            json.dumps(
                {
                    "framework": {
                        "name": "Dup",
                        "standards": [
                            {
                                "shortname": "A",
                                "name": "A",
                                "standardelement": [{"shortname": "A", "name": "again"}],
                            }
                        ],
                    }
                }
            ).encode(),
            "'A'",
        ),
        (b"[1, 2]", "is not a JSON object"),
    ],
)
def test_frameworks_import_refuses_a_malformed_pack(
    portfolio: Run, tmp_path: Path, content: bytes, message: str
) -> None:
    pack = tmp_path / "broken.matrix"
    pack.write_bytes(content)
    result = portfolio("frameworks", "import", str(pack))
    assert result.code == exit_codes.FAILED
    line = result.error_line
    assert "broken.matrix" in line
    assert message in line
    assert all(f["builtin"] for f in portfolio("frameworks", "list", "--json").json())


def test_frameworks_import_refuses_to_replace_a_built_in_pack(
    portfolio: Run, tmp_path: Path
) -> None:
    pack = tmp_path / "ipec.json"
    pack.write_text(json.dumps({"id": "ipec-2023", **PACK}), encoding="utf-8")
    result = portfolio("frameworks", "import", str(pack))
    assert result.code == exit_codes.FAILED
    assert "built-in" in result.error_line


def test_frameworks_import_of_a_missing_file(portfolio: Run, tmp_path: Path) -> None:
    result = portfolio("frameworks", "import", str(tmp_path / "missing.matrix"))
    assert result.code == exit_codes.FAILED
    assert "cannot read the framework pack" in result.error_line


# ---- check --------------------------------------------------------------------------------


def test_check_of_a_healthy_portfolio(portfolio: Run) -> None:
    portfolio("add", "--title", "One", stdin="text")
    portfolio("events", "add", "--kind", "supervision", "--title", "Session")
    result = portfolio("check")
    assert result.code == 0, result.err
    assert "No problems found" in result.out
    assert "1 entries, 1 events, 0 experiences" in result.out
    data = portfolio("check", "--json").json()
    assert data["ok"] is True
    assert data["problems"] == [] and data["damaged"] == [] and data["changed_outside_app"] == []
    assert data["counts"]["entries"] == 1 and data["counts"]["events"] == 1
    assert data["counts"]["experiences"] == 0 and data["counts"]["manifest"] == 1


def _tamper(cli_dir: Path, entry_id: str) -> None:
    conn = sqlite3.connect(cli_dir / "portfolio.db")
    try:
        (raw,) = conn.execute("SELECT sections FROM entries WHERE id=?", (entry_id,)).fetchone()
        blob = bytearray(raw)
        blob[20] ^= 0xFF
        conn.execute("UPDATE entries SET sections=? WHERE id=?", (bytes(blob), entry_id))
        conn.commit()
    finally:
        conn.close()


def test_check_lists_a_damaged_record_and_exits_5(portfolio: Run, cli_dir: Path) -> None:
    good = portfolio("add", "--title", "Good", stdin="fine").out.strip()
    bad = portfolio("add", "--title", "Bad", stdin="will be damaged").out.strip()
    _tamper(cli_dir, bad)
    result = portfolio("check")
    assert result.code == exit_codes.DAMAGED
    assert "1 record(s) cannot be read" in result.out
    assert f"entry {bad[:8]} ('Bad', from its history" in result.out
    data = portfolio("check", "--json").json()
    assert data["ok"] is False
    assert [d["row_id"] for d in data["damaged"]] == [bad]
    assert data["damaged"][0]["table"] == "entries"
    # The rest stays readable.
    listed = portfolio("list", "--json").json()
    assert [e["id"] for e in listed if not e.get("damaged")] == [good]
    # ...and the damaged one is listed as damaged, never silently dropped.
    assert [e["id"] for e in listed if e.get("damaged")] == [bad]


def test_check_of_a_file_that_is_not_a_portfolio(portfolio: Run, cli_dir: Path) -> None:
    (cli_dir / "portfolio.db").write_bytes(b"this is not sqlite" * 100)
    for name in ("portfolio.db-wal", "portfolio.db-shm"):
        (cli_dir / name).unlink(missing_ok=True)
    result = portfolio("check")
    assert result.code == exit_codes.DAMAGED
    assert result.error_line.startswith("portfolio: ")


def test_check_with_the_wrong_passphrase(portfolio: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "wrong wrong wrong")
    result = portfolio("check")
    assert result.code == exit_codes.CANNOT_UNLOCK


def test_check_needs_a_portfolio(cli: Run) -> None:
    assert cli("check").code == exit_codes.NO_PORTFOLIO


def test_check_reports_an_edited_vault_header(portfolio: Run, cli_dir: Path) -> None:
    conn = sqlite3.connect(cli_dir / "portfolio.db")
    try:
        (header,) = conn.execute("SELECT header FROM key_slots WHERE kind='passphrase'").fetchone()
        edited = bytes(header).replace(b'"t":1', b'"t":2')
        assert edited != header
        conn.execute("UPDATE key_slots SET header=? WHERE kind='passphrase'", (edited,))
        conn.commit()
    finally:
        conn.close()
    result = portfolio("check")
    assert result.code == exit_codes.DAMAGED
    assert "damaged" in result.error_line
