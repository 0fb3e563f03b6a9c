"""Comparing two exports' portfolio.json through their chains: every outcome, and forgeries."""

from __future__ import annotations

import copy
from typing import Any

from portfolio_app.core.timeline.chain import (
    content_digest,
    entry_content,
    make_link,
    portfolio_head,
)
from portfolio_app.core.timeline.compare import (
    ADDED,
    CHANGED,
    REMOVED,
    REWRITTEN,
    UNCHANGED,
    UNCOMPARABLE,
    compare_documents,
)


def _version(entry_id: str, title: str, body: str = "Words.") -> dict[str, Any]:
    return {
        "id": entry_id,
        "kind": "reflection",
        "title": title,
        "status": "draft",
        "template": "free",
        "created": "2026-03-01T10:00:00+00:00",
        "occurred_on": None,
        "plan_id": None,
        "sections": [{"key": "t", "heading": "Text", "body": body}],
        "event_ids": [],
        "experience_ids": [],
        "professions": [],
        "tags": [],
        "competencies": [],
        "attachments": [],
    }


class History:
    """An entry's saved versions and its chain, grown like the app grows it."""

    def __init__(self, entry_id: str) -> None:
        self.entry_id = entry_id
        self.links: list[Any] = []
        self.salts: list[str] = []
        self.versions: list[dict[str, Any]] = []

    def save(self, version: dict[str, Any], day: int) -> History:
        salt = f"{len(self.links) + 1:032x}"
        edit = not self.versions or entry_content(self.versions[-1]) != entry_content(version)
        link = make_link(
            self.entry_id,
            len(self.links) + 1,
            self.links[-1].hash if self.links else None,
            f"2026-03-{day:02d}T10:00:00Z",
            content_digest(entry_content(version), salt),
            edit=edit,
            origin="live",
        )
        self.links.append(link)
        self.salts.append(salt)
        self.versions.append(version)
        return self

    def exported(self) -> dict[str, Any]:
        entry = copy.deepcopy(self.versions[-1])
        entry["timeline"] = {
            "links": [link.to_json() for link in self.links],
            "head": self.links[-1].hash,
            "head_salt": self.salts[-1],
        }
        return entry

    def copy(self) -> History:
        other = History(self.entry_id)
        other.links, other.salts, other.versions = (
            list(self.links),
            list(self.salts),
            list(self.versions),
        )
        return other


def _document(*histories: History, student: str = "S1", when: str = "2026-04-01") -> dict[str, Any]:
    return {
        "profile": {"name": "Sam", "student_id": student},
        "entries": [h.exported() for h in histories],
        "export": {
            "generated_at": f"{when}T12:00:00+00:00",
            "entry_numbers": {h.entry_id: f"E{n}" for n, h in enumerate(histories, start=1)},
            "signing_certificate_sha256": "AA",
        },
        "selection": {"all_entries": True},
    }


def _status(result: Any, entry_id: str) -> str:
    return next(e.status for e in result.entries if e.entry_id == entry_id)


def test_the_same_export_twice_is_unchanged_and_continues() -> None:
    one = History("a").save(_version("a", "One"), 2)
    result = compare_documents(_document(one), _document(one))
    assert [e.status for e in result.entries] == [UNCHANGED]
    assert result.continues and result.earlier_head == result.later_head
    assert result.earlier_head == portfolio_head({"a": one.links[-1].hash})


def test_edits_on_top_are_changed_with_counts_and_fields() -> None:
    before = History("a").save(_version("a", "One"), 2)
    after = before.copy().save(_version("a", "One", "More words."), 5)
    after.save({**_version("a", "One", "More words."), "status": "ready"}, 6)
    result = compare_documents(_document(before), _document(after, when="2026-05-01"))
    (entry,) = result.entries
    assert entry.status == CHANGED and result.continues
    assert (entry.later_versions, entry.later_edits) == (2, 1)
    assert "text of 'Text'" in entry.fields_changed and "status" in entry.fields_changed
    assert "2 more saved versions (1 with changes)" in entry.detail


def test_a_rewritten_history_is_flagged_even_when_the_text_is_the_same() -> None:
    before = History("a").save(_version("a", "One"), 2).save(_version("a", "One", "Two."), 3)
    # The same texts saved again (a history rebuilt, e.g. the entry deleted and restored).
    again = History("a").save(_version("a", "One", "Two."), 9)
    result = compare_documents(_document(before), _document(again))
    assert _status(result, "a") == REWRITTEN and not result.continues
    # A history that keeps the first version but drops the second also does not continue.
    branch = History("a").save(_version("a", "One"), 2).save(_version("a", "One", "Else."), 4)
    result = compare_documents(_document(before), _document(branch))
    (entry,) = result.entries
    assert entry.status == REWRITTEN and "agree on the first 1 saved version" in entry.detail


def test_removed_and_added_entries() -> None:
    a = History("a").save(_version("a", "A"), 2)
    b = History("b").save(_version("b", "B"), 2)
    c = History("c").save({**_version("c", "C"), "created": "2026-03-20T10:00:00+00:00"}, 20)
    result = compare_documents(_document(a, b), _document(a, c))
    assert (_status(result, "b"), _status(result, "c")) == (REMOVED, ADDED)
    assert not result.continues
    added = next(e for e in result.entries if e.entry_id == "c")
    assert "before the earlier export, by the student's clock" in added.detail


def test_a_forged_later_chain_cannot_claim_unchanged() -> None:
    """A modified app that copies the earlier head into a later file with other text."""
    before = History("a").save(_version("a", "One"), 2)
    later = _document(before)
    later["entries"][0]["title"] = "A title written later"
    result = compare_documents(_document(before), later)
    (entry,) = result.entries
    assert entry.status == UNCOMPARABLE and "does not hash to the text" in entry.detail
    assert not result.continues


def test_a_link_edited_in_the_earlier_file_makes_it_uncomparable() -> None:
    before = History("a").save(_version("a", "One"), 2).save(_version("a", "Two"), 3)
    earlier = _document(before)
    earlier["entries"][0]["timeline"]["links"][0]["saved"] = "2026-01-01T10:00:00.000000Z"
    result = compare_documents(earlier, _document(before))
    assert _status(result, "a") == UNCOMPARABLE


def test_another_students_file_is_not_compared() -> None:
    a = History("a").save(_version("a", "One"), 2)
    result = compare_documents(_document(a), _document(a, student="S2"))
    assert not result.same_student and not result.continues and result.entries == ()


def test_files_given_the_wrong_way_round_get_a_note() -> None:
    a = History("a").save(_version("a", "One"), 2)
    result = compare_documents(_document(a, when="2026-06-01"), _document(a, when="2026-04-01"))
    assert any("wrong way round" in n for n in result.notes)


def test_evidence_added_and_removed_is_named() -> None:
    a = History("a").save(_version("a", "One"), 2)
    earlier = _document(a)
    later = _document(a)
    earlier["entries"][0]["attachments"] = [{"name": "old.pdf", "sha256": "11" * 32}]
    later["entries"][0]["attachments"] = [{"name": "new.png", "sha256": "22" * 32}]
    (entry,) = compare_documents(earlier, later).entries
    assert entry.evidence_added == ("new.png",) and entry.evidence_removed == ("old.pdf",)
    assert "evidence added: new.png" in entry.detail


def test_an_older_export_without_a_timeline_cannot_be_compared() -> None:
    a = History("a").save(_version("a", "One"), 2)
    earlier = _document(a)
    del earlier["entries"][0]["timeline"]
    assert _status(compare_documents(earlier, _document(a)), "a") == UNCOMPARABLE
