"""Student Markdown to reportlab flowables, safely: Markdown -> HTML -> our own tree -> flowables.

Why this route: reportlab's Paragraph takes its own XML-like markup, and raw user HTML must
never reach it (a stray ``<`` would crash the export, a crafted ``<img src=...>`` or
``<a href="javascript:...">`` would end up in a signed document). So:

1. Python-Markdown (``tables``, ``fenced_code``, ``sane_lists``; the same dialect the editor's
   preview uses) turns the text into HTML. Raw HTML in the text passes through Markdown, as in
   the preview, but is only ever *read* by step 2.
2. :class:`_TreeBuilder` (``html.parser``, iterative, no recursion) reads that HTML into a
   small tree.
3. :class:`MarkdownRenderer` walks the tree against an allowlist and writes flowables and
   reportlab markup from scratch, escaping every piece of text. Unknown tags are transparent
   (their text is kept); ``script``, ``style`` and similar are dropped with their content;
   images are never fetched, they print as "[image not included: alt]"; links keep their
   target only for http, https and mailto, and the address is printed after the text so it
   survives on paper.

Hostile input is bounded: Markdown goes through core.markdown_guard (linear link and
bracket matching, a work budget, a size cap); text it refuses is printed as plain paragraphs
under a note saying why, like the preview. Nesting deeper than :data:`MAX_BLOCK_DEPTH` is
flattened (indenting further would push text off the page), and so is any container nested
deeper than :data:`MAX_CONTAINERS` (``<div>`` in ``<div>``...: recursion must stay shallow);
inline markup deeper than :data:`MAX_INLINE_DEPTH` becomes plain text; wide or bulky tables
become one paragraph per row; long tables, code blocks and paragraphs are cut into chunks so
that splitting them over pages stays linear (reportlab re-wraps the whole rest of a paragraph
at every page break: 200,000 words took minutes); and a heading too long for a page loses
its keep-with-next (reportlab looped on a 4,000-character heading).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Preformatted, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.flowables import HRFlowable

from portfolio_app.core.export.fonts import MONO, printable
from portfolio_app.core.export.styles import FRAME_WIDTH, RULE_GREY, SHADE, Styles
from portfolio_app.core.markdown_guard import MarkdownTooComplex, convert

MAX_BLOCK_DEPTH = 6
MAX_INLINE_DEPTH = 12
MAX_CONTAINERS = 40
#: Paragraph markup longer than this is cut into consecutive paragraphs (no gap between).
PARAGRAPH_CHUNK_CHARS = 3000
#: Headings longer than this are printed as bold body text (they might not fit on a page).
MAX_HEADING_CHARS = 300
TABLE_MAX_COLUMNS = 6
TABLE_MAX_CELL_CHARS = 600
TABLE_CHUNK_ROWS = 200
CODE_CHUNK_LINES = 60
LIST_INDENT = 16.0
QUOTE_INDENT = 14.0
LINK_SCHEMES = ("http", "https", "mailto")
#: The Markdown dialect of the PDF (the preview's "extra" without footnotes, abbreviations...).
EXTENSIONS = ("tables", "fenced_code", "sane_lists")

_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr"})
_DROP = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "source",
        "select",
        "textarea",
        "button",
        "form",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "table",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "main",
        "details",
        "summary",
        "address",
        "fieldset",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
    }
)
# Text without any of these is plain paragraphs to Markdown too, so it skips the converter.
_MARKDOWN_SYNTAX = re.compile(
    r"[*_`\[\]<>#|~\\&!]"  # emphasis, code, links, html, headings, tables, escapes
    r"|^[ \t]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)"  # list items
    r"|^(?: {4}|\t)"  # indented code
    r"|^[ \t]*[=-]+[ \t]*$"  # setext heading underlines and rules
    r"|  $",  # hard line breaks
    re.MULTILINE,
)


@dataclass
class _Node:
    """An element of the parsed HTML: tag, attributes and children (text or nodes)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving, iterative HTML reader: a stack, never recursion, so nesting depth is free."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self._stack: list[_Node] = [self.root]
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping:
            if tag in _DROP:
                self._dropping += 1
            return
        if tag in _DROP:
            self._dropping = 1
            return
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropping or tag in _DROP:
            return
        self._stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self._dropping:
            if tag in _DROP:
                self._dropping -= 1
            return
        for index in range(len(self._stack) - 1, 0, -1):
            if self._stack[index].tag == tag:
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._dropping and data:
            self._stack[-1].children.append(data)


