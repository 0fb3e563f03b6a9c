"""Load the bundled reflective-model templates from ``resources/templates`` and look them up.

Each template is one JSON file named after its id::

    {"id": "gibbs", "name": "...", "citation": "...", "description": "...",
     "entry_kinds": ["reflection"], "reminder": "",
     "model": "Gibbs' reflective cycle", "credit": "Gibbs G (1988) ...",
     "source_note": "where the model and its stages were confirmed",
     "sections": [{"key": "description", "heading": "Description", "prompts": ["..."]}]}

Templates are validated when they are loaded (types, lengths, unique ids and section keys,
known entry kinds), so a broken file fails the test suite rather than a student's editor. The
"free" template is always present and suits every kind of entry.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.templates import (
    FREE_TEMPLATE_ID,
    ReflectiveTemplate,
    TemplateSection,
)
from portfolio_app.core.resources import iter_resources

#: Folder of bundled templates inside ``resources/``.
TEMPLATES_FOLDER = "templates"
MAX_TEMPLATE_BYTES = 256 * 1024
MAX_TEXT = 2_000
MAX_SECTIONS = 20
MAX_PROMPTS = 12

#: The order templates are offered in; any others follow, by id.
DISPLAY_ORDER: tuple[str, ...] = (
    "free",
    "quick-capture",
    "pre-event-plan",
    "what-so-what-now-what",
    "gibbs",
    "johns",
    "kolb",
    "schon",
    "nmc-four-questions",
    "schwartz-round",
    "sbar-debrief",
    "pdsa-cycle",
    "leicester-model-placement",
    "patient-carer-session",
    "paired-learning",
    "supervision-session",
)


class TemplateError(PortfolioError):
    """A reflective template file is missing, unreadable or invalid."""


class TemplateNotFoundError(TemplateError, LookupError):
    """No template has the id that was asked for."""


def parse_template(data: bytes, *, source_name: str) -> ReflectiveTemplate:
    """Parse and validate one template file; raise TemplateError naming the problem."""

    def fail(problem: str) -> TemplateError:
        return TemplateError(f"template '{source_name}': {problem}")

    if len(data) > MAX_TEMPLATE_BYTES:
        raise fail(f"is larger than {MAX_TEMPLATE_BYTES // 1024} KB")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise fail(f"is not valid UTF-8 JSON ({error})") from None
    if not isinstance(document, dict):
        raise fail("is not a JSON object")

    def text(source: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = source.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise fail(f"{where}needs '{key}' as non-empty text")
        if len(value) > MAX_TEXT:
            raise fail(f"{where}has a '{key}' longer than {MAX_TEXT} characters")
        return value.strip()

    def text_list(source: Mapping[str, Any], key: str, where: str, limit: int) -> tuple[str, ...]:
        value = source.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(f"{where}needs '{key}' as a list of text")
        if len(value) > limit:
            raise fail(f"{where}has more than {limit} {key}")
        if any(len(item) > MAX_TEXT for item in value):
            raise fail(f"{where}has an item in '{key}' longer than {MAX_TEXT} characters")
        return tuple(item.strip() for item in value)

    raw_sections = document.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise fail("needs a non-empty list of 'sections'")
    if len(raw_sections) > MAX_SECTIONS:
        raise fail(f"has more than {MAX_SECTIONS} sections")
    sections: list[TemplateSection] = []
    for number, raw in enumerate(raw_sections, start=1):
        if not isinstance(raw, dict):
            raise fail(f"section {number} is not a JSON object")
        where = f"section {number} "
        sections.append(
            TemplateSection(
                key=text(raw, "key", where),
                heading=text(raw, "heading", where),
                prompts=text_list(raw, "prompts", where, MAX_PROMPTS),
            )
        )
    try:
        return ReflectiveTemplate(
            id=text(document, "id", ""),
            name=text(document, "name", ""),
            citation=text(document, "citation", "", required=False),
            description=text(document, "description", "", required=False),
            entry_kinds=text_list(document, "entry_kinds", "", 3),
            sections=tuple(sections),
            reminder=text(document, "reminder", "", required=False),
            model=text(document, "model", "", required=False),
            credit=text(document, "credit", "", required=False),
            source_note=text(document, "source_note", "", required=False),
        )
    except ValueError as error:  # ReflectiveTemplate checks its own rules
        raise fail(str(error).partition(": ")[2] or str(error)) from None


@functools.cache
def _bundled() -> tuple[ReflectiveTemplate, ...]:
    found: dict[str, ReflectiveTemplate] = {}
    for item in iter_resources(TEMPLATES_FOLDER):
        if not item.name.endswith(".json"):
            continue
        template = parse_template(item.read_bytes(), source_name=item.name)
        if item.name != f"{template.id}.json":
            raise TemplateError(
                f"template '{item.name}': its id '{template.id}' does not match the file name"
            )
        found[template.id] = template
    if FREE_TEMPLATE_ID not in found:
        raise TemplateError(f"the '{FREE_TEMPLATE_ID}' template is missing from the app")
    rank = {template_id: index for index, template_id in enumerate(DISPLAY_ORDER)}
    return tuple(sorted(found.values(), key=lambda t: (rank.get(t.id, len(rank)), t.id)))


def load_templates() -> list[ReflectiveTemplate]:
    """Every bundled template, validated, in the order they are offered (cached)."""
    return list(_bundled())


def get_template(template_id: str) -> ReflectiveTemplate:
    """The template with this id; TemplateNotFoundError if there is none."""
    for template in _bundled():
        if template.id == template_id:
            return template
    raise TemplateNotFoundError(f"there is no reflective template called '{template_id}'")


def templates_for(entry_kind: str) -> list[ReflectiveTemplate]:
    """The templates offered for a kind of entry ("plan", "reflection" or "note")."""
    return [template for template in _bundled() if template.suits(entry_kind)]
