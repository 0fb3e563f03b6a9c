"""Reflective-model templates: named sections with prompts that shape an entry.

A template (Gibbs, What? So what? Now what?, Johns, Kolb, Schön, the NMC form, …) is a
sequence of sections. Each section has a stable ``key`` (stored with the entry's text), a
``heading`` (shown and printed) and prompts (questions that help the student write, never
stored in the entry). ``entry_kinds`` says which kinds of entry (plan, reflection, note) the
template suits; ``reminder`` is a short notice shown above the editor, e.g. the Schwartz Round
confidentiality rule. ``model`` names the reflective model, ``credit`` credits its authors and
the work it builds on (e.g. Johns' model builds on Carper's ways of knowing), and
``source_note`` says where we confirmed that; the app and the PDF show the credit wherever the
template is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The kinds of entry a template can be offered for (the values of the entry kinds).
ENTRY_KINDS: tuple[str, ...] = ("plan", "reflection", "note")
#: The template that is always available, for any kind of entry.
FREE_TEMPLATE_ID = "free"

_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass(frozen=True)
class TemplateSection:
    """One section of a template: a stable key, its heading and the prompts under it."""

    key: str
    heading: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class ReflectiveTemplate:
    """A reflective model turned into sections with prompts."""

    id: str
    name: str
    citation: str
    description: str
    entry_kinds: tuple[str, ...]
    sections: tuple[TemplateSection, ...]
    reminder: str = ""
    model: str = ""
    credit: str = ""
    source_note: str = ""

    def __post_init__(self) -> None:
        problems = template_problems(self)
        if problems:
            raise ValueError(f"template '{self.id}': {problems[0]}")

    def section(self, key: str) -> TemplateSection | None:
        """The section with this key, or None."""
        return next((s for s in self.sections if s.key == key), None)

    @property
    def section_keys(self) -> tuple[str, ...]:
        """The section keys in order."""
        return tuple(s.key for s in self.sections)

    def suits(self, entry_kind: str) -> bool:
        """True when the template is offered for this kind of entry."""
        return entry_kind in self.entry_kinds


def template_problems(template: ReflectiveTemplate) -> list[str]:
    """Everything wrong with a template, as short phrases (empty when it is valid)."""
    problems: list[str] = []
    if not _KEY.fullmatch(template.id):
        problems.append("the id must be lower-case letters, digits and dashes")
    if not template.name.strip():
        problems.append("it has no name")
    if not template.entry_kinds:
        problems.append("it suits no kind of entry")
    for kind in template.entry_kinds:
        if kind not in ENTRY_KINDS:
            problems.append(f"unknown entry kind '{kind}' (use {', '.join(ENTRY_KINDS)})")
    if len(set(template.entry_kinds)) != len(template.entry_kinds):
        problems.append("an entry kind is listed twice")
    if not template.sections:
        problems.append("it has no sections")
    keys: set[str] = set()
    for number, section in enumerate(template.sections, start=1):
        if not _KEY.fullmatch(section.key):
            problems.append(f"section {number} has a bad key '{section.key}'")
        if section.key in keys:
            problems.append(f"section key '{section.key}' is used twice")
        keys.add(section.key)
        if not section.heading.strip():
            problems.append(f"section {number} ('{section.key}') has no heading")
        if any(not prompt.strip() for prompt in section.prompts):
            problems.append(f"section {number} ('{section.key}') has an empty prompt")
    return problems
