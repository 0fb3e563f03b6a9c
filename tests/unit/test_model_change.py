"""Changing the reflective model moves the answers; no text is ever dropped."""

from __future__ import annotations

import pytest

from portfolio_app.core.domain.entries import Section
from portfolio_app.core.domain.model_change import (
    KEPT_PREFIX,
    SECTION_STAGES,
    TEMPLATE_STAGES,
    change_model,
    stage_of,
)
from portfolio_app.core.reflective_templates import get_template, load_templates


def _sections(template_id: str, bodies: dict[str, str]) -> tuple[Section, ...]:
    template = get_template(template_id)
    return tuple(Section(s.heading, bodies.get(s.key, ""), s.key) for s in template.sections)


def _words(sections: tuple[Section, ...]) -> str:
    return " ".join(s.body for s in sections)


def test_what_so_what_now_what_moves_to_the_matching_gibbs_stages() -> None:
    old = _sections(
        "what-so-what-now-what",
        {"what": "The handover", "so-what": "Roles were unclear", "now-what": "Ask early"},
    )
    result = change_model(old, get_template("what-so-what-now-what"), get_template("gibbs"))
    bodies = {s.key: s.body for s in result.sections}
    assert bodies["description"] == "The handover"
    assert bodies["analysis"] == "Roles were unclear"
    assert bodies["action-plan"] == "Ask early"
    assert [s.key for s in result.sections] == list(get_template("gibbs").section_keys)
    assert not result.kept
    assert "“What?” to “Description”" in result.summary


def test_several_answers_landing_in_one_section_keep_their_old_headings() -> None:
    old = _sections(
        "gibbs",
        {"evaluation": "It went well", "analysis": "Because we used SBAR", "feelings": "Nervous"},
    )
    result = change_model(old, get_template("gibbs"), get_template("what-so-what-now-what"))
    bodies = {s.key: s.body for s in result.sections}
    # Evaluation has no stage in the three-question model: kept, labelled, not dropped.
    assert bodies["so-what"] == "Because we used SBAR"
    kept = [s for s in result.sections if s.key.startswith(KEPT_PREFIX)]
    name = get_template("gibbs").name
    assert {s.heading for s in kept} == {f"From {name}: Feelings", f"From {name}: Evaluation"}
    assert {s.body for s in kept} == {"Nervous", "It went well"}
    assert "It went well" in _words(result.sections)
    assert "Nervous" in _words(result.sections)


def test_a_one_section_model_takes_everything_under_the_old_headings() -> None:
    old = _sections("gibbs", {"description": "First", "conclusion": "Last"})
    result = change_model(old, get_template("gibbs"), get_template("free"))
    assert len(result.sections) == 1
    body = result.sections[0].body
    assert body == "**Description**\n\nFirst\n\n**Conclusion**\n\nLast"


def test_kept_sections_stay_kept_through_further_changes() -> None:
    old = _sections("gibbs", {"evaluation": "It went well"})
    once = change_model(old, get_template("gibbs"), get_template("schwartz-round"))
    twice = change_model(once.sections, get_template("schwartz-round"), get_template("schon"))
    assert "It went well" in _words(twice.sections)
    kept = [s for s in twice.sections if s.key.startswith(KEPT_PREFIX)]
    assert len(kept) == 1 and kept[0].heading.startswith("From Gibbs")


@pytest.mark.parametrize("source", sorted(t.id for t in load_templates()))
def test_no_word_is_lost_between_any_two_bundled_models(source: str) -> None:
    templates = load_templates()
    old_template = get_template(source)
    old = tuple(Section(s.heading, f"answer-{s.key}", s.key) for s in old_template.sections)
    for target in templates:
        result = change_model(old, old_template, target)
        text = _words(result.sections)
        for section in old:
            assert section.body in text, (source, target.id, section.key)
        keys = [s.key for s in result.sections]
        assert len(keys) == len(set(keys))


def test_every_bundled_section_is_placed_on_purpose() -> None:
    """A new model's sections get a stage, or are listed as having no counterpart."""
    templates = load_templates()
    missing = {
        (t.id, s.key)
        for t in templates
        if t.id not in {"free", "pre-event-plan"}
        for s in t.sections
        if s.key not in SECTION_STAGES and (t.id, s.key) not in TEMPLATE_STAGES
    }
    assert not missing


def test_a_shared_key_with_another_meaning_is_not_merged() -> None:
    # NMC "change" (what changed in practice) is not PDSA "change" (the change idea to test).
    old = _sections("nmc-four-questions", {"change": "I now ask early", "nature": "A ward round"})
    result = change_model(old, get_template("nmc-four-questions"), get_template("pdsa-cycle"))
    bodies = {s.key: s.body for s in result.sections}
    assert bodies["change"] == ""
    assert bodies["act"] == "I now ask early"
    assert bodies["do"] == "A ward round"
    assert stage_of("pdsa-cycle", "change") is None
