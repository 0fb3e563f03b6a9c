"""The demo portfolio: two years of a nursing student's interprofessional learning.

``portfolio demo`` and ``portfolio gui --demo`` build it to show the app with realistic content:
a student with a name that needs Unicode, IPL events of the kinds the Leicester offer runs
(domain.md §1), placements, plans followed by the reflections that answer them, every bundled
reflective template, professions, free tags, IPEC 2023 competency links with self-ratings that
grow over the two years, links to the NMC Future nurse proficiencies on the same entries (one
entry, two frameworks), attendance hours with who confirmed them, and a closing overall
reflection.

The text follows the anonymisation advice the privacy guard gives (domain.md §4.4): no patient
names, ages, dates or named wards and hospitals; "the patient", life stages and roles instead.
A test runs the guard over every entry and the final reflection and expects no finding. The
Schwartz Round entries record only the student's own response, never a panellist's story.

Everything is fixed (a seeded random generator picks the writing times), so two builds hold the
same content; only ids and the encryption differ.
"""

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId, new_id
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService

DEMO_PASSPHRASE = "demo passphrase"
DEMO_SEED = 20240923
FRAMEWORK = "ipec-2023"
#: The nursing student's own regulator's standards: an entry can link to both frameworks.
NMC = "nmc-fn-2018"

PLAN = EntryKind.PLAN
REFLECTION = EntryKind.REFLECTION
NOTE = EntryKind.NOTE
DRAFT = EntryStatus.DRAFT
READY = EntryStatus.READY
SUBMITTED = EntryStatus.SUBMITTED

DEMO_PROFILE = Profile(
    name="Zoë Ñúñez-Wróbel",
    student_id="24091738",
    profession="Nursing (Adult)",
    programme="BSc (Hons) Adult Nursing",
    institution="University of Leicester",
    tutor="Dr Siobhán Ní Bhriain",
    intake="September 2024",
)


@dataclass(frozen=True)
class _EventSpec:
    key: str
    kind: EventKind
    title: str
    on: date
    place: str
    professions: tuple[str, ...]
    notes: str
    hours: float | None = None
    confirmed_by: str = ""


@dataclass(frozen=True)
class _ExperienceSpec:
    key: str
    kind: ExperienceKind
    title: str
    setting: str
    supervisor: str
    starts_on: date
    ends_on: date
    notes: str
    hours: float | None = None
    confirmed_by: str = ""


@dataclass(frozen=True)
class _EntrySpec:
    """One entry; ``sections`` are the bodies in the template's section order."""

    key: str
    kind: EntryKind
    template: str
    title: str
    day: date
    status: EntryStatus
    sections: tuple[str, ...]
    tags: tuple[str, ...] = ()
    professions: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    experiences: tuple[str, ...] = ()
    answers: str | None = None


EVENTS: tuple[_EventSpec, ...] = (
    _EventSpec(
        "workshop",
        EventKind.IPL_WORKSHOP,
        "Year 1 IPL workshop: who does what in the team",
        date(2024, 10, 16),
        "Medical school teaching rooms",
        (
            "Medicine",
            "Nursing",
            "Midwifery",
            "Pharmacy",
            "Physiotherapy",
            "Operating department practice",
            "Patient or carer",
        ),
        "Half-day workshop with members of the Patient & Carer Group; mixed groups of six.",
        hours=3.5,
        confirmed_by="IPL module lead",
    ),
    _EventSpec(
        "paired",
        EventKind.PAIRED_LEARNING,
        "Paired learning with a physiotherapy student",
        date(2025, 1, 15),
        "Acute medical unit",
        ("Nursing", "Physiotherapy"),
        "Two shifts working as a pair: mobility assessments, documentation and handover.",
        hours=15.0,
        confirmed_by="Physiotherapy practice educator",
    ),
    _EventSpec(
        "sbar",
        EventKind.SBAR_SIMULATION,
        "SBAR with readback: the deteriorating patient",
        date(2025, 3, 12),
        "Clinical skills simulation suite",
        ("Medicine", "Nursing", "Paramedic science", "Pharmacy"),
        "Simulated telephone escalations; each of us made one call and took one call.",
        hours=3.0,
        confirmed_by="Simulation lead",
    ),
    _EventSpec(
        "schwartz",
        EventKind.SCHWARTZ_ROUND,
        "Student Schwartz Round: when I felt out of my depth",
        date(2025, 5, 14),
        "University lecture theatre",
        ("Medicine", "Nursing", "Midwifery", "Physiotherapy", "Pharmacy", "Social work"),
        "Confidential round: no names and no panellists' stories are recorded here.",
        hours=1.0,
        confirmed_by="Round facilitator",
    ),
    _EventSpec(
        "leicester",
        EventKind.LEICESTER_MODEL_PLACEMENT,
        "Leicester Model practice placement: health in the community",
        date(2025, 6, 9),
        "Inner-city primary care team",
        ("Medicine", "Nursing", "Social work", "Occupational therapy", "Pharmacy"),
        "Five days. A team of four students met a patient at home, interviewed three "
        "agencies and presented findings back to the practice team.",
        hours=37.5,
        confirmed_by="Practice team lead",
    ),
    _EventSpec(
        "stroke",
        EventKind.CLINICAL_CASE_DAY,
        "Year 2 stroke clinical case days",
        date(2025, 11, 5),
        "Clinical skills centre",
        (
            "Medicine",
            "Nursing",
            "Physiotherapy",
            "Occupational therapy",
            "Speech and language therapy",
            "Dietetics",
        ),
        "Two days of case work with clinical leaders from the stroke service.",
        hours=14.0,
        confirmed_by="Stroke service clinical lead",
    ),
    _EventSpec(
        "medicines",
        EventKind.HOME_MEDICATION_REVIEW,
        "Home medicines review with a pharmacy student",
        date(2025, 12, 3),
        "A patient's home (community)",
        ("Pharmacy", "Nursing", "Medicine"),
        "Review at home in a pair, then a discussion, a short presentation and a letter to "
        "the patient's GP.",
        hours=4.0,
        confirmed_by="Pharmacy tutor",
    ),
    _EventSpec(
        "supervision",
        EventKind.SUPERVISION,
        "Interprofessional group supervision: difficult conversations",
        date(2026, 1, 21),
        "Community nursing base",
        ("Nursing", "Social work", "Occupational therapy"),
        "Ninety minutes, facilitated; four students and two practitioners.",
        hours=1.5,
        confirmed_by="Group facilitator",
    ),
    _EventSpec(
        "charity",
        EventKind.THIRD_SECTOR_PLACEMENT,
        "Third-sector placement: a homelessness health charity",
        date(2026, 2, 9),
        "Drop-in centre run by a charity",
        ("Nursing", "Social work", "Medicine", "Dentistry"),
        "One week alongside the charity's outreach nurse, support workers and volunteers.",
        hours=30.0,
        confirmed_by="Charity outreach nurse",
    ),
    _EventSpec(
        "outreach",
        EventKind.OUTREACH_PROJECT,
        "Outreach project: blood pressure checks at a community festival",
        date(2026, 4, 22),
        "Community centre",
        ("Nursing", "Pharmacy", "Medicine", "Paramedic science"),
        "Student-led stall with a pharmacy lecturer on hand; signposting leaflets in four "
        "languages.",
        hours=5.0,
        confirmed_by="Pharmacy lecturer",
    ),
    _EventSpec(
        "carer-group",
        EventKind.PATIENT_CARER_GROUP,
        "Patient & Carer Group session: living with a long-term condition",
        date(2024, 11, 20),
        "Medical school teaching rooms",
        ("Medicine", "Nursing", "Pharmacy", "Physiotherapy", "Patient or carer"),
        "Two members of the Patient & Carer Group told us about years of appointments; "
        "questions in mixed groups afterwards.",
        hours=2.0,
        confirmed_by="Session lead",
    ),
    _EventSpec(
        "module",
        EventKind.ONLINE_MODULE,
        "Online IPL module: who does what in the community team",
        date(2025, 9, 15),
        "Online, in my own time",
        ("Nursing", "Social work", "Occupational therapy", "Pharmacy"),
        "Short videos and a quiz on community roles, before the district nursing placement.",
        hours=4.0,
        confirmed_by="Module completion record",
    ),
    _EventSpec(
        "qi-cycle",
        EventKind.QUALITY_IMPROVEMENT,
        "Quality improvement: one PDSA cycle on falls-risk handover",
        date(2026, 3, 4),
        "District nursing base",
        ("Nursing", "Physiotherapy", "Occupational therapy"),
        "Two weeks testing a three-line falls-risk note in the handover sheet.",
        hours=6.0,
        confirmed_by="Project lead (team leader)",
    ),
)

