"""The review loop end to end (issue 9), through the installed ``portfolio`` command:

student exports -> tutor reads it with ``review`` and countersigns with per-entry feedback ->
assessor verifies (exit 0, feedback listed) -> student imports and sees the feedback on the
right entries. The same with the feedback typed in another PDF reader (poppler's form filling,
standing in for Acrobat or Evince). Then the student's and a classmate's moves against
feedback, made with pyHanko's public API and ``sqlite3``, each with its verdict.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from trust_tools import SCRIPT, Cli, fill_text_field, pdfsig_text, problems_of, verify_json

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed"),
    pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed"),
]

POPPLER_FILL = Path(__file__).with_name("poppler_fill.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")
HOSTILE = "<script>alert('x')</script> **not bold** [link](http://example.invalid)"


def _poppler_available() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = subprocess.run(
        [
            str(SYSTEM_PYTHON),
            "-c",
            "import gi; gi.require_version('Poppler', '0.18'); from gi.repository import Poppler",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@dataclass
class Course:
    work: Path
    ca_cert: Path
    student: Cli
    tutor: Cli
    peer: Cli
    signed: Path
    ids: list[str]
    peer_countersigned: Path


def _person(work: Path, key: str, name: str, person_id: str) -> Cli:
    cli = Cli(work / key, f"{key}'s own long passphrase")
    cli.ok("init", *cli.d, "--name", name, "--student-id", person_id, "--programme", "MBChB")
    return cli


def _certify(work: Path, who: Cli, role: str) -> None:
    assert who.data_dir is not None
    csr = work / f"{who.data_dir.name}.csr"
    cert = csr.with_suffix(".pem")
    who.ok("identity", "csr", *who.d, str(csr))
    Cli(None, "").ok(
        "ca",
        "issue",
        str(csr),
        "--ca-dir",
        str(work / "ca"),
        "--out",
        str(cert),
        "--role",
        role,
        "--yes",
    )
    who.ok("identity", "import-chain", *who.d, str(cert))


def _entries(who: Cli, *titles: str) -> None:
    for title in titles:
        who.ok(
            "add",
            *who.d,
            "--kind",
            "reflection",
            "--title",
            title,
            "--body-file",
            "-",
            stdin=f"What happened at {title}. **Bold** and a list:\n\n- one\n- two\n",
        )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Course]:
    work = tmp_path_factory.mktemp("review")
    Cli(None, "").ok(
        "ca",
        "init",
        "--name",
        "IPL course CA",
        "--institution",
        "Uni",
        "--ca-dir",
        str(work / "ca"),
    )
    student = _person(work, "student", "Zoë Ñúñez", "STU-1")
    _entries(student, "Ward handover", "Schwartz round", "SBAR simulation")
    _certify(work, student, "student")
    tutor = _person(work, "tutor", "Dr Łukasz Tutor", "STAFF-1")
    _certify(work, tutor, "tutor")
    peer = _person(work, "peer", "Pat Peer", "STU-2")
    _entries(peer, "Peer entry")
    _certify(work, peer, "student")
    signed = work / "signed.pdf"
    student.ok("export", *student.d, str(signed))
    ids = [e["id"] for e in json.loads(student.ok("list", *student.d, "--json"))]
    peer_signed = work / "peer.pdf"
    peer.ok("export", *peer.d, str(peer_signed))
    peer_countersigned = work / "peer-countersigned.pdf"
    peer_ids = [e["id"] for e in json.loads(peer.ok("list", *peer.d, "--json"))]
    peer_feedback = work / "peer-feedback.json"
    peer_feedback.write_text(json.dumps({peer_ids[0]: "Well done, Pat."}), encoding="utf-8")
    tutor.ok(
        "countersign",
        *tutor.d,
        str(peer_signed),
        str(peer_countersigned),
        "--decision",
        "meets",
        "--comment",
        "Good.",
        "--feedback",
        str(peer_feedback),
    )
    yield Course(
        work, work / "ca" / "ca-cert.pem", student, tutor, peer, signed, ids, peer_countersigned
    )


def _review(course: Course, path: Path) -> dict[str, object]:
    out = Cli(None, "").ok("review", str(path), "--trust", str(course.ca_cert), "--json")
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def _countersign(
    course: Course, src: Path, out: Path, feedback: dict[str, str] | None, *extra: str
) -> subprocess.CompletedProcess[str]:
    args = [
        "countersign",
        *course.tutor.d,
        str(src),
        str(out),
        "--decision",
        "partially-meets",
        "--comment",
        "See the boxes.",
        *extra,
    ]
    if feedback is not None:
        path = out.with_suffix(".json")
        path.write_text(json.dumps(feedback, ensure_ascii=False), encoding="utf-8")
        args += ["--feedback", str(path)]
    return course.tutor(*args)


def _import(course: Course, path: Path, who: Cli | None = None) -> subprocess.CompletedProcess[str]:
    person = who or course.student
    return person("feedback", "import", *person.d, str(path), "--json")


def _fresh_student(course: Course, name: str) -> Cli:
    """A copy of the student's portfolio (so each test imports into a clean vault)."""
    assert course.student.data_dir is not None
    copy = course.work / name
    shutil.copytree(course.student.data_dir, copy)
    return Cli(copy, course.student.passphrase)


