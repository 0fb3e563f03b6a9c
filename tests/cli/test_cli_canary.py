"""Canary strings typed into every field through the CLI never reach a file in the data folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.core.services.portfolio_service import PortfolioService

Run = Callable[..., Any]

CANARIES = {
    "name": "Canaryname Quoxlet",
    "student_id": "CANARYSID-58213",
    "profession": "Canaryprofession Wumble",
    "programme": "Canaryprogramme Frizzle",
    "institution": "Canaryinstitution Glorp",
    "tutor": "Canarytutor Plimsoll",
    "intake": "Canaryintake Zembla",
    "title": "Canarytitle Vexmoor",
    "body": "Canarybody Trundlewick",
    "section": "Canarysection Oxblight",
    "edited_body": "Canaryedited Mirthwold",
    "edited_title": "Canaryeditedtitle Pelfrey",
    "tag": "canarytag-snodgrass",
    "added_tag": "canarytag-quillon",
    "entry_profession": "Canaryentryprof Yarrowby",
    "event_title": "Canaryevent Brindlewood",
    "event_place": "Canaryplace Humbleforth",
    "event_notes": "Canarynotes Gristlecombe",
    "event_profession": "Canaryeventprof Tolliver",
    "exp_title": "Canaryexperience Drabwell",
    "exp_setting": "Canarysetting Klopmarsh",
    "exp_supervisor": "Canarysupervisor Meppleton",
    "exp_notes": "Canaryexpnotes Wraithby",
    "new_passphrase": "Canarypassphrase Fenwhistle",
}


def _forms(text: str) -> list[bytes]:
    """The ways a string could sit in a file: UTF-8, lower case, UTF-16, and its odd word."""
    forms = [
        text.encode("utf-8"),
        text.lower().encode("utf-8"),
        text.encode("utf-16-le"),
        text.lower().encode("utf-16-le"),
        text.encode("utf-16-be"),
    ]
    word = text.rsplit(maxsplit=1)[-1]
    forms += [word.encode("utf-8"), word.lower().encode("utf-8")]
    return forms


def _files(folder: Path) -> list[Path]:
    paths = [p for p in folder.rglob("*") if p.is_file()]
    db = folder / "portfolio.db"
    for suffix in ("-wal", "-shm", "-journal"):
        side = db.with_name(db.name + suffix)
        if side.exists() and side not in paths:
            paths.append(side)
    return paths


def _scan(folder: Path) -> list[str]:
    found = []
    for path in _files(folder):
        data = path.read_bytes()
        for key, text in CANARIES.items():
            if any(form in data for form in _forms(text)):
                found.append(f"{key} in {path.relative_to(folder)}")
    return found


def test_scanner_finds_a_canary_written_in_the_clear(tmp_path: Path) -> None:
    """The scan can fail: plaintext in any of the forms is found."""
    (tmp_path / "a.txt").write_bytes(CANARIES["body"].encode("utf-16-le"))
    (tmp_path / "portfolio.db-wal").write_bytes(b"xx" + CANARIES["tag"].encode() + b"yy")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(CANARIES["name"].lower().encode())
    assert sorted(_scan(tmp_path)) == ["body in a.txt", "name in sub/b", "tag in portfolio.db-wal"]


def test_canaries_typed_through_the_cli_never_reach_the_disk(
    cli: Run, cli_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = CANARIES
    init = cli(
        "init",
        "--name",
        c["name"],
        "--student-id",
        c["student_id"],
        "--profession",
        c["profession"],
        "--programme",
        c["programme"],
        "--institution",
        c["institution"],
        "--tutor",
        c["tutor"],
        "--intake",
        c["intake"],
    )
    assert init.code == 0, init.err
    event = cli(
        "events",
        "add",
        "--kind",
        "ipl-workshop",
        "--title",
        c["event_title"],
        "--place",
        c["event_place"],
        "--notes",
        c["event_notes"],
        "--profession",
        c["event_profession"],
        "--date",
        "2025-01-01",
    ).out.strip()
    experience = cli(
        "experiences",
        "add",
        "--kind",
        "hospital-placement",
        "--title",
        c["exp_title"],
        "--setting",
        c["exp_setting"],
        "--supervisor",
        c["exp_supervisor"],
        "--notes",
        c["exp_notes"],
    ).out.strip()
    assert event and experience
    body = f"## What?\n{c['body']}\n## So what?\n{c['section']}\n"
    entry = cli(
        "add",
        "--title",
        c["title"],
        "--template",
        "what-so-what-now-what",
        "--tag",
        c["tag"],
        "--profession",
        c["entry_profession"],
        "--event",
        event,
        "--experience",
        experience,
        "--competency",
        "VE3=4",
        stdin=body,
    )
    assert entry.code == 0, entry.err
    entry_id = entry.out.strip()
    edited = cli(
        "edit",
        entry_id,
        "--title",
        c["edited_title"],
        "--add-tag",
        c["added_tag"],
        "--body-file",
        "-",
        stdin=f"## What?\n{c['edited_body']}\n",
    )
    assert edited.code == 0, edited.err
    # While the portfolio is closed between commands, the WAL may still hold pages.
    assert _scan(cli_dir) == []

    new_file = tmp_path / "outside" / "new-pass.txt"
    new_file.parent.mkdir()
    new_file.write_text(c["new_passphrase"] + "\n", encoding="utf-8")
    passwd = cli("passwd", "--new-passphrase-file", str(new_file))
    assert passwd.code == 0, passwd.err
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", c["new_passphrase"])
    shown = cli("show", entry_id, "--json")  # open and close once more with the new one
    assert shown.code == 0, shown.err
    assert c["edited_body"] in shown.out

    assert _scan(cli_dir) == []
    # Everything is still there, readable with the new passphrase.
    with PortfolioService.open(cli_dir, c["new_passphrase"]) as service:
        profile = service.profile
        assert (profile.name, profile.tutor, profile.intake) == (c["name"], c["tutor"], c["intake"])
        [saved] = service.entries()
        assert saved.title == c["edited_title"]
        assert saved.tags == (c["tag"], c["added_tag"])
        assert service.get_event(event).place == c["event_place"]
        assert service.get_experience(experience).supervisor == c["exp_supervisor"]
        assert len(service.revisions(entry_id)) == 2
