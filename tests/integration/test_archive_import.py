"""``portfolio archive import``: a lossless round trip, one transaction, hostile archives refused.

Round trip: archive -> import into a new portfolio -> archive again gives the same
``portfolio.json`` and the same files; ``leap2a.xml`` differs only in the portfolio's vault id
(part of every Leap2A item id) and in the export time stamped on the feed and on the items
that have no time of their own (the person, events, experiences, abilities, the selection).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import archive_import
from portfolio_app.core.services.archive_import import ArchiveImportError, read_archive
from portfolio_app.core.services.archive_service import build_archive, write_archive
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.attachment_repository import AttachmentRepository
from portfolio_app.core.storage.database import DB_NAME

PASS = "correct horse battery staple"
PACK = Path(__file__).parents[1] / "data" / "packs" / "mahara-example.matrix"


def _rich(folder: Path, tmp: Path) -> PortfolioService:
    service, _ = PortfolioService.create(
        folder,
        PASS,
        Profile(
            name="Zoë Ñúñez-Wróbel",
            student_id="STU-42",
            profession="Nursing",
            programme="BSc Adult Nursing",
            institution="University of Leicester",
            tutor="Dr Σοφία Tutor",
        ),
    )
    pack = service.import_framework(PACK.read_bytes(), source_name="mahara-example.matrix")
    event = service.add_event(
        EventKind.SCHWARTZ_ROUND,
        "Round on ward 5",
        on=date(2025, 3, 2),
        place="Education centre",
        professions_present=("Nursing", "Chaplaincy"),
        notes="Quiet room",
        hours=1.5,
        confirmed_by="Facilitator",
    )
    missed = service.add_event(
        EventKind.SBAR_SIMULATION, "SBAR", on=date(2025, 3, 9), attended=False
    )
    placement = service.add_experience(
        ExperienceKind.COMMUNITY_PLACEMENT,
        "Community team",
        setting="Community",
        supervisor="Practice educator",
        starts_on=date(2025, 2, 2),
        ends_on=date(2025, 4, 24),
        hours=412.5,
    )
    plan = service.add_entry(
        EntryDraft(
            kind=EntryKind.PLAN,
            title="Before the round",
            template_id="pre-event-plan",
            sections=(Section("What I hope to learn", "How others carry hard days.", "hope"),),
            event_ids=(event.id,),
        )
    )
    reflection = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="What the chaplain said — 沉默",
            template_id="what-so-what-now-what",
            sections=(
                Section("What?", "The chaplain spoke last.\n\n- everyone *listened*", "what"),
                Section("So what?", "| a | b |\n|---|---|", "so-what"),
            ),
            status=EntryStatus.READY,
            plan_id=plan.id,
            event_ids=(event.id, missed.id),
            experience_ids=(placement.id,),
            professions=("Chaplaincy", "Nursing"),
            tags=("schwartz", "listening"),
            competencies=(
                CompetencyLink("ipec-2023", "VE3", 3),
                CompetencyLink(pack.id, "1.1", None),
            ),
        )
    )
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="A note"))
    # every byte value survives the round trip (a PDF is taken as evidence whatever follows
    # its header)
    evidence = tmp / "certificate.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% Attendance certificate \xe2\x9c\x93\n" + bytes(range(256)))
    service.add_attachment(reflection.id, evidence)
    service.set_final_reflection("Listening is a clinical skill.")
    return service


def _fresh(folder: Path) -> PortfolioService:
    service, _ = PortfolioService.create(folder, PASS, Profile(name="Someone at init"))
    return service


def _leap2a_normalised(data: bytes) -> str:
    text = data.decode("utf-8")
    vault = re.search(r"urn:reflective-portfolio:([0-9a-f]+)", text)
    assert vault
    text = text.replace(vault.group(1), "VAULT")
    return re.sub(r"<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</updated>", "<updated/>", text)


def test_an_archive_round_trips_losslessly(tmp_path: Path) -> None:
    with _rich(tmp_path / "a", tmp_path) as source:
        first = build_archive(source)
        titles = {e.title for e in source.entries()}
    path = tmp_path / "first.zip"
    path.write_bytes(first)
    with _fresh(tmp_path / "b") as target:
        counts = target.import_archive_contents(read_archive(path))
        assert counts == {
            "entries": 3,
            "events": 2,
            "experiences": 1,
            "attachments": 1,
            "framework_packs": 1,
            "profile": 1,
            "final_reflection": 1,
        }
    with PortfolioService.open(tmp_path / "b", PASS) as again:
        assert again.full_check().ok
        assert {e.title for e in again.entries()} == titles
        assert again.profile.name == "Zoë Ñúñez-Wróbel"
        second = build_archive(again)
    one, two = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    assert sorted(one.namelist()) == sorted(two.namelist())
    assert json.loads(one.read("portfolio.json")) == json.loads(two.read("portfolio.json"))
    for name in one.namelist():
        if name.startswith("files/"):
            assert one.read(name) == two.read(name)
    assert _leap2a_normalised(one.read("leap2a.xml")) == _leap2a_normalised(two.read("leap2a.xml"))
    # the vault id and the export time are the only differences, and they do differ
    assert one.read("leap2a.xml") != two.read("leap2a.xml")


def test_importing_into_a_portfolio_with_entries_adds_beside_them(tmp_path: Path) -> None:
    with _rich(tmp_path / "a", tmp_path) as source:
        path = write_archive(source, tmp_path / "a.zip")
    with _fresh(tmp_path / "b") as target:
        mine = target.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Mine"))
        target.set_final_reflection("my own closing words")
        counts = target.import_archive_contents(read_archive(path))
        assert counts["profile"] == 0 and counts["final_reflection"] == 0
        assert target.profile.name == "Someone at init"
        assert target.final_reflection == "my own closing words"
        assert target.entry_count() == 4 and target.get_entry(mine.id).title == "Mine"
        with pytest.raises(ArchiveImportError, match="already in the portfolio"):
            target.import_archive_contents(read_archive(path))
        assert target.entry_count() == 4


def _db_state(folder: Path) -> str:
    conn = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_a_failure_while_writing_leaves_nothing_half_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _rich(tmp_path / "a", tmp_path) as source:
        path = write_archive(source, tmp_path / "a.zip")
    target = _fresh(tmp_path / "b")
    target.close()
    before = _db_state(tmp_path / "b")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr(AttachmentRepository, "add_in", broken)
    with PortfolioService.open(tmp_path / "b", PASS) as target:
        contents = read_archive(path)
        with pytest.raises(OSError):
            target.import_archive_contents(contents)
    assert _db_state(tmp_path / "b") == before
    with PortfolioService.open(tmp_path / "b", PASS) as target:
        assert target.entry_count() == 0 and target.full_check().ok


def _archive_with(tmp_path: Path, change: object) -> Path:
    """A valid archive whose portfolio.json is changed by ``change(data)``."""
    source = tmp_path / "valid.zip"
    if not source.exists():
        with _rich(tmp_path / "src", tmp_path) as service:
            write_archive(service, source)
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    data = json.loads(members["portfolio.json"])
    change(data)  # type: ignore[operator]
    members["portfolio.json"] = json.dumps(data).encode()
    out = tmp_path / "changed.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return out


def _first_reflection(data: dict[str, object]) -> dict[str, object]:
    entries = data["entries"]
    assert isinstance(entries, list)
    return next(e for e in entries if e["kind"] == "reflection")


HOSTILE = {
    "format": (lambda d: d.update(format="something-else/9"), "not in the format"),
    "entries not a list": (lambda d: d.update(entries={"a": 1}), "expected a list"),
    "title a number": (lambda d: _first_reflection(d).update(title=5), "expected text"),
    "title too long": (lambda d: _first_reflection(d).update(title="x" * 400), "at most 300"),
    "no title": (lambda d: _first_reflection(d).update(title="  "), "needs a title"),
    "bad kind": (lambda d: _first_reflection(d).update(kind="diary"), "unknown kind"),
    "bad id": (lambda d: _first_reflection(d).update(id="../../etc"), "is not an id"),
    "duplicate id": (
        lambda d: d["entries"][1].update(id=d["entries"][0]["id"]),  # type: ignore[index]
        "used twice",
    ),
    "missing event": (
        lambda d: _first_reflection(d).update(event_ids=["f" * 32]),
        "not in the archive",
    ),
    "plan not a plan": (
        lambda d: _first_reflection(d).update(
            plan_id=next(e["id"] for e in d["entries"] if e["kind"] == "note")  # type: ignore[attr-defined]
        ),
        "not a plan",
    ),
    "unknown code": (
        lambda d: _first_reflection(d).update(
            competencies=[{"framework": "ipec-2023", "code": "ZZ9", "self_rating": None}]
        ),
        "unknown competency code",
    ),
    "bad rating": (
        lambda d: _first_reflection(d).update(
            competencies=[{"framework": "ipec-2023", "code": "VE3", "self_rating": 9}]
        ),
        "between 1 and 5",
    ),
    "bad date": (lambda d: _first_reflection(d).update(created="yesterday"), "not a date"),
    "hours text": (lambda d: d["events"][0].update(hours="lots"), "must be a number"),  # type: ignore[index]
    "file missing": (
        lambda d: d["attachments"][0].update(path="files/nothing-here"),  # type: ignore[index]
        "is missing",
    ),
    "file size lies": (
        lambda d: d["attachments"][0].update(size=3),  # type: ignore[index]
        "the archive says 3 bytes",
    ),
    "file of no entry": (
        lambda d: d["attachments"][0].update(entry_id="e" * 32),  # type: ignore[index]
        "not in the archive",
    ),
    "pack broken": (
        lambda d: d["framework_packs"][0].update(pack={"no": "shortname"}),  # type: ignore[index]
        "",
    ),
    "profile nameless": (lambda d: d["profile"].update(name=""), "name"),  # type: ignore[union-attr]
    # found by the archive fuzzer: a missing key, not an empty one, was a TypeError
    "profile without name": (lambda d: d["profile"].pop("name"), "name is missing"),  # type: ignore[union-attr]
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_archive_is_refused_with_a_clear_error_and_changes_nothing(
    tmp_path: Path, case: str
) -> None:
    change, message = HOSTILE[case]
    path = _archive_with(tmp_path, change)
    target = _fresh(tmp_path / "b")
    target.close()
    before = _db_state(tmp_path / "b")
    with PortfolioService.open(tmp_path / "b", PASS) as target:
        with pytest.raises(ArchiveImportError if case != "pack broken" else Exception) as caught:
            target.import_archive_contents(read_archive(path))
        assert message in str(getattr(caught.value, "user_message", caught.value))
    assert _db_state(tmp_path / "b") == before


def test_files_that_are_not_archives_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    with pytest.raises(ArchiveImportError, match="not a readable zip"):
        read_archive(junk)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ArchiveImportError, match=r"no portfolio\.json"):
        read_archive(empty)
    deep = tmp_path / "deep.zip"
    with zipfile.ZipFile(deep, "w") as archive:
        archive.writestr("portfolio.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ArchiveImportError, match=r"not valid JSON|not in the format"):
        read_archive(deep)


def test_sizes_and_counts_are_bounded_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("portfolio.json", b" " * (2 * 1024 * 1024))  # compresses to ~2 KB
    assert bomb.stat().st_size < 50_000
    monkeypatch.setattr(archive_import, "MAX_JSON_BYTES", 1024 * 1024)
    with pytest.raises(ArchiveImportError, match="larger than"):
        read_archive(bomb)
    monkeypatch.setattr(archive_import, "MAX_TOTAL_BYTES", 1024 * 1024)
    with pytest.raises(ArchiveImportError, match="unpack to more than"):
        read_archive(bomb)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(30):
            archive.writestr(f"files/{i}", b"")
    monkeypatch.setattr(archive_import, "MAX_MEMBERS", 20)
    with pytest.raises(ArchiveImportError, match="holds 30 files"):
        read_archive(many)


def test_a_lying_declared_size_is_caught_while_reading(tmp_path: Path) -> None:
    """A member whose local header claims fewer bytes than it unpacks to: read with a limit."""
    member = zipfile.ZipInfo("portfolio.json")
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w") as archive:
        archive.writestr(member, b"{" + b" " * 5000 + b"}")
    raw = bytearray(honest.read_bytes())
    # the central directory's uncompressed size (offset 24 in its record): claim 10 bytes
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(raw))
    with pytest.raises(ArchiveImportError):
        read_archive(liar)


@pytest.mark.parametrize(
    ("compression", "damage"),
    [
        (zipfile.ZIP_DEFLATED, b"\xff" * 16),  # zlib: invalid block type
        (zipfile.ZIP_DEFLATED, b"\x02\x80\xff\xff" * 4),  # zlib: distance too far back
        (zipfile.ZIP_BZIP2, b"BZh9" + b"\x00" * 12),  # bz2: invalid data stream
        (zipfile.ZIP_LZMA, b"\x09\x14\x05\x00" + b"\xff" * 12),  # lzma: corrupt input
    ],
)
def test_a_damaged_compressed_stream_is_refused_not_a_crash(
    tmp_path: Path, compression: int, damage: bytes
) -> None:
    """The decompressors' own errors (zlib.error, lzma.LZMAError, bz2's OSError) become a
    clear refusal; a mutated archive once escaped with zlib.error (the archive fuzzer)."""
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w", compression=compression) as archive:
        archive.writestr("portfolio.json", json.dumps({"format": 1, "pad": "x" * 4000}))
    raw = bytearray(honest.read_bytes())
    start = 30 + len("portfolio.json")  # the first local header, then the member's data
    raw[start : start + len(damage)] = damage
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    with pytest.raises(ArchiveImportError, match=r"cannot be unpacked|not a readable zip"):
        read_archive(damaged)


def test_a_directory_asking_for_an_unknown_zip_version_is_refused(tmp_path: Path) -> None:
    """zipfile raises NotImplementedError for it (found by the archive fuzzer)."""
    honest = tmp_path / "honest.zip"
    with zipfile.ZipFile(honest, "w") as archive:
        archive.writestr("portfolio.json", "{}")
    raw = bytearray(honest.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 6] = 84  # "version needed to extract": 8.4
    future = tmp_path / "future.zip"
    future.write_bytes(bytes(raw))
    with pytest.raises(ArchiveImportError, match="not a readable zip"):
        read_archive(future)