EXPERIENCES: tuple[_ExperienceSpec, ...] = (
    _ExperienceSpec(
        "amu",
        ExperienceKind.HOSPITAL_PLACEMENT,
        "Year 1 placement: acute medical unit",
        "Acute medical unit of a teaching hospital",
        "Grace Mensah-Boateng (practice assessor)",
        date(2024, 11, 4),
        date(2025, 4, 11),
        "Long-day shifts; board rounds every morning.",
        hours=300.0,
        confirmed_by="Practice assessor",
    ),
    _ExperienceSpec(
        "district",
        ExperienceKind.COMMUNITY_PLACEMENT,
        "Year 2 placement: district nursing",
        "District nursing team in a city locality",
        "Tomasz Kowalczyk (practice supervisor)",
        date(2025, 9, 29),
        date(2026, 1, 30),
        "Home visits, leg ulcer clinic, end-of-life care at home.",
        hours=262.5,
        confirmed_by="Practice assessor",
    ),
    _ExperienceSpec(
        "tutor",
        ExperienceKind.SUPERVISION,
        "Reflective supervision with my personal tutor",
        "University, about once a month",
        "Dr Siobhán Ní Bhriain (personal tutor)",
        date(2024, 11, 1),
        date(2026, 6, 30),
        "Forty-five minutes; I bring one entry each time.",
        hours=12.0,
        confirmed_by="Personal tutor",
    ),
    _ExperienceSpec(
        "rounds",
        ExperienceKind.SCHWARTZ_ROUNDS,
        "Student Schwartz Rounds",
        "University, once a term",
        "",
        date(2025, 5, 1),
        date(2026, 3, 31),
        "Rounds are confidential: I record only my own response.",
    ),
    _ExperienceSpec(
        "qi-project",
        ExperienceKind.QUALITY_IMPROVEMENT_PROJECT,
        "Falls-risk handover improvement project",
        "District nursing team",
        "Team leader (project lead)",
        date(2026, 2, 23),
        date(2026, 3, 27),
        "A small improvement project with the community therapy team.",
        hours=20.0,
        confirmed_by="Project lead (team leader)",
    ),
)


# ---- the entries ---------------------------------------------------------------------------
# Written in the student's voice, anonymised as the guidance asks.

