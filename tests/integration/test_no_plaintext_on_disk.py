"""Canary strings typed into every kind of field never reach any file under the data folder."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.backup_service import create_backup
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

CANARIES = {
    "name": "CanaryName Qzxwvplonk",
    "student_id": "CANARY-ID-7731",
    "programme": "CanaryProgramme Blorpenstein",
    "institution": "CanaryInstitution Vlimmerquast",
    "title": "CanaryTitle Snorkel",
    "body": "CanaryBody Wibblefrost",
    "heading": "CanaryHeading Trumpetfish",
    "tag": "canarytag-ploof",
    "profession": "CanaryProfession Glimmerwort",
    "event_title": "CanaryEvent Zonkerbloom",
    "event_place": "CanaryPlace Frobnicator",
    "event_notes": "CanaryNotes Quuxalicious",
    "event_profession": "CanaryEventProf Yurtlewhist",
    "exp_title": "CanaryExperience Drabblecourt",
    "exp_setting": "CanarySetting Klopstockery",
    "exp_supervisor": "CanarySupervisor Mepplethorpe",
    "event_confirmer": "CanaryConfirmer Wobbleshank",
    "exp_confirmer": "CanaryAssessor Fandangle",
    "final": "CanaryFinal Reflection Zibberwocky",
    "attachment_name": "canary-attachment-name.txt",
    "attachment_body": "CanaryAttachmentBody Plinglesworth",
    "new_title": "CanaryEditedTitle Vorpalblade",
}


def _forms(text: str) -> list[bytes]:
    return [
        text.encode("utf-8"),
        text.lower().encode("utf-8"),
        text.encode("utf-16-le"),
        text.rsplit(maxsplit=1)[-1].encode("utf-8"),
    ]


def _scan(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for key, text in CANARIES.items():
            if any(form in data for form in _forms(text)):
                found.append(f"{key} in {path.name}")
    return found


def test_canaries_never_reach_the_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    profile = Profile(
        name=CANARIES["name"],
        student_id=CANARIES["student_id"],
        programme=CANARIES["programme"],
        institution=CANARIES["institution"],
    )
    service, _recovery = PortfolioService.create(data_dir, "correct horse battery staple", profile)
    event = service.add_event(
        EventKind.IPL_WORKSHOP,
        CANARIES["event_title"],
        on=dt.date(2025, 3, 1),
        place=CANARIES["event_place"],
        professions_present=[CANARIES["event_profession"]],
        notes=CANARIES["event_notes"],
        hours=3.5,
        confirmed_by=CANARIES["event_confirmer"],
    )
    experience = service.add_experience(
        ExperienceKind.COMMUNITY_PLACEMENT,
        CANARIES["exp_title"],
        setting=CANARIES["exp_setting"],
        supervisor=CANARIES["exp_supervisor"],
        hours=37.5,
        confirmed_by=CANARIES["exp_confirmer"],
    )
    entry = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title=CANARIES["title"],
            sections=(Section(CANARIES["heading"], CANARIES["body"], "k"),),
            tags=(CANARIES["tag"],),
            professions=(CANARIES["profession"],),
            event_ids=(event.id,),
            experience_ids=(experience.id,),
        )
    )
    for i in range(5):
        entry = service.save_entry(
            entry.replace(sections=(Section(CANARIES["heading"], f"{CANARIES['body']} {i}", "k"),)),
            autosave=bool(i % 2),
        )
    service.save_entry(entry.replace(title=CANARIES["new_title"]))
    attachment = tmp_path / CANARIES["attachment_name"]
    attachment.write_text(CANARIES["attachment_body"], encoding="utf-8")
    service.add_attachment(entry.id, attachment)
    attachment.unlink()
    service.set_final_reflection(CANARIES["final"])
    create_backup(service, data_dir / "backups" / "manual")
    assert _scan(data_dir) == [], "plaintext while open (DB, WAL, backups)"
    service.change_passphrase("another strong passphrase")
    service.close()
    assert _scan(data_dir) == []
    # nothing in the temp folder either
    temp = Path(tempfile.gettempdir())
    recent = [
        p for p in temp.glob("*") if p.is_file() and p.stat().st_mtime > data_dir.stat().st_mtime
    ]
    for path in recent:
        data = path.read_bytes()
        assert not any(form in data for t in CANARIES.values() for form in _forms(t)), path
    # and it still opens with everything there
    with PortfolioService.open(data_dir, "another strong passphrase") as opened:
        assert opened.entries()[0].title == CANARIES["new_title"]
        assert opened.final_reflection == CANARIES["final"]
