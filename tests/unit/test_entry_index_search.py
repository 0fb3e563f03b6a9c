"""The search index answers exactly what a full scan of the decrypted entries answers.

A hypothesis property over random portfolios and random queries: words (and pieces of
words), ``#tag`` / ``tag:``, ``kind:``, ``status:``, ``code:``, quoted phrases (closed and
unclosed), plus the sidebar's filters (event kinds, experiences, professions, dates). Text
mixes case, line breaks, tabs, runs of spaces and letters whose case folding changes their
length (ß -> ss, İ -> i̇), so the index's terms and the scan's text must agree on all of them.
The same ids in the same order (newest first, ties by id) are expected.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.entry_filter import (
    EntryFilter,
    filter_entries,
    newest_first,
    parse_query,
)
from portfolio_app.core.domain.entry_index import (
    EntryIndex,
    EntrySummary,
    narrows,
    search_terms,
    summary_from_record,
    summary_record,
)
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId

VOCABULARY = (
    "sepsis",
    "Sepsis",
    "SEPSIS,",
    "handover",
    "hand-over",
    "straße",
    "STRASSE",
    "İstanbul",
    "naïve",
    "e.g.",
    "o'clock",
    "#teamwork",
    "tag:x",
    "kind:plan",
    '"quoted"',
    "a",
    "ab",
    "ward",
    "Ward",
    "δ",
    "Σοφία",
)
SPACES = (" ", "  ", "\n", "\t", " \n ", "\u00a0", "\u2003")
TAGS = ("teamwork", "Teamwork", "sepsis", "end-of-life", "SBAR", "ß")
CODES = (("ipec-2023", "VE1"), ("ipec-2023", "ve3"), ("ipec-2023", "RR2"), ("cihc", "C1"))
EVENTS = (EventId("e1"), EventId("e2"), EventId("e3"))
EVENT_KINDS = {"e1": "schwartz_round", "e2": "simulation", "e3": "schwartz_round"}
EXPERIENCES = (ExperienceId("x1"), ExperienceId("x2"))
PROFESSIONS = ("Nursing", "nursing", "Pharmacy", "Medicine")
START = datetime(2025, 1, 1, tzinfo=UTC)


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(VOCABULARY), max_size=8))
    pieces = []
    for word in words:
        pieces.append(draw(st.sampled_from(SPACES)))
        pieces.append(word)
    return "".join(pieces)


@st.composite
def entries(draw: st.DrawFn, index: int) -> Entry:
    created = START + timedelta(hours=draw(st.integers(0, 24 * 60)))
    occurred = draw(st.none() | st.integers(0, 24 * 60).map(lambda h: START + timedelta(hours=h)))
    links = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=3))
    kind = draw(st.sampled_from(list(EntryKind)))
    return Entry(
        id=EntryId(f"{draw(st.integers(0, 3))}{index:031x}"),
        kind=kind,
        title=(draw(texts()) or "t").strip() or "t",
        sections=tuple(
            Section(heading=draw(texts()), body=draw(texts()), key=f"s{i}")
            for i in range(draw(st.integers(0, 3)))
        ),
        status=draw(st.sampled_from(list(EntryStatus))),
        created=created,
        updated=created,
        occurred_on=occurred,
        event_ids=tuple(draw(st.lists(st.sampled_from(EVENTS), unique=True, max_size=2))),
        experience_ids=tuple(draw(st.lists(st.sampled_from(EXPERIENCES), unique=True, max_size=2))),
        professions=tuple(draw(st.lists(st.sampled_from(PROFESSIONS), unique=True, max_size=2))),
        tags=tuple(draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=3))),
        competencies=tuple(CompetencyLink(fw, code) for fw, code in links),
    )


@st.composite
def portfolios(draw: st.DrawFn) -> list[Entry]:
    count = draw(st.integers(0, 12))
    return [draw(entries(i)) for i in range(count)]


def _pieces(word: str) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, len(word)), st.integers(0, len(word))).map(
        lambda ab: word[min(ab) : max(ab)] or word
    )


@st.composite
def queries(draw: st.DrawFn) -> str:
    tokens = []
    for _ in range(draw(st.integers(0, 3))):
        tokens.append(
            draw(
                st.one_of(
                    st.sampled_from(VOCABULARY).flatmap(_pieces),
                    st.sampled_from(TAGS).map(lambda t: f"#{t}"),
                    st.sampled_from(TAGS).map(lambda t: f"tag:{t.upper()}"),
                    st.sampled_from(["kind:plan", "kind:note", "KIND:Reflection", "kind:"]),
                    st.sampled_from(
                        [
                            "status:draft",
                            "status:ready",
                            "status:submitted",
                            "STATUS:Feedback-Received",
                            "Status:Reviewed",  # retired: matches nothing
                        ]
                    ),
                    st.sampled_from(["code:ve1", "code:VE3", "code:c1", "code:x"]),
                    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(
                        lambda ws: '"' + " ".join(ws) + '"'
                    ),
                    st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=2).map(
                        lambda ws: f'"{ws[0][-2:]} {ws[1][:2]}"'
                    ),
                    st.sampled_from(['"unclosed phrase', '"', '""', "zzz-no-match"]),
                )
            )
        )
    return draw(st.sampled_from(SPACES)).join(tokens)


@st.composite
def sidebar(draw: st.DrawFn) -> EntryFilter:
    typed = parse_query(draw(queries()))
    start = draw(st.none() | st.integers(0, 60).map(lambda d: date(2025, 1, 1) + timedelta(d)))
    end = draw(st.none() | st.integers(0, 60).map(lambda d: date(2025, 1, 1) + timedelta(d)))
    return EntryFilter(
        words=typed.words,
        phrases=typed.phrases,
        kinds=typed.kinds,
        statuses=typed.statuses,
        tags=typed.tags,
        codes=typed.codes,
        event_ids=frozenset(draw(st.lists(st.sampled_from(EVENTS), max_size=2))),
        event_kinds=frozenset(
            draw(st.lists(st.sampled_from(["schwartz_round", "simulation"]), max_size=1))
        ),
        experience_ids=frozenset(draw(st.lists(st.sampled_from(EXPERIENCES), max_size=1))),
        professions=frozenset(draw(st.lists(st.sampled_from(PROFESSIONS), max_size=2))),
        date_from=start,
        date_to=end,
        # the app's "Has tutor feedback" filter: ids from the imported feedback records
        only_ids=draw(
            st.none()
            | st.frozensets(
                st.builds(lambda p, i: f"{p}{i:031x}", st.integers(0, 3), st.integers(0, 12)),
                max_size=6,
            )
        ),
    )


def _both(portfolio: list[Entry], flt: EntryFilter) -> tuple[list[str], list[str]]:
    ordered = sorted(portfolio, key=newest_first, reverse=True)
    scanned = filter_entries(ordered, flt, event_kind_of=EVENT_KINDS.get)
    index = EntryIndex((summary_record(e), search_terms(e)) for e in portfolio)
    by_id = {e.id: e for e in portfolio}
    found = index.search_ids(
        flt, event_kind_of=EVENT_KINDS.get, text_of=lambda i: by_id[i].searchable_text()
    )
    return [e.id for e in scanned], list(found)


@settings(max_examples=200, deadline=None)
@given(portfolios(), queries())
def test_index_search_equals_a_full_scan_for_typed_queries(
    portfolio: list[Entry], query: str
) -> None:
    scanned, indexed = _both(portfolio, parse_query(query))
    assert indexed == scanned


@settings(max_examples=150, deadline=None)
@given(portfolios(), sidebar())
def test_index_search_equals_a_full_scan_with_the_sidebar_filters(
    portfolio: list[Entry], flt: EntryFilter
) -> None:
    scanned, indexed = _both(portfolio, flt)
    assert indexed == scanned


@settings(max_examples=200, deadline=None)
@given(portfolios(), queries(), queries())
def test_narrowing_from_the_previous_result_changes_nothing(
    portfolio: list[Entry], first: str, more: str
) -> None:
    """The app searches the previous keystroke's matches when the new query narrows it."""
    index = EntryIndex((summary_record(e), search_terms(e)) for e in portfolio)
    by_id = {e.id: e for e in portfolio}
    text_of = by_id.__getitem__
    wide = parse_query(first)
    narrow = parse_query(f"{first} {more}")
    assume(narrows(narrow, wide))
    previous = set(index.search_ids(wide, text_of=lambda i: text_of(i).searchable_text()))
    direct = index.search_ids(narrow, text_of=lambda i: text_of(i).searchable_text())
    within = index.search_ids(
        narrow, text_of=lambda i: text_of(i).searchable_text(), within=previous
    )
    assert within == direct


