"""Markdown to reportlab flowables: faithful for ordinary text, bounded for hostile text."""

from __future__ import annotations

import time
from typing import Any

import pytest
from reportlab.platypus import Paragraph, Preformatted, Table

from portfolio_app.core.export.fonts import REPLACEMENT, printable
from portfolio_app.core.export.markdown_render import (
    MAX_BLOCK_DEPTH,
    PARAGRAPH_CHUNK_CHARS,
    MarkdownRenderer,
    all_text,
    parse_html,
)
from portfolio_app.core.export.styles import make_styles


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(make_styles())


def _markup(flowables: list[Any]) -> str:
    return "\n".join(f.text for f in flowables if isinstance(f, Paragraph))


def _paragraph_texts(flowables: list[Any]) -> list[str]:
    return [f.getPlainText() for f in flowables if isinstance(f, Paragraph)]


def test_emphasis_headings_links_and_code(renderer: MarkdownRenderer) -> None:
    flowables = renderer.flowables(
        "# Title\n\nSome **bold**, *italic*, `code <x>` and [a link](https://example.org/a?b=1&c=2)."
    )
    markup = _markup(flowables)
    assert "<b>bold</b>" in markup and "<i>italic</i>" in markup
    assert 'face="PortfolioMono" backColor="#ebebeb">code &lt;x&gt;</font>' in markup
    assert '<a href="https://example.org/a?b=1&amp;c=2"><u>a link</u></a>' in markup
    assert "(https://example.org/a?b=1&amp;c=2)" in markup  # printed for paper readers
    assert _paragraph_texts(flowables)[0] == "Title"


def test_lists_nest_with_indentation_and_keep_numbers(renderer: MarkdownRenderer) -> None:
    flowables = renderer.flowables("3. three\n4. four\n    - inner\n        - innermost\n")
    paras = [f for f in flowables if isinstance(f, Paragraph)]
    assert [p.bulletText for p in paras] == ["3.", "4.", "◦", "▪"]
    indents = [p.style.leftIndent for p in paras]
    assert indents[0] == indents[1] < indents[2] < indents[3]


def test_block_quote_code_block_and_table(renderer: MarkdownRenderer) -> None:
    text = (
        "> quoted *text*\n\n"
        "```\nif a < b:\n    print('&')\n```\n\n"
        "| Role | Note |\n|:--|--:|\n| Nurse | **lead** |\n| Pharmacist | meds |\n"
    )
    flowables = renderer.flowables(text)
    quote = next(f for f in flowables if isinstance(f, Paragraph))
    assert type(quote).__name__ == "_QuoteParagraph" and "<i>text</i>" in quote.text
    code = next(f for f in flowables if isinstance(f, Preformatted))
    assert "if a < b:" in "\n".join(code.lines) and "print('&')" in "\n".join(code.lines)
    table = next(f for f in flowables if isinstance(f, Table))
    cells = [[c.getPlainText() for c in row] for row in table._cellvalues]
    assert cells == [["Role", "Note"], ["Nurse", "lead"], ["Pharmacist", "meds"]]


def test_raw_html_never_reaches_reportlab(renderer: MarkdownRenderer) -> None:
    text = (
        "Hi <script>fetch('http://evil.example/x')</script> there "
        "<img src=http://evil.example/pixel.png alt=pixel> "
        "![remote](http://evil.example/track.png) "
        "[click](javascript:alert(1)) [file](file:///etc/passwd) "
        '<a href="javascript:alert(2)">raw link</a> <b>raw bold</b> '
        "<font face=Courier>font tag</font> <para>x</para> &lt;escaped&gt; a < b & c"
    )
    markup = _markup(renderer.flowables(text))
    assert "script" not in markup and "fetch(" not in markup
    assert "javascript" not in markup and "file:" not in markup and "evil.example" not in markup
    assert "<img" not in markup and "<font face=Courier" not in markup and "<para>" not in markup
    assert "[image not included: pixel]" in markup and "[image not included: remote]" in markup
    assert "click" in markup and "raw link" in markup and "<b>raw bold</b>" in markup
    assert "&lt;escaped&gt;" in markup and "a &lt; b &amp; c" in markup


@pytest.mark.parametrize(
    "text",
    [
        ">" * 10_000 + " deep quote",
        "\n".join("    " * i + "- item" for i in range(300)),
        "[" * 10_000,
        "![" * 5_000,
        "*" * 10_000 + "x" + "*" * 10_000,
        "<div>" * 5_000 + "x",
        "<b><i>" * 3_000 + "x",
        "|"
        + "|".join(f"h{i}" for i in range(50))
        + "|\n|"
        + "---|" * 50
        + "\n"
        + "\n".join("|" + "|".join(f"c{r}.{i}" for i in range(50)) + "|" for r in range(300)),
        "`" * 10_000,
        "\x00\x07\x1b[31m\u202eevil\u200b text",
    ],
    ids=[
        "deep-quote",
        "deep-list",
        "brackets",
        "image-brackets",
        "emphasis",
        "divs",
        "inline-tags",
        "wide-table",
        "backticks",
        "controls",
    ],
)
def test_hostile_markdown_is_bounded(renderer: MarkdownRenderer, text: str) -> None:
    started = time.perf_counter()
    flowables = renderer.flowables(text)
    assert flowables
    assert time.perf_counter() - started < 10
    for flowable in flowables:  # every flowable can be measured for a page without errors
        if isinstance(flowable, Paragraph | Table | Preformatted):
            flowable.wrap(450, 700)


