"""Worst-case times of the history dialog's comparison of a version with the entry now.

    .venv/bin/python bench/bench_history.py [--only NAME ...] [--timeout 60] [--source DIR]

For each named pair of versions (a 20,000-line entry with every tenth line edited, one long
paragraph of a small vocabulary, repeated lines, a 200,000-character line...; bodies are cut
into sections of at most 200,000 characters, an entry's limit), runs in a fresh child process
with a time limit what the dialog does when a version is selected, and prints the wall time in
ms (``>N`` when the limit cut it off):

- ``compare``: the comparison and its HTML (on a worker thread since the history dialog moved
  it there; on the GUI thread before, where ``--source`` of an older checkout measures it);
- ``show``: ``QTextBrowser.setHtml`` of that HTML plus one layout pass (always the GUI thread).

``--source DIR`` imports ``portfolio_app`` from another checkout (for example an extracted
``git archive`` of an older commit) to compare before and after. Run on demand, never as a
timed test: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_WORDS = [
    "the",
    "nurse",
    "and",
    "pharmacist",
    "talked",
    "about",
    "dose",
    "of",
    "a",
    "patient",
    "on",
    "ward",
    "with",
    "family",
]


def _lines(count: int, every: int) -> tuple[str, str]:
    """``count`` numbered sentences, one a line; every ``every``-th one edited."""
    rng = random.Random(1)
    old = [
        f"Line {i}: the nurse and the pharmacist talked about dose {rng.randint(0, 999)}."
        for i in range(count)
    ]
    new = [
        line.replace("nurse", "physio") if i % every == 0 else line for i, line in enumerate(old)
    ]
    return "\n".join(old), "\n".join(new)


def _paragraphs(count: int, every: int) -> tuple[str, str]:
    """``count`` honest paragraphs separated by blank lines; every ``every``-th edited."""
    old = [
        f"During handover {i} the *pharmacist* asked about the dose; I listened and learned "
        f"to lead with the situation before the background (paragraph {i})."
        for i in range(count)
    ]
    new = [p.replace("listened", "spoke up") if i % every == 0 else p for i, p in enumerate(old)]
    return "\n\n".join(old), "\n\n".join(new)


def _small_vocabulary(words: int, every: int) -> tuple[str, str]:
    """One paragraph of ``words`` words from 14; every ``every``-th token changed."""
    import re

    rng = random.Random(3)
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    tokens = re.findall(r"\s+|\w+|[^\w\s]", text)
    changed = ["X" + t if i % every == 0 and not t.isspace() else t for i, t in enumerate(tokens)]
    return text, "".join(changed)


def _repeated_lines(count: int) -> tuple[str, str]:
    old = ["- item"] * count
    new = [("- changed" if i % 7 == 0 else "- item") for i in range(count)]
    return "\n".join(old), "\n".join(new)


def _percent_lines(count: int) -> tuple[str, str]:
    """Lines from 100 distinct ones (each 1 % of the text: just not "popular" to difflib)."""
    rng = random.Random(5)
    old = [f"line {rng.randrange(100)}" for _ in range(count)]
    new = [f"line {rng.randrange(100)}" for _ in range(count)]
    return "\n".join(old), "\n".join(new)


def _one_long_line(size: int) -> tuple[str, str]:
    old = ("word " * (size // 5)).strip()
    new = old.replace("word word word word word word word", "word other word", 2_000)
    return old, new


#: Named (version, entry now) body texts; functions, so that nothing is built up front.
CASES: dict[str, Callable[[], tuple[str, str]]] = {
    "lines-500-every-10": lambda: _lines(500, 10),
    "lines-20k-every-10": lambda: _lines(20_000, 10),
    "lines-20k-every-line": lambda: _lines(20_000, 1),
    "lines-20k-reversed": lambda: (
        _lines(20_000, 10)[0],
        "\n".join(_lines(20_000, 10)[0].splitlines()[::-1]),
    ),
    "paragraphs-10k-every-10": lambda: _paragraphs(10_000, 10),
    "paragraphs-200-one-edit": lambda: _paragraphs(200, 10_000),
    "vocab14-1k-words-every-5": lambda: _small_vocabulary(1_000, 5),
    "vocab14-4k-words-every-5": lambda: _small_vocabulary(4_000, 5),
    "vocab14-50k-words-every-5": lambda: _small_vocabulary(50_000, 5),
    "repeated-lines-20k": lambda: _repeated_lines(20_000),
    "percent-lines-20k": lambda: _percent_lines(20_000),
    "one-line-200k": lambda: _one_long_line(200_000),
    "added-4mb": lambda: ("A short note.", "A short note.\n" + "new words here\n" * 260_000),
}
MEASURES = ("compare", "show")


def _sections(body: str) -> tuple[Any, ...]:
    """``body`` as sections of at most 200,000 characters (an entry's limit), cut at lines."""
    from portfolio_app.core.domain.entries import Section

    parts: list[str] = []
    current = ""
    for whole_line in body.splitlines(keepends=True):
        line = whole_line
        while len(line) > 200_000:
            parts.append(line[:200_000])
            line = line[200_000:]
        if len(current) + len(line) > 200_000:
            parts.append(current)
            current = ""
        current += line
    parts.append(current)
    return tuple(Section(f"Part {n}", part, f"part-{n}") for n, part in enumerate(parts, 1))


def _entries(old_body: str, new_body: str) -> tuple[Any, Any]:
    from datetime import UTC, datetime

    from portfolio_app.core.domain.entries import Entry, EntryKind
    from portfolio_app.core.domain.ids import EntryId

    when = datetime(2025, 1, 1, tzinfo=UTC)
    old = Entry(
        id=EntryId("e1"),
        kind=EntryKind.NOTE,
        title="Bench",
        sections=_sections(old_body),
        created=when,
        updated=when,
    )
    return old, old.replace(sections=_sections(new_body))


def _child(case: str) -> None:
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from portfolio_app.gui.dialogs import history_dialog as dialog

    app = QApplication([])
    old, new = _entries(*CASES[case]())
    start = time.perf_counter()
    if hasattr(dialog, "compare_for_view"):  # the worker's job since the comparison moved
        removed, added = dialog.diff_colours(app.palette())
        html = dialog.compare_for_view(
            dialog.entry_text(old), dialog.entry_text(new), removed, added
        ).html
    else:  # what _show did on the GUI thread before
        html = dialog.inline_diff_html(old, new, app.palette())
        dialog.diff_counts(old, new)
    compared = time.perf_counter() - start
    browser = QTextBrowser()
    browser.resize(900, 700)
    start = time.perf_counter()
    browser.setHtml(html)
    browser.document().documentLayout().documentSize()
    shown = time.perf_counter() - start
    print(json.dumps({"compare": compared * 1000, "show": shown * 1000, "html": len(html)}))


def measure(case: str, timeout: float, source: Path) -> dict[str, str]:
    """The child's figures for one case, as printed in the table."""
    env = dict(os.environ, PYTHONPATH=str(source), QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", case]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"compare": f">{timeout * 1000:.0f}", "show": "-", "html": "-"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"compare": f"crash ({tail[:50]})", "show": "-", "html": "-"}
    result = json.loads(lines[-1])
    return {
        "compare": f"{result['compare']:.0f}",
        "show": f"{result['show']:.0f}",
        "html": f"{result['html']:,}",
    }


def _value(figure: str) -> float:
    if figure.startswith(">"):
        return float(figure[1:]) + 0.5
    try:
        return float(figure)
    except ValueError:
        return -1.0


def main() -> None:
    """Print one row per case and the worst comparison and display times."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names (default: all)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case")
    parser.add_argument("--source", type=Path, default=REPO, help="checkout to import from")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    cases = args.only or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}; known: {', '.join(CASES)}")
    print(f"History comparison, ms per selected version (source: {args.source})")
    print(f"{'case':<28}{'compare':>12}{'show':>10}{'HTML chars':>14}")
    worst = dict.fromkeys(MEASURES, (-1.0, ""))
    for case in cases:
        row = measure(case, args.timeout, args.source)
        for name in MEASURES:
            if _value(row[name]) > worst[name][0]:
                worst[name] = (_value(row[name]), f"{row[name]} ms ({case})")
        print(f"{case:<28}{row['compare']:>12}{row['show']:>10}{row['html']:>14}", flush=True)
    print("worst: " + "; ".join(f"{name} {w[1]}" for name, w in worst.items()))


if __name__ == "__main__":
    main()