def parse_html(html: str) -> _Node:
    """The tree of ``html`` (never raises on malformed input).

    Markdown's XHTML output is usually well-formed XML, which expat (C) reads several times
    faster than ``html.parser``; raw HTML a student typed may not be, and then the forgiving
    ``html.parser`` route reads it instead.
    """
    fast = _parse_xml(html)
    if fast is not None:
        return fast
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _parse_xml(html: str) -> _Node | None:
    """``html`` read as XML into our tree, iteratively; ``None`` when it is not XML."""
    try:
        # Wrapped in <root>, a DOCTYPE (the only way to declare entities) is not well-formed,
        # so entity tricks fail to parse and take the html.parser route; expat never fetches.
        element = ElementTree.fromstring(f"<root>{html}</root>")
    except ElementTree.ParseError:
        return None
    root = _Node("root")
    if element.text:
        root.children.append(element.text)
    stack: list[tuple[ElementTree.Element, _Node]] = [(element, root)]
    while stack:
        source, target = stack.pop()
        for child in source:
            tag = str(child.tag).lower()  # the default parser drops comments and PIs
            if tag not in _DROP:
                node = _Node(tag, {str(k): str(v) for k, v in child.attrib.items()})
                if child.text:
                    node.children.append(child.text)
                target.children.append(node)
                stack.append((child, node))
            if child.tail:
                target.children.append(child.tail)
    return root


def all_text(node: _Node | str) -> str:
    """The text of a subtree, iteratively (a 10,000-deep tree must not recurse)."""
    if isinstance(node, str):
        return node
    parts: list[str] = []
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        else:
            if item.tag in {"br", "p", "li", "tr", "div", "blockquote", "pre"} and parts:
                parts.append(" ")
            if item.tag == "img":
                alt = item.attrs.get("alt", "").strip()
                parts.append(f"[image not included{': ' + alt if alt else ''}]")
            stack.extend(reversed(item.children))
    return "".join(parts)


def markup_text(text: str) -> str:
    """Plain text made safe for reportlab paragraph markup."""
    return escape(printable(text))


def _safe_link(href: str) -> str | None:
    target = printable(href).strip()
    scheme, colon, _rest = target.partition(":")
    if colon and scheme.strip().lower() in LINK_SCHEMES and len(target) <= 2000:
        return target
    return None


def _style_align(node: _Node) -> str:
    style = node.attrs.get("style", "") + " " + node.attrs.get("align", "")
    for align in ("center", "right"):
        if align in style:
            return align.upper()
    return "LEFT"


