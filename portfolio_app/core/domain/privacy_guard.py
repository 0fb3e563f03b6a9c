"""Warnings about text that could identify a patient, carer or colleague in a reflection.

The guard warns; it never blocks or rewrites. Its advice follows the joint AoMRC / COPMeD /
GMC / MSC guidance "The reflective practitioner" (2018) on anonymising reflective notes, the
NMC's rule that nothing in a reflective account may identify another person, and the ICO view
that removing a name is not enough: do not record dates, use life stages instead of exact
ages, do not name the ward, hospital or practice, and write "the patient" rather than a name.

What it looks for: NHS numbers (checked with the modulus-11 check digit) and other 10-digit
numbers, hospital numbers (including a trust code before the number, "RX1 234567"), dates and
dates of birth, exact ages, the clinical shorthand of a name followed by an age ("Mrs Smith, 82,"
or "John Smith (82)"), bed, bay, side-room and cubicle numbers, UK postcodes (in capitals or in
lower case), named wards, hospitals and practices, titles with surnames ("Mrs O'Neill"), phone
numbers and email addresses. It cannot find everything (first names alone, rare conditions, job
titles in a small team); the advice says so.

Performance contract: every pattern uses bounded repetition and lookbehind guards, so a scan
is linear in the length of the text (no catastrophic backtracking); a test scans 200 KB of
hostile input. Only the standard library ``re`` module is used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

#: Longest excerpt returned in a finding; longer matches are cut with an ellipsis.
MAX_EXCERPT = 80


@dataclass(frozen=True)
class Finding:
    """One piece of text that may identify someone, with where it is and what to do about it."""

    kind: str
    start: int
    end: int
    excerpt: str
    advice: str


#: Kinds of finding, in the order of precedence used when two patterns overlap.
KINDS: tuple[str, ...] = (
    "email",
    "phone",
    "nhs_number",
    "long_number",
    "hospital_number",
    "postcode",
    "date_of_birth",
    "date",
    "name_age",
    "age",
    "bed",
    "place",
    "titled_name",
)

#: How each kind is named in summaries: (singular, plural).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "email": ("email address", "email addresses"),
    "phone": ("phone number", "phone numbers"),
    "nhs_number": ("NHS number", "NHS numbers"),
    "long_number": ("10-digit number", "10-digit numbers"),
    "hospital_number": ("hospital or record number", "hospital or record numbers"),
    "postcode": ("postcode", "postcodes"),
    "date_of_birth": ("date of birth", "dates of birth"),
    "date": ("date", "dates"),
    "name_age": ("name with an age", "names with an age"),
    "age": ("exact age", "exact ages"),
    "bed": ("bed or bay number", "bed or bay numbers"),
    "place": ("named ward, hospital or practice", "named wards, hospitals or practices"),
    "titled_name": ("name with a title", "names with a title"),
}

#: Advice per kind, in the spirit of the GMC anonymisation guidance.
ADVICE: dict[str, str] = {
    "email": "Remove the email address; a reflection never needs one.",
    "phone": "Remove the phone number; a reflection never needs one.",
    "nhs_number": (
        "This is a valid NHS number. Remove it: a reflection never needs a patient's NHS number."
    ),
    "long_number": (
        "A 10-digit number could be an NHS number or another identifier. Remove it unless it "
        "is clearly not about a person."
    ),
    "hospital_number": (
        "This looks like a hospital or record number. Remove it and write 'the patient' instead."
    ),
    "postcode": (
        "Remove the postcode or address: with other details it can identify someone. Say "
        "'at home' or 'in the community' instead."
    ),
    "date_of_birth": (
        "Remove the date of birth. If age matters to your learning, use a life stage such as "
        "'a toddler', 'an adolescent' or 'an older adult'."
    ),
    "date": (
        "Do not record dates, such as the day you saw the patient. Write 'during my placement' "
        "or 'last week' instead."
    ),
    "name_age": (
        "A name followed by an age identifies a patient on its own. Write 'the patient' and a "
        "life stage instead, such as 'an older adult'."
    ),
    "age": (
        "Use a life stage ('a toddler', 'an adolescent', 'an adult in their forties', 'an older "
        "adult') instead of an exact age."
    ),
    "bed": (
        "Remove the bed, bay or room number: with the ward and the day it points to one "
        "person. Write 'on the ward' or 'in a side room' instead."
    ),
    "place": (
        "Do not name the ward, hospital or GP practice. Write 'a medical ward', 'a hospital' or "
        "'a GP practice' instead."
    ),
    "titled_name": (
        "Do not use names. Write 'the patient', 'a relative' or the person's role, such as 'the "
        "consultant' or 'a pharmacist'."
    ),
}

# ---------------------------------------------------------------------------------------------
# Building blocks. Every repetition is bounded so each start position costs constant work.

# Latin (with Latin-1 and Extended-A, whose upper and lower case letters alternate), Greek and
# Cyrillic letters; ``re`` has no Unicode-category classes, so these ranges approximate them.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я"
_LOWER = "a-zß-öø-ÿĀ-ſα-ωа-я"
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſΑ-ωА-я"
_NAME_CHARS = _LETTERS + "'’&.-"
_NAME_WORD = f"[{_UPPER}][{_NAME_CHARS}]{{0,30}}"
_GAP = r"[ \t]{1,3}"  # spaces between the words of a name, never a line break
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_NUMERIC_DATE = rf"{_DAY}(?P<sep>[/.-])(?:0?[1-9]|1[0-2])(?P=sep)(?:(?:19|20)\d{{2}}|\d{{2}})"
_ISO_DATE = r"(?:1[89]|20)\d{2}(?P<isep>[-/])(?:0?[1-9]|1[0-2])(?P=isep)" + _DAY
_DAY_MONTH = (
    rf"{_DAY}(?:st|nd|rd|th)?(?:[ \t]{{1,3}}of)?[ \t]{{1,3}}{_MONTH}\b\.?"
    rf"(?:,?[ \t]{{1,3}}(?:19|20)\d{{2}}\b)?"
)
_MONTH_DAY = (
    rf"{_MONTH}\.?[ \t]{{1,3}}{_DAY}(?:st|nd|rd|th)?\b(?:,?[ \t]{{1,3}}(?:19|20)\d{{2}}\b)?"
)

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}"
    r"(?![\w-])"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+44[ \t-]?(?:\(0\)[ \t-]?)?(?:\d[ \t)-]{0,2}){8,10}\d"  # +44 7700 900123
    r"|\(?0(?:\d[ \t)-]{0,2}){8,10}\d"  # 0116 258 5000, (0116) 2585000
    r"|\+(?!44)[1-9]\d{0,2}[ \t-]?(?:\d[ \t-]{0,2}){6,12}\d"  # other countries
    r")(?!\d)"
)
_TEN_DIGITS = re.compile(r"(?<![\w.,])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d|[.,]\d)")
_HOSPITAL_NUMBER = re.compile(
    r"(?<![\w])(?:"
    r"[A-Z]{2,3}\d[ \t:-]{1,2}\d{5,8}"  # RX1 234567: a trust code, then the number
    r"|[A-Za-z]{1,3}\d{6,10}"  # RX1234567, K1234567
    r"|[A-Z]{2,4}[ :-]{1,2}\d{6,10}"  # MRN 1234567
    r"|(?i:(?:hospital|unit|case|record|patient)[ \t]{1,3}(?:number|no\.?))"
    r"[ \t:#]{0,3}[A-Za-z]{0,3}\d{5,10}"  # hospital number 123456
    r")(?!\w)"
)
_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR[ \t]?0AA|(?:"
    r"[A-PR-UWYZ]\d\d?|[A-PR-UWYZ][A-HK-Y]\d\d?|[A-PR-UWYZ]\d[A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])"
    r"[ \t]?\d[ABD-HJLNP-UW-Z]{2})(?!\w)"
)
_POSTCODE_LOWER = re.compile(
    r"(?<![\w])(?:"
    r"[a-pr-uwyz]\d\d?|[a-pr-uwyz][a-hk-y]\d\d?|[a-pr-uwyz]\d[a-hjkpstuw]"
    r"|[a-pr-uwyz][a-hk-y]\d[abehmnprvwxy])"
    r"[ \t]?\d[abd-hjlnp-uw-z]{2}(?!\w)"
)
_DATE_OF_BIRTH = re.compile(
    r"(?<![\w])(?i:D\.?O\.?B\.?|date[ \t]{1,3}of[ \t]{1,3}birth|born(?:[ \t]{1,3}(?:on|in))?)"
    r"[ \t:.-]{0,4}"
    rf"(?:{_NUMERIC_DATE}|{_ISO_DATE}|{_DAY_MONTH}|{_MONTH_DAY}|(?:19|20)\d{{2}}\b)(?!\d)"
)
_DATE = re.compile(
    rf"(?<![\w/.-])(?:{_NUMERIC_DATE}|{_ISO_DATE})(?![\w/-]|\.\d)"
    rf"|(?<![\w])(?:{_DAY_MONTH}|{_MONTH_DAY})"
)
_AGE = re.compile(
    r"(?<![\w])(?:"
    r"(?i:aged|age(?:[ \t]{1,3}of)?)[ \t:]{1,3}\d{1,3}(?!\d|%|\.\d)"  # aged 84, age: 84
    r"|\d{1,3}[ \t-]{0,2}(?i:years?|yrs?|y|months?|weeks?|days?)[ \t-]{0,2}(?i:old)"  # 84-year-old
    r"|\d{1,3}[ \t]?(?i:y/o|y\.o\.|yo)"  # 84 y/o, 84yo
    r")(?![\w/])"
)
_BED = re.compile(
    r"(?<![\w])(?i:bed|bay|side[ \t]{1,3}room|cubicle)[ \t]{0,2}(?i:no\.?|number)?[ \t]{0,2}"
    r"(?:\d{1,3}[A-Za-z]?|[A-H])(?![\w/])"
    r"(?![ \t]{0,2}(?i:hours?|hrs?|h\b|days?|nights?|weeks?|mins?|minutes?|times?|%))"
)
_WARD_NUMBER = re.compile(
    r"(?<![\w])(?:[Ww]ard[ \t]{1,3}\d{1,3}[A-Za-z]?|Ward[ \t]{1,3}[A-HJ-Z]\d{0,2})(?!\w)"
)
_PLACE_SUFFIX = (
    r"(?:Ward|Hospital|Infirmary|Hospice"
    r"|Medical[ \t]{1,3}Centre|Health[ \t]{1,3}Centre|Medical[ \t]{1,3}Practice"
    r"|Group[ \t]{1,3}Practice|GP[ \t]{1,3}[Pp]ractice|GP[ \t]{1,3}[Ss]urgery|Surgery"
    r"|Care[ \t]{1,3}Home|Nursing[ \t]{1,3}Home"
    r"|NHS[ \t]{1,3}(?:Foundation[ \t]{1,3})?Trust)"
)
_NAMED_PLACE = re.compile(
    rf"(?<![\w'’&.-])(?P<name>(?:{_NAME_WORD}{_GAP}){{1,4}}){_PLACE_SUFFIX}(?![\w'’])"
)
# A name followed by an age: "Mrs Smith, 82," / "John Smith (82)" / "Mr S, 82 y/o".
_NAME_AGE = re.compile(
    rf"(?<![\w'’-])(?P<name>(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?{_GAP}[{_UPPER}][{_LETTERS}'’-]{{0,40}}"
    rf"|[{_UPPER}][{_LOWER}'’-]{{1,30}}{_GAP}[{_UPPER}][{_LETTERS}'’-]{{1,40}}))"
    r"[ \t]{0,2}(?:,[ \t]{0,2}|\([ \t]{0,2})(?P<age>\d{1,3})"
    r"[ \t]{0,2}(?i:years?|yrs?|y/o|yo|y)?[ \t]{0,2}(?=[,;:)]|\.(?!\d)|$)",
    re.MULTILINE,
)
_TITLED_NAME = re.compile(
    rf"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor)\.?{_GAP}"
    rf"[{_UPPER}][{_LETTERS}'’-]{{0,40}}[{_LOWER}](?![\w'’-])"
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that start a sentence or a phrase and are not part of a place's name.
_LEADING_WORDS = _word_set(
    """
    the a an at in on of to into from by for with our my your their his her its this that these
    those then when while after before during today yesterday tomorrow later earlier we i he
    she they it you visiting visited visit went go going attended attending placement
    placed based working worked staff nurse nurses doctor doctors student students team
    teams patient patients every each some any all both local nearby also and but or so
    """
)

# Capitalised words that start a phrase or name a time, never a person, before ", 20".
_NOT_A_NAME = _word_set(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday the in on at by for from after
    before during since until between year years week weeks term semester level stage module
    unit ward bay bed room page table figure chapter section part strand platform standard
    session group team cohort spring summer autumn winter
    """
)

