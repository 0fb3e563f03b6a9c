"""The patient-identifier guard: what it flags, what it leaves alone, and that it stays fast."""

from __future__ import annotations

import itertools
import random
import time

import pytest

from portfolio_app.core.domain.privacy_guard import (
    ADVICE,
    KIND_LABELS,
    KINDS,
    MAX_EXCERPT,
    Finding,
    find_identifiers,
    summarise,
)


def nhs_check_digit(nine: str) -> int | None:
    """Independent modulus-11 check digit (None when no valid number has these digits)."""
    total = sum(int(digit) * (10 - index) for index, digit in enumerate(nine))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


# (kind, text, the excerpt that must be found)
POSITIVES: list[tuple[str, str, str]] = [
    ("nhs_number", "NHS no. 943 476 5919 on the drug chart", "943 476 5919"),
    ("nhs_number", "number 943-476-5919 was on the letter", "943-476-5919"),
    ("nhs_number", "ref 9434765919.", "9434765919"),
    ("long_number", "a number 943 476 5910 appeared", "943 476 5910"),
    ("long_number", "call ref 1234567890 today", "1234567890"),
    ("hospital_number", "the band said RX1234567 and", "RX1234567"),
    ("hospital_number", "hospital number RX1234567 on the band", "hospital number RX1234567"),
    ("hospital_number", "Her K1234567 wristband", "K1234567"),
    ("hospital_number", "MRN 12345678 was wrong", "MRN 12345678"),
    ("hospital_number", "his hospital no. 123456 was", "hospital no. 123456"),
    ("date_of_birth", "DOB 12/03/1941, lives alone", "DOB 12/03/1941"),
    ("date_of_birth", "D.O.B.: 3 March 1941", "D.O.B.: 3 March 1941"),
    ("date_of_birth", "date of birth 1941-03-12 checked", "date of birth 1941-03-12"),
    ("date_of_birth", "she was born in 1941 and", "born in 1941"),
    ("date", "seen on 14/02/2024 in clinic", "14/02/2024"),
    ("date", "seen on 14.2.24 in clinic", "14.2.24"),
    ("date", "on 3 March 2024 we met", "3 March 2024"),
    ("date", "on the 21st of June we met", "21st of June"),
    ("date", "admitted 2024-02-14 overnight", "2024-02-14"),
    ("date", "until March 5th, 2024 only", "March 5th, 2024"),
    ("age", "a man aged 84 with", "aged 84"),
    ("age", "She was aged 84.", "aged 84"),
    ("age", "an 84-year-old woman", "84-year-old"),
    ("age", "an 84 year old woman", "84 year old"),
    ("age", "84 y/o male", "84 y/o"),
    ("age", "84yo with chest pain", "84yo"),
    ("age", "a 6-month-old baby", "6-month-old"),
    ("age", "at the age of 90 she", "age of 90"),
    ("postcode", "lives near LE1 7RH with", "LE1 7RH"),
    ("postcode", "moved to SW1A 1AA last", "SW1A 1AA"),
    ("postcode", "from M1 1AE originally", "M1 1AE"),
    # Issue 11: lower-case postcodes, trust-coded hospital numbers, names with ages, beds.
    ("postcode", "her flat at le1 7rh was", "le1 7rh"),
    ("postcode", "near dn55 1pt and", "dn55 1pt"),
    ("hospital_number", "band read RX1 234567 so", "RX1 234567"),
    ("hospital_number", "MRN: RX1-2345678 on the notes", "RX1-2345678"),
    ("name_age", "Mrs Smith, 82, was admitted", "Mrs Smith, 82"),
    ("name_age", "Handover: John Smith, 82, lives alone", "John Smith, 82"),
    ("name_age", "Saw Margaret O'Neill (79) in clinic", "Margaret O'Neill (79)"),
    ("name_age", "Mr S, 82 y/o.", "Mr S, 82"),
    ("name_age", "Zoë Ñúñez-Wróbel, 21, attended", "Zoë Ñúñez-Wróbel, 21"),
    ("bed", "the man in bed 4 asked", "bed 4"),
    ("bed", "moved to Bay B overnight", "Bay B"),
    ("bed", "Bed 12 was empty", "Bed 12"),
    ("bed", "isolated in side room 3 because", "side room 3"),
    ("bed", "cubicle no. 5 again", "cubicle no. 5"),
    ("place", "on Ward 7 that week", "Ward 7"),
    ("place", "transferred to ward 23B", "ward 23B"),
    ("place", "on Kinmos Ward we", "Kinmos Ward"),
    ("place", "at Leicester Royal Infirmary for", "Leicester Royal Infirmary"),
    ("place", "at St Mary's Hospital for", "St Mary's Hospital"),
    ("place", "Yesterday Glenfield Hospital was busy", "Glenfield Hospital"),
    ("place", "registered at Highfields Medical Centre", "Highfields Medical Centre"),
    ("place", "went to Evington Surgery", "Evington Surgery"),
    ("place", "placed at Oakwood GP practice", "Oakwood GP practice"),
    ("place", "lived at Sunnyside Care Home", "Sunnyside Care Home"),
    ("titled_name", "I spoke to Mr Smith about", "Mr Smith"),
    ("titled_name", "and Mrs O'Neill agreed", "Mrs O'Neill"),
    ("titled_name", "Dr Patel explained", "Dr Patel"),
    ("titled_name", "Ms Ng, the pharmacist", "Ms Ng"),
    ("titled_name", "Prof. Łukasiewicz said", "Prof. Łukasiewicz"),
    ("phone", "rang 0116 258 5000 for", "0116 258 5000"),
    ("phone", "mobile 07700 900123 was", "07700 900123"),
    ("phone", "dial +44 (0)116 258 5000 now", "+44 (0)116 258 5000"),
    ("phone", "dial +44 7700 900123 now", "+44 7700 900123"),
    ("email", "emailed jo.bloggs@nhs.net about", "jo.bloggs@nhs.net"),
    ("email", "(a.b-c+d@example.co.uk)", "a.b-c+d@example.co.uk"),
]