ENTRIES: tuple[_EntrySpec, ...] = (
    _EntrySpec(
        "start",
        NOTE,
        "free",
        "Starting the IPE programme: what I bring and what I don't know yet",
        date(2024, 9, 23),
        SUBMITTED,
        (
            """Induction week. We were told that interprofessional education happens *when two
or more professions learn with, from and about each other*, and that the portfolio is where
that learning gets written down as it happens, not at the end.

What I bring:

- two years as a healthcare assistant on a care-of-older-people unit, so I know how a shift
  *feels* from the bedside;
- a habit of watching who gets listened to in a room;
- a second language, which has helped me more than once with a frightened relative.

What I don't know yet is almost everything about what the other professions actually do. I
could name a pharmacist's job but not describe their working day. I want to be able to.""",
        ),
        tags=("beginnings", "professional identity"),
        competencies=("RR4=1", "VE9"),
    ),
    _EntrySpec(
        "workshop-plan",
        PLAN,
        "pre-event-plan",
        "Plan: Year 1 IPL workshop on team roles",
        date(2024, 10, 11),
        SUBMITTED,
        (
            """I want to come away able to describe, in one or two sentences each, what at least
four other professions bring to the care of someone admitted to hospital.""",
            """I expect the medical students to know more pharmacology than me and the physio
students to know more about movement. I *don't* know what operating department practitioners
do outside theatre, and I have never met a midwifery student.""",
            """- What does a typical first week of placement look like for you?
- What do you wish nurses knew about your role?
- When do you feel *you* are not listened to?""",
            """If I can explain another profession's role to a friend without saying "they help
the doctors", I will count the workshop as a success.""",
        ),
        tags=("roles", "teamwork"),
        events=("workshop",),
        competencies=("RR4", "C1"),
    ),
    _EntrySpec(
        "workshop",
        REFLECTION,
        "what-so-what-now-what",
        "Who does what: the team roles workshop",
        date(2024, 10, 16),
        SUBMITTED,
        (
            """Six of us, from six programmes, were given a scenario about a person being
discharged home after a fall. Each of us had to say what we would need to know before
discharge. A member of the Patient & Carer Group then told us what *they* would have wanted
to know, which was not on anyone's list: who to ring at night.""",
            """I was surprised how quickly we each retreated into our own checklist. The
physiotherapy student talked about stairs, the pharmacy student about the medicines, I talked
about pressure areas and continence. Nobody asked the person.

> "Interprofessional education occurs when two or more professions learn with, from and
> about each other to improve collaboration and the quality of care." (CAIPE)

The *about* happened. The *with* and *from* only started when the carer spoke, because she
gave us a shared problem instead of six separate ones.""",
            """- Start assessments with the person's own question, then bring the checklist.
- Ask one other profession on placement what they need from a nursing handover.
- Find out what an ODP does on a ward day (still don't know).""",
        ),
        tags=("teamwork", "patient voice", "roles"),
        professions=(
            "Medicine",
            "Pharmacy",
            "Physiotherapy",
            "Midwifery",
            "Operating department practice",
            "Patient or carer",
        ),
        competencies=("RR4=2", "VE5=3", "C1=2", "nmc-fn-2018:5.4=1"),
        events=("workshop",),
        answers="workshop-plan",
    ),
    _EntrySpec(
        "board-round",
        NOTE,
        "quick-capture",
        "Board round: ten minutes, seven professions",
        date(2024, 11, 12),
        SUBMITTED,
        (
            """The morning board round on the unit: the consultant, a junior doctor, the nurse in
charge, a physiotherapist, an occupational therapist, a pharmacist and the discharge
coordinator, standing at the whiteboard. Every patient discussed in under a minute.""",
            """It looked like chaos and was actually very ordered: each person spoke only when a
patient's plan touched their part of it. The OT said two words ("stairs pending") and
everyone knew what that meant for the discharge date.""",
            """Learn the shorthand. Ask the OT after the round what "pending" usually waits for.""",
        ),
        tags=("board round", "communication"),
        professions=("Medicine", "Physiotherapy", "Occupational therapy", "Pharmacy"),
        competencies=("TT", "RR1"),
        experiences=("amu",),
    ),
    _EntrySpec(
        "physio-plan-change",
        REFLECTION,
        "gibbs",
        "When the physiotherapist changed my plan",
        date(2024, 11, 27),
        SUBMITTED,
        (
            """I had written in the care plan that an older adult recovering from pneumonia
should walk to the bathroom with one person assisting. The physiotherapist reviewed the
patient that afternoon and changed it to a frame and two people for the first day, with a
note explaining why.""",
            """Honestly, a bit embarrassed at first, and a little defensive: I had seen the
patient walk that morning. Then relieved, because the reasons were good.""",
            """What went well: the change was written clearly and she came to tell me in person
rather than just overwriting my plan. What went less well: I had made a mobility decision
on one observation, without asking anyone who assesses mobility for a living.""",
            """I had seen a *good moment*, not the patient's capacity across a day. The physio
looked at fatigue, oxygen needs on exertion and the kind of fall history the notes hinted at.
Our two views were not competing; hers was simply the fuller one for this question. I think I
felt defensive because I had not yet understood where my role ends and hers begins.""",
            """Asking is not the same as not knowing. The safest plan came from putting two
observations together.""",
            """1. On this placement, ask for a physiotherapy review before I change a mobility
   plan, and say what I saw.
2. Shadow the physio for one assessment (she offered).
3. Bring this to supervision: why did I feel defensive?""",
        ),
        tags=("mobility", "falls", "humility"),
        professions=("Physiotherapy",),
        competencies=("RR4=2", "VE5=3", "RR5"),
        experiences=("amu",),
    ),
    _EntrySpec(
        "first-supervision",
        NOTE,
        "free",
        "First supervision session: naming what unsettles me",
        date(2024, 12, 10),
        SUBMITTED,
        (
            """I brought the physiotherapy entry to my first session with my personal tutor. We
spent most of the time on one word, *defensive*.

My tutor asked what I had been protecting. My answer surprised me: my sense of being a
"proper" member of the team after years as a healthcare assistant. Being corrected by another
profession felt like being sent back a grade.

What I'm keeping from the session:

- being corrected by a colleague is information, not a verdict;
- noticing the feeling *before* I reply is a skill I can practise;
- supervision is a place for this kind of question, not just for placement paperwork.""",
        ),
        tags=("supervision", "emotions"),
        competencies=("VE10", "VE9"),
        experiences=("tutor",),
    ),
    _EntrySpec(
        "handover",
        REFLECTION,
        "schon",
        "Handover at shift change: what gets lost",
        date(2025, 1, 8),
        SUBMITTED,
        (
            """During the evening handover I realised, mid-sentence, that I was about to hand
over a patient's pain plan from memory. I stopped, said "sorry, let me check the chart", and
read it instead. The night nurse said nothing, but the junior doctor who was waiting to speak
to her nodded.""",
            """Looking back, the interesting part is *why* I nearly went from memory: the
handover was running late and everyone was standing. The setting pushed us towards speed.

The doctor's handover to the night team happens in a separate room, on a different sheet,
at a different time. Two handovers about the same patients run in parallel and never meet.
That seems to be where things get lost, not within either profession's handover.

I'd like to know whether any unit joins them up, even for the sickest patients.""",
        ),
        tags=("handover", "patient safety"),
        professions=("Nursing", "Medicine"),
        competencies=("C", "TT=2"),
        experiences=("amu",),
    ),
    _EntrySpec(
        "paired-plan",
        PLAN,
        "pre-event-plan",
        "Plan: paired learning with a physiotherapy student",
        date(2025, 1, 10),
        SUBMITTED,
        (
            """Understand how a physiotherapist decides what "safe to mobilise" means, and
explain to my partner how nurses balance mobility with everything else on a shift.""",
            """I expect to learn the assessment behind the plans I read every day. I hope my
partner learns what happens to the plan between their visits.""",
            """- Which observations would make you stop a mobility session?
- What would you want a nurse to tell you before you arrive?
- How do you write a plan so that it survives a night shift?""",
            """We write one mobility plan together that both of us would be happy to follow.""",
        ),
        tags=("mobility", "paired learning"),
        events=("paired",),
        experiences=("amu",),
        competencies=("RR4", "RR3"),
    ),
    _EntrySpec(
        "paired",
        REFLECTION,
        "kolb",
        "Paired learning: two ways of looking at the same walk",
        date(2025, 1, 16),
        SUBMITTED,
        (
            """Over two shifts we assessed and walked with several patients together. For each
one we wrote our observations separately, then compared notes before writing the plan.""",
            """Our notes described the same walk in different languages. Mine: *steady,
needed prompting, short of breath at the door, settled with rest*. Hers: gait pattern,
step length, the distance before desaturation, the type of aid. Mine said what happened; hers
said **why** and **what next**.

She was struck that I had noticed the patient's worry about reaching the toilet in time,
which changed how far he was willing to walk. Neither of us had the whole picture alone.""",
            """A mobility plan is a shared object. The physiotherapist sets the safe range; the
nurse sees how the person moves across twenty-four hours, including at three in the morning.
A plan works when it carries both: the clinical limits and the person's own goals and fears.""",
            """- Add one line to my handovers: what the patient said about moving, in their words.
- Ask physio colleagues how they want night-time observations reported back.
- Try our joint format on the next placement and see if others find it useful.""",
        ),
        tags=("mobility", "paired learning"),
        professions=("Physiotherapy",),
        competencies=("RR4=3", "RR3=3", "VE5=4"),
        events=("paired",),
        experiences=("amu",),
        answers="paired-plan",
    ),
    _EntrySpec(
        "escalation",
        REFLECTION,
        "johns",
        "Escalating a concern I was not sure about",
        date(2025, 2, 5),
        SUBMITTED,
        (
            """A patient's observations were within range but *he didn't seem himself*: quieter,
not finishing sentences. I mentioned it to my practice assessor, who asked me to call the
junior doctor myself while she listened.""",
            """The doctor was busy and sounded it. I gave a muddled account that started with the
normal observations, which made my concern sound like nothing. She asked me the right
questions and came within the hour; the patient had an infection starting.""",
            """I had the right instinct and the wrong order. A concern that begins with
"everything is normal, but…" sounds like an apology.""",
            """I was frightened of wasting a doctor's time. I noticed afterwards that I had not
been frightened of wasting the patient's.""",
            """Escalating uncertainty is part of a nurse's duty. Not calling because I might be
wrong would have put my comfort ahead of the patient's safety.""",
            """Structured tools such as SBAR exist for exactly this: put the concern first, then
the evidence. I read up on soft signs of deterioration; altered behaviour is a recognised
early sign, even when the numbers look fine.""",
            """Next time: lead with "I am worried about…", then what I see, then what I'd like.
The SBAR simulation next month is a chance to practise exactly this.""",
        ),
        tags=("escalation", "confidence", "patient safety"),
        professions=("Medicine",),
        competencies=("C1=2", "VE8", "RR1", "nmc-fn-2018:4.10=2"),
        experiences=("amu",),
    ),
    _EntrySpec(
        "carers",
        NOTE,
        "quick-capture",
        "Patient & Carer Group session: 'Ask me, not my daughter'",
        date(2025, 2, 19),
        SUBMITTED,
        (
            """A member of the Patient & Carer Group spoke to our cohort about being spoken
*over* in clinics: professionals addressing the relative beside her instead of her.""",
            """It landed hard because I have done it, with good intentions, when a relative
seemed to be the one "managing". Dignity is partly about who you look at when you ask a
question.""",
            """Look at and speak to the person first, every time, and ask them whom they want
involved.""",
        ),
        tags=("patient voice", "dignity"),
        professions=("Patient or carer",),
        competencies=("VE3", "VE7=3"),
    ),
    _EntrySpec(
        "sbar-plan",
        PLAN,
        "pre-event-plan",
        "Plan: SBAR simulation with readback",
        date(2025, 3, 7),
        SUBMITTED,
        (
            """Make a clear escalation call under pressure, with the concern first, and practise
*readback* from both ends of the phone.""",
            """How the paramedic and medical students structure a call, and what a doctor needs
in the first fifteen seconds to decide how urgently to come.""",
            """- What makes you take a call seriously in the first sentence?
- What do you do when the caller cannot give you the information you need?""",
            """I finish my call in under a minute, with a recommendation, and the doctor reads
back the plan without me having to prompt.""",
        ),
        tags=("SBAR", "escalation"),
        events=("sbar",),
        competencies=("C", "C1"),
    ),
    _EntrySpec(
        "sbar",
        REFLECTION,
        "sbar-debrief",
        "SBAR with readback: my first escalation call",
        date(2025, 3, 12),
        SUBMITTED,
        (
            """In the simulation a manikin "patient" was becoming drowsy with a falling blood
pressure. I was the nurse calling a medical student who played the on-call doctor.""",
            """I had prepared the background well: reason for admission, relevant history,
current treatment. In the first call I gave all of it before saying why I was calling.""",
            """My assessment was right (possible sepsis) but I buried it in the middle. The
facilitator played back the recording: the "doctor" had started asking questions before I
reached my concern.

| | First call | Second call |
|---|---|---|
| Opening line | Patient's name and admission reason | "I'm worried this patient has sepsis" |
| Time to the concern | about 50 seconds | under 10 seconds |
| Recommendation | none given | review within 30 minutes, bloods, cultures |
| Readback | I didn't ask for it | doctor read the plan back |""",
            """I now say what I want: a review, and by when. The paramedic student's tip was to
say the recommendation as a question the other person can answer "yes" to.""",
            """In the second round I asked the doctor to read back the plan, and she caught that
I had said one fluid volume and written another. Readback found a real error in a practice
call. I had thought of it as a formality.""",
            """Handover between professions fails at the *start* (the listener doesn't yet know
why they should listen) and at the *end* (nobody checks the plan was heard). SBAR fixes the
start; readback fixes the end.""",
        ),
        tags=("SBAR", "escalation", "readback"),
        professions=("Medicine", "Paramedic science", "Pharmacy"),
        competencies=("C1=3", "TT=3", "RR1", "nmc-fn-2018:4.10=3"),
        events=("sbar",),
        answers="sbar-plan",
    ),
    _EntrySpec(
        "readback-ward",
        NOTE,
        "quick-capture",
        "Readback on the unit: it works when someone starts it",
        date(2025, 4, 2),
        SUBMITTED,
        (
            """I tried readback for real: after a phone plan from the medical registrar, I read
the plan back. There was a short pause, then "yes, exactly", and she added a detail she had
forgotten to say.""",
            """Nobody on the unit does readback routinely, but nobody minded when I did it. It
didn't need permission, just someone to go first.""",
            """Keep doing it, and mention it at the next team huddle as something a student found
useful.""",
        ),
        tags=("readback", "communication"),
        competencies=("C", "TT"),
        experiences=("amu",),
    ),
    _EntrySpec(
        "schwartz-plan",
        PLAN,
        "pre-event-plan",
        "Plan: my first Schwartz Round",
        date(2025, 5, 9),
        SUBMITTED,
        (
            """Listen without trying to fix anything, and notice my own reaction.""",
            """How other students experience the emotional side of their training: I suspect
we all think we are the only ones struggling.""",
            """None planned: a Round is for listening, not questioning.""",
            """I leave having noticed something about myself, and I write about *my* response
only. Nothing said in the Round goes into this portfolio.""",
        ),
        tags=("Schwartz round", "emotions"),
        events=("schwartz",),
        experiences=("rounds",),
        competencies=("VE7", "VE10"),
    ),
    _EntrySpec(
        "schwartz",
        REFLECTION,
        "schwartz-round",
        "Schwartz Round: sitting with discomfort",
        date(2025, 5, 14),
        SUBMITTED,
        (
            """Heavier than I expected. At one point I wanted to leave, not because of anything
said but because I recognised the feeling of being out of my depth and did not want to feel
it in a room full of people. I stayed. By the end I felt lighter, and oddly less alone.""",
            """Students from medicine, midwifery, physiotherapy and social work described the
same fear I have: of being the one who *should have known*. The words differed; the fear did
not. I had assumed doctors-in-training felt more certain than we do. They don't.""",
            """- The feeling of being out of my depth is common, and it is survivable.
- Professions do not have different emotions, only different ways of not talking about them.
- I want to keep going to Rounds, and to be someone who asks colleagues how *they* are.""",
        ),
        tags=("emotions", "compassion", "Schwartz round"),
        professions=("Medicine", "Midwifery", "Physiotherapy", "Social work"),
        competencies=("VE7=3", "VE10=3", "RR5", "nmc-fn-2018:1.5=2"),
        events=("schwartz",),
        experiences=("rounds",),
        answers="schwartz-plan",
    ),
    _EntrySpec(
        "leicester-plan",
        PLAN,
        "pre-event-plan",
        "Plan: Leicester Model practice placement",
        date(2025, 6, 4),
        SUBMITTED,
        (
            """Understand a patient's situation *as they see it*, and how the services around
them look from the outside, by working in a student team from four professions.""",
            """What a social worker and an occupational therapist look for in a home that I
would walk past; how a GP practice decides what it can and cannot do.""",
            """- What would make the biggest difference to you this month?
- Which service do you find hardest to reach, and why?
- Who do you call when something goes wrong?""",
            """Our team presents one recommendation to the practice that the practice thinks is
realistic, and I can say what each of us contributed.""",
        ),
        tags=("person-centred care", "home visit"),
        events=("leicester",),
        competencies=("RR2", "RR3", "VE4"),
    ),
    _EntrySpec(
        "leicester",
        REFLECTION,
        "gibbs",
        "Health in the community: the patient's priorities were not ours",
        date(2025, 6, 11),
        SUBMITTED,
        (
            """Our team (medicine, social work, occupational therapy and me) visited an older
adult living alone with several long-term conditions. We then interviewed the practice
nurse, a community pharmacist and a worker from a local befriending charity.""",
            """Nervous before the visit; moved during it; frustrated afterwards, when we saw how
many services were each doing a part and nobody was holding the whole.""",
            """We had each prepared our own assessment. The medical student had a list of
medicines to check; I had prepared questions about skin and continence. The patient's
priority was none of these: it was getting to the shops, and the loneliness of the days she
couldn't.""",
            """The social work student was the first to follow the patient's lead, and her
questions opened up the rest of the visit. The OT student then spotted that the problem with
the shops was the step at the front door, not the patient's walking. My own contribution
was noticing fatigue and breathlessness across the conversation, which mattered for what
was realistic.

This was the Leicester Model's point in practice: the *patient's* priorities, compared with
the *services'* priorities, show where the gaps are.""",
            """Each profession saw a true part of the picture. Together, led by the patient's
priority, we had a plan none of us would have written alone.""",
            """- Open every assessment with "what matters most to you at the moment?"
- Learn what the befriending charity and similar third-sector services offer locally.
- Carry the OT's habit of looking at the environment before the person's ability.""",
        ),
        tags=("person-centred care", "health inequalities", "home visit"),
        professions=("Medicine", "Social work", "Occupational therapy", "Pharmacy"),
        competencies=("VE1=3", "RR2=3", "RR3=3", "nmc-fn-2018:2.3=2"),
        events=("leicester",),
        answers="leicester-plan",
    ),
    _EntrySpec(
        "present-back",
        NOTE,
        "what-so-what-now-what",
        "Presenting back to the practice team",
        date(2025, 6, 13),
        SUBMITTED,
        (
            """On the last day our team presented to the practice: the patient's priorities,
what each agency told us, and one recommendation (a single named contact for patients with
several services involved).""",
            """The practice manager's first question was about cost, which threw us. The
medical student answered well: the contact role could be part of an existing job. I learned
that a good recommendation answers *who* and *how*, not just *what*.""",
            """Next time, test the recommendation on someone outside the team before presenting.""",
        ),
        tags=("presenting", "feedback"),
        competencies=("C1=3", "TT=3"),
        events=("leicester",),
    ),
    _EntrySpec(
        "year1",
        REFLECTION,
        "nmc-four-questions",
        "End of Year 1: four questions",
        date(2025, 7, 4),
        SUBMITTED,
        (
            """A look back over my first year of interprofessional learning: the team roles
workshop, my acute placement, paired learning, the SBAR simulation, a Schwartz Round and the
Leicester Model placement.""",
            """That most of what I thought I knew about other professions was a job title. The
real learning came from *working next to* people: the physiotherapist's plan, the social
work student's questions, the registrar's readback.""",
            """- I escalate with the concern first and ask for readback.
- I ask the patient what matters to them before I start my own checklist.
- I ask other professions for their view before changing a plan in their area.""",
            """*Prioritise people*: asking what matters to the patient. *Practise effectively*:
working with colleagues and sharing information clearly. *Preserve safety*: escalating
concerns early. *Promote professionalism and trust*: being honest when I got it wrong.""",
        ),
        tags=("year review", "NMC Code"),
        competencies=("VE9=3", "RR4=3"),
    ),
    _EntrySpec(
        "reading",
        NOTE,
        "free",
        "Summer reading: health inequalities and who gets heard",
        date(2025, 8, 20),
        READY,
        (
            """Over the summer I read about health inequalities and about the idea that
*equal* services are not the same as *fair* ones. After the Leicester Model week this was
not abstract: the patient we met had to fight several services for things others get by
making one phone call.

Three ideas I want to carry into Year 2:

1. Access is part of care: how someone reaches a service decides whether it helps them.
2. Teams that include the third sector see a different slice of people's lives.
3. Asking "who is *not* here?" is as important as listening to who is.""",
        ),
        tags=("health inequalities", "reading"),
        competencies=("VE4", "VE6"),
    ),
    _EntrySpec(
        "district-plan",
        PLAN,
        "pre-event-plan",
        "Plan: district nursing placement",
        date(2025, 9, 26),
        SUBMITTED,
        (
            """How district nurses coordinate care with social care, GPs, pharmacists and
families when the patient's home is the ward.""",
            """What social care workers and occupational therapists do on home visits, and
how decisions are shared when nobody works in the same building.""",
            """- How do you hand over when you never see the next person?
- What do you do when a family and a care agency disagree?""",
            """I can describe one patient's care network in full, and I have joined at least one
joint visit with another profession.""",
        ),
        tags=("social care", "continuity"),
        experiences=("district",),
        competencies=("RR2", "RR4"),
    ),
    _EntrySpec(
        "district",
        REFLECTION,
        "johns",
        "District nursing: where health care meets social care",
        date(2025, 10, 22),
        SUBMITTED,
        (
            """A joint visit with my practice supervisor and a social worker to a patient whose
care package was breaking down: missed calls from the care agency, a worried family, and
wounds that were healing more slowly than they should.""",
            """The social worker led the conversation about the package; we assessed the
wounds. The family wanted more care hours; the patient wanted fewer strangers in her home.""",
            """The visit felt calm although the situation wasn't. Both professionals let silences
run, and the patient filled them.""",
            """I wanted to side with the family, who were clearly exhausted. I had to notice that
and keep the patient's own wishes in the centre.""",
            """Whose home is it? The patient has capacity and the right to decide who comes in,
even when her choice makes our job harder.""",
            """Slow healing was partly nutritional and partly about dressing changes being
missed. Our clinical problem had a social cause, so the solution had to be joint.""",
            """I used to think of social care as something that happens after health care. On
this visit they were the same problem, and the best plan came from the two professions
sitting at the same kitchen table.""",
        ),
        tags=("social care", "continuity", "home visit"),
        professions=("Social work", "Occupational therapy", "Medicine"),
        competencies=("RR2=4", "RR3=3", "VE1", "nmc-fn-2018:7.1=3"),
        experiences=("district",),
        answers="district-plan",
    ),
    _EntrySpec(
        "pharmacist-call",
        NOTE,
        "quick-capture",
        "A pharmacist's phone call that saved a visit",
        date(2025, 10, 29),
        READY,
        (
            """The community pharmacist rang the team: a patient on our list had not collected
a repeat prescription, which was unusual for him.""",
            """We visited earlier than planned; he had been unwell for two days and had not
wanted to "bother anyone". The pharmacist was the only professional who would have noticed.""",
            """Ask at handover which community pharmacies our patients use, and treat their
calls as part of our early-warning system.""",
        ),
        tags=("medicines", "community"),
        professions=("Pharmacy",),
        competencies=("RR4=4", "VE5"),
        experiences=("district",),
    ),
    _EntrySpec(
        "stroke-plan",
        PLAN,
        "pre-event-plan",
        "Plan: stroke clinical case days",
        date(2025, 10, 31),
        SUBMITTED,
        (
            """How the stroke team divides the first days of care, and where nursing fits in the
swallowing, positioning and communication work.""",
            """What speech and language therapists and dietitians assess, and when they need
nurses to act before they arrive.""",
            """- What should a nurse never do before your assessment?
- What do you most need us to observe and record?""",
            """I can explain the swallow screening pathway and who does each step.""",
        ),
        tags=("stroke", "roles"),
        events=("stroke",),
        competencies=("RR1", "RR4", "TT"),
    ),
    _EntrySpec(
        "stroke",
        REFLECTION,
        "schon",
        "Stroke case days: the swallow assessment I would have skipped",
        date(2025, 11, 6),
        SUBMITTED,
        (
            """In the case work, a patient a few hours after a stroke asked for a cup of tea. In
the role play I started to say "of course", then stopped, because the speech and language
therapy student beside me had gone very still. We checked: no swallow screen had been done.
I changed my answer to an explanation and a mouth-care offer.""",
            """On reflection, my reflex to offer the tea came from kindness and from years as a
care assistant, and in this context it could have caused aspiration. The SLT student did
not correct me out loud; she just *paused*, and I read the pause.

Afterwards the dietitian showed us how nutrition plans wait on the swallow result, and the
physiotherapist how positioning affects both. I now see the early stroke pathway as a relay
where the nurse often runs the first leg: screening, positioning and keeping the person
safe until the specialists arrive. Knowing what I must **not** do before their assessment is
as important as knowing what to do.""",
        ),
        tags=("stroke", "dysphagia", "roles"),
        professions=(
            "Speech and language therapy",
            "Dietetics",
            "Physiotherapy",
            "Occupational therapy",
            "Medicine",
        ),
        competencies=("RR4=4", "RR1=3", "VE9=3", "nmc-fn-2018:3.4=3"),
        events=("stroke",),
        answers="stroke-plan",
    ),
    _EntrySpec(
        "medicines-plan",
        PLAN,
        "pre-event-plan",
        "Plan: home medicines review with a pharmacy student",
        date(2025, 11, 28),
        READY,
        (
            """How a pharmacist structures a medicines review in someone's home, and what the
nursing view adds.""",
            """How pharmacy students think about interactions, adherence and what a patient
actually takes, versus what the list says.""",
            """- How do you ask about missed doses without making someone feel judged?
- What makes a GP act on a letter?""",
            """Together we write a letter to the GP with recommendations we both stand behind,
and the patient agrees with what we say about them.""",
        ),
        tags=("medicines", "home visit"),
        events=("medicines",),
        experiences=("district",),
        competencies=("RR3", "C1", "VE3"),
    ),
    _EntrySpec(
        "medicines",
        REFLECTION,
        "what-so-what-now-what",
        "Home medicines review: the kitchen drawer",
        date(2025, 12, 4),
        SUBMITTED,
        (
            """With a pharmacy student I visited an older adult taking many medicines. The
medicines list from the practice had eleven items. The kitchen drawer had fifteen, including
two that had been stopped and an over-the-counter painkiller nobody knew about.""",
            """The pharmacy student saw the interactions straight away. I noticed that the
patient could not open two of the packs, and had been "saving" tablets for bad days. Both
findings mattered: hers explained *what* was risky, mine explained *why* it was happening.

The patient was relieved rather than embarrassed, because we asked about the drawer as a
practical problem and not a test.""",
            """- In district nursing, ask to see where medicines are kept, not just the list.
- Check whether packaging is usable for people with weak hands or poor sight.
- Write to the GP jointly when the findings cross professions (see the next note).""",
        ),
        tags=("medicines", "polypharmacy", "home visit"),
        professions=("Pharmacy", "Medicine"),
        competencies=("RR3=4", "VE3=4", "C1=3", "nmc-fn-2018:4.15=3"),
        events=("medicines",),
        experiences=("district",),
        answers="medicines-plan",
    ),
    _EntrySpec(
        "gp-letter",
        NOTE,
        "quick-capture",
        "Writing to the GP as a pair",
        date(2025, 12, 5),
        READY,
        (
            """We drafted the letter to the patient's GP together: her paragraph on the
medicines, mine on how the patient was managing them, and a joint list of three
recommendations.""",
            """Writing together was slower but the letter was shorter and clearer than either of
us would have written alone. We cut anything the GP did not need to act on.""",
            """Use the "three recommendations, each with a reason" format for future letters.""",
        ),
        tags=("letters", "communication"),
        professions=("Pharmacy", "Medicine"),
        competencies=("C", "TT=3"),
        events=("medicines",),
    ),
    _EntrySpec(
        "supervision-plan",
        PLAN,
        "pre-event-plan",
        "Plan: group supervision on difficult conversations",
        date(2026, 1, 16),
        READY,
        (
            """Bring one conversation from placement that I handled badly and hear how other
professions would approach it.""",
            """How social workers prepare for conversations in which they must say no, and how
OTs talk about risk with people who want to stay at home.""",
            """- How do you stay kind while being clear?
- What do you say when a family asks you to overrule the patient?""",
            """I leave with one phrase or approach I can try on my next visit.""",
        ),
        tags=("supervision", "difficult conversations"),
        events=("supervision",),
        experiences=("tutor",),
        competencies=("VE10", "C1"),
    ),
    _EntrySpec(
        "supervision",
        REFLECTION,
        "gibbs",
        "Supervision: what I heard when the social worker spoke first",
        date(2026, 1, 22),
        READY,
        (
            """In group supervision I described a visit where a relative asked me to "make" the
patient accept more care. I had mumbled something about asking the team. The social work
practitioner in the group described how she would have responded.""",
            """Exposed at first, then relieved, because everyone in the room had a version of the
same story.""",
            """The group was safe and well facilitated. I realised I had no words ready for this
kind of request, which is why I mumbled.""",
            """The social worker's approach was to name both people's concerns out loud:
*"I can see how worried you are, and I also need to hear what your mum wants."* It keeps the
relative included without handing them the decision. The OT added that talking about risk
concretely ("what might happen on the stairs at night") makes the conversation less about
winning.""",
            """Difficult conversations go better when I borrow language from the professions who
have them most often.""",
            """- Practise the "I can see… and I also need…" sentence.
- When a request is about capacity or safeguarding, say so and bring in the right
  colleague rather than improvising.""",
        ),
        tags=("supervision", "difficult conversations", "safeguarding"),
        professions=("Social work", "Occupational therapy"),
        competencies=("VE10=4", "RR5=4", "VE6", "nmc-fn-2018:5.10=3"),
        events=("supervision",),
        experiences=("tutor",),
        answers="supervision-plan",
    ),
    _EntrySpec(
        "charity-plan",
        PLAN,
        "pre-event-plan",
        "Plan: third-sector placement",
        date(2026, 2, 4),
        READY,
        (
            """How a charity delivers health care to people who avoid or are excluded from
mainstream services.""",
            """What support workers, volunteers and the charity's outreach nurse know about
access that NHS staff may not.""",
            """- What stops people from coming to you, and what brings them back?
- How do you work with NHS services when referrals fail?""",
            """I can describe the charity's place in the local care network, and one thing the
NHS could learn from it.""",
        ),
        tags=("homelessness", "health inequalities"),
        events=("charity",),
        competencies=("RR2", "VE4", "VE6"),
    ),
    _EntrySpec(
        "charity",
        REFLECTION,
        "kolb",
        "The drop-in: trust before treatment",
        date(2026, 2, 13),
        READY,
        (
            """A week at a drop-in centre run by a homelessness charity, alongside the outreach
nurse, support workers, volunteers and visiting dental and medical students.""",
            """On my first day nobody wanted my help. By the third, after I had made tea and
listened, two people asked me to look at their feet. The support workers had told me this
would happen: *trust comes before treatment*.""",
            """Mainstream services assume that a person who needs care will come and ask. Here the
team went to where people were and waited to be trusted. The support workers, who have no
clinical role, were the most important people in the building for access.""",
            """- Remember that a missed appointment can be a sign of how hard a service is to
  reach, and not of how much someone cares about their health.
- Find out how my next team links with local third-sector services.
- Take the charity's "tea first" approach into my own first conversations.""",
        ),
        tags=("homelessness", "trust", "health inequalities"),
        professions=("Social work", "Medicine", "Dentistry"),
        competencies=("RR2=4", "VE4=4", "VE6=3", "nmc-fn-2018:7.9=3"),
        events=("charity",),
        answers="charity-plan",
    ),
    _EntrySpec(
        "schwartz-2",
        REFLECTION,
        "schwartz-round",
        "Second Schwartz Round: noticing my own defences",
        date(2026, 3, 11),
        READY,
        (
            """This time I noticed myself *analysing* instead of feeling: already thinking about
what could have been done differently. The facilitator gently reminded the room that a
Round is not for problem-solving, and I realised that analysing is how I protect myself.""",
            """A healthcare chaplain and a porter spoke in the discussion, and they saw things
the clinical professions had missed entirely: about waiting, and about being the person
nobody explains anything to.""",
            """When I feel the urge to fix, pause and ask whether the person in front of me needs
a solution or to be heard.""",
        ),
        tags=("emotions", "Schwartz round"),
        professions=("Chaplaincy",),
        competencies=("VE7=4", "VE10"),
        experiences=("rounds",),
    ),
    _EntrySpec(
        "conflict",
        NOTE,
        "free",
        "A disagreement in our project group, and how we got unstuck",
        date(2026, 3, 25),
        DRAFT,
        (
            """Our interprofessional project group (nursing, pharmacy, medicine, paramedic
science) nearly fell apart over the outreach stall. The medical and paramedic students wanted
to measure as many blood pressures as possible; the pharmacy student and I wanted fewer,
longer conversations.

What helped:

- we stopped arguing about the *plan* and wrote down what each of us thought the stall was
  *for*;
- it turned out we agreed on the purpose (people leaving knowing what to do next) and only
  disagreed on how to get there;
- we agreed to do both: quick checks, with a longer conversation for anyone with a raised
  reading.

I noticed that I usually go quiet in conflict. This time I said what I thought early, and
the group was better for it.""",
        ),
        tags=("conflict", "teamwork"),
        professions=("Pharmacy", "Medicine", "Paramedic science"),
        competencies=("TT=4", "VE10=4"),
    ),
    _EntrySpec(
        "outreach-plan",
        PLAN,
        "pre-event-plan",
        "Plan: outreach blood pressure stall",
        date(2026, 4, 15),
        READY,
        (
            """Run a community health stall as an interprofessional team, and practise
explaining a raised reading without frightening anyone.""",
            """How pharmacists explain medicines and lifestyle advice in a few minutes, and how
paramedic students judge when a reading needs urgent action.""",
            """- What do you say when someone's reading is high but they feel fine?
- When do we advise the GP, and when do we advise calling for help today?""",
            """Everyone with a raised reading leaves with a written next step they understand.""",
        ),
        tags=("outreach", "prevention"),
        events=("outreach",),
        competencies=("RR2", "VE1", "C1"),
    ),
    _EntrySpec(
        "outreach",
        REFLECTION,
        "gibbs",
        "Outreach: forty conversations in one afternoon",
        date(2026, 4, 23),
        DRAFT,
        (
            """Our student team ran a blood pressure stall at a community festival, with a
pharmacy lecturer on hand. We spoke with about forty people; several had raised readings
and a few had never had their blood pressure taken.""",
            """Energised, and more confident than I expected. Anxious once, when a reading was
very high and the person wanted to go straight back to the festival.""",
            """The agreed approach from our conflict meeting worked: quick checks for everyone, a
longer conversation for those who needed it. Our leaflets in four languages started
conversations we could not otherwise have had.""",
            """The paramedic student's calm questions about symptoms helped us decide, with the
lecturer, that the very high reading needed same-day advice; the pharmacy student explained
what to expect at the appointment. Each profession covered a part of the conversation I
could not have covered alone, and the person agreed to go.""",
            """Prevention work is teamwork too, and it reaches people the clinic does not.""",
            """- Prepare scripts for "high reading, feels fine" before the next stall.
- Ask the GP practice how they would like to receive signposted patients.""",
        ),
        tags=("outreach", "prevention", "health inequalities"),
        professions=("Pharmacy", "Medicine", "Paramedic science"),
        competencies=("RR2=4", "VE1=4", "C1=4", "nmc-fn-2018:2.5=4"),
        events=("outreach",),
        answers="outreach-plan",
    ),
    _EntrySpec(
        "tutor-feedback",
        REFLECTION,
        "nmc-four-questions",
        "Tutor feedback on my portfolio draft",
        date(2026, 5, 6),
        DRAFT,
        (
            """Written feedback from my personal tutor on a draft of this portfolio.""",
            """My early entries *describe* well but stop before the analysis: what I would do
differently and why. My later entries are stronger because they link what I saw to what
another profession explained.""",
            """I went back to two Year 1 entries and added what I now understand. I am also
writing action plans with a *who* and *when*, not just a *what*.""",
            """*Practise effectively*: reflecting on practice and feedback to improve. *Promote
professionalism and trust*: being open about what I still need to learn.""",
        ),
        tags=("feedback", "writing"),
        competencies=("VE9=4", "VE8", "nmc-fn-2018:1.17=4"),
        experiences=("tutor",),
    ),
    _EntrySpec(
        "carer-group",
        REFLECTION,
        "patient-carer-session",
        "Patient & Carer Group: years of appointments, one story",
        date(2024, 11, 21),
        SUBMITTED,
        (
            """Two members of the Patient & Carer Group talked to a mixed group of us about
living with a long-term condition: the number of people they had to explain it to, and
the one appointment where everyone in the room had read the notes first.""",
            """I had assumed the hard part of a long illness was the illness. They said it was
repeating the story. A medical student asked what a good appointment looked like; the answer
was about the team talking to each other before, not about any one profession.""",
            """Before I ask a patient to tell me their history, check what the team already
knows and say so. Ask what they would like us to share between us.""",
        ),
        tags=("patient voice", "long-term conditions"),
        professions=("Patient or carer", "Medicine", "Pharmacy", "Physiotherapy"),
        competencies=("VE7=2", "RR2", "nmc-fn-2018:1.14"),
        events=("carer-group",),
    ),
    _EntrySpec(
        "supervision-note",
        NOTE,
        "supervision-session",
        "Supervision: when I did not speak up on a board round",
        date(2025, 3, 26),
        SUBMITTED,
        (
            """I brought a board round where I noticed a mobility risk but said nothing because
the consultant was mid-sentence and I was the most junior person there.""",
            """My tutor asked what would have made it easier to speak. We found two things: a
phrase to open with, and knowing that the physiotherapist would have backed me up.""",
            """Use "Can I add one safety point?" next time, and tell the physiotherapist before
the round when I have a concern in their area.""",
        ),
        tags=("supervision", "speaking up"),
        competencies=("VE9", "nmc-fn-2018:1.17=2"),
        experiences=("tutor",),
    ),
    _EntrySpec(
        "leicester-cycle",
        REFLECTION,
        "leicester-model-placement",
        "Health in the community: following the Leicester Model cycle",
        date(2025, 6, 12),
        READY,
        (
            """The person we met at home wanted to stay independent and to be able to get to
the shops; the medical questions came second for them.""",
            """The agencies each knew part of the picture: the practice, the pharmacy and a
housing officer. Each was stretched, and none was talking to the others about the shops.""",
            """A volunteer from a local community group knew the bus routes and the lunch club,
which none of the services had mentioned.""",
            """Our team of four put the views on one page. The social work student saw the
housing angle first; the pharmacy student spotted that the medicines timings clashed with
the lunch club; I saw the missing link between the practice nurse and the volunteers.""",
            """We presented to the practice team with one suggestion each. The practice nurse
asked for our one-page summary to use at their next team meeting.""",
            """Knowledge: what a housing officer and a community volunteer can do. Skills:
presenting a shared analysis, not four separate ones. Attitudes: the patient's priorities
are the plan, not an extra.""",
        ),
        tags=("Leicester Model", "community", "patient priorities"),
        professions=("Social work", "Pharmacy", "Medicine"),
        competencies=("RR2", "VE1", "nmc-fn-2018:7.1=3"),
        events=("leicester",),
    ),
    _EntrySpec(
        "module",
        NOTE,
        "what-so-what-now-what",
        "Online module: roles in the community team",
        date(2025, 9, 16),
        DRAFT,
        (
            """Before the district nursing placement I worked through the online module on
community roles: short videos from an occupational therapist, a social worker and a
community pharmacist.""",
            """I had not known that occupational therapists assess the home for equipment on
the same visit as a nursing review, or that the community pharmacist can do a structured
medicines review.""",
            """On placement, ask the team who else visits each person, and write it on the
handover sheet.""",
        ),
        tags=("online learning", "community"),
        competencies=("RR4=3", "nmc-fn-2018:5.4=3"),
        events=("module",),
    ),
    _EntrySpec(
        "qi",
        REFLECTION,
        "pdsa-cycle",
        "PDSA: a three-line falls-risk note at handover",
        date(2026, 3, 20),
        READY,
        (
            """Make sure everyone visiting a person at risk of falls knows the current plan,
by adding a three-line falls-risk note to the team's handover sheet.""",
            """We counted, each day, how many falls-risk visits had the note filled in, and
asked the visiting staff whether it changed what they did.""",
            """A fixed three-line box: risk, what was agreed with the therapist, what to check.""",
            """Test it for two weeks with four nurses and the community therapist. We predicted
the box would be filled in for most visits by the second week.""",
            """The box was filled in for about half the visits in week one and most in week
two. Two nurses said it was too small for people with several risks.""",
            """Close to our prediction. The therapist's view of what to check was the most
useful line; the nurses read it first.""",
            """Adapt: make the box larger and ask the therapist to fill in the 'what to check'
line. Run a second cycle for two more weeks.""",
            """The therapist brought the checks, the nurses the practical limits of a busy
round. Next time I would ask the healthcare assistants too: they do many of the visits.""",
        ),
        tags=("quality improvement", "falls", "handover"),
        professions=("Physiotherapy", "Occupational therapy"),
        competencies=("TT=4", "RR1", "nmc-fn-2018:6.4=3"),
        events=("qi-cycle",),
        experiences=("qi-project",),
    ),
    _EntrySpec(
        "paired-manager",
        REFLECTION,
        "paired-learning",
        "Paired learning: a week beside the team leader",
        date(2026, 3, 12),
        DRAFT,
        (
            """During the improvement project I was paired with the team leader, who manages
the nursing team's rota, budget and caseload. We agreed to learn each other's week.""",
            """Her week is allocation, staffing gaps and meetings about waiting times. She
carries every visit that does not happen, even the ones nobody else sees.""",
            """Why the falls-risk note mattered to both of us: fewer repeat visits for her, a
safer plan for the people we visit for me.""",
            """I used to think of management as paperwork. I now see that a missed handover
detail becomes a staffing problem by the afternoon, and that she needs nurses to say so.""",
            """Tell the team leader about patterns, not only single problems, and bring a
suggestion.""",
        ),
        tags=("paired learning", "leadership", "quality improvement"),
        competencies=("RR4=4", "TT", "nmc-fn-2018:5.1=3"),
        experiences=("qi-project",),
    ),
    _EntrySpec(
        "registration",
        NOTE,
        "quick-capture",
        "Getting ready for registration: what I'll take into a team",
        date(2026, 5, 27),
        DRAFT,
        (
            """Applying for my first post, I was asked at interview how I work with other
professions.""",
            """I could answer with real examples (the physiotherapist's plan, the swallow screen,
the kitchen drawer, the drop-in) instead of a general "I'm a team player". That is what two
years of this portfolio gave me.""",
            """Keep a small version of this portfolio as a registered nurse: one entry a month.""",
        ),
        tags=("registration", "professional identity"),
        competencies=("RR4=5", "TT=4"),
    ),
    _EntrySpec(
        "looking-back",
        REFLECTION,
        "free",
        "Two years of interprofessional learning: looking back",
        date(2026, 6, 10),
        DRAFT,
        (
            """Reading my first entry again, I notice how much of it is about what *I* bring.
My later entries are about what *we* did. That shift is the main thing I have learned.

The moments that changed how I practise were rarely the planned teaching points:

- a physiotherapist explaining, kindly, why my mobility plan was unsafe;
- a speech and language therapy student's silence before I offered a cup of tea;
- a pharmacy student and a kitchen drawer;
- support workers who knew more about access to care than any of us.

Each time, another profession showed me the edge of my own knowledge, and each time the care
was better for it. **Asking is not the same as not knowing**: I wrote that in my first year and
I believe it more now.""",
        ),
        tags=("year review", "professional identity"),
        competencies=("RR4=5", "VE5=5", "TT=4", "nmc-fn-2018:5.4=4"),
    ),
)

