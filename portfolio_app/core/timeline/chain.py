"""The revision hash chain: what each link's hash covers, exactly, and how to check a chain.

Every saved version of an entry (a revision) gets one *link*. A link's hash covers the hash of
the link before it and a digest of the entry's content at that save, so the links of an entry
form a chain: changing, removing or reordering any earlier version changes every hash after
it. The head (the newest link's hash) of every exported entry goes into the signed
``portfolio.json`` with the whole list of links, so a later export can be checked against an
earlier one (``core.timeline.compare``).

Definitions (format ``rp-revision-chain/1``; every hash is SHA-256 over canonical JSON,
``core.timeline.canonical``, written in lower-case hex):

* **content** of an entry, from its ``portfolio.json`` form (``serialisation.entry_to_dict``)::

      {"id", "kind", "title", "template", "created", "occurred_on", "plan_id",
       "sections": [[key, heading, body], ...], "event_ids": [...],
       "experience_ids": [...], "professions": [...], "tags": [...],
       "competencies": [[framework, code, self_rating or null], ...]}

  with ``created``/``occurred_on`` as canonical times (below). The status is not content
  (it says where the entry stands, not what it says); nor are attachments (``portfolio.json``
  lists their SHA-256 separately).
* **content digest** = SHA-256(canonical({"format": "rp-entry-content/1", "salt": SALT,
  "entry": content})). ``SALT`` is 16 random bytes (hex) per link, kept in the vault: only the
  head's salt is exported (so a reader can recompute the head from the exported text); the
  digests of earlier versions cannot be tested against guesses of what a draft said.
* **link hash** = SHA-256(canonical({"format": "rp-revision-chain/1", "entry": ENTRY_ID,
  "seq": N, "prev": HASH_OF_LINK_N-1 or null, "saved": TIME, "content": CONTENT_DIGEST,
  "edit": true|false, "origin": ORIGIN})). ``seq`` counts from 1; ``edit`` says whether the
  content differs from the previous version (the first link is an edit); ``origin`` is
  ``live`` (made when the version was saved), ``upgrade`` (made for history saved before the
  chain existed, when the app was upgraded), ``export`` (the entry changed without a saved
  version, e.g. a linked event was deleted; recorded when exporting) or ``restart`` (the link
  before could not be read).
* **canonical time**: UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six fraction digits).
* **portfolio head** = SHA-256(canonical({"format": "rp-portfolio-head/1", "entries":
  [[ENTRY_ID, HEAD], ...] sorted by entry id})) over the exported entries: one value that is
  equal for two exports exactly when they hold the same entries with the same histories.

Every time in a link is the student's own computer clock. The chain proves *order and
continuity*, not time: see SECURITY.md ("The timeline: what it proves").
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from portfolio_app.core.timeline.canonical import CanonicalFormError, canonical_json

CHAIN_FORMAT = "rp-revision-chain/1"
CONTENT_FORMAT = "rp-entry-content/1"
PORTFOLIO_HEAD_FORMAT = "rp-portfolio-head/1"
ORIGINS = ("live", "upgrade", "export", "restart")
_HEX64 = frozenset("0123456789abcdef")


def canonical_time(value: datetime | str | None) -> str | None:
    """A time as the chain writes it (UTC, microseconds, ``Z``); naive times are UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> datetime:
    """A canonical time back to an aware datetime."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def new_salt() -> str:
    """A fresh content salt (16 random bytes, hex)."""
    return secrets.token_hex(16)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _rating(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _texts(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list | tuple) else []


def entry_content(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The content the chain covers, from an entry's ``portfolio.json`` form.

    Raises ``ValueError`` for an entry whose dates cannot be read.
    """
    sections = entry.get("sections") if isinstance(entry.get("sections"), list) else []
    competencies = entry.get("competencies")
    return {
        "id": _text(entry.get("id")),
        "kind": _text(entry.get("kind")),
        "title": _text(entry.get("title")),
        "template": _text(entry.get("template")),
        "created": canonical_time(entry.get("created") or None),
        "occurred_on": canonical_time(entry.get("occurred_on") or None),
        "plan_id": entry.get("plan_id") or None,
        "sections": [
            [_text(s.get("key")), _text(s.get("heading")), _text(s.get("body"))]
            for s in (sections or [])
            if isinstance(s, Mapping)
        ],
        "event_ids": _texts(entry.get("event_ids")),
        "experience_ids": _texts(entry.get("experience_ids")),
        "professions": _texts(entry.get("professions")),
        "tags": _texts(entry.get("tags")),
        "competencies": [
            [_text(c.get("framework")), _text(c.get("code")), _rating(c.get("self_rating"))]
            for c in (competencies if isinstance(competencies, list) else [])
            if isinstance(c, Mapping)
        ],
    }


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def content_digest(content: Mapping[str, Any], salt: str) -> str:
    """The salted digest a link carries."""
    return _sha256({"format": CONTENT_FORMAT, "salt": salt, "entry": dict(content)})