# Words that describe a kind of ward, hospital or surgery rather than naming one.
_GENERIC_WORDS = _word_set(
    """
    general district community local university teaching cottage private field psychiatric
    mental health children's childrens children’s maternity surgical medical cardiac
    cardiology cardiothoracic renal oncology haematology hematology acute admissions
    admission assessment elderly respiratory orthopaedic orthopedic paediatric pediatric
    neonatal labour postnatal antenatal gynaecology gynaecological gynecology obstetric
    rehabilitation rehab geriatric day short stay isolation male female intensive care
    stroke surgery dental oral minor major emergency elective keyhole robotic laparoscopic
    plastic vascular bariatric colorectal breast upper lower gi hepatobiliary thoracic trauma
    ent maxillofacial eye hand spinal transplant urology urological ophthalmic cosmetic
    reconstructive endocrine neurosurgery neurology gastroenterology infectious diseases
    dementia palliative hospice specialist main new old old-age older adult adults people's
    women's womens women’s men's mens men’s nhs gp virtual
    """
)


def _excerpt(text: str) -> str:
    return text if len(text) <= MAX_EXCERPT else text[: MAX_EXCERPT - 1] + "…"


def _nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_digits_ok(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group())
    if match.group().startswith("+44"):
        national = digits[2:].removeprefix("0")
        return 9 <= len(national) <= 10
    if match.group().startswith("+"):
        return 8 <= len(digits) <= 15
    return 10 <= len(digits) <= 11


