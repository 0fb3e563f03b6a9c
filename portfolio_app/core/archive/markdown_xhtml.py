"""Markdown -> sanitised, well-formed XHTML for archives (Leap2A content must be xhtml).

The HTML is the same sanitised rendering the editor's preview shows (core.markdown_html: no
images, scripts, styles; links only http, https, mailto); here it is only made well-formed
XML. Anything that still fails to parse is carried as escaped text instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from portfolio_app.core.markdown_html import render_markdown

XHTML_NS = "http://www.w3.org/1999/xhtml"
_VOID = re.compile(r"<(br|hr)(\s[^<>]*)?>")


def markdown_to_xhtml(text: str) -> ET.Element:
    """A ``<div xmlns=xhtml>`` element holding the rendered, sanitised Markdown."""
    html = _VOID.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}/>", render_markdown(text))
    try:
        return ET.fromstring(f'<div xmlns="{XHTML_NS}">{html}</div>')
    except ET.ParseError:
        div = ET.Element(f"{{{XHTML_NS}}}div")
        pre = ET.SubElement(div, f"{{{XHTML_NS}}}pre")
        pre.text = text
        return div