def private_digest(content: Mapping[str, Any]) -> str:
    """An unsalted digest, kept only inside the vault, to tell an edit from a plain re-save."""
    return _sha256({"format": CONTENT_FORMAT, "entry": dict(content)})


@dataclass(frozen=True)
class Link:
    """One link, as hashed (the fields of the preimage) plus the hash."""

    entry_id: str
    seq: int
    prev: str | None
    saved: str
    content: str
    edit: bool
    origin: str
    hash: str

    def preimage(self) -> dict[str, Any]:
        """The object whose canonical bytes are hashed."""
        return link_preimage(
            self.entry_id,
            seq=self.seq,
            prev=self.prev,
            saved=self.saved,
            content=self.content,
            edit=self.edit,
            origin=self.origin,
        )

    def to_json(self) -> dict[str, Any]:
        """The exported form (the entry id is the entry's own)."""
        return {
            "seq": self.seq,
            "prev": self.prev,
            "saved": self.saved,
            "content": self.content,
            "edit": self.edit,
            "origin": self.origin,
            "hash": self.hash,
        }


def link_preimage(
    entry_id: str,
    *,
    seq: int,
    prev: str | None,
    saved: str,
    content: str,
    edit: bool,
    origin: str,
) -> dict[str, Any]:
    """The object a link hash covers (see the module docstring)."""
    return {
        "format": CHAIN_FORMAT,
        "entry": entry_id,
        "seq": seq,
        "prev": prev,
        "saved": saved,
        "content": content,
        "edit": edit,
        "origin": origin,
    }


