"""The open archive: a zip whose leap2a.xml and portfolio.json match the vault."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

from portfolio_app.core.archive.leap2a import ATOM, LEAP2, RDF
from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, Section
from portfolio_app.core.services.archive_service import build_archive, write_archive
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService


def test_archive_holds_leap2a_json_and_files(service: PortfolioService, tmp_path: Path) -> None:
    event = service.add_event(EventKind.SBAR_SIMULATION, "SBAR with readback", on=date(2025, 2, 3))
    plan = service.add_entry(
        EntryDraft(kind=EntryKind.PLAN, title="Before SBAR", sections=(Section("Plan", "Listen"),))
    )
    reflection = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="After SBAR",
            sections=(
                Section("What?", "I *read back* <script>alert(1)</script> the plan."),
                Section("So what?", "| a | b |\n|---|---|\n| 1 | 2 |"),
            ),
            plan_id=plan.id,
            event_ids=(event.id,),
            tags=("handover",),
            competencies=(CompetencyLink("ipec-2023", "C1", 3),),
        )
    )
    evidence = tmp_path / "feedback.txt"
    evidence.write_text("Great handover", encoding="utf-8")
    service.add_attachment(reflection.id, evidence)
    path = write_archive(service, tmp_path / "out" / "mine")
    assert path.name == "mine.zip"
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    names = archive.namelist()
    assert "leap2a.xml" in names and "portfolio.json" in names
    assert any(n.startswith("files/") and n.endswith("feedback.txt") for n in names)
    snapshot = json.loads(archive.read("portfolio.json"))
    assert {e["title"] for e in snapshot["entries"]} == {"Before SBAR", "After SBAR"}
    feed = ET.fromstring(archive.read("leap2a.xml"))
    entries = feed.findall(f"{{{ATOM}}}entry")
    types = {
        e.findtext(f"{{{ATOM}}}title"): e.find(f"{{{RDF}}}type").get(f"{{{RDF}}}resource")  # type: ignore[union-attr]
        for e in entries
    }
    assert types["Before SBAR"] == "leap2:plan"
    assert types["After SBAR"] == "leap2:entry"
    assert types["SBAR with readback"] == "leap2:activity"
    assert any(v == "leap2:ability" for v in types.values())
    assert any(v == "leap2:selection" for v in types.values())
    after = next(e for e in entries if e.findtext(f"{{{ATOM}}}title") == "After SBAR")
    rels = {link.get("rel") for link in after.findall(f"{{{ATOM}}}link")}
    assert {
        "leap2:reflects_on",
        "leap2:is_outcome_of",
        "leap2:supports",
        "leap2:has_attachment",
    } <= rels
    content = ET.tostring(after.find(f"{{{ATOM}}}content"), encoding="unicode")  # type: ignore[arg-type]
    assert "<script" not in content
    assert "read back" in content and "table" in content
    assert feed.findtext(f"{{{LEAP2}}}version") == "http://www.leapspecs.org/2010-07/2A/"


def test_archive_of_an_empty_portfolio_is_valid(service: PortfolioService) -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_archive(service)))
    ET.fromstring(archive.read("leap2a.xml"))
    assert json.loads(archive.read("portfolio.json"))["entries"] == []


def test_archive_xhtml_keeps_structure_and_drops_unsafe_markup() -> None:
    from portfolio_app.core.archive.markdown_xhtml import markdown_to_xhtml

    div = markdown_to_xhtml(
        "Line one  \nline two\n\n---\n\n**bold** [ok](https://x.org) [bad](javascript:alert(1))"
        '\n\n<img src="http://tracker/p.png"> &amp; <b>raw</b>'
    )
    xml = ET.tostring(div, encoding="unicode")
    assert "<pre" not in xml  # parsed as structure, not carried as escaped text
    assert "br" in xml and "hr" in xml and "strong" in xml
    assert "https://x.org" in xml
    assert "javascript" not in xml and "tracker" not in xml and "<img" not in xml
