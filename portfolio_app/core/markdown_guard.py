"""Python-Markdown with bounded work: the converter behind the preview, the PDF and the archive.

Why this exists. Python-Markdown (3.11) does some of its work in time that grows with the
square of the input, and recurses on nesting (measured with ``bench/bench_markdown.py``):

- links, images and references: from every ``[`` it walks the rest of the paragraph, character
  by character in Python, looking for the partner ``]`` (``getText``), and from every ``](``
  for the partner ``)`` (``getLink``). 10,000 ``[`` took 19 s in the live preview;
- raw HTML: ``html.parser`` reads from every ``<`` that starts a tag, a declaration or a CDATA
  section to the end of the text when it never closes. 3,000 ``<![CDATA[`` took 22 s;
- nesting: a list nested 300 deep raises ``RecursionError``.

What this module does, so that every renderer costs bounded time on any text:

1. Text longer than :data:`MAX_MARKDOWN_CHARS` is not converted (:class:`MarkdownTooComplex`);
   callers show it as plain text with the reason (:func:`fallback_note`).
2. The six link, image and reference processors are replaced by subclasses that find the
   partner bracket or parenthesis in a table built once per paragraph text. They return what
   Python-Markdown's own scans return (tests compare the two on the demo portfolio and on
   generated snippets), in linear time.
3. A work meter charges what can still be slow: those tables when the text changes under
   them, ``getLink``'s own scan when a title's quotes are involved, and every raw-HTML read
   (the characters it covered, or the rest of the text when it failed). Past
   :data:`WORK_BUDGET` the conversion stops with :class:`MarkdownTooComplex`.
4. ``RecursionError`` (deep nesting) becomes :class:`MarkdownTooComplex` too.

A fresh ``Markdown`` object is made for each conversion (0.3 ms): it is thread-safe (the
preview renders on a worker thread) and never reused after an exception, when Python-Markdown's
state is unreliable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Longest text (characters, per entry section) converted as Markdown; longer text is shown
#: as plain text. 100,000 characters is some 15,000 words, far beyond a reflection, and
#: converts in about 0.25 s.
MAX_MARKDOWN_CHARS = 100_000
#: Work units one conversion may spend on the scans that are not linear: a unit is a character
#: walked in Python or eight characters searched by a regular expression. About 0.3 s here;
#: honest text of MAX_MARKDOWN_CHARS spends well under a tenth of it.
WORK_BUDGET = 4_000_000
#: Characters per work unit (about 75 ns here) for: a regular expression's search...
_REGEX_CHARS_PER_UNIT = 8
#: ...``html.parser``'s tag pattern (slower: nested repetitions)...
_TAG_CHARS_PER_UNIT = 2
#: ...rebuilding the paragraph's text around an inline match (Python-Markdown does that for
#: every link, emphasis or code span: the part of its cost that grows with the square)...
_REBUILT_CHARS_PER_UNIT = 256
#: ...searching for a closing backtick run (see backtick_cost)...
_SEARCHED_CHARS_PER_UNIT = 64
#: ...comparing or copying strings...
_COMPARED_CHARS_PER_UNIT = 256
#: ...and re-reading nested lines, once per level (see nesting_cost).
_NESTED_CHARS_PER_UNIT = 2
#: Brackets looked at directly before the table is built (short links never need it).
_DIRECT_SCAN = 32

TOO_LONG = "too-long"
TOO_COMPLEX = "too-complex"
TOO_DEEP = "too-deep"


class MarkdownTooComplex(Exception):  # noqa: N818  (a condition, not a program error)
    """The text would take too long to format; ``reason`` is one of TOO_LONG/COMPLEX/DEEP."""

    def __init__(self, reason: str) -> None:
        super().__init__(fallback_note(reason))
        self.reason = reason


def fallback_note(reason: str) -> str:
    """What the student is told when a text is shown as plain text instead of formatted."""
    if reason == TOO_LONG:
        why = (
            f"it is longer than {MAX_MARKDOWN_CHARS:,} characters, the most that is "
            "formatted as Markdown"
        )
    elif reason == TOO_DEEP:
        why = "its lists or quotes are nested too deeply to lay out"
    else:
        why = (
            "its Markdown would take too long to format (for example thousands of "
            "unmatched brackets or unclosed tags)"
        )
    return f"Shown as plain text because {why}. All of the text is kept."


class _WorkMeter:
    """Counts work units for one conversion and stops it past the budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.spent = 0

    def charge(self, units: int) -> None:
        self.spent += units
        if self.spent > self.budget:
            raise MarkdownTooComplex(TOO_COMPLEX)

    def charge_regex(self, characters: int) -> None:
        self.charge_per(characters, _REGEX_CHARS_PER_UNIT)

    def charge_per(self, characters: int, per_unit: int) -> None:
        self.charge(characters // per_unit + 1)


class _PartnerTable:
    """The partner of every opening character in a text, found once instead of per opening.

    Partners are stored as distances from the end of the text: Python-Markdown replaces a
    matched link by a placeholder *before* the position it scans next, so the rest of the text,
    and every distance from its end, stays the same and the table stays valid. Each new text is
    checked once against the one the table was built from (a C-speed comparison).
    """

    def __init__(self, opening: str, closing: str, meter: _WorkMeter) -> None:
        self._opening = opening
        self._pair = re.compile(f"[{re.escape(opening + closing)}]")
        self._meter = meter
        self._source = ""  # the text (suffix) the table was built from
        self._partners: dict[int, int] = {}  # distance from end of opening -> of partner
        self._checked: str | None = None  # the latest text known to end like _source...
        self._checked_from = 0  # ...from this position on

    def partner(self, text: str, opening_at: int) -> int:
        """Position of the partner of ``text[opening_at]`` (an opening character), or -1."""
        if self._checked is text and opening_at >= self._checked_from:
            return self._lookup(text, opening_at)
        depth = 0
        for seen, match in enumerate(self._pair.finditer(text, opening_at)):
            depth += 1 if text[match.start()] == self._opening else -1
            if depth == 0:
                return match.start()
            if seen >= _DIRECT_SCAN:
                break
        else:  # the search reached the end of the text: no partner
            self._meter.charge_regex(len(text) - opening_at)
            return -1
        self._ensure_table(text, opening_at)
        return self._lookup(text, opening_at)

    def _lookup(self, text: str, opening_at: int) -> int:
        distance = self._partners.get(len(text) - opening_at)
        return -1 if distance is None else len(text) - distance

    def _ensure_table(self, text: str, start: int) -> None:
        if self._checked is text and start >= self._checked_from:
            return
        tail = len(text) - start
        if tail <= len(self._source):
            self._meter.charge_per(2 * tail, _COMPARED_CHARS_PER_UNIT)
            if text.endswith(self._source[len(self._source) - tail :]):
                self._checked, self._checked_from = text, start
                return
        self._build(text)

    def _build(self, text: str) -> None:
        """Pair openings with their partners from the right (same pairs as from the left)."""
        end = len(text)
        partners: dict[int, int] = {}
        closings: list[int] = []
        matches = list(self._pair.finditer(text))
        self._meter.charge(len(matches) + len(text) // _REGEX_CHARS_PER_UNIT)
        for match in reversed(matches):
            position = match.start()
            if text[position] == self._opening:
                if closings:
                    partners[end - position] = end - closings.pop()
            else:
                closings.append(position)
        self._source, self._partners = text, partners
        self._checked, self._checked_from = text, 0


@dataclass(frozen=True)
class _Guards:
    """The replacement classes, built once (importing this module does not import Markdown)."""

    links: dict[str, tuple[type, type]]  # processor name -> (stock class, bounded class)
    html_blocks: list[tuple[type, type]]  # (stock preprocessor, metered preprocessor)
    metered_inline: dict[type, type] = field(default_factory=dict)  # filled as met


def _build_guards() -> _Guards:
    from markdown import inlinepatterns, preprocessors
    from markdown.extensions import md_in_html
    from markdown.htmlparser import HTMLExtractor

    class BoundedLinks:
        """``getText``/``getLink`` with Python-Markdown's results, in linear time."""

        md: Any
        RE_LINK: re.Pattern[str]
        unescape: Any

        def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802
            if data[index - 1 : index] != "[":  # never, with the stock patterns
                return super().getText(data, index)  # type: ignore[misc,no-any-return]
            close = self.md.portfolio_brackets.partner(data, index - 1)
            if close < 0:  # callers drop the text of an unmatched bracket
                return "", len(data), False
            return data[index:close], close + 1, True

        def getLink(  # noqa: N802
            self, data: str, index: int
        ) -> tuple[str, str | None, int, bool]:
            result: tuple[str, str | None, int, bool]
            match = self.RE_LINK.match(data, pos=index)
            if not match or match.group(1):  # no link, or ``(<href> "title")``: one regex
                result = super().getLink(data, index)  # type: ignore[misc]
                return result
            if not _quote_after(self.md, data, match.end()):
                # No title can start: Python-Markdown's scan is plain parenthesis matching.
                close = self.md.portfolio_parens.partner(data, match.start())
                if close < 0:
                    return "", None, len(data), False
                href = self.unescape(data[match.end() : close]).strip()
                return href, None, close + 1, True
            # A title may start: Python-Markdown's own scan, paid for by the characters walked.
            result = super().getLink(data, index)  # type: ignore[misc]
            end, handled = result[2], result[3]
            self.md.portfolio_meter.charge(
                end - index if handled and end >= index else len(data) - index
            )
            return result

    def _quote_after(md: Any, data: str, position: int) -> bool:
        last = md.portfolio_last_quote
        if last[0] is not data:
            md.portfolio_meter.charge_per(2 * len(data), _COMPARED_CHARS_PER_UNIT)
            last = md.portfolio_last_quote = (data, max(data.rfind("'"), data.rfind('"')))
        return bool(last[1] >= position)

    links: dict[str, tuple[type, type]] = {}
    for name, stock in (
        ("reference", inlinepatterns.ReferenceInlineProcessor),
        ("link", inlinepatterns.LinkInlineProcessor),
        ("image_link", inlinepatterns.ImageInlineProcessor),
        ("image_reference", inlinepatterns.ImageReferenceInlineProcessor),
        ("short_reference", inlinepatterns.ShortReferenceInlineProcessor),
        ("short_image_ref", inlinepatterns.ShortImageReferenceInlineProcessor),
    ):
        links[name] = (stock, type(f"Bounded{stock.__name__}", (BoundedLinks, stock), {}))

    def metered_reader(stock: type) -> type:
        """``stock`` (an HTML extractor) charging each tag or declaration it reads: what it
        covered, or the rest of the text when it failed (its pattern may have walked it)."""

        def metered(method_name: str) -> Any:
            inner = getattr(stock, method_name)

            def method(self: Any, i: int, *args: Any, **kwargs: Any) -> Any:
                end = inner(self, i, *args, **kwargs)
                covered = len(self.rawdata) - i if end <= i + 2 else end - i
                self.md.portfolio_meter.charge_per(covered, _TAG_CHARS_PER_UNIT)
                return end

            return method

        # parse_comment is left out: Python-Markdown already remembers a missing "-->".
        names = (
            "parse_starttag",
            "parse_endtag",
            "parse_pi",
            "parse_html_declaration",
            "parse_bogus_comment",
        )
        return type(f"Metered{stock.__name__}", (stock,), {n: metered(n) for n in names})

    html_blocks: list[tuple[type, type]] = []
    for stock_reader, stock_pre in (
        (HTMLExtractor, preprocessors.HtmlBlockPreprocessor),
        (md_in_html.HTMLExtractorExtra, md_in_html.HtmlBlockPreprocessor),
    ):
        reader = metered_reader(stock_reader)

        def run(self: Any, lines: list[str], reader: type = reader) -> list[str]:
            """Python-Markdown's own ``run``, with the metered reader."""
            parser = reader(self.md)
            parser.feed("\n".join(lines))
            parser.close()
            return "".join(parser.cleandoc).split("\n")

        metered_pre = type(f"Metered{stock_pre.__name__}", (stock_pre,), {"run": run})
        html_blocks.append((stock_pre, metered_pre))
    return _Guards(links, html_blocks)


def _metered_inline(guards: _Guards, stock: type) -> type:
    """``stock`` (an inline processor) charging, for each match, the text it will rebuild."""
    metered = guards.metered_inline.get(stock)
    if metered is None:
        stock_handle: Any = getattr(stock, "handleMatch")  # noqa: B009  (``type`` has no attribute)

        def handleMatch(self: Any, m: Any, data: str) -> Any:  # noqa: N802
            result = stock_handle(self, m, data)
            if result[0] is not None and result[1] is not None and result[2] is not None:
                self.portfolio_meter.charge_per(len(data), _REBUILT_CHARS_PER_UNIT)
            return result

        metered = type(f"Metered{stock.__name__}", (stock,), {"handleMatch": handleMatch})
        guards.metered_inline[stock] = metered
    return metered


_GUARDS: _Guards | None = None


def _guards() -> _Guards:
    global _GUARDS  # built on first use, then shared: the classes hold no state
    if _GUARDS is None:
        _GUARDS = _build_guards()
    return _GUARDS


def new_markdown(extensions: Sequence[str], output_format: str) -> Any:
    """A ``markdown.Markdown`` with the bounded processors and a fresh work meter."""
    import markdown
    from markdown.inlinepatterns import InlineProcessor

    guards = _guards()
    md: Any = markdown.Markdown(extensions=list(extensions), output_format=output_format)
    md.portfolio_meter = _WorkMeter(WORK_BUDGET)
    md.portfolio_brackets = _PartnerTable("[", "]", md.portfolio_meter)
    md.portfolio_parens = _PartnerTable("(", ")", md.portfolio_meter)
    md.portfolio_last_quote = (None, -1)
    # Registry has no public way to read a priority; re-registering a name replaces the item.
    priorities = {item.name: item.priority for item in md.inlinePatterns._priority}
    for name, (stock, bounded) in guards.links.items():
        current: Any = md.inlinePatterns[name]
        pattern: str = current.pattern
        if type(current) is not stock:
            raise RuntimeError(f"Markdown's '{name}' processor is not the stock one")
        md.inlinePatterns.register(bounded(pattern, md), name, priorities[name])
    for processor in md.inlinePatterns:
        if isinstance(processor, InlineProcessor):
            # Swapping the class keeps each processor's own state and arguments.
            processor.__class__ = _metered_inline(guards, type(processor))
            processor.portfolio_meter = md.portfolio_meter  # (some have no ``md``)
    current_pre = md.preprocessors["html_block"]
    for stock_pre, metered_pre in guards.html_blocks:
        if type(current_pre) is stock_pre:
            pre_priorities = {item.name: item.priority for item in md.preprocessors._priority}
            md.preprocessors.register(metered_pre(md), "html_block", pre_priorities["html_block"])
            break
    else:
        raise RuntimeError("Markdown's raw-HTML reader is not the stock one")
    return md


_LEADING = re.compile(r"^[ \t>]*", re.MULTILINE)


def nesting_cost(text: str) -> int:
    """Work units Python-Markdown spends on nesting: each quote or list level reads its lines
    again, so a line costs its length times its depth (``>`` marks and 4-column indents)."""
    total = 0
    for match in _LEADING.finditer(text):
        lead = match.group()
        if len(lead) < 4 and ">" not in lead:
            continue
        depth = lead.count(">") + len(lead.replace(">", "").expandtabs(4)) // 4
        line_end = text.find("\n", match.end())
        length = (len(text) if line_end < 0 else line_end) - match.start()
        total += depth * length
    return total // _NESTED_CHARS_PER_UNIT


_BACKTICKS = re.compile(r"`+")


def backtick_cost(text: str) -> int:
    """Work units the code-span pattern spends on backtick runs that close nowhere.

    From a run of L backticks with no later run of exactly L, the pattern searches the rest of
    the text for a closing run from each of the L backticks (measured: about L times the rest,
    at some 64 characters a unit). Runs that close cost little and are not counted.
    """
    total = 0
    later: set[int] = set()
    runs = [(m.end(), m.end() - m.start()) for m in _BACKTICKS.finditer(text)]
    for end, length in reversed(runs):
        if length not in later:
            total += length * (len(text) - end + 1)
            later.add(length)
    return total // _SEARCHED_CHARS_PER_UNIT


def convert(text: str, *, extensions: Sequence[str], output_format: str = "html") -> str:
    """``text`` as HTML, or :class:`MarkdownTooComplex` when that would cost too much."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownTooComplex(TOO_LONG)
    nesting = nesting_cost(text)
    if nesting > WORK_BUDGET:
        raise MarkdownTooComplex(TOO_DEEP)
    md = new_markdown(extensions, output_format)
    md.portfolio_meter.charge(nesting)
    md.portfolio_meter.charge(backtick_cost(text))
    try:
        return str(md.convert(text))
    except RecursionError:
        raise MarkdownTooComplex(TOO_DEEP) from None
