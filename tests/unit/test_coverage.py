"""Coverage maths: competencies evidenced by entries, gaps, and the chart counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.coverage import (
    RatingGrid,
    academic_term,
    coverage,
    entries_by_event_kind,
    entries_per_month,
    rating_heatmap,
    rating_history,
    suggestions,
    summarise,
    unlisted_links,
)
from portfolio_app.core.domain.entries import CompetencyLink, Entry, EntryKind, Section
from portfolio_app.core.domain.events import Event
from portfolio_app.core.domain.frameworks import Element, Framework, Standard
from portfolio_app.core.domain.ids import EntryId, EventId
from portfolio_app.core.framework_packs import load_builtin_frameworks


def _framework(framework_id: str = "fw") -> Framework:
    return Framework(
        id=framework_id,
        name="Test framework",
        short_name="TF",
        publisher="Us",
        year=2024,
        version="1",
        source_url="",
        licence_note="",
        description="",
        standards=(
            Standard("A", "Alpha", "", (Element("A1", "First"), Element("A2", "Second"))),
            Standard("B", "Beta", "", ()),
        ),
        builtin=False,
    )


def _entry(
    entry_id: str,
    *links: tuple[str, str],
    on: datetime | None = None,
    events: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        id=EntryId(entry_id),
        kind=EntryKind.REFLECTION,
        title=f"Entry {entry_id}",
        sections=(Section("Reflection", "text"),),
        created=datetime(2024, 1, 15, tzinfo=UTC),
        occurred_on=on,
        event_ids=tuple(EventId(e) for e in events),
        competencies=tuple(CompetencyLink(fw, code) for fw, code in links),
    )


def test_coverage_lists_every_linkable_competency_in_pack_order() -> None:
    rows = coverage(_framework(), [])
    assert [(r.code, r.standard_code, r.is_standard) for r in rows] == [
        ("A", "A", True),
        ("A1", "A", False),
        ("A2", "A", False),
        ("B", "B", True),
    ]
    assert all(not r.is_evidenced and r.count == 0 for r in rows)
    assert rows[1].label == "A1: First"


def test_coverage_counts_only_links_to_this_framework_and_keeps_entry_order() -> None:
    entries = [
        _entry("e1", ("fw", "A1"), ("other", "A2")),
        _entry("e2", ("fw", "A1"), ("fw", "B")),
        _entry("e3", ("other", "A1")),
    ]
    rows = {r.code: r for r in coverage(_framework(), entries)}
    assert rows["A1"].entry_ids == ("e1", "e2")
    assert rows["B"].entry_ids == ("e2",)
    assert rows["A2"].entry_ids == ()
    # a standard with elements gathers its elements' evidence, but has no direct links
    assert rows["A"].entry_ids == ("e1", "e2")
    assert rows["A"].direct_ids == ()
    assert rows["A"].is_heading and not rows["B"].is_heading


def test_summary_counts_evidenced_gaps_entries_and_links() -> None:
    entries = [_entry("e1", ("fw", "A1")), _entry("e2", ("fw", "A1"), ("fw", "B"))]
    summary = summarise(coverage(_framework(), entries))
    # headings (A) are not counted: A1, A2 and B are; evidence for A1 does not hide A2's gap
    assert (summary.total, summary.evidenced, summary.gap_count) == (3, 2, 1)
    assert summary.gaps == ("A2",)
    assert summary.linked_entries == 2
    assert summary.links == 3
    assert summary.describe() == "2 of 3 listed competencies evidenced"


def test_direct_link_to_a_heading_shows_there_but_fills_no_element_gap() -> None:
    rows = {r.code: r for r in coverage(_framework(), [_entry("e1", ("fw", "A"))])}
    assert rows["A"].entry_ids == ("e1",) and rows["A"].direct_ids == ("e1",)
    summary = summarise(list(rows.values()))
    assert summary.gaps == ("A1", "A2", "B")
    assert summary.links == 1


def test_summary_of_an_empty_framework_reads_naturally() -> None:
    summary = summarise([])
    assert summary.describe() == "0 of 0 listed competencies evidenced"
    assert summary.gaps == ()


def test_unlisted_links_are_reported_not_lost() -> None:
    entries = [_entry("e1", ("fw", "Z9"), ("fw", "A1")), _entry("e2", ("fw", "Z9"))]
    assert unlisted_links(_framework(), entries) == {"Z9": ("e1", "e2")}


def test_builtin_ipec_2023_counts_elements_and_element_less_standards() -> None:
    ipec = next(f for f in load_builtin_frameworks() if f.id == "ipec-2023")
    entry = _entry("e1", ("ipec-2023", "VE3"), ("ipec-2023", "TT"))
    summary = summarise(coverage(ipec, [entry]))
    headings = [
        code
        for code, _label, std in ipec.linkable()
        if code == std and any(c != s2 and s2 == code for c, _l, s2 in ipec.linkable())
    ]
    assert summary.total == len(ipec.linkable()) - len(headings)
    assert summary.evidenced == 2


def test_entries_per_month_fills_empty_months_and_crosses_years() -> None:
    entries = [
        _entry("a", on=datetime(2024, 11, 3, tzinfo=UTC)),
        _entry("b", on=datetime(2024, 11, 30, tzinfo=UTC)),
        _entry("c", on=datetime(2025, 2, 1, tzinfo=UTC)),
    ]
    assert entries_per_month(entries) == [
        (date(2024, 11, 1), 2),
        (date(2024, 12, 1), 0),
        (date(2025, 1, 1), 0),
        (date(2025, 2, 1), 1),
    ]
    assert entries_per_month([]) == []


def test_entries_per_month_uses_written_date_when_occurrence_unknown() -> None:
    assert entries_per_month([_entry("a")]) == [(date(2024, 1, 1), 1)]


def test_entries_by_event_kind_counts_each_entry_once_per_kind() -> None:
    events = [
        Event(EventId("w1"), EventKind.IPL_WORKSHOP, "Workshop 1"),
        Event(EventId("w2"), EventKind.IPL_WORKSHOP, "Workshop 2"),
        Event(EventId("s1"), EventKind.SCHWARTZ_ROUND, "Round"),
    ]
    entries = [
        _entry("a", events=("w1", "w2")),
        _entry("b", events=("w1", "s1")),
        _entry("c", events=("gone",)),
        _entry("d"),
    ]
    assert entries_by_event_kind(entries, events) == [
        (EventKind.IPL_WORKSHOP, 2),
        (EventKind.SCHWARTZ_ROUND, 1),
    ]
    assert entries_by_event_kind(entries, {e.id: e for e in events})[0][1] == 2


# --- hierarchy, suggestions and self-rating growth ---------------------------------------------


def _rated(entry_id: str, day: date, *links: tuple[str, int | None]) -> Entry:
    return Entry(
        id=EntryId(entry_id),
        kind=EntryKind.REFLECTION,
        title=f"Entry {entry_id}",
        sections=(Section("Reflection", "text"),),
        created=datetime(2024, 1, 15, tzinfo=UTC),
        occurred_on=datetime(day.year, day.month, day.day, tzinfo=UTC),
        competencies=tuple(CompetencyLink("fw", code, rating) for code, rating in links),
    )


def test_coverage_rows_carry_depth_and_name_for_an_indented_tree() -> None:
    nested = Framework(
        id="fw",
        name="Nested",
        short_name="N",
        publisher="",
        year=None,
        version="",
        source_url="",
        licence_note="",
        description="",
        standards=(
            Standard(
                "1",
                "One",
                "",
                (Element("1.1", "Sub"), Element("1.1a", "Clause", parent="1.1")),
            ),
            Standard("2", "Two", "", (), element_total=None),
        ),
        builtin=False,
    )
    rows = coverage(nested, [])
    assert [(r.code, r.depth, r.name, r.whole_only) for r in rows] == [
        ("1", 0, "One", False),
        ("1.1", 1, "Sub", False),
        ("1.1a", 2, "Clause", False),
        ("2", 0, "Two", True),
    ]


def test_suggestions_put_gaps_in_the_least_evidenced_competency_first() -> None:
    framework = _framework()
    rows = coverage(framework, [_entry("e1", ("fw", "A1"))])
    found = suggestions(framework, rows)
    # B has nothing evidenced, so its gap comes before A2 (A already has A1).
    assert [(s.code, s.reason) for s in found] == [
        ("B", "No entry links to this competency yet."),
        ("A2", "1 other item in Alpha already evidenced."),
    ]
    assert suggestions(framework, rows, limit=1) == found[:1]
    everything = coverage(framework, [_entry("e1", ("fw", "A1"), ("fw", "A2"), ("fw", "B"))])
    assert suggestions(framework, everything) == []


def test_self_rating_history_is_per_code_oldest_first_and_ignores_other_links() -> None:
    framework = _framework()
    entries = [
        _rated("late", date(2025, 6, 2), ("A1", 4)),
        _rated("early", date(2024, 10, 1), ("A1", 2), ("B", None)),
        _rated("mid", date(2025, 2, 1), ("A1", 3), ("gone", 5)),
    ]
    history = rating_history(framework, entries)
    assert list(history) == ["A1"]  # B was never rated; "gone" is not in the framework
    assert [(p.day, p.rating, p.entry_id) for p in history["A1"]] == [
        (date(2024, 10, 1), 2, "early"),
        (date(2025, 2, 1), 3, "mid"),
        (date(2025, 6, 2), 4, "late"),
    ]


def test_academic_terms_split_the_year_at_september_january_and_may() -> None:
    assert academic_term(date(2024, 9, 1)).label == "Autumn 2024"
    assert academic_term(date(2024, 12, 31)).label == "Autumn 2024"
    assert academic_term(date(2025, 1, 1)).label == "Spring 2025"
    assert academic_term(date(2025, 4, 30)).label == "Spring 2025"
    assert academic_term(date(2025, 5, 1)).label == "Summer 2025"
    assert academic_term(date(2025, 8, 31)).label == "Summer 2025"


def test_rating_heatmap_has_every_term_between_first_and_last_and_keeps_the_latest() -> None:
    framework = _framework()
    entries = [
        _rated("a", date(2024, 10, 1), ("A1", 1)),
        _rated("b", date(2024, 11, 1), ("A1", 2)),  # same term, later: wins
        _rated("c", date(2025, 9, 10), ("A1", 4), ("A2", 3)),
    ]
    grid = rating_heatmap(framework, entries)
    assert [t.label for t in grid.terms] == [
        "Autumn 2024",
        "Spring 2025",
        "Summer 2025",
        "Autumn 2025",
    ]
    rows = {row.code: row for row in grid.rows}
    assert rows["A1"].cells == (2, None, None, 4)
    assert (rows["A1"].first, rows["A1"].latest, rows["A1"].growth) == (1, 4, 3)
    assert rows["A2"].cells == (None, None, None, 3) and rows["A2"].growth == 0
    assert rating_heatmap(framework, []) == RatingGrid((), ())


def test_suggestions_take_one_gap_from_each_competency_in_turn() -> None:
    framework = Framework(
        id="fw",
        name="Three",
        short_name="T",
        publisher="",
        year=None,
        version="",
        source_url="",
        licence_note="",
        description="",
        standards=(
            Standard("A", "Alpha", "", (Element("A1", "a1"), Element("A2", "a2"))),
            Standard("B", "Beta", "", (Element("B1", "b1"), Element("B2", "b2"))),
            Standard("C", "Gamma", "", (Element("C1", "c1"), Element("C2", "c2"))),
        ),
        builtin=False,
    )
    rows = coverage(framework, [_entry("e", ("fw", "A1"))])
    # B and C have nothing evidenced, so they come first; then one from each in turn.
    assert [s.code for s in suggestions(framework, rows)] == ["B1", "C1", "A2", "B2", "C2"]
