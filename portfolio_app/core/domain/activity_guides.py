"""A guide for each kind of IPL event and experience: what to notice, and a template to write with.

When a student records an activity, the app shows the guide's prompts, and an entry about that
activity starts with the suggested reflective template (the student can always pick another).
The prompts are our own wording. Where an activity follows a named programme or model, ``about``
says which, so that the app never passes off its own advice as the programme's.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind


@dataclass(frozen=True)
class ActivityGuide:
    """Prompts for one kind of activity and the template an entry about it starts with."""

    prompts: tuple[str, ...]
    template_id: str
    about: str = ""

    @property
    def text(self) -> str:
        """The prompts as one paragraph."""
        return " ".join(self.prompts)


_LEICESTER = ActivityGuide(
    (
        "Follow the Leicester Model cycle: meet the patient at home, then staff from the "
        "agencies that care for them, then people from the community.",
        "Notice how the patient's priorities differ from the services' priorities, and what "
        "each profession in your team brought to the analysis.",
        "Record the hours you attended and who confirmed them.",
    ),
    "leicester-model-placement",
    "The Leicester Model of interprofessional education (Lennox and Anderson 2007; Anderson "
    "and Lennox 2009): small interprofessional teams learn at the front line of care and "
    "present their findings back to the practice team.",
)
_QI = ActivityGuide(
    (
        "Write one PDSA cycle per entry: your aim, the measure that will show an improvement, "
        "the change you tested, your prediction, what happened, and whether you will adopt, "
        "adapt or abandon it.",
        "Note who in the team did what, and what the other professions saw that you did not.",
    ),
    "pdsa-cycle",
    "Plan-Do-Study-Act cycles within the Model for Improvement (Langley et al. 1992).",
)
_PAIRED = ActivityGuide(
    (
        "Paired learning puts two people from different roles together, for example a "
        "clinician and a manager, to learn each other's work through conversation, "
        "shadowing and a shared improvement idea.",
        "Write about their role as they see it, the pressures on it, and what changed in how "
        "you see your own.",
    ),
    "paired-learning",
    "Paired learning as piloted at Imperial College Healthcare NHS Trust (2010-11) and run "
    "since in other NHS trusts: clinician and manager pairs.",
)
_SUPERVISION = ActivityGuide(
    (
        "Bring one situation from practice to supervision. Afterwards, note what you looked at "
        "together, what it showed about working across teams, and what you will do next.",
    ),
    "supervision-session",
    "Driscoll's What? So what? Now what? model, written for clinical supervision.",
)
_PATIENT_CARER = ActivityGuide(
    (
        "Write about what the person chose to share about their care, without anything that "
        "could identify them, and which of your assumptions it challenged.",
        "Notice how students from other professions heard the same story.",
    ),
    "patient-carer-session",
    "Sessions led by members of a university Patient & Carer Group (as in the University of "
    "Leicester's IPL offer).",
)
_ONLINE = ActivityGuide(
    (
        "Note what the module taught you about another profession's role, one thing you will "
        "try in practice, and how you will know whether it worked.",
    ),
    "what-so-what-now-what",
)
_CARE_CERTIFICATE = ActivityGuide(
    (
        "Reflect on a standard you worked towards: what you did, what a support worker or "
        "another profession showed you about it, and what you will do differently.",
        "Record who signed off the standard and the hours it took.",
    ),
    "what-so-what-now-what",
    "The Care Certificate: the standards that health and social care support workers meet, "
    "developed by Skills for Care, Health Education England and Skills for Health (15 "
    "standards; 16 since a 2025 reform).",
)
_GLOBAL = ActivityGuide(
    (
        "Describe the project's aim and your part in it, how the team shared work across "
        "professions, cultures and places, and what you learned about health in other settings.",
    ),
    "gibbs",
)
_PLACEMENT = ActivityGuide(
    (
        "Describe the setting in general terms (no names of places or people), who you worked "
        "with by role, and one situation where working across professions or agencies "
        "mattered.",
        "Record your hours and who confirmed them.",
    ),
    "gibbs",
)
_THIRD_SECTOR = ActivityGuide(
    (
        "Notice what a charity or voluntary organisation offers that statutory services do "
        "not, how it works with health and social care, and what the people it serves said "
        "matters to them.",
        "Record your hours and who confirmed them.",
    ),
    "gibbs",
)
_DEFAULT_EVENT = ActivityGuide(
    (
        "Note which professions were there, what you learned from, with and about them, and "
        "what you will take into practice.",
    ),
    "what-so-what-now-what",
)

EVENT_GUIDES: dict[EventKind, ActivityGuide] = {
    EventKind.IPL_WORKSHOP: _DEFAULT_EVENT,
    EventKind.SBAR_SIMULATION: ActivityGuide(
        (
            "Write up your SBAR handover and the readback: what was clear, what was missed, "
            "and how the receiving profession heard it.",
        ),
        "sbar-debrief",
    ),
    EventKind.CLINICAL_CASE_DAY: ActivityGuide(
        (
            "Follow one case through the day: what each profession assessed, where the plans "
            "met or clashed, and how the team decided.",
        ),
        "gibbs",
    ),
    EventKind.PRACTICE_PLACEMENT: _PLACEMENT,
    EventKind.HOME_MEDICATION_REVIEW: ActivityGuide(
        (
            "Describe how you and your partner from another profession shared the review, what "
            "the person's own priorities were, and what you reported back and to whom.",
        ),
        "gibbs",
    ),
    EventKind.SCHWARTZ_ROUND: ActivityGuide(
        (
            "Write only about your own response and learning. Do not record panellists' or "
            "patients' stories or names: what is said in a Round stays there.",
        ),
        "schwartz-round",
    ),
    EventKind.PAIRED_LEARNING: _PAIRED,
    EventKind.SUPERVISION: _SUPERVISION,
    EventKind.COMMUNITY_PLACEMENT: _PLACEMENT,
    EventKind.OUTREACH_PROJECT: _GLOBAL,
    EventKind.OPPORTUNISTIC: ActivityGuide(
        (
            "Capture the moment while it is fresh: what happened between professions, why it "
            "struck you, and what you will do with it.",
        ),
        "quick-capture",
    ),
    EventKind.PATIENT_CARER_GROUP: _PATIENT_CARER,
    EventKind.ONLINE_MODULE: _ONLINE,
    EventKind.CARE_CERTIFICATE: _CARE_CERTIFICATE,
    EventKind.GLOBAL_HEALTH_PROJECT: _GLOBAL,
    EventKind.QUALITY_IMPROVEMENT: _QI,
    EventKind.THIRD_SECTOR_PLACEMENT: _THIRD_SECTOR,
    EventKind.LEICESTER_MODEL_PLACEMENT: _LEICESTER,
}

EXPERIENCE_GUIDES: dict[ExperienceKind, ActivityGuide] = {
    ExperienceKind.HOSPITAL_PLACEMENT: _PLACEMENT,
    ExperienceKind.COMMUNITY_PLACEMENT: _PLACEMENT,
    ExperienceKind.THIRD_SECTOR_PLACEMENT: _THIRD_SECTOR,
    ExperienceKind.SCHWARTZ_ROUNDS: EVENT_GUIDES[EventKind.SCHWARTZ_ROUND],
    ExperienceKind.SIMULATION: EVENT_GUIDES[EventKind.SBAR_SIMULATION],
    ExperienceKind.PAIRED_LEARNING: _PAIRED,
    ExperienceKind.SUPERVISION: _SUPERVISION,
    ExperienceKind.LEICESTER_MODEL_PLACEMENT: _LEICESTER,
    ExperienceKind.QUALITY_IMPROVEMENT_PROJECT: _QI,
    ExperienceKind.GLOBAL_HEALTH_PROJECT: _GLOBAL,
    ExperienceKind.CARE_CERTIFICATE: _CARE_CERTIFICATE,
    ExperienceKind.ONLINE_MODULE: _ONLINE,
    ExperienceKind.OTHER: _DEFAULT_EVENT,
}


def event_guide(kind: EventKind) -> ActivityGuide:
    """The guide for a kind of event."""
    return EVENT_GUIDES[kind]


def experience_guide(kind: ExperienceKind) -> ActivityGuide:
    """The guide for a kind of experience."""
    return EXPERIENCE_GUIDES[kind]