FINAL_REFLECTION_SOURCE = """\
# Final overall reflection

When I started this programme I could list the professions in a hospital but not describe
what most of them do in a working day. Two years later I can, and more importantly I know
*when* to ask them.

## What I learned about other professions

Physiotherapists taught me to see mobility as a range across a day, not a single walk. Speech
and language therapists taught me what not to do before their assessment. Pharmacists showed
me the difference between a medicines list and a kitchen drawer. Social workers gave me words
for conversations I used to avoid, and third-sector support workers showed me that access is
part of care.

## What I learned about myself

I used to feel corrected when another profession changed my plan. I now see those moments as
the team working. I have learned to escalate with the concern first, to ask for readback, and
to say what I think early in a disagreement instead of going quiet.

## What I will carry forward

1. Start with what matters to the patient, then bring my checklist.
2. Ask other professions for their view before changing a plan in their area.
3. Keep reflecting, briefly and regularly, and keep it anonymous.
"""


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")


def _unwrap(text: str) -> str:
    """Join the source's hard-wrapped lines, keeping list items, quotes and tables intact."""
    blocks: list[str] = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if all(line.startswith("|") for line in lines):
            blocks.append(block)
        elif all(line.startswith(">") for line in lines):
            blocks.append("> " + " ".join(line[1:].strip() for line in lines))
        else:
            merged: list[str] = []
            for line in lines:
                if not merged or _LIST_ITEM.match(line):
                    merged.append(line.rstrip())
                else:
                    merged[-1] += " " + line.strip()
            blocks.append("\n".join(merged))
    return "\n\n".join(blocks)