class MarkdownRenderer:
    """Turns one piece of student Markdown into flowables (see the module docstring)."""

    def __init__(self, styles: Styles) -> None:
        self._styles = styles
        self._style_cache: dict[tuple[str, int, int, str], Any] = {}
        self._containers = 0  # nested containers being walked (divs count, unlike indents)

    # ---- public ---------------------------------------------------------------------------

    def flowables(self, markdown_text: str, *, width: float = FRAME_WIDTH) -> list[Any]:
        """Flowables for ``markdown_text``; never raises for any input text."""
        text = markdown_text.replace("\r\n", "\n").replace("\r", "\n")
        if _MARKDOWN_SYNTAX.search(text) is None:
            return self._plain_markdown(text)
        try:
            html = convert(text, extensions=EXTENSIONS, output_format="xhtml")
        except MarkdownTooComplex as exc:
            note = self._paragraph(f"<i>{markup_text(str(exc))}</i>", self._styles.body)
            return [note, *self.plain_paragraphs(text)]
        root = parse_html(html)
        out: list[Any] = []
        self._blocks(root, out, depth=0, quote=0, width=width, bullet=None)
        return out

    def _plain_markdown(self, text: str) -> list[Any]:
        """What Markdown makes of text with no syntax in it: paragraphs at blank lines, with
        line breaks inside a paragraph read as spaces. About four times faster than the
        converter, and most reflections are plain prose."""
        out: list[Any] = []
        for block in re.split(r"\n[ \t]*\n", text):
            if block.strip():
                out.extend(
                    self._paragraphs(markup_text(" ".join(block.split())), self._styles.body)
                )
        return out

    def plain_paragraphs(self, text: str, style: Any = None) -> list[Any]:
        """Text as paragraphs split at blank lines, line breaks kept, no markup interpreted."""
        style = style or self._styles.body
        out: list[Any] = []
        for block in re.split(r"\n\s*\n", text):
            if block.strip():
                lines = [markup_text(line) for line in block.strip("\n").split("\n")]
                out.extend(self._paragraphs("<br/>".join(lines), style))
        return out

    # ---- styles ---------------------------------------------------------------------------

    def _style(self, base: Any, indent: int, quote: int, variant: str = "") -> Any:
        """``base`` indented for ``indent`` list levels and ``quote`` quote levels."""
        key = (base.name, indent, quote, variant)
        cached = self._style_cache.get(key)
        if cached is not None:
            return cached
        left = base.leftIndent + indent * LIST_INDENT + quote * QUOTE_INDENT
        style = ParagraphStyle(
            f"{base.name}-{indent}-{quote}-{variant}",
            parent=base,
            leftIndent=left,
            bulletIndent=max(0.0, left - LIST_INDENT + 3),
            bulletFontName=base.fontName,
        )
        if quote:
            style.textColor = self._styles.quote.textColor
        if variant == "item":
            style.spaceAfter = 2
        style.portfolio_quote_level = quote
        self._style_cache[key] = style
        return style

    def _paragraphs(self, markup: str, style: Any, bullet: str | None = None) -> list[Any]:
        """``markup`` as one paragraph, or as consecutive chunks when it is long (see module)."""
        if len(markup) <= LONG_WORD_CHARS and markup.count("<br/>") < BREAKS_PER_PIECE:
            return [self._paragraph(markup, style, bullet)]
        chunks = split_markup(markup, PARAGRAPH_CHUNK_CHARS)
        if len(chunks) == 1:
            return [self._paragraph(markup, style, bullet)]
        out = []
        for index, chunk in enumerate(chunks):
            first, last = index == 0, index == len(chunks) - 1
            out.append(
                self._paragraph(
                    chunk, self._continued(style, first, last), bullet if first else None
                )
            )
        return out

    def _continued(self, style: Any, first: bool, last: bool) -> Any:
        """``style`` for one chunk of a cut paragraph: no gap between the chunks."""
        if first and last:
            return style
        key = (style.name, id(style), int(first), f"chunk{int(last)}")
        cached = self._style_cache.get(key)
        if cached is None:
            cached = ParagraphStyle(
                f"{style.name}-chunk-{int(first)}{int(last)}",
                parent=style,
                spaceBefore=style.spaceBefore if first else 0,
                spaceAfter=style.spaceAfter if last else 0,
            )
            cached.portfolio_quote_level = getattr(style, "portfolio_quote_level", 0)
            self._style_cache[key] = cached
        return cached

    def _paragraph(self, markup: str, style: Any, bullet: str | None = None) -> Any:
        cls: type = _QuoteParagraph if getattr(style, "portfolio_quote_level", 0) else Paragraph
        try:
            return cls(markup, style, bulletText=markup_text(bullet) if bullet else None)
        except ValueError:  # our markup is well-formed; this is a last line of defence
            plain = markup_text(re.sub(r"<[^>]*>", "", markup))
            return cls(plain, style, bulletText=markup_text(bullet) if bullet else None)

    # ---- blocks ---------------------------------------------------------------------------

    def _blocks(
        self,
        node: _Node,
        out: list[Any],
        *,
        depth: int,
        quote: int,
        width: float,
        bullet: list[str] | None,
    ) -> None:
        """Flowables for the children of ``node``.

        ``bullet`` is a one-item list holding a list marker still to be printed: the first
        paragraph made inside a list item takes (and clears) it.
        """
        self._containers += 1
        try:
            self._blocks_inside(node, out, depth=depth, quote=quote, width=width, bullet=bullet)
        finally:
            self._containers -= 1

    def _blocks_inside(
        self,
        node: _Node,
        out: list[Any],
        *,
        depth: int,
        quote: int,
        width: float,
        bullet: list[str] | None,
    ) -> None:
        inline: list[_Node | str] = []

        def flush_inline() -> None:
            markup = self._inline_run(inline)
            inline.clear()
            if markup.strip():
                self._emit(markup, self._styles.body, out, depth, quote, bullet)

        for child in node.children:
            if isinstance(child, str) or child.tag not in _BLOCK:
                inline.append(child)
                continue
            flush_inline()
            self._block(child, out, depth=depth, quote=quote, width=width, bullet=bullet)
        flush_inline()

    def _emit(  # noqa: PLR0917  (private; every caller passes all six)
        self,
        markup: str,
        base: Any,
        out: list[Any],
        depth: int,
        quote: int,
        bullet: list[str] | None,
    ) -> None:
        marker = None
        if bullet:
            marker = bullet.pop()
        variant = "item" if depth else ""
        out.extend(self._paragraphs(markup, self._style(base, depth, quote, variant), marker))

    def _block(
        self,
        node: _Node,
        out: list[Any],
        *,
        depth: int,
        quote: int,
        width: float,
        bullet: list[str] | None,
    ) -> None:
        tag = node.tag
        if self._containers >= MAX_CONTAINERS or (
            tag in {"ul", "ol", "blockquote", "dl"} and depth + quote >= MAX_BLOCK_DEPTH
        ):
            self._flattened(node, out, depth, quote, bullet)
        elif tag in {"p", "dt", "dd", "summary", "caption", "figcaption", "address"}:
            base = self._styles.body
            markup = self._inline_run(node.children)
            if markup.strip():
                if tag == "dt":
                    markup = f"<b>{markup}</b>"
                self._emit(markup, base, out, depth, quote, bullet)
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            base = {
                "h1": self._styles.md_h1,
                "h2": self._styles.md_h2,
            }.get(tag, self._styles.md_h3)
            markup = self._inline_run(node.children)
            if len(markup) > MAX_HEADING_CHARS:  # may not fit on a page: no keep-with-next
                base, markup = self._styles.body, f"<b>{markup}</b>"
            if markup.strip():
                self._emit(markup, base, out, depth, quote, bullet)
        elif tag in {"ul", "ol"}:
            self._list(node, out, depth=depth, quote=quote, width=width, bullet=bullet)
        elif tag == "blockquote":
            self._claim_bullet(out, depth, quote, bullet)
            self._blocks(node, out, depth=depth, quote=quote + 1, width=width, bullet=None)
        elif tag == "pre":
            self._claim_bullet(out, depth, quote, bullet)
            self._code(all_text(node), out, depth, quote, width)
        elif tag == "table":
            self._claim_bullet(out, depth, quote, bullet)
            self._table(node, out, depth, quote, width)
        elif tag == "hr":
            out.append(
                HRFlowable(
                    width="100%",
                    thickness=0.5,
                    color=colors.Color(*RULE_GREY),
                    spaceBefore=4,
                    spaceAfter=6,
                )
            )
        else:  # div, li outside a list, section, tr outside a table...: a transparent box
            self._blocks(node, out, depth=depth, quote=quote, width=width, bullet=bullet)

    def _claim_bullet(
        self, out: list[Any], depth: int, quote: int, bullet: list[str] | None
    ) -> None:
        """A list item that starts with a block (code, table, quote) prints its marker alone."""
        if bullet:
            self._emit("", self._styles.body, out, depth, quote, bullet)

    def _list(
        self,
        node: _Node,
        out: list[Any],
        *,
        depth: int,
        quote: int,
        width: float,
        bullet: list[str] | None,
    ) -> None:
        self._claim_bullet(out, depth, quote, bullet)
        ordered = node.tag == "ol"
        try:
            number = int(node.attrs.get("start", "1"))
        except ValueError:
            number = 1
        markers = ("•", "◦", "▪")
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    self._emit(markup_text(child), self._styles.body, out, depth + 1, quote, None)
                continue
            marker = f"{number}." if ordered else markers[depth % len(markers)]
            number += 1
            pending = [marker]
            if child.tag == "li":
                self._blocks(child, out, depth=depth + 1, quote=quote, width=width, bullet=pending)
            else:
                self._block(child, out, depth=depth + 1, quote=quote, width=width, bullet=pending)
            if pending:  # an empty item still shows its marker
                self._emit("", self._styles.body, out, depth + 1, quote, pending)
        if depth == 0:
            out.append(Spacer(1, 4))  # items are tight; the paragraph after a list is not

    def _flattened(
        self, node: _Node, out: list[Any], depth: int, quote: int, bullet: list[str] | None
    ) -> None:
        """Nesting too deep to indent: the text of the subtree as plain paragraphs."""
        pieces: list[str] = []
        stack: list[_Node | str] = [node]
        current: list[str] = []
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                current.append(item)
                continue
            if item.tag in _BLOCK and current:
                pieces.append("".join(current))
                current = []
            if item.tag == "img":
                current.append(all_text(item))
            stack.extend(reversed(item.children))
        pieces.append("".join(current))
        for piece in pieces:
            text = " ".join(piece.split())
            if text:
                self._emit(markup_text(text), self._styles.body, out, depth, quote, bullet)

    def _code(self, text: str, out: list[Any], depth: int, quote: int, width: float) -> None:
        style = self._style(self._styles.code, depth, quote, "code")
        usable = width - style.leftIndent - style.rightIndent - 2 * style.borderPadding
        max_chars = max(20, int(usable / (0.602 * style.fontSize)))
        lines = printable(text.expandtabs(4)).rstrip("\n").split("\n")
        for start in range(0, len(lines), CODE_CHUNK_LINES):
            chunk = "\n".join(lines[start : start + CODE_CHUNK_LINES])
            out.append(_CodeBlock(chunk, style, maxLineLength=max_chars, newLineChars=""))

    # ---- tables ---------------------------------------------------------------------------

    def _table(self, node: _Node, out: list[Any], depth: int, quote: int, width: float) -> None:
        header: list[tuple[list[_Node | str], bool, str]] | None = None
        body: list[list[tuple[list[_Node | str], bool, str]]] = []
        stack: list[Iterator[_Node | str]] = [iter(node.children)]
        while stack:  # rows anywhere under the table (thead/tbody/tfoot or bare), in order
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif isinstance(child, _Node):
                if child.tag == "tr":
                    cells = [
                        (c.children, c.tag == "th", _style_align(c))
                        for c in child.children
                        if isinstance(c, _Node) and c.tag in {"td", "th"}
                    ]
                    if cells:
                        body.append(cells)
                else:
                    stack.append(iter(child.children))
        if not body:
            return
        if all(is_header for _c, is_header, _a in body[0]):
            header = body.pop(0)
        columns = max(len(r) for r in ([header] if header else []) + body)
        bulky = any(
            len(all_text(_Node("td", children=list(cell)))) > TABLE_MAX_CELL_CHARS
            for row in body
            for cell, _h, _a in row
        )
        indent = depth * LIST_INDENT + quote * QUOTE_INDENT
        if columns > TABLE_MAX_COLUMNS or bulky or width - indent < 200:
            self._table_as_rows(header, body, out, depth, quote)
            return
        self._table_chunks(header, body, columns, out, indent, width)

    def _cell(self, content: list[_Node | str], bold: bool, align: str) -> Any:
        base = self._styles.cell_bold if bold else self._styles.cell
        key = (base.name, 0, 0, align)
        style = self._style_cache.get(key)
        if style is None:
            alignment = {"CENTER": TA_CENTER, "RIGHT": TA_RIGHT}.get(align, TA_LEFT)
            style = ParagraphStyle(f"{base.name}-{align}", parent=base, alignment=alignment)
            self._style_cache[key] = style
        markup = self._inline_run(content)
        try:
            return Paragraph(markup, style)
        except ValueError:
            return Paragraph(markup_text(all_text(_Node("td", children=list(content)))), style)

    def _table_chunks(  # noqa: PLR0917  (private, one caller)
        self,
        header: list[tuple[list[_Node | str], bool, str]] | None,
        body: list[list[tuple[list[_Node | str], bool, str]]],
        columns: int,
        out: list[Any],
        indent: float,
        width: float,
    ) -> None:
        usable = width - indent
        col_width = usable / columns

        def row_cells(row: list[tuple[list[_Node | str], bool, str]], bold: bool) -> list[Any]:
            cells = [self._cell(content, bold or is_h, align) for content, is_h, align in row]
            cells.extend("" for _ in range(columns - len(cells)))
            return cells

        head_row = row_cells(header, True) if header else None
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self._styles.cell.fontName),  # not Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.Color(*RULE_GREY)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if head_row is not None:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(*SHADE)))
        if indent:
            out.append(Indenter(left=indent))
        for start in range(0, len(body), TABLE_CHUNK_ROWS):
            data = [row_cells(r, False) for r in body[start : start + TABLE_CHUNK_ROWS]]
            if head_row is not None:
                # A chunk after the first repeats the header, as a table split over pages would.
                data.insert(0, head_row if start == 0 else row_cells(header or [], True))
            table = Table(
                data,
                colWidths=[col_width] * columns,
                repeatRows=1 if head_row is not None else 0,
                hAlign="LEFT",
                style=TableStyle(commands),
            )
            out.append(table)
        out.append(Spacer(1, 6))
        if indent:
            out.append(Indenter(left=-indent))

    def _table_as_rows(
        self,
        header: list[tuple[list[_Node | str], bool, str]] | None,
        body: list[list[tuple[list[_Node | str], bool, str]]],
        out: list[Any],
        depth: int,
        quote: int,
    ) -> None:
        """A table too wide or bulky for columns: one paragraph per row, "Header: value"."""
        names = [
            markup_text(" ".join(all_text(_Node("th", children=list(c))).split()))
            for c, _h, _a in (header or [])
        ]
        style = self._style(self._styles.cell, depth, quote, "row")
        out.append(
            self._paragraph("<i>(A table too wide for the page, shown row by row.)</i>", style)
        )
        for number, row in enumerate(body, start=1):
            parts = []
            for index, (content, _h, _a) in enumerate(row):
                named = index < len(names) and names[index]
                label = names[index] if named else f"Column {index + 1}"
                parts.append(f"<b>{label}:</b> {self._inline_run(content)}")
            out.extend(self._paragraphs(f"<b>Row {number}.</b> " + " · ".join(parts), style))

    # ---- inline ---------------------------------------------------------------------------

    def _inline_run(self, items: list[_Node | str]) -> str:
        """reportlab markup for inline content (text, emphasis, code, links, images)."""
        return "".join(self._inline(item, 0) for item in items).strip()

    def _inline(self, item: _Node | str, depth: int) -> str:
        if isinstance(item, str):
            return markup_text(item)
        tag = item.tag
        if depth >= MAX_INLINE_DEPTH:
            return markup_text(all_text(item))
        inner: Callable[[], str] = lambda: "".join(  # noqa: E731
            self._inline(child, depth + 1) for child in item.children
        )
        if tag == "br":
            return "<br/>"
        if tag == "img":
            alt = " ".join(printable(item.attrs.get("alt", "")).split())
            text = f"[image not included{': ' + alt if alt else ''}]"
            return f"<i>{escape(text)}</i>"
        if tag in {"strong", "b"}:
            return f"<b>{inner()}</b>"
        if tag in {"em", "i", "cite", "dfn", "var"}:
            return f"<i>{inner()}</i>"
        if tag in {"del", "s", "strike"}:
            return f"<strike>{inner()}</strike>"
        if tag in {"u", "ins"}:
            return f"<u>{inner()}</u>"
        if tag in {"sup", "sub"}:
            return f"<{tag}>{inner()}</{tag}>"
        if tag in {"code", "kbd", "samp", "tt"}:
            return f'<font face="{MONO}" backColor="#ebebeb">{markup_text(all_text(item))}</font>'
        if tag == "a":
            return self._link(item, inner())
        return inner()

    def _link(self, node: _Node, label: str) -> str:
        target = _safe_link(node.attrs.get("href", ""))
        if target is None:
            return label
        shown = " ".join(all_text(node).split())
        address = target[len("mailto:") :] if target.lower().startswith("mailto:") else target
        suffix = "" if shown in {target, address} else f" ({escape(address)})"
        href = escape(target, {'"': "&quot;"})
        return f'<a href="{href}"><u>{label or escape(address)}</u></a>{suffix}'