def make_link(
    entry_id: str,
    seq: int,
    prev: str | None,
    saved: datetime | str,
    content: str,
    *,
    edit: bool,
    origin: str,
) -> Link:
    """A new link with its hash."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown link origin {origin!r}")
    when = canonical_time(saved)
    assert when is not None
    digest = _sha256(
        link_preimage(
            entry_id, seq=seq, prev=prev, saved=when, content=content, edit=edit, origin=origin
        )
    )
    return Link(entry_id, seq, prev, when, content, edit, origin, digest)


def portfolio_head(heads: Mapping[str, str]) -> str:
    """The portfolio-level head over ``{entry id: head}``."""
    return _sha256(
        {
            "format": PORTFOLIO_HEAD_FORMAT,
            "entries": [[entry_id, heads[entry_id]] for entry_id in sorted(heads)],
        }
    )


def _is_hex64(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX64


def links_from_json(entry_id: str, raw: object) -> tuple[list[Link], list[str]]:
    """Links from their exported form, each hash recomputed; problems in words.

    Checks each link's fields, that ``seq`` counts 1, 2, 3..., that each ``prev`` is the
    previous link's hash, and that each hash is what its fields give. Never raises.
    """
    problems: list[str] = []
    if not isinstance(raw, list) or not raw:
        return [], ["it records no saved versions"]
    links: list[Link] = []
    previous: str | None = None
    for position, item in enumerate(raw[:100_000], start=1):
        if not isinstance(item, Mapping):
            return links, [f"saved version {position} is not a record"]
        seq, prev, saved = item.get("seq"), item.get("prev"), item.get("saved")
        content, edit, origin, claimed = (
            item.get("content"),
            item.get("edit"),
            item.get("origin"),
            item.get("hash"),
        )
        if (
            not isinstance(seq, int)
            or isinstance(seq, bool)
            or not isinstance(saved, str)
            or not _is_hex64(content)
            or not isinstance(edit, bool)
            or origin not in ORIGINS
            or not _is_hex64(claimed)
            or not (prev is None or _is_hex64(prev))
        ):
            return links, [f"saved version {position} is incomplete or malformed"]
        assert isinstance(content, str) and isinstance(claimed, str) and isinstance(origin, str)
        try:
            saved_canonical = canonical_time(saved)
        except ValueError:
            return links, [f"saved version {position} has an unreadable time"]
        if saved_canonical != saved:
            problems.append(f"saved version {position}'s time is not in the canonical form")
        if seq != position:
            problems.append(f"saved version {position} is numbered {seq}")
        if prev != previous:
            problems.append(
                f"saved version {position} does not follow the one before it (its 'prev' is "
                "not that version's hash)"
            )
        try:
            recomputed = _sha256(
                link_preimage(
                    entry_id,
                    seq=seq,
                    prev=prev if isinstance(prev, str) else None,
                    saved=saved,
                    content=content,
                    edit=edit,
                    origin=origin,
                )
            )
        except CanonicalFormError:
            return links, [f"saved version {position} cannot be hashed"]
        if recomputed != claimed:
            problems.append(f"saved version {position}'s hash does not match its contents")
        link = Link(
            entry_id,
            seq,
            prev if isinstance(prev, str) else None,
            saved,
            content,
            edit,
            origin,
            claimed,
        )
        links.append(link)
        previous = claimed
    return links, problems


@dataclass(frozen=True)
class TimelineSummary:
    """What a chain says about an entry's history, for people (PDF, CLI, compare)."""

    created: str | None
    first_saved: str
    last_changed: str
    last_saved: str
    revisions: int
    edits: int
    upgraded: int
    head: str

    def to_json(self) -> dict[str, Any]:
        """The ``portfolio.json`` form."""
        return {
            "created": self.created,
            "first_saved": self.first_saved,
            "last_changed": self.last_changed,
            "last_saved": self.last_saved,
            "revisions": self.revisions,
            "edits": self.edits,
            "links_made_at_upgrade": self.upgraded,
            "head": self.head,
        }


def summarise(links: Sequence[Link], created: str | None) -> TimelineSummary:
    """First written, last changed (last edit), counts and head of a non-empty chain."""
    edits = [link for link in links if link.edit or link.seq == 1]
    return TimelineSummary(
        created=created,
        first_saved=links[0].saved,
        last_changed=(edits[-1] if edits else links[-1]).saved,
        last_saved=links[-1].saved,
        revisions=len(links),
        edits=len(edits),
        upgraded=sum(1 for link in links if link.origin == "upgrade"),
        head=links[-1].hash,
    )


def check_head_content(entry: Mapping[str, Any], links: Sequence[Link], salt: object) -> str | None:
    """Whether the head's content digest is the exported entry's text; a problem, or None."""
    if not links:
        return None
    if not isinstance(salt, str) or not salt:
        return "the salt of its newest saved version is missing, so its text cannot be matched"
    try:
        digest = content_digest(entry_content(entry), salt)
    except (ValueError, CanonicalFormError):
        return "its exported text cannot be hashed"
    if digest != links[-1].content:
        return "its newest saved version does not hash to the text exported"
    return None


@dataclass(frozen=True)
class EntryTimeline:
    """An entry's chain as the export carries it: its links, the head's salt, a summary, and
    any problem found with the chain in the vault."""

    entry_id: str
    links: tuple[Link, ...]
    head_salt: str
    summary: TimelineSummary
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``timeline`` member of an entry in ``portfolio.json``."""
        return {
            "chain": CHAIN_FORMAT,
            "content_format": CONTENT_FORMAT,
            **self.summary.to_json(),
            "head_salt": self.head_salt,
            "links": [link.to_json() for link in self.links],
        }


def chain_problems(entry_id: str, links: Sequence[Link]) -> list[str]:
    """What is wrong with a chain read from the vault (numbering, order, hashes, restarts)."""
    _links, problems = links_from_json(entry_id, [link.to_json() for link in links])
    restarts = [link.seq for link in links if link.origin == "restart"]
    if restarts:
        problems.append(
            f"the chain starts again at saved version {restarts[0]}, because the version before "
            "it could not be read"
        )
    return problems
