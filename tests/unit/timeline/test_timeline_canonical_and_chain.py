"""The chain's exact bytes: canonical JSON (RFC 8785 vectors), link hashes pinned, checks."""

from __future__ import annotations

import hashlib
import json

import pytest

from portfolio_app.core.timeline.canonical import CanonicalFormError, canonical_json
from portfolio_app.core.timeline.chain import (
    EntryTimeline,
    check_head_content,
    content_digest,
    entry_content,
    links_from_json,
    make_link,
    portfolio_head,
    summarise,
)

ENTRY = {
    "id": "e1",
    "kind": "reflection",
    "title": "What the chaplain said",
    "status": "draft",
    "template": "free",
    "created": "2026-03-13T18:00:00+00:00",
    "updated": "2026-03-15T18:00:00+00:00",
    "occurred_on": "2026-03-12T12:00:00+00:00",
    "plan_id": None,
    "sections": [{"key": "what", "heading": "What?", "body": "Everyone listened."}],
    "event_ids": ["ev1"],
    "experience_ids": [],
    "professions": ["Chaplaincy"],
    "tags": ["listening"],
    "competencies": [{"framework": "ipec-2023", "code": "VE3", "self_rating": 3}],
}


def test_string_escaping_is_rfc_8785s() -> None:
    # RFC 8785 §3.2.2.2's example string: only ", \ and controls are escaped, lower-case hex.
    value = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert canonical_json(value) == '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'.encode()


def test_members_are_sorted_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3's sorting example: U+1F600 (a surrogate pair in UTF-16) sorts before
    # U+FB33, although its code point is larger.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_json(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_no_whitespace_and_integers_plain() -> None:
    assert canonical_json({"b": [1, -2, True, None], "a": {}}) == b'{"a":{},"b":[1,-2,true,null]}'


@pytest.mark.parametrize(
    "value", [1.5, float("nan"), 2**53, {1: "x"}, "\ud800", b"bytes", {"a": [object()]}]
)
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalFormError):
        canonical_json(value)


def test_a_link_hash_is_pinned_to_its_documented_preimage() -> None:
    """If this fails, the format changed: bump rp-revision-chain/N, never edit version 1."""
    content = content_digest(entry_content(ENTRY), "00" * 16)
    link = make_link("e1", 1, None, "2026-03-13T18:00:00+00:00", content, edit=True, origin="live")
    preimage = (
        '{"content":"' + content + '","edit":true,"entry":"e1",'
        '"format":"rp-revision-chain/1","origin":"live","prev":null,'
        '"saved":"2026-03-13T18:00:00.000000Z","seq":1}'
    )
    assert link.hash == hashlib.sha256(preimage.encode()).hexdigest()
    expected_content = hashlib.sha256(
        (
            '{"entry":{"competencies":[["ipec-2023","VE3",3]],'
            '"created":"2026-03-13T18:00:00.000000Z","event_ids":["ev1"],'
            '"experience_ids":[],"id":"e1","kind":"reflection",'
            '"occurred_on":"2026-03-12T12:00:00.000000Z","plan_id":null,'
            '"professions":["Chaplaincy"],"sections":[["what","What?","Everyone listened."]],'
            '"tags":["listening"],"template":"free","title":"What the chaplain said"},'
            '"format":"rp-entry-content/1","salt":"' + "00" * 16 + '"}'
        ).encode()
    ).hexdigest()
    assert content == expected_content


def _chain(count: int) -> list[dict[str, object]]:
    links = []
    prev = None
    for seq in range(1, count + 1):
        link = make_link(
            "e1", seq, prev, f"2026-03-{10 + seq}T10:00:00Z", "ab" * 32, edit=True, origin="live"
        )
        links.append(link.to_json())
        prev = link.hash
    return links


def test_an_intact_chain_checks() -> None:
    links, problems = links_from_json("e1", _chain(3))
    assert problems == [] and [link.seq for link in links] == [1, 2, 3]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("saved", "2026-03-20T10:00:00.000000Z", "does not match"),
        ("content", "cd" * 32, "does not match"),
        ("seq", 7, "numbered 7"),
        ("prev", "ef" * 32, "does not follow"),
        ("origin", "forged", "malformed"),
        ("hash", "not hex", "malformed"),
    ],
)
def test_every_field_of_a_link_is_covered(field: str, value: object, words: str) -> None:
    links = _chain(3)
    links[1][field] = value
    _links, problems = links_from_json("e1", links)
    assert any(words in p for p in problems), problems


def test_a_chain_moved_to_another_entry_does_not_check() -> None:
    _links, problems = links_from_json("e2", _chain(2))
    assert problems


def test_dropping_a_version_from_the_middle_is_seen() -> None:
    links = _chain(3)
    del links[1]
    _links, problems = links_from_json("e1", links)
    assert any("does not follow" in p for p in problems)


def test_the_head_must_hash_to_the_exported_text() -> None:
    salt = "11" * 16
    link = make_link(
        "e1",
        1,
        None,
        "2026-03-13T18:00:00Z",
        content_digest(entry_content(ENTRY), salt),
        edit=True,
        origin="live",
    )
    assert check_head_content(ENTRY, [link], salt) is None
    edited = {**ENTRY, "title": "A better title, written later"}
    assert "does not hash" in (check_head_content(edited, [link], salt) or "")
    assert "salt" in (check_head_content(ENTRY, [link], None) or "")
    # The status is not content: moving an entry along does not change its history.
    assert check_head_content({**ENTRY, "status": "ready"}, [link], salt) is None


def test_the_portfolio_head_depends_on_every_head_not_on_order() -> None:
    a = portfolio_head({"e1": "aa" * 32, "e2": "bb" * 32})
    assert a == portfolio_head({"e2": "bb" * 32, "e1": "aa" * 32})
    assert a != portfolio_head({"e1": "aa" * 32, "e2": "cc" * 32})
    assert a != portfolio_head({"e1": "aa" * 32})


def test_summary_last_changed_is_the_last_edit() -> None:
    links = []
    prev = None
    for seq, edit in ((1, True), (2, True), (3, False)):
        link = make_link(
            "e1", seq, prev, f"2026-03-1{seq}T10:00:00Z", "ab" * 32, edit=edit, origin="live"
        )
        links.append(link)
        prev = link.hash
    summary = summarise(links, "2026-03-11T09:00:00.000000Z")
    assert summary.last_changed == "2026-03-12T10:00:00.000000Z"
    assert summary.last_saved == "2026-03-13T10:00:00.000000Z"
    assert (summary.revisions, summary.edits) == (3, 2)
    exported = EntryTimeline("e1", tuple(links), "00" * 16, summary).to_json()
    assert exported["head"] == links[-1].hash and len(exported["links"]) == 3