_MARKUP_TOKEN = re.compile(r"<[^>]*>|&[^;\s<&]*;|[^<&]+|[<&]")
#: A run of text without spaces longer than this is cut anywhere (reportlab's own splitting of
#: one long word grows with the square of its length: 20,000 characters took 2.4 s).
LONG_WORD_CHARS = 1000
#: Line breaks in one piece at most (reportlab lays out a paragraph with many slowly: 5,000
#: lines of 30 characters took 15 s).
BREAKS_PER_PIECE = 20


def split_markup(markup: str, size: int) -> list[str]:
    """reportlab paragraph markup cut into pieces of about ``size`` characters at spaces (or
    anywhere in a run of :data:`LONG_WORD_CHARS` without one), each piece closing the tags
    still open and the next one opening them again."""
    pieces: list[str] = []
    current: list[str] = []
    length = 0  # characters in the current piece
    since_space = 0  # characters since the last space
    breaks = 0  # line breaks in the current piece
    open_tags: list[tuple[str, str]] = []  # (name, opening tag)

    def cut() -> None:
        nonlocal length, since_space, breaks
        closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        pieces.append("".join(current) + closing)
        current.clear()
        current.extend(tag for _, tag in open_tags)
        length = since_space = breaks = 0

    for match in _MARKUP_TOKEN.finditer(markup):
        token = match.group()
        if len(token) > 1 and token[0] == "<" and token[-1] == ">":
            name = token.strip("</>").split(" ", 1)[0]
            if token.startswith("</"):
                for index in range(len(open_tags) - 1, -1, -1):
                    if open_tags[index][0] == name:
                        del open_tags[index]
                        break
            elif not token.endswith("/>"):
                open_tags.append((name, token))
            current.append(token)
            if name == "br":
                breaks += 1
                if breaks >= BREAKS_PER_PIECE:
                    cut()
            continue
        if token[0] == "&":  # an entity is one character on paper: never cut inside it
            current.append(token)
            length += 1
            since_space += 1
        else:
            while token:
                space = token.rfind(" ", 0, max(1, size - length + 1))
                if length + len(token) > size and space >= 0:
                    current.append(token[:space])
                    cut()
                    token = token[space + 1 :]
                    continue
                room = LONG_WORD_CHARS - since_space
                head = token.split(" ", 1)[0] if " " in token else token
                if len(head) > room:
                    current.append(token[:room])
                    cut()
                    token = token[room:]
                    continue
                current.append(token)
                length += len(token)
                last_space = token.rfind(" ")
                since_space = (
                    len(token) - last_space - 1 if last_space >= 0 else since_space + len(token)
                )
                token = ""
        if since_space >= LONG_WORD_CHARS:
            cut()
    pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]


