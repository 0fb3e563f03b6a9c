"""Reflective-model templates: the bundled set, lookups and validation of template files."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.privacy_guard import find_identifiers
from portfolio_app.core.domain.templates import (
    ENTRY_KINDS,
    ReflectiveTemplate,
    TemplateSection,
)
from portfolio_app.core.reflective_templates import (
    TemplateError,
    TemplateNotFoundError,
    get_template,
    load_templates,
    parse_template,
    templates_for,
)
from portfolio_app.core.resources import iter_resources

EXPECTED_SECTIONS: dict[str, tuple[str, ...]] = {
    "free": ("reflection",),
    "quick-capture": ("what", "so-what", "now-what"),
    "pre-event-plan": ("intended-learning", "other-professions", "questions", "success"),
    "what-so-what-now-what": ("what", "so-what", "now-what"),
    "gibbs": ("description", "feelings", "evaluation", "analysis", "conclusion", "action-plan"),
    "johns": (
        "looking-in",
        "looking-out",
        "aesthetics",
        "personal",
        "ethics",
        "empirics",
        "reflexivity",
    ),
    "kolb": (
        "concrete-experience",
        "reflective-observation",
        "abstract-conceptualisation",
        "active-experimentation",
    ),
    "schon": ("reflection-in-action", "reflection-on-action"),
    "nmc-four-questions": ("nature", "learning", "change", "code"),
    "schwartz-round": ("emotional-response", "other-roles", "take-away"),
    "sbar-debrief": (
        "situation",
        "background",
        "assessment",
        "recommendation",
        "readback",
        "handover-learning",
    ),
    "pdsa-cycle": ("aim", "measure", "change", "plan", "do", "study", "act", "teamwork"),
    "leicester-model-placement": (
        "patient",
        "agencies",
        "community",
        "analysis",
        "feedback",
        "learning",
    ),
    "patient-carer-session": ("what", "so-what", "now-what"),
    "paired-learning": ("pair", "their-world", "shared-problem", "changed-view", "next"),
    "supervision-session": ("what", "so-what", "now-what"),
}


def test_every_bundled_template_loads_with_the_expected_sections() -> None:
    templates = load_templates()
    assert {t.id: t.section_keys for t in templates} == EXPECTED_SECTIONS
    assert templates[0].id == "free"
    for template in templates:
        assert template.name and template.description, template.id
        assert set(template.entry_kinds) <= set(ENTRY_KINDS)


def test_every_template_file_is_named_after_its_id() -> None:
    files = {item.name for item in iter_resources("templates") if item.name.endswith(".json")}
    assert files == {f"{template_id}.json" for template_id in EXPECTED_SECTIONS}


def test_every_structured_template_has_prompts_in_every_section() -> None:
    for template in load_templates():
        if template.id == "free":
            continue
        for section in template.sections:
            assert section.prompts, (template.id, section.key)


def test_free_template_is_one_reflection_section_for_every_kind() -> None:
    free = get_template("free")
    assert [s.heading for s in free.sections] == ["Reflection"]
    for kind in ENTRY_KINDS:
        assert free in templates_for(kind)


def test_plan_kind_gets_the_pre_event_plan_but_not_post_event_models() -> None:
    plan_ids = [t.id for t in templates_for("plan")]
    assert plan_ids == ["free", "pre-event-plan"]
    assert "pre-event-plan" not in [t.id for t in templates_for("reflection")]
    assert "gibbs" in [t.id for t in templates_for("reflection")]
    assert "quick-capture" in [t.id for t in templates_for("note")]


def test_every_template_credits_its_model_and_says_where_that_was_confirmed() -> None:
    for template in load_templates():
        if template.id == "free":
            continue
        assert template.model, template.id
        assert len(template.credit) > 40, template.id
        assert len(template.source_note) > 20, template.id
    johns = get_template("johns")
    assert "Carper" in johns.credit and "builds on" in johns.credit
    assert "Advances in Nursing Science" in johns.credit
    pdsa = get_template("pdsa-cycle")
    assert [s.heading for s in pdsa.sections][3:7] == ["Plan", "Do", "Study", "Act"]
    assert "Langley" in pdsa.credit and "Model for Improvement" in pdsa.credit
    for own in ("pre-event-plan", "schwartz-round", "patient-carer-session", "paired-learning"):
        assert "our own" in get_template(own).credit.lower(), own


def test_schwartz_template_reminds_about_confidentiality() -> None:
    reminder = get_template("schwartz-round").reminder
    assert "NOT record" in reminder
    assert "panellists'" in reminder and "patients'" in reminder
    assert "confidential" in reminder


def test_nmc_template_asks_about_all_four_code_themes() -> None:
    code = get_template("nmc-four-questions").section("code")
    assert code is not None
    prompts = " ".join(code.prompts)
    for theme in (
        "Prioritise people",
        "Practise effectively",
        "Preserve safety",
        "Promote professionalism and trust",
    ):
        assert theme in prompts


def test_sbar_template_covers_readback_and_handover_between_professions() -> None:
    sbar = get_template("sbar-debrief")
    assert [s.heading for s in sbar.sections][:5] == [
        "Situation",
        "Background",
        "Assessment",
        "Recommendation",
        "Readback",
    ]
    last = sbar.sections[-1]
    assert "handover between professions" in last.heading


def test_quick_capture_is_short() -> None:
    quick = get_template("quick-capture")
    assert all(len(section.prompts) == 1 for section in quick.sections)
    assert sum(len(p) for s in quick.sections for p in s.prompts) < 200


def test_template_prompts_contain_nothing_the_privacy_guard_flags() -> None:
    for template in load_templates():
        texts = [template.reminder, template.description, template.citation]
        texts += [s.heading for s in template.sections]
        texts += [p for s in template.sections for p in s.prompts]
        flagged = [(text, find_identifiers(text)) for text in texts if find_identifiers(text)]
        assert flagged == [], template.id


def test_unknown_template_raises_a_lookup_and_portfolio_error() -> None:
    with pytest.raises(TemplateNotFoundError, match="no reflective template called 'nope'"):
        get_template("nope")
    assert issubclass(TemplateNotFoundError, LookupError)
    assert issubclass(TemplateNotFoundError, PortfolioError)


def test_templates_are_cached_but_callers_get_their_own_list() -> None:
    first = load_templates()
    first.clear()
    assert len(load_templates()) == len(EXPECTED_SECTIONS)


def template_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": "mine",
        "name": "Mine",
        "citation": "",
        "description": "",
        "entry_kinds": ["reflection"],
        "reminder": "",
        "sections": [{"key": "one", "heading": "One", "prompts": ["Why?"]}],
    }
    document.update(changes)
    return document


def test_a_valid_template_file_parses() -> None:
    data = json.dumps(template_document()).encode()
    template = parse_template(data, source_name="mine.json")
    assert template == ReflectiveTemplate(
        "mine", "Mine", "", "", ("reflection",), (TemplateSection("one", "One", ("Why?",)),)
    )


BAD_TEMPLATES: list[tuple[str, bytes, str]] = [
    ("not json", b"{", "is not valid UTF-8 JSON"),
    ("not utf-8", b'{"id": "\xff"}', "is not valid UTF-8 JSON"),
    ("list", b"[]", "is not a JSON object"),
    ("no sections", json.dumps(template_document(sections=[])).encode(), "'sections'"),
    ("bad id", json.dumps(template_document(id="My Template")).encode(), "lower-case letters"),
    ("no name", json.dumps(template_document(name="")).encode(), "needs 'name'"),
    (
        "unknown kind",
        json.dumps(template_document(entry_kinds=["diary"])).encode(),
        "unknown entry kind 'diary'",
    ),
    ("no kinds", json.dumps(template_document(entry_kinds=[])).encode(), "suits no kind"),
    (
        "duplicate key",
        json.dumps(
            template_document(
                sections=[
                    {"key": "a", "heading": "A", "prompts": []},
                    {"key": "a", "heading": "B", "prompts": []},
                ]
            )
        ).encode(),
        "section key 'a' is used twice",
    ),
    (
        "empty heading",
        json.dumps(
            template_document(sections=[{"key": "a", "heading": " ", "prompts": []}])
        ).encode(),
        "section 1 needs 'heading'",
    ),
    (
        "prompts not list",
        json.dumps(
            template_document(sections=[{"key": "a", "heading": "A", "prompts": "Why?"}])
        ).encode(),
        "'prompts' as a list of text",
    ),
    (
        "empty prompt",
        json.dumps(
            template_document(sections=[{"key": "a", "heading": "A", "prompts": [" "]}])
        ).encode(),
        "empty prompt",
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "fragment"), BAD_TEMPLATES, ids=[c[0] for c in BAD_TEMPLATES]
)
def test_bad_template_files_raise_template_errors(case: str, data: bytes, fragment: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(data, source_name="mine.json")
    assert str(caught.value).startswith("template 'mine.json': "), case
    assert fragment in str(caught.value)


def test_templates_built_in_code_are_validated_too() -> None:
    with pytest.raises(ValueError, match="no sections"):
        ReflectiveTemplate("x", "X", "", "", ("note",), ())