NEGATIVES: list[str] = [
    "I was 3 minutes late to the huddle.",
    "The placement lasted 2 days.",
    "In week 4 we had the SBAR simulation.",
    "As a year 2 student I led the handover.",
    "We used SBAR with readback.",
    "This links to IPEC VE3 and RR4, and to TT1-TT11 in 2016.",
    "I checked name and DOB against the wristband.",
    "Mr",
    "Mr X and Mrs A, as I will call them, were anonymised.",
    "The patient was an older adult in her eighties.",
    "We met on the ward and then went on the ward round.",
    "The Ward was quiet; a hospital can be a lonely place.",
    "She was admitted to a GP practice list and seen at the GP surgery.",
    "I observed General Surgery and Day Surgery teams.",
    "The Stroke Ward and the Children's Hospital are generic names.",
    "Between 2019 and 2024 the guidance changed.",
    "The score was 12/20 and the dose 0.5 mg at 10:30.",
    "Page 12, stage 3, step 4 of 10.",
    "It took 45 minutes; 3 of 5 students attended.",
    "Age UK leaflets were on the table.",
    "In March 2024 I started my placement.",
    "The Leicester Model of IPE brings 24-32 students together.",
    "C1 and VE10 were the competencies I linked.",
    "We used version 1.2.3 of the form.",
    "I may ask the pharmacist next time; May was busy.",
    "She is an MS nurse specialist.",
    "The Code has four themes.",
    "Population 12345 is a small town.",
    # Near misses for the issue 11 patterns: no name, a time, a count, a heading.
    "In March, 20 students came to the workshop.",
    "On Monday, 12 of us met the Patient & Carer Group.",
    "Strand 1, 2 and 3 each have outcomes; Year 2, 20 credits.",
    "The Stroke Unit, 12 beds, had one side room free.",
    "I stayed in bed 2 hours longer than planned.",
    "The bay was busy and the beds were full.",
    "Figure 2, 3 and Table 1, 4 in the handbook.",
    "Platform 5, 12 statements, covers leadership.",
    "She said the bed was too low for her.",
    "Our team (6) presented to the ward team.",
]