def _links(codes: tuple[str, ...]) -> tuple[CompetencyLink, ...]:
    """Links from specs: "VE3=2" (IPEC 2023, self-rating 2) or "nmc-fn-2018:5.4"."""
    links: list[CompetencyLink] = []
    for spec in codes:
        target, _, rating = spec.partition("=")
        framework, _, code = target.rpartition(":")
        links.append(CompetencyLink(framework or FRAMEWORK, code, int(rating) if rating else None))
    return tuple(links)


def _written_at(rng: random.Random, day: date, kind: EntryKind) -> datetime:
    """When the student sat down to write: plans on the day, reflections a day or two later."""
    delay = 0 if kind is PLAN else rng.randint(0, 2)
    hour = rng.choice((7, 12, 17, 18, 19, 20, 21))
    minute = rng.randrange(0, 60)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) + timedelta(days=delay)


def demo_entries(
    events: dict[str, EventId],
    experiences: dict[str, ExperienceId],
    *,
    seed: int = DEMO_SEED,
) -> list[Entry]:
    """The demo's entries, ready for ``add_entries_bulk`` (plans before their reflections)."""
    from portfolio_app.core.reflective_templates import get_template

    rng = random.Random(seed)
    ids: dict[str, EntryId] = {spec.key: EntryId(new_id()) for spec in ENTRIES}
    entries: list[Entry] = []
    for spec in ENTRIES:
        template = get_template(spec.template)
        if len(template.sections) != len(spec.sections):
            raise ValueError(
                f"demo entry '{spec.key}': {len(spec.sections)} sections for the "
                f"{len(template.sections)} of template '{spec.template}'"
            )
        written = _written_at(rng, spec.day, spec.kind)
        edits = timedelta(minutes=rng.randint(5, 90))
        if spec.status is SUBMITTED:
            edits += timedelta(days=rng.randint(3, 20))
        entries.append(
            Entry(
                id=ids[spec.key],
                kind=spec.kind,
                title=spec.title,
                sections=tuple(
                    Section(heading=s.heading, body=_unwrap(body), key=s.key)
                    for s, body in zip(template.sections, spec.sections, strict=True)
                ),
                status=spec.status,
                template_id=template.id,
                created=written,
                updated=written + edits,
                occurred_on=datetime(
                    spec.day.year, spec.day.month, spec.day.day, 12, 0, tzinfo=UTC
                ),
                plan_id=ids[spec.answers] if spec.answers else None,
                event_ids=tuple(events[key] for key in spec.events),
                experience_ids=tuple(experiences[key] for key in spec.experiences),
                professions=spec.professions,
                tags=spec.tags,
                competencies=_links(spec.competencies),
            )
        )
    return entries


