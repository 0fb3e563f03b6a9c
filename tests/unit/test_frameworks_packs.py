"""Framework value objects, the resource accessor, bundled packs, and pack import/export."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.frameworks import Element, Framework, Standard
from portfolio_app.core.domain.privacy_guard import find_identifiers
from portfolio_app.core.framework_packs import (
    MAX_PACK_BYTES,
    FrameworkPackError,
    framework_to_matrix_json,
    get_builtin_framework,
    load_builtin_frameworks,
    parse_framework_pack,
)
from portfolio_app.core.resources import (
    iter_resources,
    read_resource_bytes,
    resource_path,
    resources_root,
)

PACKS_DIR = Path(__file__).resolve().parents[1] / "data" / "packs"
FACTS_FILE = Path("/work/shared/data/frameworks-facts.json")

# The codes each bundled pack may offer: only codes verified in the facts file.
EXPECTED_CODES: dict[str, dict[str, list[str]]] = {
    "ipec-2023": {
        "VE": [f"VE{n}" for n in range(1, 11) if n != 2],
        "RR": [f"RR{n}" for n in range(1, 6)],
        "C": ["C1"],
        "TT": [],
    },
    "ipec-2016": {
        "VE": [],
        "RR": [],
        "CC": [f"CC{n}" for n in range(1, 9)],
        "TT": [f"TT{n}" for n in range(1, 12)],
    },
    "cihc-2010": {
        key: []
        for key in (
            "role-clarification",
            "patient-centred-care",
            "team-functioning",
            "collaborative-leadership",
            "ip-communication",
            "ip-conflict-resolution",
        )
    },
    "cihc-2024": {
        key: []
        for key in (
            "relationship-focused-care",
            "team-communication",
            "role-clarification-negotiation",
            "team-functioning",
            "team-differences",
            "collaborative-leadership",
        )
    },
    "cuilu-2004": {
        key: []
        for key in (
            "ethical-practice",
            "knowledge-in-practice",
            "interprofessional-working",
            "reflection",
        )
    },
    "nmc-code-2018": {
        key: []
        for key in (
            "prioritise-people",
            "practise-effectively",
            "preserve-safety",
            "promote-professionalism-trust",
        )
    },
    # NMC Future nurse: platforms 1-7 with every numbered statement; the annexes as wholes.
    "nmc-fn-2018": {
        **{
            str(platform): [f"{platform}.{n}" for n in range(1, count + 1)]
            for platform, count in ((1, 20), (2, 12), (3, 16), (4, 18), (5, 12), (6, 12), (7, 13))
        },
        "A": [],
        "B": [],
    },
    "gmc-ofg-2018": {
        "1": [
            "professional-ethical",
            "legal",
            "safety-qi",
            "complexity",
            "safeguarding",
            "leadership-teams",
        ],
        "2": ["communication", "diagnosis-management", "prescribing", "information"],
        "3": [
            "health-systems",
            "biomedical",
            "psychological",
            "social-science",
            "health-promotion",
            "research",
        ],
    },
    "hcpc-sop-2023": {
        "1": ["1.2"],
        "2": ["2.1", "2.2", "2.3", "2.5", "2.6"],
        "3": ["3.2", "3.4"],
        "5": [f"5.{n}" for n in range(1, 8)],
        "6": ["6.4"],
        "7": ["7.1", "7.4", "7.5"],
        "8": ["8.6", "8.7", "8.8", "8.9"],
        "15": [f"15.{n}" for n in range(1, 5)],
    },
    "gphc-2021": {"person-centred-care": [], "professional-practice": []},
}


def pack_bytes(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def minimal_pack(**top: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "framework": {
            "name": "Tiny",
            "standards": [
                {
                    "shortname": "A",
                    "name": "Alpha",
                    "standardelement": [{"shortname": "A1", "name": "First"}],
                }
            ],
        }
    }
    document.update(top)
    return document


def by_id() -> dict[str, Framework]:
    return {framework.id: framework for framework in load_builtin_frameworks()}


# --- domain objects ---------------------------------------------------------------------------


def make_framework(**changes: Any) -> Framework:
    values: dict[str, Any] = {
        "id": "demo",
        "name": "Demo framework",
        "short_name": "Demo",
        "publisher": "Nobody",
        "year": 2024,
        "version": "1",
        "source_url": "https://example.org",
        "licence_note": "made up",
        "description": "",
        "standards": (
            Standard("S", "Standard S", "", (Element("S1", "One"), Element("S2", "Two"))),
            Standard("T", "Standard T", "", ()),
        ),
        "builtin": False,
    }
    values.update(changes)
    return Framework(**values)


def test_linkable_lists_each_standard_then_its_elements_and_keeps_empty_standards() -> None:
    framework = make_framework()
    assert framework.linkable() == (
        ("S", "S: Standard S", "S"),
        ("S1", "S1: One", "S"),
        ("S2", "S2: Two", "S"),
        ("T", "T: Standard T", "T"),
    )


def test_find_and_label_cover_standards_elements_and_unknown_codes() -> None:
    framework = make_framework()
    assert framework.find("S2") == Element("S2", "Two")
    assert isinstance(framework.find("T"), Standard)
    assert framework.find("nope") is None
    assert framework.label("nope") == "nope"
    assert framework.standard_of("S1") is framework.standards[0]


def test_labels_leave_out_our_own_keys() -> None:
    framework = make_framework(codes_official=False)
    assert framework.label("S1") == "One"
    mixed = make_framework(unofficial_codes=("T",))
    assert mixed.label("T") == "Standard T"
    assert mixed.label("S1") == "S1: One"


def test_duplicate_codes_are_refused_by_the_domain() -> None:
    twice = (Standard("S", "S", "", (Element("S", "clash"),)),)
    with pytest.raises(ValueError, match="used twice"):
        make_framework(standards=twice)


def test_element_parent_must_be_in_the_same_standard() -> None:
    orphan = (Standard("S", "S", "", (Element("S1", "one", parent="X9"),)),)
    with pytest.raises(ValueError, match="parent"):
        make_framework(standards=orphan)


# --- resources --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        ("/etc/passwd",),
        ("..", "pyproject.toml"),
        ("frameworks/../../pyproject.toml",),
        ("frameworks\\ipec-2023.json",),
        ("C:/Windows",),
        (),
        ("", "."),
    ],
)
def test_resource_names_that_could_escape_are_refused(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        resource_path(*parts)


def test_resources_read_from_the_checkout_in_an_editable_install() -> None:
    assert resource_path("frameworks", "ipec-2023.json").is_file()
    assert read_resource_bytes("frameworks/ipec-2023.json").startswith(b"{")
    names = [item.name for item in iter_resources("frameworks")]
    assert names == sorted(names)
    assert "LICENCES.md" in names
    with pytest.raises(FileNotFoundError):
        read_resource_bytes("frameworks", "no-such-pack.json")
    assert list(iter_resources("no-such-folder")) == []


def test_packaged_resources_win_over_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "resources" / "frameworks").mkdir(parents=True)
    (tmp_path / "resources" / "frameworks" / "only-here.json").write_text("{}")
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    resources_root.cache_clear()
    try:
        assert read_resource_bytes("frameworks", "only-here.json") == b"{}"
    finally:
        monkeypatch.undo()
        resources_root.cache_clear()
    assert not resource_path("frameworks", "only-here.json").is_file()


# --- bundled packs ----------------------------------------------------------------------------


def test_every_bundled_pack_loads_with_source_licence_and_attribution() -> None:
    frameworks = load_builtin_frameworks()
    assert {f.id for f in frameworks} == set(EXPECTED_CODES)
    for framework in frameworks:
        assert framework.builtin
        assert framework.source_url.startswith("https://"), framework.id
        assert len(framework.licence_note) > 20, framework.id
        assert framework.attribution, framework.id
        assert framework.publisher and framework.year, framework.id
        assert framework.text_kind == "paraphrase", framework.id
        assert framework.notes, framework.id
        assert any("paraphrase" in note for note in framework.notes), framework.id


def test_every_pack_file_is_named_after_its_id_and_listed_in_licences() -> None:
    licences = read_resource_bytes("frameworks", "LICENCES.md").decode("utf-8")
    for item in iter_resources("frameworks"):
        if item.name.endswith(".json"):
            pack_id = item.name.removesuffix(".json")
            assert get_builtin_framework(pack_id) is not None
            assert f"`{pack_id}`" in licences


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_CODES))
def test_bundled_pack_offers_exactly_the_verified_codes(pack_id: str) -> None:
    framework = by_id()[pack_id]
    actual = {s.code: [e.code for e in s.elements] for s in framework.standards}
    assert actual == EXPECTED_CODES[pack_id]


def test_ipec_2023_links_tt_as_a_whole_and_holds_back_unverified_codes() -> None:
    ipec = by_id()["ipec-2023"]
    linkable = {code: standard for code, _label, standard in ipec.linkable()}
    assert linkable["C"] == "C" and linkable["TT"] == "TT"
    for unverified in ("VE2", "C2", "C7", "C8", "TT1", "TT10", "TT11"):
        assert ipec.find(unverified) is None
    assert "VE2" in ipec.partial_note and "after C1" in ipec.partial_note
    assert [s.code for s in ipec.whole_only_standards()] == ["TT"]
    assert ipec.label("VE3").startswith("VE3: Protect people's dignity")
    assert ipec.completeness_text() == (
        "IPEC 2023: 15 of its 33 sub-competencies are listed in this pack; import the full "
        "framework from your course to link to the rest."
    )


def test_packs_without_official_codes_say_so_and_show_names_only() -> None:
    frameworks = by_id()
    for pack_id in ("cihc-2010", "cihc-2024", "cuilu-2004", "nmc-code-2018", "gphc-2021"):
        framework = frameworks[pack_id]
        assert not framework.codes_official
        assert any("own keys" in note for note in framework.notes), pack_id
        first = framework.standards[0]
        assert framework.label(first.code) == first.name
    ipec_2016 = frameworks["ipec-2016"]
    assert ipec_2016.find("interprofessional-communication") is None  # the old key is gone
    assert ipec_2016.label("CC4").startswith("CC4: Listen actively")
    assert ipec_2016.label("TT8").startswith("TT8: ")
    gmc = frameworks["gmc-ofg-2018"]
    assert gmc.label("1") == "1: Professional values and behaviours"
    assert gmc.label("leadership-teams") == "Leadership and team working"  # our key, hidden


def test_pack_texts_match_the_facts_file_when_it_is_available() -> None:
    """Facts in the shared file are kept; what the packs add beyond it names its own source."""
    if not FACTS_FILE.is_file():
        pytest.skip("shared facts file not available here")
    facts = json.loads(FACTS_FILE.read_text(encoding="utf-8"))["frameworks"]
    frameworks = by_id()
    renamed = {"cuilu-icf-2004": "cuilu-2004"}
    for fact in facts:
        framework = frameworks[renamed.get(fact["id"], fact["id"])]
        assert framework.name == fact["name"]
        assert framework.licence_note == fact["licence_note"]
        assert framework.source_url == fact["source_url"]
        assert [s.name for s in framework.standards] == [s["name"] for s in fact["standards"]]
        assert [s.description for s in framework.standards] == [
            s["paraphrase"] for s in fact["standards"]
        ]
        if fact.get("total_elements") is not None:
            assert framework.statement_total == fact["total_elements"]
        for standard, fact_standard in zip(framework.standards, fact["standards"], strict=True):
            if fact_standard.get("element_count") is not None:
                assert standard.element_total == fact_standard["element_count"], standard.code
            known = {e["code"]: e["paraphrase"] for e in fact_standard["elements"]}
            for element in standard.elements:
                if element.code in known:
                    paraphrase = known[element.code]
                    assert paraphrase is not None, f"{element.code} has no confirmed meaning"
                    assert element.name.lower() == paraphrase.lower()
                else:  # confirmed after the facts file was written: the pack says where
                    assert len(element.source) > 30, element.code


def test_bundled_pack_texts_raise_no_privacy_warnings() -> None:
    for framework in load_builtin_frameworks():
        texts = [framework.description, *framework.notes]
        for standard in framework.standards:
            texts += [standard.name, standard.description]
            texts += [t for e in standard.elements for t in (e.name, e.description)]
        assert [find_identifiers(t) for t in texts if find_identifiers(t)] == [], framework.id


def _raw_pack(pack_id: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(read_resource_bytes("frameworks", f"{pack_id}.json"))
    return document


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_CODES))
def test_bundled_pack_codes_are_unique_and_counts_match_its_declared_totals(pack_id: str) -> None:
    raw = _raw_pack(pack_id)
    standards = raw["framework"]["standards"]
    codes = [s["shortname"] for s in standards]
    codes += [e["shortname"] for s in standards for e in s["standardelement"]]
    assert len(codes) == len(set(codes)), pack_id
    # Every pack says how complete it is: totals per standard and for the framework.
    assert "statement_total" in raw and "listed_statements" in raw, pack_id
    listed = 0
    for standard in standards:
        assert "element_total" in standard, (pack_id, standard["shortname"])
        count = len(standard["standardelement"])
        total = standard["element_total"]
        if total is not None:
            assert count <= total, (pack_id, standard["shortname"])
        listed += count if count else (1 if total == 0 else 0)
    assert raw["listed_statements"] == listed, pack_id
    framework = by_id()[pack_id]
    assert framework.listed_statements == listed
    totals = [s["element_total"] for s in standards]
    if raw["statement_total"] is not None and None not in totals:
        assert raw["statement_total"] == sum(t or 1 for t in totals), pack_id
    # A pack that lists less than the whole framework says so, and says why.
    if framework.is_partial:
        assert framework.completeness_text().endswith(
            "import the full framework from your course to link to the rest."
        )
        assert framework.completeness_details(), pack_id
    else:
        assert framework.listed_statements == framework.statement_total
        assert "all " in framework.completeness_text()


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_CODES))
def test_every_statement_in_a_bundled_pack_has_a_source_note(pack_id: str) -> None:
    framework = by_id()[pack_id]
    for standard in framework.standards:
        assert len(standard.source) > 30, (pack_id, standard.code)
        for element in standard.elements:
            assert len(element.source) > 30, (pack_id, element.code)
            assert element.name.strip() and element.name != element.code, (pack_id, element.code)


def test_partial_and_complete_packs_say_which_they_are() -> None:
    frameworks = by_id()
    assert not frameworks["cihc-2010"].is_partial
    assert frameworks["cihc-2010"].completeness_text() == (
        "CIHC 2010: all 6 of its competency domains are listed in this pack."
    )
    for pack_id in ("ipec-2023", "ipec-2016", "nmc-fn-2018", "gmc-ofg-2018", "hcpc-sop-2023"):
        assert frameworks[pack_id].is_partial, pack_id
    nmc = frameworks["nmc-fn-2018"]
    assert nmc.listed_statements == 103
    assert [s.code for s in nmc.whole_only_standards()] == ["A", "B"]
    assert "Annexe" in nmc.completeness_details()
    assert (
        frameworks["gphc-2021"]
        .completeness_text()
        .startswith("GPhC 2021: none of its learning outcomes are listed one by one")
    )


def test_a_pack_that_miscounts_its_own_statements_is_refused() -> None:
    with pytest.raises(FrameworkPackError, match="says it lists 3 statements, but it lists 1"):
        parse_framework_pack(pack_bytes(minimal_pack(listed_statements=3)), source_name="x")
    too_many = minimal_pack()
    too_many["framework"]["standards"][0]["element_total"] = 0
    with pytest.raises(FrameworkPackError, match="lists 1 elements but says it has 0"):
        parse_framework_pack(pack_bytes(too_many), source_name="x")
    with pytest.raises(FrameworkPackError, match="statement_total 0"):
        parse_framework_pack(pack_bytes(minimal_pack(statement_total=0)), source_name="x")


def test_a_plain_mahara_pack_is_taken_as_complete() -> None:
    framework = parse_framework_pack(pack_bytes(minimal_pack()), source_name="tiny.matrix")
    assert framework.statement_total == 1 and not framework.is_partial
    assert framework.standards[0].element_total == 1


@pytest.mark.parametrize("framework", load_builtin_frameworks(), ids=lambda f: f.id)
def test_bundled_pack_round_trips_through_matrix_json(framework: Framework) -> None:
    data = framework_to_matrix_json(framework)
    again = parse_framework_pack(data, source_name="vault copy", builtin=True)
    assert again == framework
    assert again.linkable() == framework.linkable()
    assert json.loads(data)["framework"]["standards"][0]["shortname"] == framework.standards[0].code


def test_load_builtin_frameworks_is_cached_but_returns_a_fresh_list() -> None:
    first = load_builtin_frameworks()
    first.clear()
    assert load_builtin_frameworks()
    assert load_builtin_frameworks()[0] is load_builtin_frameworks()[0]


# --- importing Mahara files ---------------------------------------------------------------------


def test_plain_mahara_example_matrix_imports() -> None:
    data = (PACKS_DIR / "mahara-example.matrix").read_bytes()
    framework = parse_framework_pack(data, source_name="mahara-example.matrix")
    assert framework.id == "example-interprofessional-skills"
    assert not framework.builtin
    assert framework.text_kind == "unspecified"
    assert [s.code for s in framework.standards] == ["Team 1.", "Reflect 2.", "Unused 3."]
    child = framework.find("1.2.1")
    assert isinstance(child, Element) and child.parent == "1.2"
    assert framework.find("1.3") == Element("1.3", "Ask for help", "", None)
    assert ("Unused 3.", "Unused 3.: Elements to be added later", "Unused 3.") in (
        framework.linkable()
    )
    reflect = framework.find("Reflect 2.")
    assert reflect is not None
    assert reflect.description == "Learn from what happened & change.\n- alone\n- with others"
    again = parse_framework_pack(framework_to_matrix_json(framework), source_name="again")
    assert again == framework


def test_flat_mahara_layout_imports_with_parent_element_ids() -> None:
    data = (PACKS_DIR / "mahara-flat.matrix").read_bytes()
    framework = parse_framework_pack(data, source_name="mahara-flat.matrix")
    assert [(s.code, [e.code for e in s.elements]) for s in framework.standards] == [
        ("Care", ["C1", "C1a"]),
        ("Team", ["T1"]),
    ]
    child = framework.find("C1a")
    assert isinstance(child, Element) and child.parent == "C1"


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        (
            "bad-missing-shortname.matrix",
            "framework pack 'bad-missing-shortname.matrix': standard 2 ('Roles') has no shortname",
        ),
        (
            "bad-unknown-parent.matrix",
            "framework pack 'bad-unknown-parent.matrix': standard 1 ('Communication') element 2 "
            "('A2') names parent 'A9', which is not an earlier element of this standard",
        ),
    ],
)
def test_malformed_sample_packs_name_the_problem(file_name: str, message: str) -> None:
    with pytest.raises(FrameworkPackError) as caught:
        parse_framework_pack((PACKS_DIR / file_name).read_bytes(), source_name=file_name)
    assert str(caught.value) == message
    assert caught.value.user_message == message
    assert isinstance(caught.value, PortfolioError)


def _with_standard(**standard: Any) -> dict[str, Any]:
    return {"framework": {"name": "X", "standards": [standard]}}


BAD_PACKS: list[tuple[str, bytes, str]] = [
    ("empty", b"", "is empty"),
    ("not utf-8", b'{"framework": {"name": "\xff"}}', "is not UTF-8 text"),
    ("not json", b"{framework: 1}", "is not valid JSON"),
    ("nan", b'{"framework": {"name": "X", "standards": [], "x": NaN}}', "NaN"),
    ("list", b"[]", "is not a JSON object"),
    ("no framework", pack_bytes({"id": "x"}), "has no 'framework' object"),
    ("duplicate key", b'{"framework": {"name": "A", "name": "B"}}', "has the key 'name' twice"),
    ("no name", pack_bytes({"framework": {"standards": []}}), "framework has no name"),
    ("blank name", pack_bytes({"framework": {"name": "  ", "standards": []}}), "has no name"),
    ("name not text", pack_bytes({"framework": {"name": 5}}), "has a name that is not text"),
    ("no standards", pack_bytes({"framework": {"name": "X", "standards": []}}), "no standards"),
    (
        "standard not object",
        pack_bytes({"framework": {"name": "X", "standards": ["A"]}}),
        "standard 1 is not a JSON object",
    ),
    ("standard without name", pack_bytes(_with_standard(shortname="A")), "has no name"),
    (
        "long code",
        pack_bytes(_with_standard(shortname="A" * 101, name="Alpha")),
        "shortname longer than 100",
    ),
    (
        "elements not a list",
        pack_bytes(_with_standard(shortname="A", name="Alpha", standardelement={})),
        "standardelement that is not a list",
    ),
    (
        "element without shortname",
        pack_bytes(_with_standard(shortname="A", name="Alpha", standardelement=[{"name": "x"}])),
        "standard 1 ('Alpha') element 1 has no shortname",
    ),
    (
        "duplicate code",
        pack_bytes(
            _with_standard(
                shortname="A",
                name="Alpha",
                standardelement=[{"shortname": "A", "name": "clash"}],
            )
        ),
        "uses the code 'A', already used by standard 1 ('Alpha')",
    ),
    (
        "parent true first",
        pack_bytes(
            _with_standard(
                shortname="A",
                name="Alpha",
                standardelement=[{"shortname": "A1", "name": "x", "parent": True}],
            )
        ),
        "parent: true, but no earlier top-level element",
    ),
    (
        "parent of wrong type",
        pack_bytes(
            _with_standard(
                shortname="A",
                name="Alpha",
                standardelement=[{"shortname": "A1", "name": "x", "parent": 3}],
            )
        ),
        "parent that is not true, false",
    ),
    (
        "priority not a number",
        pack_bytes(_with_standard(shortname="A", name="Alpha", priority="first")),
        "priority that is not a whole number",
    ),
    (
        "flat element with unknown standard",
        pack_bytes(
            {
                "framework": {
                    "name": "X",
                    "standards": [{"shortname": "A", "name": "Alpha", "standardid": 1}],
                    "standardelements": [{"shortname": "A1", "name": "x", "standardid": 7}],
                }
            }
        ),
        "standard element 1 names standardid 7, which no standard has",
    ),
    ("bad id", pack_bytes(minimal_pack(id="Not An Id")), "use lower-case letters"),
    ("year is a bool", pack_bytes(minimal_pack(year=True)), "year that is not a whole number"),
    ("year implausible", pack_bytes(minimal_pack(year=20)), "not a plausible publication year"),
    ("text kind", pack_bytes(minimal_pack(text_kind="verbatim")), "has text_kind 'verbatim'"),
    (
        "unknown unofficial code",
        pack_bytes(minimal_pack(unofficial_codes=["Z"])),
        "lists 'Z' in unofficial_codes",
    ),
    ("notes not list", pack_bytes(minimal_pack(notes="x")), "notes that is not a list"),
    ("newer format", pack_bytes(minimal_pack(pack_format=99)), "uses pack format 99"),
    ("codes flag", pack_bytes(minimal_pack(codes_official="yes")), "codes_official that is not"),
    ("deep nesting", b'{"framework": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
    ("too big", b" " * (MAX_PACK_BYTES + 1), "the limit is 2 MB"),
]


@pytest.mark.parametrize(("case", "data", "fragment"), BAD_PACKS, ids=[c[0] for c in BAD_PACKS])
def test_bad_packs_raise_one_line_errors_naming_the_problem(
    case: str, data: bytes, fragment: str
) -> None:
    with pytest.raises(FrameworkPackError) as caught:
        parse_framework_pack(data, source_name="upload.matrix")
    message = str(caught.value)
    assert message.startswith("framework pack 'upload.matrix': "), case
    assert fragment in message, message
    assert "\n" not in message


def test_minimal_pack_is_accepted_and_derives_defaults() -> None:
    framework = parse_framework_pack(pack_bytes(minimal_pack()), source_name="tiny.matrix")
    assert (framework.id, framework.short_name, framework.codes_official) == ("tiny", "Tiny", True)
    assert framework.linkable() == (("A", "A: Alpha", "A"), ("A1", "A1: First", "A"))


def test_non_latin_names_get_a_stable_id() -> None:
    document = minimal_pack()
    document["framework"]["name"] = "協働"
    first = parse_framework_pack(pack_bytes(document), source_name="a").id
    assert first == parse_framework_pack(pack_bytes(document), source_name="b").id
    assert first.startswith("framework-")


def test_hostile_text_is_reduced_to_plain_text() -> None:
    document = minimal_pack()
    document["framework"]["description"] = '<script>alert(1)</script><img src="x" onerror="y">ok'
    document["framework"]["standards"][0]["name"] = "Alpha\x00\x07 <b>bold</b>"
    framework = parse_framework_pack(pack_bytes(document), source_name="x")
    assert framework.description == "alert(1)ok"
    assert framework.standards[0].name == "Alpha bold"