def test_a_name_without_an_age_stays_a_name_and_an_age_over_120_is_not_one() -> None:
    found = find_identifiers("The rota changed; Mr Jones, the charge nurse, agreed.")
    assert [(f.kind, f.excerpt) for f in found] == [("titled_name", "Mr Jones")]
    assert [f.kind for f in find_identifiers("Mrs Smith, 320, was the count")] == ["titled_name"]
    summary = summarise(find_identifiers("Mrs Smith, 82, in bed 4 at LE1 7RH"))
    assert "1 name with an age" in summary and "1 bed or bay number" in summary


@pytest.mark.parametrize(("kind", "text", "excerpt"), POSITIVES, ids=[p[2] for p in POSITIVES])
def test_identifier_is_found_with_its_kind_and_exact_span(
    kind: str, text: str, excerpt: str
) -> None:
    findings = find_identifiers(text)
    assert [(f.kind, f.excerpt) for f in findings] == [(kind, excerpt)]
    finding = findings[0]
    assert text[finding.start : finding.end] == excerpt
    assert finding.advice == ADVICE[kind]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_prose_is_not_flagged(text: str) -> None:
    assert find_identifiers(text) == []


def test_table_is_large_enough_and_covers_every_kind() -> None:
    assert len(POSITIVES) + len(NEGATIVES) >= 30
    assert {kind for kind, _text, _excerpt in POSITIVES} == set(KINDS)
    assert set(KINDS) == set(ADVICE) == set(KIND_LABELS)


def test_nhs_check_digit_decides_between_nhs_number_and_long_number() -> None:
    rng = random.Random(2015)
    seen = {"nhs_number": 0, "long_number": 0}
    for _ in range(300):
        nine = "".join(rng.choice("0123456789") for _ in range(9))
        nine = str(rng.choice("4679")) + nine[1:]  # no leading 0: that reads as a phone number
        expected = nhs_check_digit(nine)
        last = expected if expected is not None and rng.random() < 0.5 else rng.randrange(10)
        number = f"{nine[:3]} {nine[3:6]} {nine[6:]}{last}"
        kind = "nhs_number" if last == expected else "long_number"
        assert [f.kind for f in find_identifiers(f"ref {number} x")] == [kind], number
        seen[kind] += 1
    assert min(seen.values()) > 50  # both branches were really exercised


def test_check_digit_of_ten_is_never_valid() -> None:
    nine = next(
        n
        for n in (f"{i:09d}" for i in range(400_000_000, 400_001_000))
        if nhs_check_digit(n) is None
    )
    for last in "0123456789":
        assert find_identifiers(f"{nine}{last}")[0].kind == "long_number"


def test_a_date_of_birth_is_not_reported_twice_as_a_date() -> None:
    findings = find_identifiers("DOB 12/03/1941 and seen 14/02/2024")
    assert [f.kind for f in findings] == ["date_of_birth", "date"]


def test_findings_come_in_reading_order_without_overlaps() -> None:
    text = (
        "Mrs O'Neill (aged 84, NHS 943 476 5919) from LE1 7RH was on Kinmos Ward at "
        "Leicester Royal Infirmary on 3 March 2024; her GP at Evington Surgery rang 0116 258 5000."
    )
    findings = find_identifiers(text)
    assert [f.kind for f in findings] == [
        "titled_name",
        "age",
        "nhs_number",
        "postcode",
        "place",
        "place",
        "date",
        "place",
        "phone",
    ]
    for earlier, later in itertools.pairwise(findings):
        assert earlier.end <= later.start