class _CodeBlock(Preformatted):  # type: ignore[misc]  # reportlab has no type hints
    """Preformatted code on a light grey band (reportlab's Preformatted ignores backColor).

    The band shows where code starts and ends on paper, in greyscale too.
    """

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """Split like Preformatted, but keep the band on both parts."""
        parts = super().split(avail_width, avail_height)
        return [_CodeBlock("\n".join(part.lines), part.style) for part in parts]

    def draw(self) -> None:
        """The band, then the text."""
        canv = self.canv
        canv.saveState()
        canv.setFillColor(self.style.backColor or colors.Color(0.95, 0.95, 0.95))
        left = self.style.leftIndent - 3
        canv.rect(
            left,
            -2,
            self.width - left - self.style.rightIndent + 3,
            self.height + 2,
            stroke=0,
            fill=1,
        )
        canv.restoreState()
        super().draw()


class _QuoteParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph inside a block quote: a grey bar per quote level on its left.

    The level lives on the style (``portfolio_quote_level``) because reportlab re-creates the
    paragraph class, but not custom attributes, when it splits a paragraph over pages.
    """

    def draw(self) -> None:
        """Draw the bars, then the text."""
        level = int(getattr(self.style, "portfolio_quote_level", 0))
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(colors.Color(*RULE_GREY))
        canv.setLineWidth(1.5)
        base = self.style.leftIndent - level * QUOTE_INDENT
        for n in range(level):
            x = base + n * QUOTE_INDENT + 4
            canv.line(x, -3, x, self.height + 1)
        canv.restoreState()
        super().draw()