#: The closing overall reflection, as stored.
FINAL_REFLECTION = _unwrap(FINAL_REFLECTION_SOURCE) + "\n"


def build_demo_portfolio(data_dir: Path, passphrase: str = DEMO_PASSPHRASE) -> PortfolioService:
    """Create the demo portfolio in ``data_dir`` and return it open (the caller closes it).

    Raises PortfolioExistsError when the folder already holds a portfolio.
    """
    service, _recovery_key = PortfolioService.create(data_dir, passphrase, DEMO_PROFILE)
    try:
        events: dict[str, EventId] = {}
        for spec in EVENTS:
            event: Event = service.add_event(
                spec.kind,
                spec.title,
                on=spec.on,
                place=spec.place,
                professions_present=spec.professions,
                notes=spec.notes,
                hours=spec.hours,
                confirmed_by=spec.confirmed_by,
            )
            events[spec.key] = event.id
        experiences: dict[str, ExperienceId] = {}
        for xspec in EXPERIENCES:
            experience: Experience = service.add_experience(
                xspec.kind,
                xspec.title,
                setting=xspec.setting,
                supervisor=xspec.supervisor,
                starts_on=xspec.starts_on,
                ends_on=xspec.ends_on,
                notes=xspec.notes,
                hours=xspec.hours,
                confirmed_by=xspec.confirmed_by,
            )
            experiences[xspec.key] = experience.id
        entries = demo_entries(events, experiences)
        service.add_entries_bulk(entries)
        _attach_demo_evidence(service, entries)
        service.set_final_reflection(FINAL_REFLECTION)
    except BaseException:
        service.close()
        raise
    return service


