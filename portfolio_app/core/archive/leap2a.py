"""A Leap2A (2010-07) feed of the portfolio, so a student can take it to Mahara and the like.

Mapping (domain.md §5.2): the student is a ``person``; events are ``activity`` entries (with
the date and the professions present); reflections and notes are ``entry`` items, plans are
``plan`` items; competencies linked from entries are ``ability`` items; the whole portfolio is
a ``selection`` that ``has_part`` every item. A reflection points at its event with
``leap2:reflects_on`` and at the plan it answers with ``leap2:is_outcome_of``; competencies are
linked with ``leap2:supports``. Tags are plain Atom categories. Attachments are ``resource``
items with an enclosure link into ``files/``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from portfolio_app import __version__
from portfolio_app.core.archive.markdown_xhtml import markdown_to_xhtml
from portfolio_app.core.domain.entries import Entry, EntryKind
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.domain.records import AttachmentInfo

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LEAP2 = "http://terms.leapspecs.org/"
CATEGORIES = "http://wiki.leapspecs.org/2A/categories"

ET.register_namespace("", ATOM)
ET.register_namespace("rdf", RDF)
ET.register_namespace("leap2", LEAP2)
ET.register_namespace("categories", CATEGORIES)


@dataclass(frozen=True)
class ArchiveContent:
    """Everything the feed is made from (plain domain objects)."""

    vault_id: str
    profile: Profile
    entries: list[Entry]
    events: list[Event]
    experiences: list[Experience]
    frameworks: list[Framework]
    attachments: list[AttachmentInfo]
    final_reflection: str


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _entry(
    feed: ET.Element, item_id: str, title: str, leap_type: str, updated: datetime
) -> ET.Element:
    entry = _sub(feed, f"{{{ATOM}}}entry")
    _sub(entry, f"{{{ATOM}}}id", item_id)
    _sub(entry, f"{{{ATOM}}}title", title or "(untitled)")
    _sub(entry, f"{{{ATOM}}}updated", _iso(updated))
    _sub(entry, f"{{{RDF}}}type", **{f"{{{RDF}}}resource": f"leap2:{leap_type}"})
    return entry


def _content(entry: ET.Element, markdown_text: str) -> None:
    content = _sub(entry, f"{{{ATOM}}}content", type="xhtml")
    content.append(markdown_to_xhtml(markdown_text))


def _link(entry: ET.Element, rel: str, href: str) -> None:
    _sub(entry, f"{{{ATOM}}}link", rel=f"leap2:{rel}", href=href)


def build_feed(content: ArchiveContent, *, now: datetime | None = None) -> bytes:
    """The ``leap2a.xml`` bytes."""
    now = now or datetime.now(UTC)
    base = f"urn:reflective-portfolio:{content.vault_id}"
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, f"{{{LEAP2}}}version", "http://www.leapspecs.org/2010-07/2A/")
    _sub(feed, f"{{{ATOM}}}id", base)
    _sub(feed, f"{{{ATOM}}}title", f"Reflective portfolio of {content.profile.name}")
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", content.profile.name)
    _sub(feed, f"{{{ATOM}}}updated", _iso(now))
    _sub(feed, f"{{{ATOM}}}generator", "Reflective Portfolio", version=__version__)

    person = _entry(feed, f"{base}:person", content.profile.name, "person", now)
    _sub(
        person,
        f"{{{LEAP2}}}persondata",
        content.profile.student_id,
        field="other",
        label="Student id",
    )
    for label, value in (
        ("Profession", content.profile.profession),
        ("Programme", content.profile.programme),
        ("Institution", content.profile.institution),
    ):
        if value:
            _sub(person, f"{{{LEAP2}}}persondata", value, field="other", label=label)

    parts: list[str] = []
    for event in content.events:
        item = _entry(feed, f"{base}:event:{event.id}", event.title, "activity", now)
        details = [f"**{event.kind.label}**"]
        if event.place:
            details.append(f"Place: {event.place}")
        if event.professions_present:
            details.append("Professions present: " + ", ".join(event.professions_present))
        if event.notes:
            details.append(event.notes)
        _content(item, "\n\n".join(details))
        if event.on:
            _sub(item, f"{{{LEAP2}}}date", event.on.isoformat(), point="start")
        _sub(item, f"{{{ATOM}}}category", term=event.kind.label, scheme=f"{CATEGORIES}/event_kind")
        parts.append(f"{base}:event:{event.id}")
    for experience in content.experiences:
        item = _entry(feed, f"{base}:experience:{experience.id}", experience.title, "activity", now)
        _content(
            item,
            "\n\n".join(
                x for x in (experience.kind.label, experience.setting, experience.notes) if x
            ),
        )
        if experience.starts_on:
            _sub(item, f"{{{LEAP2}}}date", experience.starts_on.isoformat(), point="start")
        if experience.ends_on:
            _sub(item, f"{{{LEAP2}}}date", experience.ends_on.isoformat(), point="end")
        parts.append(f"{base}:experience:{experience.id}")

    frameworks = {f.id: f for f in content.frameworks}
    abilities: dict[tuple[str, str], str] = {}
    for entry in content.entries:
        for link in entry.competencies:
            key = (link.framework_id, link.code)
            if key in abilities:
                continue
            framework = frameworks.get(link.framework_id)
            label = framework.label(link.code) if framework else link.code
            ability_id = f"{base}:ability:{link.framework_id}:{link.code}"
            ability = _entry(feed, ability_id, label, "ability", now)
            source = framework.name if framework else link.framework_id
            _content(ability, f"{label}\n\nFrom: {source}")
            abilities[key] = ability_id
            parts.append(ability_id)

    by_entry: dict[str, list[AttachmentInfo]] = {}
    for attachment in content.attachments:
        by_entry.setdefault(attachment.entry_id, []).append(attachment)
    for entry in content.entries:
        leap_type = "plan" if entry.kind is EntryKind.PLAN else "entry"
        item_id = f"{base}:entry:{entry.id}"
        item = _entry(feed, item_id, entry.title, leap_type, entry.updated)
        _sub(item, f"{{{ATOM}}}published", _iso(entry.created))
        _content(item, entry.body_markdown)
        for tag in entry.tags:
            _sub(item, f"{{{ATOM}}}category", term=tag)
        _sub(item, f"{{{ATOM}}}category", term=entry.kind.label, scheme=f"{CATEGORIES}/entry_kind")
        if entry.status.value == "draft":
            _sub(item, f"{{{ATOM}}}category", term="Unready", scheme=f"{CATEGORIES}/readiness")
        for event_id in entry.event_ids:
            _link(item, "reflects_on", f"{base}:event:{event_id}")
        for experience_id in entry.experience_ids:
            _link(item, "reflects_on", f"{base}:experience:{experience_id}")
        if entry.plan_id:
            _link(item, "is_outcome_of", f"{base}:entry:{entry.plan_id}")
        for link in entry.competencies:
            _link(item, "supports", abilities[(link.framework_id, link.code)])
        for attachment in by_entry.get(entry.id, []):
            _link(item, "has_attachment", f"{base}:file:{attachment.id}")
        parts.append(item_id)
    for attachment in content.attachments:
        item = _entry(
            feed, f"{base}:file:{attachment.id}", attachment.filename, "resource", attachment.added
        )
        _sub(
            item,
            f"{{{ATOM}}}link",
            rel="enclosure",
            href=archive_file_name(attachment),
            type=attachment.media_type,
            length=str(attachment.size),
        )
        parts.append(f"{base}:file:{attachment.id}")
    if content.final_reflection.strip():
        final = _entry(feed, f"{base}:final-reflection", "Final reflection", "entry", now)
        _content(final, content.final_reflection)
        parts.append(f"{base}:final-reflection")

    selection = _entry(
        feed, f"{base}:selection", f"Portfolio of {content.profile.name}", "selection", now
    )
    _sub(selection, f"{{{ATOM}}}category", term="Collection", scheme=f"{CATEGORIES}/selection_type")
    for part in parts:
        _link(selection, "has_part", part)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data


def archive_file_name(attachment: AttachmentInfo) -> str:
    """Where an attachment's bytes go inside the zip (id first, so names never collide)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in attachment.filename)
    return f"files/{attachment.id[:12]}-{safe[:80] or 'file'}"


def item_ids(feed: bytes) -> Iterable[str]:
    """Ids of every entry in a feed (tests and round-trip checks)."""
    root = ET.fromstring(feed)
    for entry in root.findall(f"{{{ATOM}}}entry"):
        found = entry.find(f"{{{ATOM}}}id")
        if found is not None and found.text:
            yield found.text
