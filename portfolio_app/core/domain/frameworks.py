"""Competency frameworks as value objects: Framework -> Standard -> Element, and code lookups.

The shape follows Mahara's SmartEvidence matrices (framework -> standards -> standard
elements) so that institutions can bring their own frameworks. A student links an entry to a
*code*: either an element's code or a whole standard's code, because some standards have no
elements that we could verify (IPEC 2023 "TT", for example) and are linked at standard level.

Codes are unique within one framework. For frameworks that have no official codes (CIHC,
CUILU, the NMC Code's themes) the codes are our own slugs; ``Framework.is_official_code``
says which is which, and labels shown to people leave the slugs out.

Completeness. A pack may list only part of a framework (the statements we could confirm).
Each standard says how many sub-statements the publisher's framework has under it
(``element_total``: 0 when the standard is itself one statement, ``None`` when unknown), and
the framework says how many statements it has in all (``statement_total``). A pack is
*partial* when it lists fewer than that, or the total is unknown, or it says why in
``partial_note``; :meth:`Framework.completeness_text` is the sentence shown wherever a count
appears, so a student never mistakes a partial pack for the whole framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: ``Standard.element_total`` default: the standard lists all its sub-statements.
AS_LISTED = -1
#: What the texts in a framework are. Built-in packs hold our own paraphrases only.
TEXT_KINDS: frozenset[str] = frozenset({"paraphrase", "official", "unspecified"})


@dataclass(frozen=True)
class Element:
    """One sub-competency (a Mahara "standard element") that an entry can be linked to.

    ``parent`` is the code of another element of the same standard when this element is a
    sub-clause of it (Mahara's nested elements, e.g. "1.2.1" under "1.2"); otherwise ``None``.
    """

    code: str
    name: str
    description: str = ""
    parent: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Standard:
    """A competency domain (a Mahara "standard"): linkable itself, and the home of elements.

    ``element_total`` is how many sub-statements the publisher's framework has under this
    standard: 0 when the standard is itself a single statement (a CIHC domain), ``None`` when
    the number is not known; left out, it is the number listed (the standard is complete).
    ``source`` says where the pack's facts about it come from.
    """

    code: str
    name: str
    description: str
    elements: tuple[Element, ...]
    element_total: int | None = AS_LISTED
    source: str = ""

    def __post_init__(self) -> None:
        if self.element_total == AS_LISTED:
            object.__setattr__(self, "element_total", len(self.elements))

    @property
    def is_statement(self) -> bool:
        """True when the standard itself is one statement (it has no sub-statements)."""
        return self.element_total == 0 and not self.elements

    @property
    def is_complete(self) -> bool:
        """True when every sub-statement of the publisher's standard is listed."""
        return self.element_total is not None and len(self.elements) >= self.element_total


@dataclass(frozen=True)
class Framework:
    """A competency framework pack: its provenance, its licence note and its standards.

    The first eleven fields are the core record. The rest carry what a pack says about its own
    texts and codes: ``attribution`` to show wherever the framework is shown,
    ``codes_official`` (False when every code is our own key), ``unofficial_codes`` (our own keys
    inside an otherwise official scheme), ``text_kind`` (one of :data:`TEXT_KINDS`) and
    ``notes`` (caveats a user should see, e.g. which parts are not yet verified).
    """

    id: str
    name: str
    short_name: str
    publisher: str
    year: int | None
    version: str
    source_url: str
    licence_note: str
    description: str
    standards: tuple[Standard, ...]
    builtin: bool
    attribution: str = ""
    codes_official: bool = True
    unofficial_codes: tuple[str, ...] = ()
    text_kind: str = "unspecified"
    notes: tuple[str, ...] = ()
    statement_total: int | None = None
    statement_noun: str = "statements"
    partial_note: str = ""
    _index: dict[str, Element | Standard] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[str, Element | Standard] = {}
        for standard in self.standards:
            _add_unique(index, standard.code, standard, self.id)
            for element in standard.elements:
                _add_unique(index, element.code, element, self.id)
        for standard in self.standards:
            own = {element.code for element in standard.elements}
            for element in standard.elements:
                if element.parent is not None and element.parent not in own:
                    raise ValueError(
                        f"framework '{self.id}': element '{element.code}' names parent "
                        f"'{element.parent}', which is not an element of standard "
                        f"'{standard.code}'"
                    )
        if self.text_kind not in TEXT_KINDS:
            raise ValueError(f"framework '{self.id}': unknown text kind '{self.text_kind}'")
        for standard in self.standards:
            total = standard.element_total
            if total is not None and (total < 0 or len(standard.elements) > max(total, 0)):
                raise ValueError(
                    f"framework '{self.id}': standard '{standard.code}' lists "
                    f"{len(standard.elements)} elements but says it has {total}"
                )
        if self.statement_total is not None and self.statement_total < self.listed_statements:
            raise ValueError(
                f"framework '{self.id}': it lists {self.listed_statements} statements but says "
                f"the framework has {self.statement_total}"
            )
        # The dataclass is frozen; the index is derived data, filled once here.
        object.__setattr__(self, "_index", index)

    def linkable(self) -> tuple[tuple[str, str, str], ...]:
        """Everything an entry can be linked to, in pack order, as ``(code, label, standard_code)``.

        Each standard comes first, then its elements; a standard with no known elements is
        still listed, so it can be linked as a whole.
        """
        rows: list[tuple[str, str, str]] = []
        for standard in self.standards:
            rows.append((standard.code, self.label(standard.code), standard.code))
            rows.extend(
                (element.code, self.label(element.code), standard.code)
                for element in standard.elements
            )
        return tuple(rows)

    def find(self, code: str) -> Element | Standard | None:
        """The element or standard with this code, or None."""
        return self._index.get(code)

    def standard_of(self, code: str) -> Standard | None:
        """The standard that a code belongs to (a standard belongs to itself), or None."""
        for standard in self.standards:
            if standard.code == code or any(e.code == code for e in standard.elements):
                return standard
        return None

    def is_official_code(self, code: str) -> bool:
        """True when ``code`` is the publisher's own code, False for one of our keys."""
        return self.codes_official and code not in self.unofficial_codes

    def label(self, code: str) -> str:
        """The text people read for a code: "VE3: ..." for official codes, the name otherwise.

        An unknown code is returned unchanged, so a link to a code that a newer pack version
        dropped is still shown rather than lost.
        """
        item = self.find(code)
        if item is None:
            return code
        if self.is_official_code(code) and item.name != code:
            return f"{code}: {item.name}"
        return item.name

    @property
    def element_count(self) -> int:
        """How many elements the framework has (standards not counted)."""
        return sum(len(standard.elements) for standard in self.standards)

    @property
    def listed_statements(self) -> int:
        """Statements this pack lists: every element, and every standard that is a statement."""
        return self.element_count + sum(1 for s in self.standards if s.is_statement)

    @property
    def is_partial(self) -> bool:
        """True when the pack lists less than the whole framework (or cannot tell)."""
        if self.partial_note:
            return True
        if self.statement_total is None:
            return True
        return self.listed_statements < self.statement_total

    def whole_only_standards(self) -> tuple[Standard, ...]:
        """Standards offered only as a whole: they have sub-statements this pack does not list."""
        return tuple(s for s in self.standards if not s.elements and s.element_total != 0)

    def completeness_text(self) -> str:
        """The sentence shown next to every count: is this the whole framework?

        For a partial pack: "IPEC 2023: 15 of its 33 sub-competencies are listed in this pack;
        import the full framework from your course to link to the rest."
        """
        listed = self.listed_statements
        noun = self.statement_noun
        if not self.is_partial:
            return f"{self.short_name}: all {listed} of its {noun} are listed in this pack."
        if listed == 0:
            head = f"{self.short_name}: none of its {noun} are listed one by one in this pack"
        elif self.statement_total is None:
            head = (
                f"{self.short_name}: {listed} {noun} are listed in this pack, but the full "
                "framework has more"
            )
        elif listed < self.statement_total:
            head = (
                f"{self.short_name}: {listed} of its {self.statement_total} {noun} are listed "
                "in this pack"
            )
        else:
            head = (
                f"{self.short_name}: its {listed} {noun} are listed in this pack, with less "
                "detail than the full framework"
            )
        return f"{head}; import the full framework from your course to link to the rest."

    def completeness_details(self) -> str:
        """What a partial pack leaves out and why (empty for a complete pack)."""
        if not self.is_partial:
            return ""
        parts: list[str] = []
        whole = self.whole_only_standards()
        if whole:
            names = "; ".join(self.label(s.code) for s in whole)
            parts.append(f"Linked only as a whole: {names}.")
        if self.partial_note:
            parts.append(self.partial_note.rstrip(".") + ".")
        return " ".join(parts)


def _add_unique(
    index: dict[str, Element | Standard], code: str, item: Element | Standard, framework_id: str
) -> None:
    if not code:
        raise ValueError(f"framework '{framework_id}': an empty code")
    if code in index:
        raise ValueError(f"framework '{framework_id}': code '{code}' is used twice")
    index[code] = item