#: Evidence files for the demo (issue 9): a note typed after the SBAR simulation and a
#: "photo" of the PDSA whiteboard, so the Evidence tab and the export's evidence list have
#: something to show. Both are made here (no binary files in the repository, nothing
#: identifying in them).
SBAR_CARD = """SBAR card I used in the simulation (typed up afterwards)

S  I am calling about the patient in bed space 2: new confusion, oxygen saturation falling.
B  Admitted two days ago with a chest infection; on oral antibiotics.
A  I think the infection is getting worse and they may need review now.
R  Please come within 15 minutes; meanwhile I will repeat observations every 15 minutes.

Readback from the doctor: "Coming in 15 minutes; repeat obs; call back if saturation < 90 %."
"""


def _png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """A small RGB PNG drawn by ``pixel(x, y) -> (r, g, b)`` (stdlib only: the core has no Qt)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _whiteboard(x: int, y: int) -> tuple[int, int, int]:
    """A whiteboard with three sticky notes (plan, do, study) and a marker line under them."""
    notes = (
        ((20, 30), (255, 236, 140)),
        ((120, 30), (170, 220, 255)),
        ((220, 30), (190, 240, 170)),
    )
    for (left, top), colour in notes:
        if left <= x < left + 80 and top <= y < top + 70:
            line = (y - top) % 14 == 10 and left + 10 <= x < left + 70
            return (70, 70, 90) if line else colour
    if 130 <= y < 133 and 20 <= x < 300:
        return (40, 90, 200)
    return (246, 246, 242)


def _attach_demo_evidence(service: PortfolioService, entries: list[Entry]) -> None:
    by_title = {e.title: e.id for e in entries}
    sbar = by_title.get("SBAR with readback: my first escalation call")
    if sbar is not None:
        service.add_attachment_data(sbar, "SBAR card from the simulation.txt", SBAR_CARD.encode())
    pdsa = by_title.get("PDSA: a three-line falls-risk note at handover")
    if pdsa is not None:
        service.add_attachment_data(pdsa, "PDSA whiteboard.png", _png(320, 160, _whiteboard))
