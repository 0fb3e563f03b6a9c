"""User text never has to go on the command line (process list, shell history): file or stdin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]


def test_add_and_edit_take_the_title_from_a_file_or_stdin(portfolio: Run, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("What happened on the ward", encoding="utf-8")
    entry_id = portfolio(
        "add", "--title-file", "-", "--body-file", str(body), stdin="Title from stdin\n"
    ).out.strip()
    shown = portfolio("show", entry_id, "--json").json()
    assert shown["title"] == "Title from stdin"
    assert "What happened on the ward" in shown["body_markdown"]
    title = tmp_path / "title.txt"
    title.write_text("Title from a file\n", encoding="utf-8")
    assert portfolio("edit", entry_id, "--title-file", str(title)).code == 0
    assert portfolio("show", entry_id, "--json").json()["title"] == "Title from a file"


def test_only_one_text_can_come_from_stdin(portfolio: Run) -> None:
    result = portfolio("add", "--title-file", "-", "--body-file", "-", stdin="x")
    assert result.code == 1
    assert "only one text can come from standard input" in result.err


def test_events_and_experiences_take_their_text_from_files(portfolio: Run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Notes kept out of argv\n", encoding="utf-8")
    event = portfolio(
        "events",
        "add",
        "--kind",
        "supervision",
        "--title-file",
        "-",
        "--notes-file",
        str(notes),
        "--json",
        stdin="Group supervision",
    ).json()
    assert event["title"] == "Group supervision" and event["notes"] == "Notes kept out of argv"
    experience = portfolio(
        "experiences",
        "add",
        "--kind",
        "community-placement",
        "--title-file",
        "-",
        "--supervisor-file",
        str(notes),
        "--json",
        stdin="Community placement",
    ).json()
    assert experience["title"] == "Community placement"
    assert experience["supervisor"] == "Notes kept out of argv"
