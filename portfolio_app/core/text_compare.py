"""Compare two versions of an entry's text, word by word, in bounded time (the history dialog).

Why this exists. ``difflib.SequenceMatcher(autojunk=False)`` over the words of a whole entry
takes time that grows with the cube of the text on repetitive input: 1,000 words of a small
vocabulary took 0.7 s, 2,000 took 5.5 s, and a 500-line entry with every tenth line edited
took 39 s, all on the GUI thread (measured with ``bench/bench_history.py``). Every comparison
here has a work budget:

1. The whole text, word by word (what a student expects to see), unless it is longer than
   :data:`MAX_WORD_TOKENS` tokens or spends more than :data:`WORD_BUDGET` work units.
2. Otherwise line by line: the lines both versions share at the start and the end are set
   aside, lines found once in each version anchor the rest ("patience diff", as in git), and
   difflib compares the stretches between anchors while :data:`LINE_BUDGET` lasts (a stretch
   past it is shown whole, :data:`LINE_NOTE`). Each changed group of lines is then compared
   word by word while a second :data:`WORD_BUDGET` lasts; a group past it is shown whole, and
   the student is told so (:data:`WORD_NOTE`).

A work unit is one step of ``find_longest_match``'s inner loop (50 to 120 ns here, idle or
busy), counted before each call from how often each element occurs in the other version, so
a comparison never starts a search it cannot pay for. The worst case is about three budgets.

What is shown is bounded too: past :data:`MAX_SHOWN_CHARS` of HTML, unchanged stretches are
shortened to their first and last lines, a long change shows its start, and the rest is left
out with a note (Qt lays out a 1.4 MB document in about a second, on the GUI thread).

Pure Python without Qt: the history dialog runs :func:`compare_texts` on a worker thread.
"""

from __future__ import annotations

import difflib
import html
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

#: Tokens (words, runs of spaces, single punctuation marks) compared word by word at most,
#: per version. 200,000 tokens is some 80,000 words.
MAX_WORD_TOKENS = 200_000
#: Work units one word-by-word pass may spend (0.15 to 0.35 s here).
WORD_BUDGET = 3_000_000
#: Lines compared line by line at most, per version.
MAX_LINES = 200_000
#: Work units the line-by-line pass may spend (0.15 to 0.35 s here).
LINE_BUDGET = 3_000_000
#: Characters shown at most; past it, unchanged stretches shrink to CONTEXT_LINES each side.
MAX_SHOWN_CHARS = 200_000
CONTEXT_LINES = 3
#: Characters and lines shown of one removed or added stretch when the whole is too long.
MAX_CHANGE_SHOWN = 20_000
MAX_CHANGE_LINES = 200

WORD_NOTE = "Too long to compare word by word: some changed lines are shown whole."
LINE_NOTE = (
    "Too long to compare line by line: some changed stretches are shown whole, as removed and "
    "then added."
)
SHORTENED_NOTE = (
    "Long unchanged stretches are shortened here; the Text tab shows the version whole."
)

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

PieceKind = Literal["same", "removed", "added", "skipped"]


@dataclass(frozen=True)
class Piece:
    """A stretch of text: in both versions, only in the old one, only in the new one, or a
    note standing for text left out of the view."""

    kind: PieceKind
    text: str


@dataclass(frozen=True)
class Comparison:
    """The new text with the changes since the old one marked, and how much changed."""

    pieces: tuple[Piece, ...]
    removed_words: int
    added_words: int
    #: Why the comparison is coarser than word by word, or shortened ("" when it is neither).
    notes: tuple[str, ...] = ()


#: Work units charged for each element of ``a`` a search walks (its own loop step costs about
#: three steps of the inner loop).
_UNITS_PER_ELEMENT = 3


class _OverBudgetError(Exception):
    """The budget ran out (caught inside this module)."""


class _BudgetedMatcher(difflib.SequenceMatcher[str]):
    """A SequenceMatcher that refuses to start a search it cannot pay for.

    ``find_longest_match(alo, ahi, ...)`` looks at every position in ``b`` of every element of
    ``a[alo:ahi]``: its cost is at most the sum of those counts, known in advance from a
    prefix sum. ``get_opcodes`` calls it once per gap between matches found so far.
    """

    def __init__(
        self, a: Sequence[str], b: Sequence[str], budget: list[int], *, autojunk: bool
    ) -> None:
        super().__init__(None, a, b, autojunk=autojunk)
        # b2j: element -> its positions in b, without junk or popular elements (difflib's
        # own index, the one find_longest_match walks; typeshed does not declare it).
        where: dict[str, list[int]] = self.b2j  # type: ignore[attr-defined]
        total = 0
        self._length = len(a)
        self._cost = [0]
        for element in a:
            total += len(where.get(element, ()))
            self._cost.append(total)
        self._budget = budget

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        end = self._length if ahi is None else ahi
        self._budget[0] -= self._cost[end] - self._cost[alo] + _UNITS_PER_ELEMENT * (end - alo) + 1
        if self._budget[0] < 0:
            raise _OverBudgetError
        return super().find_longest_match(alo, end, blo, bhi)


