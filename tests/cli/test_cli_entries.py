"""Entry verbs: add, list, show, search, edit, delete, history, restore-revision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes
from portfolio_app.core.services.portfolio_service import PortfolioService

PASSPHRASE = "correct horse battery staple"
Run = Callable[..., Any]
Add = Callable[..., str]

GIBBS_BODY = """\
## Description

We ran the *SBAR* simulation as a team.

## Feelings

Nervous at first.

## evaluation:

- clear roles
- good readback

## Analysis

> Readback caught an error.

## Conclusion

Ask for readback.

## Action plan

Practise on placement.
"""


def _entries(cli_dir: Path) -> list[Any]:
    with PortfolioService.open(cli_dir, PASSPHRASE) as service:
        return service.entries()


def _event(cli: Run, kind: str = "sbar-simulation", title: str = "SBAR sim") -> str:
    result = cli("events", "add", "--kind", kind, "--title", title, "--date", "2025-03-12")
    assert result.code == 0, result.err
    return str(result.out.strip())


# ---- add ----------------------------------------------------------------------------------


def test_add_reads_the_body_from_stdin_and_prints_the_id(portfolio: Run, cli_dir: Path) -> None:
    result = portfolio("add", "--title", "First reflection", stdin="What I *learned*.\n")
    assert result.code == 0, result.err
    entry_id = result.out.strip()
    assert len(entry_id) == 32
    [entry] = _entries(cli_dir)
    assert entry.id == entry_id
    assert entry.title == "First reflection"
    assert entry.kind.value == "reflection"
    assert entry.status.value == "draft"
    assert entry.template_id == "free"
    assert entry.body_markdown == "What I *learned*."
    assert result.err == ""  # nothing for the privacy guard to say


def test_add_with_a_template_splits_the_body_at_its_headings(
    portfolio: Run, cli_dir: Path, tmp_path: Path
) -> None:
    body = tmp_path / "body.md"
    body.write_text(GIBBS_BODY, encoding="utf-8")
    result = portfolio("add", "--title", "Gibbs", "--template", "gibbs", "--body-file", str(body))
    assert result.code == 0, result.err
    [entry] = _entries(cli_dir)
    assert [s.key for s in entry.sections] == [
        "description",
        "feelings",
        "evaluation",
        "analysis",
        "conclusion",
        "action-plan",
    ]
    assert [s.heading for s in entry.sections][-1] == "Action plan"
    sections = {s.key: s.body for s in entry.sections}
    assert sections["description"] == "We ran the *SBAR* simulation as a team."
    assert sections["evaluation"] == "- clear roles\n- good readback"  # heading matched loosely
    assert sections["analysis"] == "> Readback caught an error."


def test_add_with_a_template_but_no_matching_headings_keeps_one_section(
    portfolio: Run, cli_dir: Path
) -> None:
    result = portfolio(
        "add", "--title", "Loose", "--template", "gibbs", stdin="## Something else\n\nText.\n"
    )
    assert result.code == 0, result.err
    assert "kept as one section" in result.err
    [entry] = _entries(cli_dir)
    assert len(entry.sections) == 1
    assert entry.sections[0].body == "## Something else\n\nText."


def test_add_with_every_link(portfolio: Run, cli_dir: Path, add_entry: Add) -> None:
    event = _event(portfolio)
    experience = portfolio(
        "experiences", "add", "--kind", "hospital-placement", "--title", "AMU"
    ).out.strip()
    plan = add_entry("The plan", "Plan text", "--kind", "plan")
    result = portfolio(
        "add",
        "--title",
        "Linked",
        "--kind",
        "reflection",
        "--tag",
        "SBAR",
        "--tag",
        "#handover",
        "--tag",
        "sbar",
        "--event",
        event[:8],
        "--experience",
        experience,
        "--competency",
        "VE3",
        "--competency",
        "rr4=4",
        "--competency",
        "ipec-2016:VE",
        "--profession",
        "Medicine",
        "--profession",
        "Pharmacy",
        "--date",
        "2025-03-12",
        "--answers",
        plan[:6],
        "--status",
        "ready",
        "--json",
        stdin="Body",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["tags"] == ["SBAR", "handover"]
    assert data["event_ids"] == [event]
    assert data["experience_ids"] == [experience]
    assert data["plan_id"] == plan
    assert data["status"] == "ready"
    assert data["occurred_on"].startswith("2025-03-12")
    assert data["professions"] == ["Medicine", "Pharmacy"]
    assert data["competencies"] == [
        {"framework": "ipec-2023", "code": "VE3", "self_rating": None},
        {"framework": "ipec-2023", "code": "RR4", "self_rating": 4},
        {"framework": "ipec-2016", "code": "VE", "self_rating": None},
    ]
    assert data["privacy_findings"] == []
    assert {"id", "title", "sections", "kind", "template"} <= set(data)


def test_add_with_another_default_framework(portfolio: Run) -> None:
    result = portfolio(
        "add", "--title", "x", "--framework", "ipec-2016", "--competency", "VE=2", "--json"
    )
    assert result.code == 0, result.err
    assert result.json()["competencies"] == [
        {"framework": "ipec-2016", "code": "VE", "self_rating": 2}
    ]


def test_template_for_plans_makes_a_plan(portfolio: Run) -> None:
    result = portfolio("add", "--title", "p", "--template", "pre-event-plan", "--json")
    assert result.json()["kind"] == "plan"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--competency", "XX9"), "unknown competency code 'XX9' in IPEC 2023"),
        (("--competency", "nope:VE1"), "unknown framework 'nope'"),
        (("--competency", "VE1=7"), "self-rating must be from 1 to 5"),
        (("--competency", "VE1=good"), "must be a whole number"),
        (("--framework", "nope", "--competency", "VE1"), "no framework 'nope'"),
        (("--template", "nope"), "no reflective template 'nope'"),
        (("--event", "deadbeef"), "no event"),
        (("--experience", "deadbeef"), "no experience"),
        (("--answers", "deadbeef"), "no entry"),
        (("--kind", "note", "--answers", "deadbeef"), "only a reflection can answer a plan"),
        (("--body-file", "/no/such/file.md"), "cannot read the body file"),
    ],
)
def test_add_with_bad_input_stores_nothing(
    portfolio: Run, cli_dir: Path, args: tuple[str, ...], message: str
) -> None:
    result = portfolio("add", "--title", "Should not be stored", *args, stdin="text")
    assert result.code == exit_codes.FAILED
    assert message in result.error_line
    assert result.out == ""
    assert _entries(cli_dir) == []


def test_add_with_a_code_given_twice_keeps_one_link_with_the_last_rating(portfolio: Run) -> None:
    result = portfolio(
        "add", "--title", "x", "--competency", "VE1", "--competency", "ve1=3", "--json"
    )
    assert result.json()["competencies"] == [
        {"framework": "ipec-2023", "code": "VE1", "self_rating": 3}
    ]


def test_add_answering_a_non_plan_is_refused(portfolio: Run, add_entry: Add) -> None:
    note = add_entry("A note", "text", "--kind", "note")
    result = portfolio("add", "--title", "R", "--answers", note)
    assert result.code == exit_codes.FAILED
    assert "not a plan" in result.error_line


def test_add_refuses_a_body_that_is_not_utf8(portfolio: Run, tmp_path: Path) -> None:
    body = tmp_path / "latin1.md"
    body.write_bytes("café".encode("latin-1"))
    result = portfolio("add", "--title", "x", "--body-file", str(body))
    assert result.code == exit_codes.FAILED
    assert "not UTF-8" in result.error_line


def test_add_with_a_bad_date_is_a_usage_error(portfolio: Run, cli_dir: Path) -> None:
    result = portfolio("add", "--title", "x", "--date", "12/03/2025")
    assert result.code == exit_codes.USAGE
    assert "YYYY-MM-DD" in result.err
    assert _entries(cli_dir) == []


def test_add_warns_gently_about_identifiers_but_saves(portfolio: Run, cli_dir: Path) -> None:
    result = portfolio(
        "add",
        "--title",
        "Visit to Mrs O'Neill",
        stdin="Her NHS number is 943 476 5919 and she was seen on 12/03/2025.\n",
    )
    assert result.code == 0
    assert result.err.startswith("privacy check: 3 possible identifiers")
    assert "Mrs O'Neill" in result.err
    assert "943 476 5919" in result.err
    assert "saved anyway" in result.err
    assert len(_entries(cli_dir)) == 1


def test_add_json_lists_privacy_findings(portfolio: Run) -> None:
    result = portfolio("add", "--title", "x", "--json", stdin="Seen at Glenfield Hospital.")
    findings = result.json()["privacy_findings"]
    assert [(f["kind"], f["excerpt"]) for f in findings] == [("place", "Glenfield Hospital")]
    assert findings[0]["advice"]


def test_add_needs_a_portfolio(cli: Run) -> None:
    result = cli("add", "--title", "x")
    assert result.code == exit_codes.NO_PORTFOLIO
    assert "portfolio init" in result.error_line


# ---- list, show, search -------------------------------------------------------------------


@pytest.fixture
def three(portfolio: Run, add_entry: Add) -> dict[str, str]:
    plan = add_entry(
        "Plan for the workshop",
        "Intended learning",
        "--kind",
        "plan",
        "--date",
        "2024-10-10",
        "--tag",
        "workshop",
    )
    reflection = add_entry(
        "Workshop reflection",
        "Roles were clearer.",
        "--answers",
        plan,
        "--date",
        "2024-10-16",
        "--tag",
        "workshop",
        "--tag",
        "roles",
        "--competency",
        "RR4=3",
        "--status",
        "ready",
    )
    note = add_entry(
        "Board round note",
        "Seven professions.",
        "--kind",
        "note",
        "--date",
        "2024-11-12",
        "--tag",
        "roles",
    )
    return {"plan": plan, "reflection": reflection, "note": note}


def test_list_table_newest_first(portfolio: Run, three: dict[str, str]) -> None:
    result = portfolio("list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "DATE", "KIND", "STATUS", "TITLE", "TAGS"]
    assert [line.split()[0] for line in lines[1:]] == [
        three["note"][:8],
        three["reflection"][:8],
        three["plan"][:8],
    ]
    assert lines[2].split()[1:4] == ["2024-10-16", "reflection", "ready"]
    assert lines[2].endswith("workshop, roles")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--kind", "plan"), ["plan"]),
        (("--status", "ready"), ["reflection"]),
        (("--tag", "roles"), ["note", "reflection"]),
        (("--tag", "ROLES", "--tag", "#workshop"), ["reflection"]),
        (("--limit", "1"), ["note"]),
    ],
)
def test_list_filters(
    portfolio: Run, three: dict[str, str], args: tuple[str, ...], expected: list[str]
) -> None:
    result = portfolio("list", "--json", *args)
    assert result.code == 0
    assert [e["id"] for e in result.json()] == [three[k] for k in expected]


def test_list_limit_says_how_many_were_left_out(portfolio: Run, three: dict[str, str]) -> None:
    result = portfolio("list", "--limit", "2")
    assert len(result.out.splitlines()) == 3
    assert "2 of 3 entries shown" in result.err


def test_list_json_shape(portfolio: Run, three: dict[str, str]) -> None:
    [reflection] = portfolio("list", "--json", "--status", "ready").json()
    assert set(reflection) == {
        "id",
        "date",
        "kind",
        "status",
        "title",
        "template",
        "tags",
        "professions",
        "event_ids",
        "experience_ids",
        "plan_id",
        "competencies",
        "word_count",
        "created",
        "updated",
    }
    assert reflection["date"] == "2024-10-16"
    assert reflection["plan_id"] == three["plan"]
    assert reflection["competencies"] == [
        {"framework": "ipec-2023", "code": "RR4", "self_rating": 3}
    ]
    assert reflection["word_count"] == 3
    assert "sections" not in reflection  # list is a summary; show has the text


def test_list_of_an_empty_portfolio(portfolio: Run) -> None:
    result = portfolio("list")
    assert result.code == 0
    assert result.out == ""
    assert "No entries yet" in result.err
    assert portfolio("list", "--json").json() == []


def test_list_rejects_a_bad_limit(portfolio: Run) -> None:
    assert portfolio("list", "--limit", "0").code == exit_codes.USAGE


def test_show_text(portfolio: Run, three: dict[str, str]) -> None:
    result = portfolio("show", three["reflection"][:8])
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("Workshop reflection\n")
    assert f"id:          {three['reflection']}" in out
    assert "status: Ready for review" in out
    assert "RR4: Tell apart each team member's role" in out
    assert "(self-rating 3/5)" in out
    assert f"answers plan: {three['plan'][:8]}  Plan for the workshop" in out
    assert "Roles were clearer." in out
    plan = portfolio("show", three["plan"]).out
    assert "reflections answering this plan:" in plan
    assert f"{three['reflection'][:8]}  2024-10-16  Workshop reflection" in plan


def test_show_json(portfolio: Run, three: dict[str, str]) -> None:
    event = _event(portfolio)
    portfolio("edit", three["reflection"], "--event", event)
    data = portfolio("show", three["reflection"], "--json").json()
    assert data["id"] == three["reflection"]
    assert data["sections"] == [
        {"key": "reflection", "heading": "Reflection", "body": "Roles were clearer."}
    ]
    assert data["competencies"][0]["label"].startswith("RR4: ")
    assert data["plan"] == {"id": three["plan"], "title": "Plan for the workshop"}
    assert data["answered_by"] == []
    assert [e["title"] for e in data["events"]] == ["SBAR sim"]
    assert data["events"][0]["kind"] == "sbar-simulation"
    assert data["body_markdown"] == "Roles were clearer."
    plan = portfolio("show", three["plan"], "--json").json()
    assert [r["id"] for r in plan["answered_by"]] == [three["reflection"]]


@pytest.mark.parametrize("verb", ["show", "history", "delete", "edit"])
def test_unknown_id(portfolio: Run, three: dict[str, str], verb: str) -> None:
    extra = ("--title", "x") if verb == "edit" else ("--yes",) if verb == "delete" else ()
    result = portfolio(verb, "0000ffff", *extra)
    assert result.code == exit_codes.FAILED
    assert "there is no entry with id '0000ffff'" in result.error_line


def test_search(portfolio: Run, three: dict[str, str]) -> None:
    result = portfolio("search", "ROLES", "clearer")
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()[1:]] == [three["reflection"][:8]]
    by_tag = portfolio("search", "#roles", "--json").json()
    assert [e["id"] for e in by_tag] == [three["note"], three["reflection"]]
    by_code = portfolio("search", "code:rr4", "--json").json()
    assert [e["id"] for e in by_code] == [three["reflection"]]
    by_kind = portfolio("search", "kind:plan", "--json").json()
    assert [e["id"] for e in by_kind] == [three["plan"]]
    nothing = portfolio("search", "zebra")
    assert nothing.code == 0 and nothing.out == ""
    assert "No entries match 'zebra'" in nothing.err


# ---- edit ---------------------------------------------------------------------------------


def test_edit_changes_fields_in_place(portfolio: Run, three: dict[str, str], cli_dir: Path) -> None:
    event = _event(portfolio)
    result = portfolio(
        "edit",
        three["note"][:8],
        "--title",
        "Board round, revisited",
        "--add-tag",
        "teamwork",
        "--remove-tag",
        "ROLES",
        "--add-competency",
        "TT=2",
        "--add-profession",
        "Pharmacy",
        "--event",
        event,
        "--date",
        "2024-11-13",
        "--status",
        "ready",
        "--json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["title"] == "Board round, revisited"
    assert data["tags"] == ["teamwork"]
    assert data["competencies"] == [{"framework": "ipec-2023", "code": "TT", "self_rating": 2}]
    assert data["professions"] == ["Pharmacy"]
    assert data["event_ids"] == [event]
    assert data["status"] == "ready"
    assert data["occurred_on"].startswith("2024-11-13")
    again = portfolio(
        "edit",
        three["note"],
        "--add-competency",
        "TT=4",
        "--remove-event",
        event[:6],
        "--remove-profession",
        "pharmacy",
        "--json",
    ).json()
    assert again["competencies"] == [{"framework": "ipec-2023", "code": "TT", "self_rating": 4}]
    assert again["event_ids"] == []
    assert again["professions"] == []
    removed = portfolio("edit", three["note"], "--remove-competency", "tt", "--json").json()
    assert removed["competencies"] == []


def test_edit_body_from_stdin_with_the_template(portfolio: Run, add_entry: Add) -> None:
    entry = add_entry("Quick", "old", "--template", "quick-capture", "--kind", "note")
    result = portfolio(
        "edit",
        entry,
        "--body-file",
        "-",
        "--json",
        stdin="## What?\nA board round.\n## Now what?\nAsk the OT.\n",
    )
    assert result.code == 0, result.err
    sections = {s["key"]: s["body"] for s in result.json()["sections"]}
    assert sections == {"what": "A board round.", "so-what": "", "now-what": "Ask the OT."}


def test_edit_template_resplits_the_existing_body(portfolio: Run, add_entry: Add) -> None:
    entry = add_entry("Later Gibbs", GIBBS_BODY)
    data = portfolio("edit", entry, "--template", "gibbs", "--json").json()
    assert data["template"] == "gibbs"
    assert len(data["sections"]) == 6


def test_edit_plan_links(portfolio: Run, three: dict[str, str]) -> None:
    unlinked = portfolio("edit", three["reflection"], "--no-plan", "--json").json()
    assert unlinked["plan_id"] is None
    linked = portfolio("edit", three["reflection"], "--answers", three["plan"], "--json").json()
    assert linked["plan_id"] == three["plan"]


@pytest.mark.parametrize(
    "case",
    [
        ((), exit_codes.USAGE, "nothing to change"),
        (("--status", "submitted"), exit_codes.FAILED, "'Submitted' is set by the app"),
        (("--status", "feedback-received"), exit_codes.FAILED, "set only by importing"),
        (("--remove-tag", "absent"), exit_codes.FAILED, "has no tag 'absent'"),
        (("--remove-competency", "VE1"), exit_codes.FAILED, "not linked to ipec-2023:VE1"),
        (("--add-competency", "ZZ1"), exit_codes.FAILED, "unknown competency code 'ZZ1'"),
        (("--remove-event", "abcd1234"), exit_codes.FAILED, "not linked to an event"),
        (("--event", "abcd1234"), exit_codes.FAILED, "no event"),
        (("--title", "  "), exit_codes.FAILED, "needs a title"),
        (("--body-file", "/no/such.md"), exit_codes.FAILED, "cannot read the body file"),
        (("--answers", "0000ffff"), exit_codes.FAILED, "no entry"),
    ],
)
def test_edit_with_bad_input_changes_nothing(
    portfolio: Run, three: dict[str, str], cli_dir: Path, case: tuple[tuple[str, ...], int, str]
) -> None:
    args, code, message = case
    before = _entries(cli_dir)
    result = portfolio("edit", three["note"], *args)
    assert result.code == code
    assert message in result.error_line
    assert _entries(cli_dir) == before


def test_edit_help_explains_why_there_is_no_editor(portfolio: Run) -> None:
    result = portfolio("edit", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "no $EDITOR round trip" in text
    assert "temporary file" in text
    assert "--body-file -" in text


def test_edit_warns_about_identifiers_in_new_text(portfolio: Run, add_entry: Add) -> None:
    entry = add_entry("Fine", "fine")
    result = portfolio("edit", entry, "--body-file", "-", stdin="Patient aged 84 on the ward")
    assert result.code == 0
    assert "privacy check" in result.err and "aged 84" in result.err
    quiet = portfolio("edit", entry, "--add-tag", "x")
    assert quiet.err == ""  # the text did not change: no repeated warning


# ---- delete, history, restore -------------------------------------------------------------


def test_delete_needs_yes_from_a_script(
    portfolio: Run, three: dict[str, str], cli_dir: Path
) -> None:
    result = portfolio("delete", three["note"])
    assert result.code == exit_codes.FAILED
    assert "add --yes" in result.error_line
    assert len(_entries(cli_dir)) == 3


def test_delete_with_yes(portfolio: Run, three: dict[str, str], cli_dir: Path) -> None:
    result = portfolio("delete", three["plan"][:8], "--yes", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"deleted": three["plan"], "title": "Plan for the workshop"}
    assert "1 reflection(s) answered this plan" in result.err
    assert {e.id for e in _entries(cli_dir)} == {three["note"], three["reflection"]}
    text = portfolio("delete", three["note"], "-y")
    assert text.out.startswith(f"Deleted {three['note'][:8]}: Board round note")


def test_history_and_restore_revision(portfolio: Run, add_entry: Add, cli_dir: Path) -> None:
    entry = add_entry("Version one", "first text")
    portfolio("edit", entry, "--title", "Version two", "--body-file", "-", stdin="second text")
    history = portfolio("history", entry, "--json")
    assert history.code == 0
    revisions = history.json()
    assert [r["title"] for r in revisions] == ["Version two", "Version one"]
    assert set(revisions[0]) == {"id", "saved", "title", "status", "word_count", "chain"}
    assert revisions[0]["chain"]["seq"] == 2 and revisions[1]["chain"]["seq"] == 1
    assert revisions[0]["chain"]["prev"] == revisions[1]["chain"]["hash"]
    table = portfolio("history", entry).out.splitlines()
    assert table[0].split()[:2] == ["REVISION", "SAVED"]
    assert len(table) == 3
    oldest = revisions[-1]["id"]
    result = portfolio("restore-revision", entry[:8], oldest[:8])
    assert result.code == 0, result.err
    assert "Restored" in result.out
    [restored] = _entries(cli_dir)
    assert restored.title == "Version one"
    assert restored.body_markdown == "first text"
    assert len(portfolio("history", entry, "--json").json()) == 3  # the undo is in history


def test_restore_unknown_revision(portfolio: Run, add_entry: Add) -> None:
    entry = add_entry("Only version")
    result = portfolio("restore-revision", entry, "ffffffff")
    assert result.code == exit_codes.FAILED
    assert "no saved version 'ffffffff'" in result.error_line


def test_restore_revision_json(portfolio: Run, add_entry: Add) -> None:
    entry = add_entry("One")
    portfolio("edit", entry, "--title", "Two")
    oldest = portfolio("history", entry, "--json").json()[-1]["id"]
    data = portfolio("restore-revision", entry, oldest, "--json").json()
    assert data["title"] == "One"
    assert data["privacy_findings"] == []
