"""Markdown -> sanitised, well-formed XHTML for archives (Leap2A content must be xhtml).

Raw HTML typed into an entry is never trusted: the rendered HTML passes through nh3 with a
small allowlist (no images, scripts, styles or event handlers; links only http, https, mailto),
and anything that still fails to parse as XML is carried as escaped text instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

XHTML_NS = "http://www.w3.org/1999/xhtml"
ALLOWED_TAGS = {
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
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
    "hr",
}


def markdown_to_xhtml(text: str) -> ET.Element:
    """A ``<div xmlns=xhtml>`` element holding the rendered, sanitised Markdown."""
    import markdown
    import nh3

    html = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="xhtml")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    try:
        div = ET.fromstring(f'<div xmlns="{XHTML_NS}">{clean}</div>')
    except ET.ParseError:
        div = ET.Element(f"{{{XHTML_NS}}}div")
        pre = ET.SubElement(div, f"{{{XHTML_NS}}}pre")
        pre.text = text
    return div
