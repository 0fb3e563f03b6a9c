"""Markdown to safe HTML (preview, archives): Python-Markdown, then an nh3 allowlist.

Python-Markdown passes raw HTML through (``<img>``, ``<script>``, ``javascript:`` links survive
it), so its output is cleaned with nh3: text structure only, no images (a remote image would be
a read receipt), no scripts, no styles, links only to http, https and mailto. Both libraries
are imported on first use, never at start-up.

Conversion goes through core.markdown_guard, so it costs bounded time on any text; a text
that would cost too much (too long, too deeply nested, thousands of unmatched brackets...) is
shown as escaped plain text under a note saying why (:func:`plain_html`).
"""

from __future__ import annotations

import re
from html import escape

from portfolio_app.core.markdown_guard import MarkdownTooComplex, convert

#: Tags the preview may contain.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
        "sup",
        "sub",
    }
)
#: Attributes allowed per tag.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
#: URL schemes a link may use; anything else (javascript:, file:, data:, relative) is dropped.
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        scheme, colon, _rest = value.partition(":")
        if not colon or scheme.strip().lower() not in LINK_SCHEMES:
            return None
    return value


def sanitise_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and link schemes."""
    import nh3

    return str(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=set(LINK_SCHEMES),
            attribute_filter=_keep_attribute,
            link_rel="noopener noreferrer",
        )
    )


#: The Markdown dialect of the preview and the archive.
EXTENSIONS = ("extra", "sane_lists")


def render_markdown(text: str) -> str:
    """Sanitised HTML for Markdown written by the student (bounded time, never raises)."""
    try:
        html = convert(text, extensions=EXTENSIONS, output_format="html")
    except MarkdownTooComplex as exc:
        html = plain_html(text, str(exc))
    return sanitise_html(html)


def plain_html(text: str, note: str) -> str:
    """``text`` as escaped paragraphs (blank lines split them, line breaks kept) under ``note``."""
    parts = [f"<p><em>{escape(note)}</em></p>"]
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        if block.strip():
            lines = block.strip("\n").split("\n")
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "\n".join(parts)


def render_document(title: str, sections: list[tuple[str, str]]) -> str:
    """The preview of a whole entry: its title and each section under its heading."""
    # h2/h3 rather than h1/h2: QTextBrowser's h1 is very large in a narrow preview pane.
    parts = [f"<h2>{escape(title or '(untitled)')}</h2>"]
    for heading, body in sections:
        if len(sections) > 1 or heading:
            parts.append(f"<h3>{escape(heading)}</h3>")
        parts.append(render_markdown(body) if body.strip() else "<p><em>(nothing yet)</em></p>")
    return "\n".join(parts)
