"""Bounded Markdown: same output as Python-Markdown on honest text, bounded work on any text.

The property tests generate Markdown from tokens that drive Python-Markdown's slow paths
(brackets, parentheses, quotes, ``<`` openers, backticks, nesting markers). The quick form
runs in the normal suite and asserts only what holds on a busy machine: no exception, safe
HTML, and the same output as plain Python-Markdown whenever the guard formats the text. The
long form (``PORTFOLIO_FUZZ_LONG=1 .venv/bin/python -m pytest -m fuzz_long -s``) also builds
texts up to the size cap, prints the worst time per renderer and asserts a generous bound.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph, Preformatted, Table

from portfolio_app.core.archive.markdown_xhtml import markdown_to_xhtml
from portfolio_app.core.domain.ids import new_id
from portfolio_app.core.export.markdown_render import EXTENSIONS as PDF_EXTENSIONS
from portfolio_app.core.export.markdown_render import MarkdownRenderer
from portfolio_app.core.export.styles import make_styles
from portfolio_app.core.markdown_guard import (
    MAX_MARKDOWN_CHARS,
    TOO_COMPLEX,
    TOO_DEEP,
    TOO_LONG,
    WORK_BUDGET,
    MarkdownTooComplex,
    convert,
    new_markdown,
)
from portfolio_app.core.markdown_html import (
    ALLOWED_TAGS,
    EXTENSIONS,
    render_markdown,
    sanitise_html,
)
from portfolio_app.core.services.demo_portfolio import FINAL_REFLECTION, demo_entries

LONG = os.environ.get("PORTFOLIO_FUZZ_LONG") == "1"

TOKENS = [
    "[", "]", "(", ")", "![", "](", "][", "[^1]", "<", ">", "<div>", "</div>", "<b>", "</b>",
    "<![CDATA[", "<!--", "-->", "<?", "<!x", "</", "<http://a", "<a b=", "`", "``", "```",
    "*", "**", "_", "__", "~~", "\\", "\\[", "&", "&amp;", "&#", "#", "> ", ">", "- ", "1. ",
    "    ", "\t", "\n", "\n\n", "|", "---", "===", "~~~", "http://e.org", "'", '"', "a",
    "word ", " ", "  \n", "<script>alert(1)</script>", "javascript:x", "[r]: http://e.org\n",
    '<a href="javascript:x">', "<img src=x onerror=y>", "*[HTML]: Hyper\n", ": def\n",
]  # fmt: skip
snippets = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


def _demo_texts() -> list[str]:
    entries = demo_entries(defaultdict(new_id), defaultdict(new_id))  # type: ignore[arg-type]
    texts = [section.body for entry in entries for section in entry.sections]
    return [*texts, FINAL_REFLECTION]


def _plain(text: str, extensions: tuple[str, ...], output_format: str) -> str:
    return str(markdown.markdown(text, extensions=list(extensions), output_format=output_format))


_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def assert_safe_html(html: str) -> None:
    for match in _TAG.finditer(html):
        assert match.group(1).lower() in ALLOWED_TAGS, match.group()
        attributes = match.group(2).lower()
        assert "javascript:" not in attributes and " on" not in attributes, match.group()
        assert "src=" not in attributes and "style=" not in attributes, match.group()


def _pdf(renderer: MarkdownRenderer, text: str) -> None:
    for flowable in renderer.flowables(text):
        if isinstance(flowable, Paragraph | Table | Preformatted):
            flowable.wrap(450, 700)


# ---- honest text renders exactly as before ------------------------------------------------


def test_demo_portfolio_renders_byte_identically_to_plain_markdown() -> None:
    texts = _demo_texts()
    assert len(texts) > 40
    for text in texts:
        assert convert(text, extensions=EXTENSIONS) == _plain(text, EXTENSIONS, "html")
        assert convert(text, extensions=PDF_EXTENSIONS, output_format="xhtml") == _plain(
            text, PDF_EXTENSIONS, "xhtml"
        )
        assert render_markdown(text) == sanitise_html(_plain(text, EXTENSIONS, "html"))


@pytest.mark.parametrize(
    "text",
    [
        "[a](http://e.org) [b][r] [r] ![i](http://e.org/i.png) [c]\n\n[r]: http://e.org/r 'T'",
        '[t](http://e.org "title") [u](<http://e.org/x y> "t") [v](http://e.org/(paren))',
        "[a](b '(' [c](d) [e](f\"g) [[nested] link](x) [x](y 'z) w')",
        "x<y and <b>bold</b> <!-- c --> <div>\nblock\n</div>\n\n`a<b` ``c`d`` ```e```",
        "> quote\n> > deeper\n\n- a\n    - b\n        1. c\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_links_html_and_nesting_render_as_python_markdown(text: str) -> None:
    assert convert(text, extensions=EXTENSIONS) == _plain(text, EXTENSIONS, "html")


# ---- hostile text: linear where Python-Markdown was quadratic, refused where it stays so --


def _work(text: str) -> int:
    md = new_markdown(EXTENSIONS, "html")
    md.convert(text)
    return int(md.portfolio_meter.spent)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "![" * 5_000,
        "[" * 5_000 + "x" + "]" * 5_000,
        "[a](" * 3_000,
        "[ [a](https://e.org) " * 1_000,
    ],
    ids=["brackets", "image-brackets", "nested", "open-parens", "mixed"],
)
def test_bracket_floods_are_formatted_with_little_work(text: str) -> None:
    # Work units are counted, not timed: the same on any machine.
    assert _work(text) < WORK_BUDGET // 4
    html = render_markdown(text)
    assert "Shown as plain text" not in html


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<![CDATA[" * 3_000, TOO_COMPLEX),
        ("<http://a" * 5_000, TOO_COMPLEX),
        (" ".join("`" * i for i in range(1, 300)), TOO_COMPLEX),
        (">" * 10_000 + " deep", TOO_DEEP),
        ("\n".join("    " * i + "- item" for i in range(200)), TOO_DEEP),
        ("word " * 20_001, TOO_LONG),
    ],
    ids=["cdata", "autolinks", "backtick-runs", "deep-quote", "deep-list", "too-long"],
)
def test_costly_text_is_refused_and_shown_plain(text: str, reason: str) -> None:
    with pytest.raises(MarkdownTooComplex) as caught:
        convert(text, extensions=EXTENSIONS)
    assert caught.value.reason == reason
    html = render_markdown(text)
    assert html.startswith("<p><em>Shown as plain text because")
    assert_safe_html(html)
    words = re.sub(r"<[^>]+>", " ", html.split("</em></p>", 1)[1])
    assert words.split()[:3] == re.sub(r"[<>&]", " ", text).split()[:3] or "&" in words


def test_size_cap_is_the_documented_one() -> None:
    assert MAX_MARKDOWN_CHARS == 100_000
    convert("a" * MAX_MARKDOWN_CHARS, extensions=EXTENSIONS)
    with pytest.raises(MarkdownTooComplex):
        convert("a" * (MAX_MARKDOWN_CHARS + 1), extensions=EXTENSIONS)


# ---- property tests -----------------------------------------------------------------------


@settings(
    max_examples=3000 if LONG else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(snippets)
def test_generated_markdown_is_safe_and_as_python_markdown(text: str) -> None:
    html = render_markdown(text)
    assert_safe_html(html)
    markdown_to_xhtml(text)
    _pdf(_RENDERER, text)
    try:
        guarded = convert(text, extensions=EXTENSIONS)
    except MarkdownTooComplex:
        return
    assert guarded == _plain(text, EXTENSIONS, "html")


_RENDERER = MarkdownRenderer(make_styles())

floods = st.tuples(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4).map("".join),
    st.integers(min_value=100, max_value=MAX_MARKDOWN_CHARS),
).map(lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]])

_WORST: dict[str, tuple[float, str]] = {}


def _timed(name: str, func: Any, text: str) -> None:
    start = time.thread_time()
    func(text)
    spent = time.thread_time() - start
    if spent > _WORST.get(name, (0.0, ""))[0]:
        _WORST[name] = (spent, text[:40])


@pytest.mark.fuzz_long
@pytest.mark.skipif(not LONG, reason="long form: set PORTFOLIO_FUZZ_LONG=1")
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(floods)
def test_long_form_floods_up_to_the_cap_stay_fast(text: str) -> None:
    _timed("preview", render_markdown, text)
    _timed("archive", markdown_to_xhtml, text)
    _timed("pdf", lambda t: _pdf(_RENDERER, t), text)
    worst = {name: spent for name, (spent, _) in _WORST.items()}
    print("worst CPU seconds so far:", {n: f"{s:.2f} ({_WORST[n][1]!r})" for n, s in worst.items()})
    assert max(worst.values()) < 5.0  # generous: the bench shows well under a second