def _statuses(who: Cli) -> dict[str, str]:
    return {e["id"]: e["status"] for e in json.loads(who.ok("list", *who.d, "--json"))}


# ---- the honest loop -------------------------------------------------------------------------


def test_export_marks_submitted_and_records_a_feedback_box_per_entry(course: Course) -> None:
    assert set(_statuses(course.student).values()) == {"submitted"}
    review = _review(course, course.signed)
    entries = review["entries"]
    assert isinstance(entries, list)
    # review lists the ids 'list --json' uses, each with its own box, none filled yet
    assert sorted(e["id"] for e in entries) == sorted(course.ids)
    assert all(e["has_feedback_box"] and e["feedback"] is None for e in entries)
    assert [e["number"] for e in entries] == ["E1", "E2", "E3"]
    assert review["feedback_locked"] is False and review["verdict"] == "valid-trusted"


def test_tutor_feedback_verifies_and_flows_back_to_the_right_entries(course: Course) -> None:
    student = _fresh_student(course, "student-honest")
    by_number = {e["number"]: e["id"] for e in _review(course, course.signed)["entries"]}  # type: ignore[union-attr]
    feedback = {
        by_number["E1"]: "Zoë, a clear account. Σοφία and Łukasz would agree.\n" + HOSTILE,
        by_number["E3"]: "Link this to the SBAR readback you practised.",
        "overall": "Meets most outcomes; see E1 and E3.",
    }
    out = course.work / "honest.pdf"
    result = _countersign(course, course.signed, out, feedback)
    assert result.returncode == 0, result.stderr
    assert "Feedback in the file, covered by your signature: E1, E3, overall" in result.stdout

    code, report, _ = verify_json(str(out), "--trust", str(course.ca_cert))
    assert code == 0, problems_of(report)
    assert report["feedback_entries"] == ["E1", "E3"] and report["feedback_unsigned"] is False
    items = {i["label"]: i for i in report["feedback"]}
    assert items["E1"]["text"] == feedback[by_number["E1"]]  # plain text, markup kept as typed
    assert all(i["filled_in"] == "signature-revision" and i["counts"] for i in items.values())
    assert items["E1"]["signer_name"] == "Dr Łukasz Tutor" and items["E1"]["signer_role"] == "tutor"
    text = Cli(None, "").ok("verify", str(out), "--trust", str(course.ca_cert))
    assert "Feedback: 2 entries have feedback (E1, E3); overall feedback given" in text
    assert "written and signed by Dr Łukasz Tutor (tutor) in signature 2" in text
    csv_path = course.work / "report.csv"
    Cli(None, "")("verify", str(out), "--trust", str(course.ca_cert), "--csv", str(csv_path))
    csv_text = csv_path.read_text(encoding="utf-8-sig")
    assert "feedback_entries" in csv_text.splitlines()[0] and ",E1 E3,yes," in csv_text
    # independent: poppler says both signatures are valid, the last covering the whole file
    sig_text = pdfsig_text(out)
    assert sig_text.count("Signature is Valid.") == 2 and "Total document signed" in sig_text
    # the printed box shows the feedback (the appearance stream, DejaVu: names survive)
    page_text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Σοφία and Łukasz would agree." in page_text

    imported = _import(course, out, student)
    assert imported.returncode == 0, imported.stderr
    data = json.loads(imported.stdout)
    assert data["imported"] and data["entries_marked_feedback_received"] == 2
    assert data["countersigned_by"][0]["role"] == "tutor"
    statuses = _statuses(student)
    assert statuses[by_number["E1"]] == statuses[by_number["E3"]] == "feedback-received"
    assert statuses[by_number["E2"]] == "submitted"
    listing = json.loads(student.ok("feedback", "list", *student.d, "--json"))
    got = {e["id"]: e["feedback"][0] for e in listing["entries"]}
    assert got[by_number["E1"]]["text"] == feedback[by_number["E1"]]
    assert got[by_number["E1"]]["signer_name"] == "Dr Łukasz Tutor"
    assert (
        got[by_number["E1"]]["signer_fingerprint_sha256"]
        == report["signatures"][1]["fingerprint_sha256"]
    )
    assert listing["overall"][0]["decision"] == "partially-meets"
    # the same file twice is a no-op
    again = json.loads(_import(course, out, student).stdout)
    assert again["already_imported"] and not again["imported"]
    assert len(json.loads(student.ok("feedback", "list", *student.d, "--json"))["entries"]) == 2
    # the student cannot set the staff statuses by hand (but can reopen an entry)
    refused = student("edit", *student.d, by_number["E2"], "--status", "feedback-received")
    assert refused.returncode != 0 and "set only by importing" in refused.stderr
    student.ok("edit", *student.d, by_number["E1"], "--status", "draft")