def _opcodes(
    a: Sequence[str], b: Sequence[str], budget: list[int], *, autojunk: bool = False
) -> Sequence[tuple[str, int, int, int, int]]:
    return _BudgetedMatcher(a, b, budget, autojunk=autojunk).get_opcodes()


def _word_pieces(old: Sequence[str], new: Sequence[str], budget: list[int]) -> list[Piece]:
    """``old`` and ``new`` tokens compared one by one (raises _OverBudgetError past the budget)."""
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new, budget):
        if tag == "equal":
            pieces.append(Piece("same", "".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return pieces


def _common_ends(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """How many elements both sequences share at the start, and then at the end."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _unique_anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Lines found once in each version, the longest chain of them in the same order in both
    ("patience diff", as in git): fixed points between which the rest is compared, so a long
    entry with changes all over costs little (difflib alone searches the whole text again
    for every change). O(n log n)."""
    old_count, new_count = Counter(old), Counter(new)
    where_new = {line: j for j, line in enumerate(new) if new_count[line] == 1}
    pairs = [
        (i, where_new[line])
        for i, line in enumerate(old)
        if old_count[line] == 1 and line in where_new
    ]
    ends: list[int] = []  # ends[k]: the pair ending the best chain of length k + 1 so far
    end_positions: list[int] = []  # ...and its position in ``new``
    previous = [-1] * len(pairs)
    for index, (_i, j) in enumerate(pairs):
        k = bisect_left(end_positions, j)
        if k:
            previous[index] = ends[k - 1]
        if k == len(ends):
            ends.append(index)
            end_positions.append(j)
        else:
            ends[k] = index
            end_positions[k] = j
    chain: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


#: An opcode tag of our own: lines shown whole because comparing them would cost too much.
_WHOLE = "whole"


def _line_opcodes(
    old: Sequence[str], new: Sequence[str], notes: list[str]
) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes for lines: anchors, and difflib between them while the budget
    lasts (each stretch past it is one ``_WHOLE`` change)."""
    codes: list[tuple[str, int, int, int, int]] = []
    budget = [LINE_BUDGET]
    i0 = j0 = 0
    for i, j in [*_unique_anchors(old, new), (len(old), len(new))]:
        if i > i0 and j > j0:
            try:
                for tag, a1, a2, b1, b2 in _opcodes(old[i0:i], new[j0:j], budget, autojunk=True):
                    codes.append((tag, i0 + a1, i0 + a2, j0 + b1, j0 + b2))
            except _OverBudgetError:
                codes.append((_WHOLE, i0, i, j0, j))
                if LINE_NOTE not in notes:
                    notes.append(LINE_NOTE)
        elif i > i0:
            codes.append(("delete", i0, i, j0, j0))
        elif j > j0:
            codes.append(("insert", i0, i0, j0, j))
        if i < len(old):
            codes.append(("equal", i, i + 1, j, j + 1))
        i0, j0 = i + 1, j + 1
    return codes


def _line_pieces(old: str, new: str, notes: list[str], word_limit: int) -> list[Piece]:
    """Line by line, and each changed group of fewer than ``word_limit`` tokens word by word
    while the budget lasts."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    start, end = _common_ends(old_lines, new_lines)
    head = [Piece("same", "".join(new_lines[:start]))] if start else []
    tail = [Piece("same", "".join(new_lines[len(new_lines) - end :]))] if end else []
    old_mid = old_lines[start : len(old_lines) - end]
    new_mid = new_lines[start : len(new_lines) - end]
    if max(len(old_mid), len(new_mid)) > MAX_LINES:
        codes: list[tuple[str, int, int, int, int]] = [(_WHOLE, 0, len(old_mid), 0, len(new_mid))]
        notes.append(LINE_NOTE)
    else:
        codes = _line_opcodes(old_mid, new_mid, notes)
    pieces = head
    words_budget = [WORD_BUDGET]
    for tag, i1, i2, j1, j2 in codes:
        removed, added = "".join(old_mid[i1:i2]), "".join(new_mid[j1:j2])
        if tag == "equal":
            pieces.append(Piece("same", added))
            continue
        if tag == "replace":
            old_tokens, new_tokens = _TOKEN.findall(removed), _TOKEN.findall(added)
            if max(len(old_tokens), len(new_tokens)) < word_limit and words_budget[0] > 0:
                try:
                    pieces.extend(_word_pieces(old_tokens, new_tokens, words_budget))
                    continue
                except _OverBudgetError:
                    words_budget[0] = 0  # the rest is shown line by line, not retried
            if WORD_NOTE not in notes:
                notes.append(WORD_NOTE)
        if removed:
            pieces.append(Piece("removed", removed))
        if added:
            pieces.append(Piece("added", added))
    return pieces + tail


def compare_texts(old: str, new: str) -> Comparison:
    """``new`` with what was removed since ``old`` and what was added, within the budgets."""
    notes: list[str] = []
    pieces: list[Piece] | None = None
    word_limit = MAX_WORD_TOKENS + 1  # changed lines of fewer tokens go word by word
    if len(old) <= 8 * MAX_WORD_TOKENS and len(new) <= 8 * MAX_WORD_TOKENS:
        old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
        longest = max(len(old_tokens), len(new_tokens))
        if longest <= MAX_WORD_TOKENS:
            try:
                pieces = _word_pieces(old_tokens, new_tokens, [WORD_BUDGET])
            except _OverBudgetError:
                word_limit = longest  # a change as long as the whole would fail again
    if pieces is None:
        pieces = _line_pieces(old, new, notes, word_limit)
    merged = _merge(pieces)
    removed = sum(len(p.text.split()) for p in merged if p.kind == "removed")
    added = sum(len(p.text.split()) for p in merged if p.kind == "added")
    shown = _shorten(merged, notes)
    return Comparison(tuple(shown), removed, added, tuple(notes))


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces of one kind joined (the line pass can leave them side by side)."""
    merged: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def _lines_said(count: int) -> str:
    return f"… {count:,} unchanged line{'s' if count != 1 else ''} …"


def _shown_cost(piece: Piece) -> int:
    """About the characters of HTML ``piece`` becomes: its text, a paragraph per line, and
    a tinted span per line when it changed."""
    lines = piece.text.count("\n") + 1
    return len(piece.text) + 8 * lines + (_SPAN_CHARS * lines if piece.kind != "same" else 0)


#: Characters of markup around a changed stretch of one line (a <s> or <u> with its style).
_SPAN_CHARS = 64


def _shorten(pieces: list[Piece], notes: list[str]) -> list[Piece]:
    """At most about MAX_SHOWN_CHARS of HTML: unchanged stretches shrink to their first and
    last lines, a long change shows its start, and past the limit the rest is left out."""
    if sum(_shown_cost(p) for p in pieces) <= MAX_SHOWN_CHARS:
        return pieces
    notes.append(SHORTENED_NOTE)
    shortened: list[Piece] = []
    for index, piece in enumerate(pieces):
        lines = piece.text.splitlines(keepends=True)
        if piece.kind != "same":
            shortened.extend(_clipped(piece))
            continue
        if len(lines) <= 2 * CONTEXT_LINES + 1:
            shortened.append(piece)
            continue
        keep_before = CONTEXT_LINES if index > 0 else 0
        keep_after = CONTEXT_LINES if index < len(pieces) - 1 else 0
        if keep_before:
            shortened.append(Piece("same", "".join(lines[:keep_before])))
        shortened.append(Piece("skipped", _lines_said(len(lines) - keep_before - keep_after)))
        if keep_after:
            shortened.append(Piece("same", "".join(lines[len(lines) - keep_after :])))
    out: list[Piece] = []
    room = MAX_SHOWN_CHARS
    for number, piece in enumerate(shortened):
        cost = _shown_cost(piece)
        if cost > room:
            left = sum(len(p.text) for p in shortened[number:] if p.kind != "skipped")
            out.append(Piece("skipped", f"… and more: {left:,} characters not shown here …"))
            break
        out.append(piece)
        room -= cost
    return out


def _clipped(piece: Piece) -> list[Piece]:
    """A removed or added stretch, or its start (MAX_CHANGE_SHOWN characters, MAX_CHANGE_LINES
    lines) and a note saying how much more there is."""
    lines = piece.text.splitlines(keepends=True)
    start = "".join(lines[:MAX_CHANGE_LINES])[:MAX_CHANGE_SHOWN]
    if len(start) == len(piece.text):
        return [piece]
    more = len(piece.text) - len(start)
    return [
        Piece(piece.kind, start),
        Piece("skipped", f"… {more:,} more characters {piece.kind} …"),
    ]


def comparison_html(
    comparison: Comparison, removed_colours: tuple[str, str], added_colours: tuple[str, str]
) -> str:
    """The comparison as HTML for a QTextBrowser: removed words struck out, added words
    underlined (each also tinted with the given background and text colours), one paragraph
    per line so that Qt lays out long texts quickly. Every text is escaped."""
    removed_style = f"background-color:{removed_colours[0]}; color:{removed_colours[1]}"
    added_style = f"background-color:{added_colours[0]}; color:{added_colours[1]}"
    paragraphs: list[str] = []
    line: list[str] = []
    for piece in comparison.pieces:
        if piece.kind == "skipped":
            if line:
                paragraphs.append("".join(line))
                line = []
            paragraphs.append(f"<i>{html.escape(piece.text, quote=False)}</i>")
            continue
        parts = piece.text.split("\n")
        for number, part in enumerate(parts):
            if number:
                paragraphs.append("".join(line))
                line = []
            if not part:
                continue
            text = html.escape(part, quote=False)
            if piece.kind == "removed":
                line.append(f'<s style="{removed_style}">{text}</s>')
            elif piece.kind == "added":
                line.append(f'<u style="{added_style}">{text}</u>')
            else:
                line.append(text)
    if line:
        paragraphs.append("".join(line))
    # An empty paragraph would collapse: a blank line of the text stays a blank line.
    return "".join(f"<p>{p or '&nbsp;'}</p>" for p in paragraphs)
