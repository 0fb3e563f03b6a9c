"""A course's own learning outcomes from a spreadsheet (CSV) as a framework pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolio_app.core.course_outcomes import (
    CourseOutcomesError,
    check_framework_id,
    parse_course_outcomes_csv,
)
from portfolio_app.core.framework_packs import framework_to_matrix_json, parse_framework_pack

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "course" / "example-strand-outcomes.csv"


def _parse(text: str, **kw: str) -> object:
    return parse_course_outcomes_csv(
        text.encode("utf-8"),
        framework_id=kw.get("framework_id", "course"),
        name=kw.get("name", "Course outcomes"),
        source_name="outcomes.csv",
    )


def test_the_example_sheet_becomes_strands_with_their_outcomes() -> None:
    framework = parse_course_outcomes_csv(
        EXAMPLE.read_bytes(),
        framework_id="Leicester",
        name="IPE strand learning outcomes",
        short_name="Leicester IPE",
        source_name=EXAMPLE.name,
    )
    assert framework.id == "leicester"  # what the student types: --competency leicester:S1.2
    assert [(s.code, s.name) for s in framework.standards] == [
        ("S1", "Strand 1: Learning together"),
        ("S2", "Strand 2: Learning in practice"),
        ("S3", "Strand 3: Leading together"),
    ]
    s2 = framework.find("S2.2")
    assert s2 is not None and s2.name.startswith("Explain, with examples,")  # quoted comma
    assert s2.description == "Level: Year 2"
    assert framework.label("S1.2") == "S1.2: Work in a mixed team on a shared task"
    assert not framework.is_partial and framework.listed_statements == 5
    assert framework.completeness_text() == (
        "Leicester IPE: all 5 of its learning outcomes are listed in this pack."
    )
    # It is stored as an ordinary pack, and reads back the same.
    again = parse_framework_pack(framework_to_matrix_json(framework), source_name="vault")
    assert again == framework


def test_semicolons_tabs_a_byte_order_mark_and_other_column_names_work() -> None:
    sheet = "\ufeffOutcome;Strand;Code;Year;Notes\nWork well in teams;Teamwork;T1;1;x\n"
    framework = _parse(sheet)
    assert [e.code for s in framework.standards for e in s.elements] == ["T1"]  # type: ignore[attr-defined]
    tabbed = "code\tgroup\tstatement\nA.1\tAlpha\tFirst\nB-1\tBeta\tSecond\n"
    framework = _parse(tabbed)
    assert [s.code for s in framework.standards] == ["A", "G2"]  # type: ignore[attr-defined]


def test_a_group_code_column_names_the_groups() -> None:
    sheet = (
        "code,group,statement,group_code\nK1,Knowledge,Know roles,KN\nK2,Knowledge,Know law,KN\n"
    )
    framework = _parse(sheet)
    assert [s.code for s in framework.standards] == ["KN"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("", "is empty"),
        ("code,statement\nA1,x\n", "missing: group"),
        ("code,group,statement\n", "no outcomes"),
        ("code,group,statement\n,G,x\n", "row 2 has no code"),
        ("code,group,statement\nA 1,G,x\n", "row 2 has the code 'A 1'"),
        ("code,group,statement\nA1,G,x\nA1,G,y\n", "row 3 repeats the code 'A1' of row 2"),
        ("code,group,statement\nA1,,x\n", "row 2 ('A1') has no group"),
        ("code,group,statement\nA1,G,\n", "row 2 ('A1') has no statement"),
    ],
)
def test_a_broken_sheet_is_refused_naming_the_row(sheet: str, message: str) -> None:
    with pytest.raises(CourseOutcomesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _parse(sheet)


def test_not_utf8_is_refused_with_what_to_do() -> None:
    with pytest.raises(CourseOutcomesError, match="CSV UTF-8"):
        parse_course_outcomes_csv(
            "code,group,statement\nA1,Grüppe,x\n".encode("latin-1"),
            framework_id="course",
            name="x",
            source_name="x.csv",
        )


@pytest.mark.parametrize("bad", ["", "Leicester IPE", "1course", "a" * 33, "ipe_2024", "léi"])
def test_framework_ids_are_short_and_typeable(bad: str) -> None:
    with pytest.raises(CourseOutcomesError, match="short name"):
        check_framework_id(bad)
    assert check_framework_id(" Leicester ") == "leicester"
