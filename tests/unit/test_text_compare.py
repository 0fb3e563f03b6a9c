"""Comparing two versions of an entry: right, and within a bounded amount of work.

The history dialog once compared a 500-line entry for 39 s on the GUI thread (difflib on every
word). ``core.text_compare`` charges each search to a budget and falls back to lines, then to
whole stretches; these tests check that every path still tells the truth (the old text is the
unchanged and removed pieces, the new text the unchanged and added pieces), that the fallbacks
say so, and that the work done is bounded by the budgets, counted, not timed.
"""

from __future__ import annotations

import difflib
import random
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_app.core import text_compare
from portfolio_app.core.text_compare import (
    LINE_NOTE,
    MAX_SHOWN_CHARS,
    SHORTENED_NOTE,
    WORD_NOTE,
    Comparison,
    compare_texts,
    comparison_html,
)

COLOURS = (("#fdd", "#600"), ("#dfd", "#060"))


def _old(comparison: Comparison) -> str:
    return "".join(p.text for p in comparison.pieces if p.kind in ("same", "removed"))


def _new(comparison: Comparison) -> str:
    return "".join(p.text for p in comparison.pieces if p.kind in ("same", "added"))


_LINES = st.lists(
    st.sampled_from(["", "the nurse", "the pharmacist spoke", "- item", "SBAR first.", "x y"]),
    max_size=40,
).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(old=_LINES, new=_LINES)
def test_every_comparison_puts_both_versions_back_together(old: str, new: str) -> None:
    comparison = compare_texts(old, new)
    assert _old(comparison) == old
    assert _new(comparison) == new


@pytest.mark.parametrize(
    "budgets",
    [(0, 10**9, WORD_NOTE), (0, 0, LINE_NOTE)],
    ids=["lines", "whole"],
)
@settings(max_examples=100, deadline=None)
@given(old=_LINES, new=_LINES)
def test_the_fallbacks_tell_the_truth_too(
    budgets: tuple[int, int, str], old: str, new: str
) -> None:
    word_budget, line_budget, note = budgets
    with (
        mock.patch.object(text_compare, "WORD_BUDGET", word_budget),
        mock.patch.object(text_compare, "LINE_BUDGET", line_budget),
    ):
        comparison = compare_texts(old, new)
    assert _old(comparison) == old
    assert _new(comparison) == new
    assert set(comparison.notes) <= {note}


def test_each_fallback_says_what_it_did(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = "Intro\nthe nurse spoke\nEnd", "Intro\nthe physio spoke\nEnd"
    monkeypatch.setattr(text_compare, "WORD_BUDGET", 0)
    lines = compare_texts(old, new)
    assert lines.notes == (WORD_NOTE,)
    assert [(p.kind, p.text) for p in lines.pieces] == [
        ("same", "Intro\n"),
        ("removed", "the nurse spoke\n"),
        ("added", "the physio spoke\n"),
        ("same", "End"),
    ]
    monkeypatch.setattr(text_compare, "LINE_BUDGET", 0)
    # No line is found once in each version, so nothing anchors: difflib would have to search.
    whole = compare_texts("x\nx\ny\ny", "y\ny\nx\nx")
    assert whole.notes == (LINE_NOTE,)
    assert [p.kind for p in whole.pieces] == ["removed", "added"]


def test_changed_words_are_marked_exactly_and_counted() -> None:
    comparison = compare_texts("the nurse spoke first", "the pharmacist spoke first")
    assert [(p.kind, p.text) for p in comparison.pieces] == [
        ("same", "the "),
        ("removed", "nurse"),
        ("added", "pharmacist"),
        ("same", " spoke first"),
    ]
    assert (comparison.removed_words, comparison.added_words) == (1, 1)
    assert comparison.notes == ()


def test_a_long_entry_with_changes_all_over_is_compared_line_then_word() -> None:
    old = [f"Line {i}: the nurse and the pharmacist talked about dose {i}." for i in range(4_000)]
    new = [line.replace("nurse", "physio") if i % 10 == 0 else line for i, line in enumerate(old)]
    comparison = compare_texts("\n".join(old), "\n".join(new))
    removed = [p.text for p in comparison.pieces if p.kind == "removed"]
    added = [p.text for p in comparison.pieces if p.kind == "added"]
    # Word by word inside each changed line, even though the whole was too long for that.
    assert set(removed) == {"nurse"} and set(added) == {"physio"}
    assert (comparison.removed_words, comparison.added_words) == (400, 400)
    assert WORD_NOTE not in comparison.notes and LINE_NOTE not in comparison.notes


class _Counting:
    """Counts the inner-loop steps difflib really takes (b2j lookups of each element)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.steps = 0
        real = difflib.SequenceMatcher.find_longest_match
        counter = self

        def counted(
            matcher: Any, alo: int = 0, ahi: Any = None, blo: int = 0, bhi: Any = None
        ) -> Any:
            end = len(matcher.a) if ahi is None else ahi
            counter.steps += (end - alo) + sum(
                len(matcher.b2j.get(matcher.a[i], ())) for i in range(alo, end)
            )
            return real(matcher, alo, ahi, blo, bhi)

        monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counted)


def _small_vocabulary(words: int) -> tuple[str, str]:
    rng = random.Random(3)
    vocabulary = ["the", "nurse", "and", "pharmacist", "talked", "dose", "of", "a", "ward"]
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    tokens = text.split(" ")
    changed = " ".join("X" + t if i % 3 == 0 else t for i, t in enumerate(tokens))
    return text, changed


@pytest.mark.parametrize("words", [1_000, 3_000])
def test_repetitive_text_costs_no_more_than_the_budgets(
    monkeypatch: pytest.MonkeyPatch, words: int
) -> None:
    """1,000 words of a small vocabulary took 0.7 s and 2,000 took 5.5 s (cubic growth)."""
    old, new = _small_vocabulary(words)
    counting = _Counting(monkeypatch)
    comparison = compare_texts(old, new)
    budgets = 2 * text_compare.WORD_BUDGET + text_compare.LINE_BUDGET
    assert counting.steps <= budgets
    assert _old(comparison) == old and _new(comparison) == new
    assert WORD_NOTE in comparison.notes


def test_what_is_shown_of_a_huge_comparison_is_bounded() -> None:
    old = "\n".join(f"Paragraph {i} about the ward round." for i in range(30_000))
    new = old.replace("Paragraph 15000 ", "Paragraph 15000 (edited) ") + "\n" + "new line\n" * 5_000
    comparison = compare_texts(old, new)
    html = comparison_html(comparison, *COLOURS)
    assert SHORTENED_NOTE in comparison.notes
    assert len(html) < 2 * MAX_SHOWN_CHARS
    shown = [p.text for p in comparison.pieces]
    assert any("unchanged lines" in text for text in shown)
    assert "(edited)" in "".join(shown)  # the change itself is never left out
    assert comparison.added_words == 1 + 2 * 5_000


def test_the_html_escapes_every_text() -> None:
    comparison = compare_texts(
        "<font size=7 color=green>VALID</font>", "<font size=7 color=green>VALID AND TRUSTED"
    )
    html = comparison_html(comparison, *COLOURS)
    assert "<font" not in html
    assert "&lt;font size=7 color=green&gt;" in html
