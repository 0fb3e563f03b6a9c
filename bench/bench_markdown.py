"""Worst-case Markdown rendering times: preview HTML, PDF flowables and Leap2A XHTML.

    .venv/bin/python bench/bench_markdown.py [--only NAME ...] [--timeout 60] [--source DIR]

For each named pathological input (10,000 ``[``, nested emphasis, deep quotes and lists, ``<``
floods, backtick runs, a 1 MB entry...) and each renderer, runs the rendering in a fresh child
process with a time limit and prints the wall time in ms (``>N`` when the limit cut it off,
``crash`` with the exception when it raised). The three renderers are:

- ``preview``: ``core.markdown_html.render_document`` (the editor's live preview, sanitised);
- ``pdf``: ``core.export.markdown_render.MarkdownRenderer.flowables`` plus laying the flowables
  out on A4 pages with reportlab (what an export spends on the entry's text);
- ``archive``: ``core.archive.markdown_xhtml.markdown_to_xhtml`` (Leap2A content).

``--source DIR`` imports ``portfolio_app`` from another checkout (for example an extracted
``git archive`` of an older commit) to compare before and after. Run on demand, never as a
timed test: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _deep_list(levels: int) -> str:
    return "\n".join("    " * i + "- item" for i in range(levels))


def _honest_entry(size: int) -> str:
    """Ordinary reflective Markdown (paragraphs, emphasis, lists, links) up to ``size`` chars."""
    block = (
        "## What happened\n\n"
        "During the *ward round* the **pharmacist** asked the team to review the "
        "[discharge plan](https://example.org/plan) with the patient's family.\n\n"
        "- I listened to the physiotherapist\n- I noticed how roles overlapped\n\n"
        "> The nurse said: check the `allergies` first.\n\n"
    )
    return (block * (size // len(block) + 1))[:size]


#: Named pathological inputs; each is a function so that building them costs nothing up front.
CASES: dict[str, Callable[[], str]] = {
    "brackets-10k": lambda: "[" * 10_000,
    "image-brackets-5k": lambda: "![" * 5_000,
    "nested-brackets-5k": lambda: "[" * 5_000 + "x" + "]" * 5_000,
    "bracket-link-mix": lambda: "[ [a](https://e.org) " * 2_500,
    "open-parens-3k": lambda: "[a](" * 3_000,
    "open-parens-quote": lambda: "[a](b '" + "(" * 10_000,
    "reference-chain": lambda: (
        "\n".join(f"[r{i}]: https://example.org/{i}" for i in range(5_000))
        + "\n\n"
        + " ".join(f"[r{i}][r{i}]" for i in range(5_000))
    ),
    "undefined-refs": lambda: "[a][b] " * 5_000,
    "emphasis-stars": lambda: "*" * 10_000 + "x" + "*" * 10_000,
    "emphasis-nested": lambda: "*a **b " * 3_000 + "c" + "** d*" * 3_000,
    "underscores": lambda: "_a " * 10_000,
    "strong-open": lambda: "**a " * 5_000,
    "deep-quote-10k": lambda: ">" * 10_000 + " deep",
    "deep-quote-lines": lambda: "\n".join(">" * i + " q" for i in range(1, 400)),
    "deep-list-200": lambda: _deep_list(200),
    "lt-flood": lambda: "<" * 10_000,
    "tag-open-flood": lambda: "<a" * 5_000,
    "div-flood": lambda: "<div>" * 5_000 + "x",
    "inline-tags": lambda: "<b><i>" * 3_000 + "x",
    "comment-open": lambda: "<!--" * 5_000,
    "autolink-open": lambda: "<http://a" * 5_000,
    "backticks-10k": lambda: "`" * 10_000,
    "backtick-pairs": lambda: "` a " * 5_000,
    "backtick-runs": lambda: " ".join("`" * i for i in range(1, 300)),
    "entities": lambda: "&#" * 10_000,
    "pipes-10k": lambda: "|" * 10_000 + "\n|" + "-|" * 5_000,
    "headings": lambda: "#" * 10_000 + " h",
    "long-line-1mb": lambda: "word " * 200_000,
    "honest-1mb": lambda: _honest_entry(1_000_000),
    "honest-50k": lambda: _honest_entry(50_000),
}

RENDERERS = ("preview", "pdf", "archive")


def _render(renderer: str, text: str) -> None:
    """One rendering of ``text`` the way the app does it (run in the child)."""
    if renderer == "preview":
        from portfolio_app.core.markdown_html import render_document

        render_document("Bench", [("Section", text)])
    elif renderer == "pdf":
        import io

        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import SimpleDocTemplate

        from portfolio_app.core.export.markdown_render import MarkdownRenderer
        from portfolio_app.core.export.styles import make_styles

        flowables = MarkdownRenderer(make_styles()).flowables(text)
        SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(flowables)
    elif renderer == "archive":
        from portfolio_app.core.archive.markdown_xhtml import markdown_to_xhtml

        markdown_to_xhtml(text)
    else:
        raise ValueError(renderer)


def _child(renderer: str, case: str) -> None:
    text = CASES[case]()
    _render(renderer, "warm up *the* imports")  # imports are not the renderer's cost
    start = time.perf_counter()
    try:
        _render(renderer, text)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:80]}"}))
        return
    print(json.dumps({"ms": (time.perf_counter() - start) * 1000}))


def measure(renderer: str, case: str, timeout: float, source: Path) -> str:
    """The child's figure for one renderer and case, as printed in the table."""
    env = dict(os.environ, PYTHONPATH=str(source), QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", renderer, case]
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f">{timeout * 1000:.0f}"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"crash ({tail[:60]})"
    result = json.loads(lines[-1])
    if "error" in result:
        return f"crash ({result['error']})"
    return f"{result['ms']:.0f}"


def main() -> None:
    """Print one row per case, one column per renderer, and the worst per renderer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names (default: all)")
    parser.add_argument("--renderers", nargs="*", default=list(RENDERERS), choices=RENDERERS)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per rendering")
    parser.add_argument("--source", type=Path, default=REPO, help="checkout to import from")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    cases = args.only or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}; known: {', '.join(CASES)}")
    print(f"Markdown rendering, ms per entry (source: {args.source})")
    print(f"{'case':<22}" + "".join(f"{r:>14}" for r in args.renderers))
    worst: dict[str, tuple[float, str]] = dict.fromkeys(args.renderers, (-1.0, ""))
    for case in cases:
        row = []
        for renderer in args.renderers:
            figure = measure(renderer, case, args.timeout, args.source)
            row.append(figure)
            value = float("inf") if not figure.lstrip(">").isdigit() else float(figure.lstrip(">"))
            if figure.startswith(">"):
                value = float(figure[1:]) + 0.5
            if value > worst[renderer][0]:
                worst[renderer] = (value, f"{figure} ({case})")
        print(f"{case:<22}" + "".join(f"{f:>14}" for f in row), flush=True)
    print("worst: " + "; ".join(f"{r} {w[1]}" for r, w in worst.items()))


if __name__ == "__main__":
    main()