@settings(max_examples=200, deadline=None)
@given(portfolios())
def test_a_summary_record_round_trips(portfolio: list[Entry]) -> None:
    for entry in portfolio:
        summary = summary_from_record(summary_record(entry))
        assert summary == EntrySummary.of(entry)
        assert summary.title == entry.title and summary.tags == entry.tags
        assert summary.created == entry.created and summary.occurred_on == entry.occurred_on
        assert summary.word_count == entry.word_count


def test_typing_one_more_letter_narrows() -> None:
    assert narrows(parse_query("pharm"), parse_query("phar"))
    assert narrows(parse_query("pharm #team"), parse_query("pharm")) is False  # tags differ
    assert narrows(parse_query('"hand hy'), parse_query('"hand h'))
    assert narrows(parse_query('"hand hy'), parse_query("hand"))
    assert not narrows(parse_query("kind:plan kind:note"), parse_query("kind:plan"))
    assert not narrows(parse_query("phar"), parse_query("pharm"))


def test_a_search_word_matches_inside_words_and_a_phrase_needs_its_order() -> None:
    entry = Entry(
        id=EntryId("1" * 32),
        kind=EntryKind.REFLECTION,
        title="Sepsis handover",
        sections=(Section("What?", "The nurse\nled the  HANDOVER calmly."),),
    )
    index = EntryIndex([(summary_record(entry), search_terms(entry))])

    def ids(query: str) -> list[str]:
        return list(
            index.search_ids(parse_query(query), text_of=lambda _i: entry.searchable_text())
        )

    assert ids("sepsi") == [entry.id]
    assert ids('"nurse led the handover"') == [entry.id]  # across a line break and two spaces
    assert ids('"handover the led"') == []
    assert ids('"the handover"') == [entry.id]
    assert ids("zzz") == []
