"""Feedback import and statuses at the service level (issue 9): all or nothing, the retired
"reviewed" status, export without feedback boxes, and plain-text feedback only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_export_support import CA_PASSPHRASE, PASSPHRASE, STUDENT, TUTOR, certify_with_ca

from portfolio_app.core.domain.entries import EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import PortfolioError, ValidationError
from portfolio_app.core.services import feedback_service, identity_service
from portfolio_app.core.services.export_service import (
    countersign_file,
    export_portfolio,
    extract_portfolio_json,
)
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.services.review_service import review_file
from portfolio_app.core.signing.form_layout import FEEDBACK, OVERALL_FEEDBACK
from portfolio_app.core.signing.limits import MAX_FIELDS
from portfolio_app.core.storage import feedback_repository, integrity
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.core.vault import kdf


@dataclass
class Loop:
    work: Path
    student_dir: Path
    tutor_dir: Path
    ids: list[str]
    signed: Path
    countersigned: Path


def _draft(title: str) -> EntryDraft:
    return EntryDraft(
        kind=EntryKind.REFLECTION, title=title, sections=(Section("What?", f"{title}.", "what"),)
    )


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    work = tmp_path_factory.mktemp("feedback")
    with pytest.MonkeyPatch.context() as mp:
        fast = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
        mp.setattr(kdf, "default_params", lambda: fast)
        ca_dir = work / "ca"
        identity_service.init_course_ca(
            ca_dir, name="IPL course CA", institution="Uni", passphrase=CA_PASSPHRASE
        )
        student, _ = PortfolioService.create(work / "student", PASSPHRASE, STUDENT)
        with student:
            ids = [student.add_entry(_draft(t)).id for t in ("One", "Two", "Three")]
            certify_with_ca(student, ca_dir, work, "student")
            signed = work / "signed.pdf"
            export_portfolio(student, signed, acknowledge_findings=True)
        tutor, _ = PortfolioService.create(work / "tutor", PASSPHRASE, TUTOR)
        with tutor:
            certify_with_ca(tutor, ca_dir, work, "tutor")
            countersigned = work / "countersigned.pdf"
            countersign_file(
                tutor,
                signed,
                countersigned,
                decision="meets",
                comment="Good.",
                feedback={ids[0]: "<b>Markdown</b> and **HTML** stay text.", "overall": "Fine."},
            )
        yield Loop(work, work / "student", work / "tutor", ids, signed, countersigned)


def _open(path: Path) -> PortfolioService:
    return PortfolioService.open(path, PASSPHRASE)


def _copy(loop: Loop, name: str) -> Path:
    import shutil

    target = loop.work / name
    shutil.copytree(loop.student_dir, target)
    return target


def test_the_export_records_one_feedback_box_per_entry_and_an_overall_one(loop: Loop) -> None:
    document = extract_portfolio_json(loop.signed)
    assert document is not None
    fields = document["form"]["fields"]
    feedback = [f for f in fields if f["purpose"] == FEEDBACK]
    assert sorted(f["entry_id"] for f in feedback) == sorted(loop.ids)
    assert all(f["name"] == f"Feedback_{f['entry_id']}" and f["type"] == "text" for f in feedback)
    assert [f["name"] for f in fields if f["purpose"] == OVERALL_FEEDBACK] == ["OverallFeedback"]


def test_export_without_feedback_boxes(loop: Loop) -> None:
    folder = _copy(loop, "no-boxes")
    out = loop.work / "no-boxes.pdf"
    with _open(folder) as service:
        export_portfolio(service, out, acknowledge_findings=True, feedback_fields=False)
    document = extract_portfolio_json(out)
    assert document is not None
    assert [f["type"] for f in document["form"]["fields"]] == ["signature", "signature"]
    view = review_file(out)
    assert not view.feedback_boxes and not view.has_overall_box
    assert MAX_FIELDS >= 1000  # a 1,000-entry export keeps a box per entry


def test_past_the_field_limit_only_the_overall_box_is_added(
    loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portfolio_app.core.services import export_service

    monkeypatch.setattr(export_service, "MAX_FEEDBACK_FIELDS", 2)
    folder = _copy(loop, "over-limit")
    out = loop.work / "over-limit.pdf"
    with _open(folder) as service:
        job = export_service.prepare_export(service)
        assert job.notes and "only the overall feedback box" in job.notes[0]
        job.run(out, acknowledge_findings=True)
    document = extract_portfolio_json(out)
    assert document is not None
    purposes = [f["purpose"] for f in document["form"]["fields"]]
    assert FEEDBACK not in purposes and purposes.count(OVERALL_FEEDBACK) == 1


def test_an_import_that_fails_half_way_stores_nothing(
    loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(loop, "half")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(feedback_repository.FeedbackRepository, "write_in", broken)
    with _open(folder) as service:
        with pytest.raises(OSError):
            feedback_service.import_feedback(service, loop.countersigned)
        assert {e.status for e in service.entries()} == {EntryStatus.SUBMITTED}
    with _open(folder) as service:  # and on disk
        assert {e.status for e in service.entries()} == {EntryStatus.SUBMITTED}
        assert feedback_service.stored_feedback(service) == []
        assert service.integrity_check() == []


def test_import_shows_plain_text_and_is_idempotent(loop: Loop) -> None:
    folder = _copy(loop, "plain")
    with _open(folder) as service:
        result = feedback_service.import_feedback(service, loop.countersigned)
        assert result.entries_marked == 1 and not result.duplicate
        (item,) = feedback_service.entry_feedback(service, loop.ids[0])
        assert item.text == "<b>Markdown</b> and **HTML** stay text."
        assert item.signer_name == "Dr Tomás Tutor" and item.signer_role == "tutor"
        assert feedback_service.entries_with_feedback(service) == {loop.ids[0]}
        assert feedback_service.import_feedback(service, loop.countersigned).duplicate
        assert len(feedback_service.stored_feedback(service)) == 1
        assert service.integrity_check() == []


def test_a_student_with_no_signing_identity_is_told(loop: Loop, tmp_path: Path) -> None:
    service, _ = PortfolioService.create(tmp_path / "new", PASSPHRASE, STUDENT)
    with service, pytest.raises(ValidationError, match="never signed an export"):
        feedback_service.import_feedback(service, loop.countersigned)


def test_entries_marked_reviewed_by_hand_become_ready_once(loop: Loop) -> None:
    """A portfolio from before this version: "reviewed" in the sealed structure and the plain
    column, as the old app saved it. The first unlock makes it "ready", says so, and hides
    nothing from the integrity check."""
    folder = _copy(loop, "legacy")
    with _open(folder) as service:
        store = service.store()
        entry_id = loop.ids[1]
        with store.write() as conn:
            version, meta = conn.exec_driver_sql(
                "SELECT version, meta FROM entries WHERE id = ?", (entry_id,)
            ).one()
            sealed = store.cipher.decrypt_json(
                meta, table="entries", row_id=entry_id, field="meta", version=version
            )
            sealed["status"] = "reviewed"
            conn.exec_driver_sql(
                "UPDATE entries SET status = 'reviewed', meta = ? WHERE id = ?",
                (
                    store.cipher.encrypt_json(
                        sealed, table="entries", row_id=entry_id, field="meta", version=version
                    ),
                    entry_id,
                ),
            )
            store.manifest.put(
                conn,
                "entries",
                entry_id,
                version,
                integrity.record_digest(conn, "entries", entry_id),
            )
    with _open(folder) as service:
        assert service.get_entry(entry_id).status is EntryStatus.READY
        assert service.notices and "1 entry was marked 'Reviewed'" in service.notices[0]
        assert "now reads 'Ready for review'" in service.notices[0]
        assert service.integrity_check() == []
        revisions = len(service.revisions(entry_id))
    with sqlite3.connect(folder / DB_NAME) as db:
        assert db.execute("SELECT status FROM entries WHERE id = ?", (entry_id,)).fetchone() == (
            "ready",
        )
    with _open(folder) as service:
        assert service.notices == []  # said once
        assert len(service.revisions(entry_id)) == revisions  # no new saved version


def test_an_edited_status_column_is_not_laundered_by_the_migration(loop: Loop) -> None:
    """Someone with write access sets 'reviewed' in the plain column only: that is a finding,
    and the one-off migration must not re-save (and so hide) it."""
    folder = _copy(loop, "edited")
    with sqlite3.connect(folder / DB_NAME) as db:
        db.execute("UPDATE entries SET status = 'reviewed' WHERE id = ?", (loop.ids[2],))
    with _open(folder) as service:
        assert service.integrity_findings
        assert service.notices == []


@pytest.mark.parametrize(
    ("trailer", "refused"),
    [
        (b"<</Size 9 /Root 1 0 R /ID [(a\\)b) (c(d)e)]>>", None),
        (b"<</Size 9 /Root 1 0 R /ID [(unterminated ]>>", "unterminated string"),
        (b"<</Size 9 /Root 1 0 R /X (hidden /Prev 5) /Prev 7>>", None),
        (b"<</Size 9 /Root 1 0 R /X (a) ) /Prev 7>>", "unreadable string"),
    ],
)
def test_trailer_scan_reads_literal_strings_as_the_parser_does(
    trailer: bytes, refused: str | None
) -> None:
    """poppler writes the trailer's /ID as literal strings; a /Prev inside one is not a key."""
    from portfolio_app.core.signing.limits import _plain

    plain, reason = _plain(trailer, comments=True)
    if refused is None:
        assert reason is None and b"(" not in plain
        assert plain.count(b"/Prev") == trailer.count(b"/Prev 7")
    else:
        assert reason is not None and refused in reason