def _name_age_ok(match: re.Match[str]) -> bool:
    """A plausible age after something that could be a person's name (not "In March, 20")."""
    if int(match.group("age")) > 120:
        return False
    words = match.group("name").replace(".", " ").split()
    if words[0].rstrip(".") in {"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"}:
        return True
    return not any(word.lower() in _NOT_A_NAME for word in words)


def _place_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Trim leading non-name words; drop the match when only generic words remain."""
    words = list(re.finditer(r"\S+", match.group("name")))
    while words and words[0].group().lower() in _LEADING_WORDS:
        words.pop(0)
    if not words:
        return None
    if all(word.group().lower().rstrip(".") in _GENERIC_WORDS for word in words):
        return None
    return match.start() + words[0].start(), match.end()


def _candidates(text: str) -> Iterator[tuple[str, int, int]]:
    """Every (kind, start, end) the patterns find, in order of precedence."""
    simple: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool] | None], ...] = (
        ("email", _EMAIL, None),
        ("phone", _PHONE, _phone_digits_ok),
    )
    for kind, pattern, accept in simple:
        for match in pattern.finditer(text):
            if accept is None or accept(match):
                yield kind, match.start(), match.end()
    for match in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        kind = "nhs_number" if _nhs_check_digit_ok(digits) else "long_number"
        yield kind, match.start(), match.end()
    ordered: tuple[tuple[str, re.Pattern[str]], ...] = (
        ("hospital_number", _HOSPITAL_NUMBER),
        ("postcode", _POSTCODE),
        ("postcode", _POSTCODE_LOWER),
        ("date_of_birth", _DATE_OF_BIRTH),
        ("date", _DATE),
    )
    for kind, pattern in ordered:
        for match in pattern.finditer(text):
            yield kind, match.start(), match.end()
    for match in _NAME_AGE.finditer(text):
        if _name_age_ok(match):
            end = match.end("age")
            closing = text.find(")", end, match.end() + 1)
            if "(" in text[match.end("name") : match.start("age")] and closing != -1:
                end = closing + 1  # "John Smith (82)": the excerpt keeps its bracket
            yield "name_age", match.start(), end
    later: tuple[tuple[str, re.Pattern[str]], ...] = (
        ("age", _AGE),
        ("bed", _BED),
        ("place", _WARD_NUMBER),
    )
    for kind, pattern in later:
        for match in pattern.finditer(text):
            yield kind, match.start(), match.end()
    for match in _NAMED_PLACE.finditer(text):
        span = _place_span(match)
        if span is not None:
            yield "place", span[0], span[1]
    for match in _TITLED_NAME.finditer(text):
        yield "titled_name", match.start(), match.end()


def find_identifiers(text: str) -> list[Finding]:
    """Find text that may identify a person, in reading order, without overlaps.

    When two patterns cover the same characters, the one earlier in :data:`KINDS` wins (an
    NHS number is not also reported as a date, a DOB is not also reported as a date).
    """
    claimed = bytearray(len(text))
    findings: list[Finding] = []
    for kind, start, end in _candidates(text):
        if end <= start or claimed.find(1, start, end) != -1:
            continue
        claimed[start:end] = b"\x01" * (end - start)
        findings.append(Finding(kind, start, end, _excerpt(text[start:end]), ADVICE[kind]))
    findings.sort(key=lambda finding: finding.start)
    return findings


def summarise(findings: Sequence[Finding]) -> str:
    """One or two sentences for a dialog: what was found, counted by kind, and the next step."""
    if not findings:
        return (
            "No likely identifiers found. The check cannot catch everything (first names, rare "
            "conditions, job titles in a small team), so read your text once more before sharing."
        )
    counts = Counter(finding.kind for finding in findings)
    parts: list[str] = []
    for kind in (*KINDS, *sorted(set(counts) - set(KINDS))):
        count = counts.get(kind, 0)
        if count:
            singular, plural = KIND_LABELS.get(kind, (kind, kind))
            parts.append(f"{count} {singular if count == 1 else plural}")
    total = len(findings)
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    noun = "possible identifier" if total == 1 else "possible identifiers"
    return (
        f"{total} {noun}: {listed}. Anonymise before you share or export: use 'the patient', "
        "life stages instead of ages, no dates, and no names of wards, hospitals or practices."
    )
