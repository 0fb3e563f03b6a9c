"""Moving an entry's answers to another reflective model without losing a word.

A student who started with "What? So what? Now what?" and switches to Gibbs expects the text to
follow: what happened goes to Description, the sense made of it to Analysis, what to do next to
the Action plan. Each section of the bundled models is placed at a stage of the experiential
learning cycle that the models share (Gibbs 1988; Kolb 1984; Rolfe, Freshwater and Jasper
2001; Johns 2000; the NMC revalidation form): describing, feelings, evaluating, analysing,
learning, acting. An answer moves to the new section with the same key, else to the first
section at the same stage, else (a one-section model) to its only section; text with no place
is kept in a section of its own, headed "From <old model>: <old heading>", never dropped.
Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio_app.core.domain.entries import Section
from portfolio_app.core.domain.templates import ReflectiveTemplate

DESCRIBE, FEELINGS, EVALUATE, ANALYSE, LEARN, ACT = (
    "describe",
    "feelings",
    "evaluate",
    "analyse",
    "learn",
    "act",
)

#: The stage of each section key of the bundled models (keys are shared where models agree).
SECTION_STAGES: dict[str, str] = {
    # Gibbs' reflective cycle
    "description": DESCRIBE,
    "feelings": FEELINGS,
    "evaluation": EVALUATE,
    "analysis": ANALYSE,
    "conclusion": LEARN,
    "action-plan": ACT,
    # What? So what? Now what? (Rolfe et al.), and the quick capture note
    "what": DESCRIBE,
    "so-what": ANALYSE,
    "now-what": ACT,
    # Kolb's cycle
    "concrete-experience": DESCRIBE,
    "reflective-observation": EVALUATE,
    "abstract-conceptualisation": LEARN,
    "active-experimentation": ACT,
    # Johns' model for structured reflection
    "looking-out": DESCRIBE,
    "looking-in": FEELINGS,
    "personal": FEELINGS,
    "ethics": EVALUATE,
    "aesthetics": ANALYSE,
    "empirics": ANALYSE,
    "reflexivity": LEARN,
    # NMC reflective accounts form
    "nature": DESCRIBE,
    "code": ANALYSE,
    "learning": LEARN,
    "change": ACT,
    # SBAR debrief
    "situation": DESCRIBE,
    "background": DESCRIBE,
    "assessment": ANALYSE,
    "readback": EVALUATE,
    "handover-learning": LEARN,
    "recommendation": ACT,
    # Schön
    "reflection-in-action": DESCRIBE,
    "reflection-on-action": ANALYSE,
    # Schwartz round
    "emotional-response": FEELINGS,
    "other-roles": ANALYSE,
    "take-away": LEARN,
    # Leicester Model placement (the patient's, agencies' and community's views, then the team)
    "patient": DESCRIBE,
    "agencies": DESCRIBE,
    "community": DESCRIBE,
    "feedback": ACT,
    # Paired learning
    "pair": DESCRIBE,
    "their-world": ANALYSE,
    "shared-problem": EVALUATE,
    "changed-view": LEARN,
    "next": ACT,
    # PDSA cycle
    "do": DESCRIBE,
    "study": ANALYSE,
    "act": ACT,
    "teamwork": LEARN,
}
#: Where a model uses a shared key for something else: (template id, key) -> stage, or None for
#: a section with no counterpart in the other models (its text is kept under its own heading).
TEMPLATE_STAGES: dict[tuple[str, str], str | None] = {
    ("pdsa-cycle", "change"): None,  # the change idea to test, not a change in practice
    ("pdsa-cycle", "aim"): None,
    ("pdsa-cycle", "measure"): None,
    ("pdsa-cycle", "plan"): None,
}


def stage_of(template_id: str, key: str) -> str | None:
    """The stage of a section of a model (None: no counterpart elsewhere, or unknown)."""
    if (template_id, key) in TEMPLATE_STAGES:
        return TEMPLATE_STAGES[(template_id, key)]
    return SECTION_STAGES.get(key)


#: Key prefix of a section that keeps text the new model had no place for.
KEPT_PREFIX = "kept-"


@dataclass(frozen=True)
class ModelChange:
    """The sections for the new model, and what happened to the old answers."""

    sections: tuple[Section, ...]
    moved: tuple[tuple[str, str], ...]  # (old heading, new heading)
    kept: tuple[str, ...]  # old headings kept in sections of their own

    @property
    def summary(self) -> str:
        """One sentence for the status bar ("" when there was no text to move)."""
        parts = []
        if self.moved:
            parts.append("moved " + "; ".join(f"“{old}” to “{new}”" for old, new in self.moved))
        if self.kept:
            parts.append(
                "kept " + ", ".join(f"“{old}”" for old in self.kept) + " in labelled sections"
            )
        if not parts:
            return ""
        text = " and ".join(parts)
        return text[0].upper() + text[1:] + "."


def change_model(
    sections: tuple[Section, ...],
    old: ReflectiveTemplate | None,
    new: ReflectiveTemplate,
) -> ModelChange:
    """The answers in ``sections`` (written with ``old``) placed in the sections of ``new``."""
    bodies: dict[str, list[tuple[str, str]]] = {s.key: [] for s in new.sections}
    kept: list[Section] = []
    moved: list[tuple[str, str]] = []
    old_name = old.name if old is not None else "the earlier model"
    for section in sections:
        if not section.body.strip():
            continue
        target = _target(section.key, old.id if old is not None else "", new)
        if target is None:
            if section.key.startswith(KEPT_PREFIX):
                kept.append(section)
            else:
                kept.append(
                    Section(
                        heading=f"From {old_name}: {section.heading}",
                        body=section.body,
                        key=f"{KEPT_PREFIX}{section.key or 'text'}",
                    )
                )
            continue
        bodies[target].append((section.heading, section.body))
        new_heading = new.section(target).heading  # type: ignore[union-attr]
        if section.key != target or section.heading != new_heading:
            moved.append((section.heading, new_heading))
    result = [
        Section(heading=s.heading, body=_join(bodies[s.key]), key=s.key) for s in new.sections
    ]
    result.extend(_unique_keys(kept, {s.key for s in result}))
    return ModelChange(
        sections=tuple(result),
        moved=tuple(moved),
        kept=tuple(s.heading for s in kept),
    )


def _target(key: str, old_id: str, new: ReflectiveTemplate) -> str | None:
    stage = stage_of(old_id, key)
    if new.section(key) is not None and stage == stage_of(new.id, key):
        return key
    if stage is not None:
        for section in new.sections:
            if stage_of(new.id, section.key) == stage:
                return section.key
    if len(new.sections) == 1 and not key.startswith(KEPT_PREFIX):
        return new.sections[0].key
    return None


def _join(parts: list[tuple[str, str]]) -> str:
    """One answer as it was; several, each under its old heading in bold."""
    if len(parts) == 1:
        return parts[0][1]
    return "\n\n".join(f"**{heading}**\n\n{body.strip()}" for heading, body in parts)


def _unique_keys(sections: list[Section], taken: set[str]) -> list[Section]:
    result = []
    for section in sections:
        key = section.key
        number = 2
        while key in taken:
            key = f"{section.key}-{number}"
            number += 1
        taken.add(key)
        result.append(Section(heading=section.heading, body=section.body, key=key))
    return result