def test_feedback_json_files_are_checked(tmp_path: Path) -> None:
    from portfolio_app.core.services.review_service import read_feedback_file

    good = tmp_path / "good.json"
    good.write_text(json.dumps({"abc": "text", "overall": "all"}), encoding="utf-8")
    assert read_feedback_file(good) == {"abc": "text", "overall": "all"}
    for content, message in (
        ("[1, 2]", "must be a JSON object"),
        ('{"abc": 3}', "is not text"),
        ("{nope", "is not valid JSON"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ValidationError, match=message):
            read_feedback_file(bad)


def test_feedback_keys_may_be_entry_numbers(loop: Loop) -> None:
    out = loop.work / "by-number.pdf"
    with _open(loop.tutor_dir) as tutor:
        countersign_file(
            tutor, loop.signed, out, decision="meets", comment="Ok.", feedback={"e2": "By number."}
        )
        with pytest.raises(PortfolioError, match="no entry"):
            countersign_file(
                tutor,
                loop.signed,
                loop.work / "x.pdf",
                decision="meets",
                comment="Ok.",
                feedback={"E9": "No such entry."},
            )
    view = review_file(out)
    (item,) = [e for e in view.entries if e.feedback is not None]
    assert item.number == "E2" and item.feedback is not None
    assert item.feedback.text == "By number."