@pytest.mark.skipif(not _poppler_available(), reason="poppler-glib (gir1.2-poppler) is missing")
def test_feedback_typed_in_another_pdf_reader(course: Course) -> None:
    student = _fresh_student(course, "student-reader")
    by_number = {e["number"]: e["id"] for e in _review(course, course.signed)["entries"]}  # type: ignore[union-attr]
    values = course.work / "reader-values.json"
    values.write_text(
        json.dumps(
            {
                f"Feedback_{by_number['E2']}": "Typed in a PDF reader: Zoë — well argued.",
                "OverallFeedback": "Overall, typed in a PDF reader.",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    filled = course.work / "reader-filled.pdf"
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(POPPLER_FILL), str(course.signed), str(filled), str(values)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # filled but unsigned: still valid (the certification allows it), and said to be unsigned
    code, report, _ = verify_json(str(filled), "--trust", str(course.ca_cert))
    assert code == 0, problems_of(report)
    assert report["feedback_unsigned"] is True
    assert {i["filled_in"] for i in report["feedback"]} == {"after-last-signature"}
    assert not any(i["counts"] for i in report["feedback"])
    refused = _import(course, filled, student)
    assert refused.returncode != 0 and "no staff countersignature yet" in refused.stderr
    # the tutor countersigns over it: warned first, then the signature covers it
    out = course.work / "reader-countersigned.pdf"
    warned = _countersign(course, filled, out, None)
    assert warned.returncode != 0 and "typed before you countersign" in warned.stderr
    assert _countersign(course, filled, out, None, "--yes").returncode == 0
    code, report, _ = verify_json(str(out), "--trust", str(course.ca_cert))
    assert code == 0, problems_of(report)
    assert {i["filled_in"] for i in report["feedback"]} == {"unsigned-before-signature"}
    assert all(i["counts"] and i["signature_index"] == 2 for i in report["feedback"])
    imported = _import(course, out, student)
    assert imported.returncode == 0, imported.stderr
    assert _statuses(student)[by_number["E2"]] == "feedback-received"


# ---- moves against feedback ------------------------------------------------------------------


def _write(course: Course, name: str, data: bytes) -> Path:
    path = course.work / name
    path.write_bytes(data)
    return path


def test_student_prefills_feedback_before_signing(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A student's own export with "Excellent" already in a feedback box when they sign."""
    from portfolio_app.core.services.export_service import prepare_export
    from portfolio_app.core.services.portfolio_service import PortfolioService
    from portfolio_app.core.signing import feedback_fields, pdf_signing

    student = _fresh_student(course, "student-prefill")
    assert student.data_dir is not None

    def prefilled(writer, text_fields, labels):  # type: ignore[no-untyped-def]
        feedback_fields.add_text_fields(writer, text_fields, labels)
        first = text_fields[0].name
        for ref in writer.root["/AcroForm"]["/Fields"]:
            node = ref.get_object()
            if str(node.get("/T")) == first:
                node["/V"] = generic.TextStringObject("Excellent work, meets everything.")
                writer.update_container(node)

    monkeypatch.setattr(pdf_signing, "add_text_fields", prefilled)
    monkeypatch.setattr(pdf_signing, "_check_result", lambda *a, **k: None)
    out = course.work / "prefilled.pdf"
    with PortfolioService.open(student.data_dir, student.passphrase) as service:
        prepare_export(service).run(out)
    code, report, _ = verify_json(str(out), "--trust", str(course.ca_cert))
    assert code == 1
    assert "already filled when the student signed" in problems_of(report)
    (item,) = report["feedback"]
    assert item["filled_in"] == "before-certification" and not item["counts"]
    refused = _countersign(course, out, course.work / "prefilled-cs.pdf", None, "--yes")
    assert refused.returncode != 0 and "fails its checks" in refused.stderr


def test_student_fills_feedback_after_the_tutor_signed(course: Course) -> None:
    student = _fresh_student(course, "student-after")
    by_number = {e["number"]: e["id"] for e in _review(course, course.signed)["entries"]}  # type: ignore[union-attr]
    honest = course.work / "after-honest.pdf"
    assert (
        _countersign(course, course.signed, honest, {by_number["E1"]: "Needs work."}).returncode
        == 0
    )
    for name, text in (
        (f"Feedback_{by_number['E1']}", "Outstanding!"),
        (f"Feedback_{by_number['E2']}", "Outstanding too!"),
    ):
        forged = _write(
            course, f"after-{name[-4:]}.pdf", fill_text_field(honest.read_bytes(), name, text)
        )
        code, report, _ = verify_json(str(forged), "--trust", str(course.ca_cert))
        assert code == 1, report
        assert "locked the feedback boxes" in problems_of(report) or "not allowed" in problems_of(
            report
        )
        refused = _import(course, forged, student)
        assert refused.returncode != 0 and "fails its checks" in refused.stderr
        assert "Nothing was imported" in refused.stderr
    assert set(_statuses(student).values()) == {"submitted"}


def test_feedback_field_moved_over_a_signature_box(course: Course) -> None:
    """An unsigned update moves the overall feedback box over the tutor's box (to fill it
    after the tutor with a look-alike): refused, naming the box."""
    from portfolio_app.core.signing.verification import read_form_layout

    data = course.signed.read_bytes()
    layout = read_form_layout(data)
    assert layout is not None
    tutor_box = next(b for b in layout.staff_boxes if b.role == "tutor")
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        node = ref.get_object()
        if str(node.get("/T")) == "OverallFeedback":
            node["/Rect"] = generic.ArrayObject([generic.FloatObject(v) for v in tutor_box.rect])
            writer.update_container(node)
    buf = io.BytesIO()
    writer.write(buf)
    moved = _write(course, "moved.pdf", buf.getvalue())
    code, report, _ = verify_json(str(moved), "--trust", str(course.ca_cert))
    assert code == 1
    assert "lies over the signature box 'TutorSignature'" in problems_of(report)


def test_a_classmates_countersigned_file_is_refused(course: Course) -> None:
    student = _fresh_student(course, "student-peer")
    code, _report, _ = verify_json(str(course.peer_countersigned), "--trust", str(course.ca_cert))
    assert code == 0  # a perfectly good file, just not this student's
    refused = _import(course, course.peer_countersigned, student)
    assert refused.returncode != 0
    assert "is not your portfolio: it was signed by Pat Peer (id STU-2)" in refused.stderr
    assert set(_statuses(student).values()) == {"submitted"}
    assert json.loads(student.ok("feedback", "list", *student.d, "--json"))["imports"] == 0


def test_tampered_or_foreign_files_and_oversized_feedback(course: Course) -> None:
    student = _fresh_student(course, "student-bad")
    by_number = {e["number"]: e["id"] for e in _review(course, course.signed)["entries"]}  # type: ignore[union-attr]
    good = course.work / "bad-base.pdf"
    assert _countersign(course, course.signed, good, {by_number["E1"]: "Fine."}).returncode == 0
    data = bytearray(good.read_bytes())
    spot = data.find(b"Fine.")
    flipped = data.find(b"stream", len(data) // 3)
    data[flipped + 40] ^= 0x01
    tampered = _write(course, "tampered.pdf", bytes(data))
    refused = _import(course, tampered, student)
    assert refused.returncode != 0 and "Nothing was imported" in refused.stderr
    assert spot != 0
    not_pdf = _write(course, "notes.pdf", b"just some text, not a PDF")
    refused = _import(course, not_pdf, student)
    assert refused.returncode != 0 and "not a countersigned portfolio" in refused.stderr
    # the tutor's app refuses a feedback text longer than any box takes
    too_long = _countersign(
        course, course.signed, course.work / "long.pdf", {by_number["E1"]: "x" * 20_000}
    )
    assert too_long.returncode != 0 and "the limit is 10,000 per box" in too_long.stderr
    # ... and one typed elsewhere (an unsigned update) and then countersigned is not imported
    huge = fill_text_field(course.signed.read_bytes(), f"Feedback_{by_number['E2']}", "y" * 50_000)
    huge_path = _write(course, "huge-filled.pdf", huge)
    signed_huge = course.work / "huge-cs.pdf"
    assert _countersign(course, huge_path, signed_huge, None, "--yes").returncode == 0
    _code, report, _ = verify_json(str(signed_huge), "--trust", str(course.ca_cert))
    assert any("more than any feedback box takes" in w for w in report["warnings"])
    refused = _import(course, signed_huge, student)
    assert refused.returncode != 0 and "longer than any feedback box takes" in refused.stderr
    assert set(_statuses(student).values()) == {"submitted"}


def test_imported_feedback_is_sealed_in_the_vault(course: Course) -> None:
    """Editing, deleting or rolling back the import record outside the app is named at unlock."""
    student = _fresh_student(course, "student-vault")
    by_number = {e["number"]: e["id"] for e in _review(course, course.signed)["entries"]}  # type: ignore[union-attr]
    out = course.work / "vault.pdf"
    assert (
        _countersign(course, course.signed, out, {by_number["E2"]: "Sealed words."}).returncode == 0
    )
    assert _import(course, out, student).returncode == 0
    assert student.data_dir is not None
    db = student.data_dir / "portfolio.db"
    raw = db.read_bytes()
    assert b"Sealed words." not in raw and b"Tutor" not in raw  # encrypted at rest
    assert student("check", *student.d).returncode == 0  # as imported: nothing to report
    for statement, expected in (
        ("UPDATE feedback SET received = '2020-01-01 00:00:00.000000'", "edited outside the app"),
        ("DELETE FROM feedback", "deleted outside the app"),
    ):
        copy = course.work / f"vault-{len(expected)}"
        shutil.copytree(student.data_dir, copy)
        with sqlite3.connect(copy / "portfolio.db") as conn:
            conn.execute(statement)
        result = Cli(copy, student.passphrase)("check", "--data-dir", str(copy))
        assert result.returncode != 0, result.stdout
        assert expected in (result.stdout + result.stderr), result.stdout + result.stderr