def test_long_excerpts_are_cut() -> None:
    email = "a" * 60 + "@" + "b" * 60 + ".org"
    finding = find_identifiers(email)[0]
    assert finding.kind == "email"
    assert len(finding.excerpt) == MAX_EXCERPT and finding.excerpt.endswith("…")
    assert finding.end - finding.start == len(email)


def test_summary_counts_each_kind_and_says_what_to_do() -> None:
    findings = find_identifiers("Mr Smith, aged 84, and Dr Patel, 943 476 5919.")
    summary = summarise(findings)
    assert summary.startswith("4 possible identifiers: 1 NHS number, 1 exact age and 2 names")
    assert "life stages" in summary
    single = summarise(find_identifiers("aged 84"))
    assert single.startswith("1 possible identifier: 1 exact age.")
    assert summarise([]).startswith("No likely identifiers found")


def test_summary_accepts_kinds_it_does_not_know() -> None:
    summary = summarise([Finding("custom", 0, 1, "x", "advice")])
    assert summary.startswith("1 possible identifier: 1 custom.")


# --- robustness and speed ------------------------------------------------------------------------

_FUZZ_PIECES = [
    "Mr ", "Mrs ", "Dr ", "Ward ", "ward ", " Hospital", " Surgery", " GP practice", "St ",
    "aged ", "-year-old", " y/o", "DOB ", "born in ", "@", ".", "-", "/", " ", "\n", "(0)",
    "+44", "0", "1", "2", "3", "9", "07700", "LE1", " 7RH", "RX", "NHS", "March", "May",
    "Kinmos", "O'", "é", "Ł", "’", "\t", ":", ",", "Smith", "A", "z", "\x00", "🙂",
]  # fmt: skip


def test_random_text_never_raises_and_findings_are_consistent() -> None:
    rng = random.Random(20240301)
    for _ in range(3000):
        text = "".join(rng.choice(_FUZZ_PIECES) for _ in range(rng.randrange(0, 60)))
        findings = find_identifiers(text)
        previous_end = 0
        for finding in findings:
            assert finding.kind in KINDS
            assert 0 <= previous_end <= finding.start < finding.end <= len(text)
            matched = text[finding.start : finding.end]
            assert finding.excerpt == matched or finding.excerpt.endswith("…")
            previous_end = finding.end
        assert isinstance(summarise(findings), str)


def _hostile_inputs(size: int) -> dict[str, str]:
    rng = random.Random(7)
    return {
        "letters": "a" * size,
        "digits": "0" * size,
        "spaced digits": "1 " * (size // 2),
        "capitals": "A " * (size // 2),
        "capital words": "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa " * (size // 34),
        "dotted": "a." * (size // 2),
        "at signs": "a@" * (size // 2),
        "pluses": "+4" * (size // 2),
        "dashes": "1-" * (size // 2),
        "slashes": "12/12/" * (size // 6),
        "spaces": " " * size,
        "titles": "Mr Aa " * (size // 6),
        "wards": "Kinmos Ward " * (size // 12),
        "saints": "St. " * (size // 4),
        "random": "".join(rng.choice(_FUZZ_PIECES) for _ in range(size // 3))[:size],
    }


def test_scanning_200_kb_of_hostile_text_is_fast() -> None:
    worst = 0.0
    for name, text in _hostile_inputs(200_000).items():
        assert len(text) >= 190_000, name
        started = time.perf_counter()
        find_identifiers(text)
        worst = max(worst, time.perf_counter() - started)
    # Measured at ~0.2 s; a quadratic pattern would take minutes on these inputs.
    assert worst < 3.0


def test_scan_time_grows_linearly() -> None:
    text = _hostile_inputs(400_000)["random"]
    timings = []
    for size in (50_000, 400_000):
        started = time.perf_counter()
        find_identifiers(text[:size])
        timings.append(time.perf_counter() - started)
    assert timings[1] < timings[0] * 8 * 4 + 0.05  # 8x the text, well under 32x the time