def test_deep_nesting_is_flattened_not_indented_off_the_page(renderer: MarkdownRenderer) -> None:
    flowables = renderer.flowables(">" * 30 + " deep")
    paras = [f for f in flowables if isinstance(f, Paragraph)]
    assert paras[-1].getPlainText() == "deep"
    assert max(p.style.leftIndent for p in paras) <= MAX_BLOCK_DEPTH * 16


def test_wide_tables_are_shown_row_by_row(renderer: MarkdownRenderer) -> None:
    header = "|" + "|".join(f"h{i}" for i in range(9)) + "|\n|" + "---|" * 9 + "\n"
    flowables = renderer.flowables(header + "|" + "|".join(f"v{i}" for i in range(9)) + "|\n")
    texts = _paragraph_texts(flowables)
    assert texts[0] == "(A table too wide for the page, shown row by row.)"
    assert texts[1].startswith("Row 1. h0: v0 · h1: v1")
    assert not any(isinstance(f, Table) for f in flowables)


def test_long_tables_are_cut_into_chunks(renderer: MarkdownRenderer) -> None:
    rows = "\n".join(f"| r{i} | x |" for i in range(450))
    flowables = renderer.flowables("| a | b |\n|---|---|\n" + rows)
    tables = [f for f in flowables if isinstance(f, Table)]
    assert [len(t._cellvalues) for t in tables] == [201, 201, 51]  # header repeated per chunk


def test_plain_prose_skips_the_converter_but_renders_the_same(renderer: MarkdownRenderer) -> None:
    text = "First line\nsame paragraph.\n\nSecond paragraph, 3 > 2 is fine."
    assert _paragraph_texts(renderer.flowables(text)) == [
        "First line same paragraph.",
        "Second paragraph, 3 > 2 is fine.",
    ]
    assert _paragraph_texts(renderer.flowables("First line\nsame paragraph.")) == [
        "First line same paragraph."
    ]


def test_html_tree_reader_is_forgiving_and_iterative() -> None:
    root = parse_html("<p>a <b>b <i>c</p> d &amp; &nbsp;e" + "<div>" * 20_000 + "deep")
    text = all_text(root)
    assert text.startswith("a b c") and text.endswith("deep") and "&" in text
    xml_root = parse_html("<p>x<br />y</p>")
    assert all_text(xml_root) == "x y"


def test_printable_replaces_missing_glyphs_and_drops_controls() -> None:
    assert printable("Zoë Łukasz Σοφία") == "Zoë Łukasz Σοφία"
    assert printable("a\x00b\tc\u202ed") == "ab cd"
    assert printable("emoji 🙂 and 漢") == f"emoji {REPLACEMENT} and {REPLACEMENT}"


def test_text_markdown_refuses_is_printed_plain_under_a_note() -> None:
    renderer = MarkdownRenderer(make_styles())
    deep_list = "\n".join("    " * i + "- level" for i in range(200))
    texts = _paragraph_texts(renderer.flowables(deep_list))
    assert texts[0].startswith("Shown as plain text because its lists or quotes are nested")
    assert texts[1].startswith("- level")
    assert _paragraph_texts(renderer.flowables("[" * 200)) == ["[" * 200]
    assert "<b>bold</b>" in _markup(renderer.flowables("**bold**"))
    many_links = "[" * 150 + " [a link](https://example.org) and more"
    assert '<a href="https://example.org"><u>a link</u></a>' in _markup(
        renderer.flowables(many_links)
    )


def test_long_paragraphs_are_cut_into_gapless_chunks(renderer: MarkdownRenderer) -> None:
    text = "**" + "word " * 2999 + "word** and *" + "more " * 1999 + "more*"
    paras = [f for f in renderer.flowables(text) if isinstance(f, Paragraph)]
    assert len(paras) > 5
    assert all(len(p.text) < PARAGRAPH_CHUNK_CHARS + 200 for p in paras)
    assert paras[0].text.startswith("<b>") and paras[1].text.startswith("<b>")
    assert paras[0].style.spaceAfter == 0 and paras[1].style.spaceBefore == 0
    words = " ".join(p.getPlainText() for p in paras).split()
    assert words == (["word"] * 3000 + ["and"] + ["more"] * 2000)


def test_a_heading_too_long_for_a_page_is_bold_text(renderer: MarkdownRenderer) -> None:
    paras = [f for f in renderer.flowables("# " + "x" * 5000) if isinstance(f, Paragraph)]
    assert paras and not any(getattr(p.style, "keepWithNext", 0) for p in paras)
    assert paras[0].text.startswith("<b>")
