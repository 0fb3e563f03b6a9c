"""SQLAlchemy 2 table definitions (``*Record``); nothing else lives here.

Columns of type ``LargeBinary`` named after user text hold AES-GCM ciphertext from
:mod:`portfolio_app.core.vault.field_cipher`. Plain columns are structure only: ids, foreign
keys, kinds, statuses, timestamps and public framework codes. SECURITY.md lists them.

The plain columns are an index, not the truth: each record's ``meta`` ciphertext holds the
same structure as it was saved, ``version`` counts its saves (and is bound into every field's
associated data), and ``record_manifest`` + ``manifest_head`` are the keyed manifest over every
record (see ``core.storage.integrity``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them on SQLite)."""

    metadata = MetaData(naming_convention=NAMING)


class KeySlotRecord(Base):
    """A wrap of the data key (see vault.key_slots)."""

    __tablename__ = "key_slots"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    header: Mapped[bytes] = mapped_column(LargeBinary)
    checksum: Mapped[str] = mapped_column(String(64))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)


class ProfileRecord(Base):
    """The single profile row; all of it encrypted."""

    __tablename__ = "profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EventRecord(Base):
    """An IPL event."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    on_date: Mapped[date | None] = mapped_column(Date)
    attended: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created: Mapped[datetime] = mapped_column(DateTime)
    title: Mapped[bytes] = mapped_column(LargeBinary)
    place: Mapped[bytes] = mapped_column(LargeBinary)
    professions: Mapped[bytes] = mapped_column(LargeBinary)
    notes: Mapped[bytes] = mapped_column(LargeBinary)
    #: Encrypted JSON {"hours", "confirmed_by"}; NULL in rows written before revision 0004.
    attendance: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ExperienceRecord(Base):
    """A placement or other longer experience."""

    __tablename__ = "experiences"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created: Mapped[datetime] = mapped_column(DateTime)
    title: Mapped[bytes] = mapped_column(LargeBinary)
    setting: Mapped[bytes] = mapped_column(LargeBinary)
    supervisor: Mapped[bytes] = mapped_column(LargeBinary)
    notes: Mapped[bytes] = mapped_column(LargeBinary)
    #: Encrypted JSON {"hours", "confirmed_by"}; NULL in rows written before revision 0004.
    attendance: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class EntryRecord(Base):
    """A plan, reflection or note."""

    __tablename__ = "entries"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    template_id: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime)
    updated: Mapped[datetime] = mapped_column(DateTime)
    occurred_on: Mapped[datetime | None] = mapped_column(DateTime)
    plan_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("entries.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[bytes] = mapped_column(LargeBinary)
    sections: Mapped[bytes] = mapped_column(LargeBinary)
    tags: Mapped[bytes] = mapped_column(LargeBinary)
    professions: Mapped[bytes] = mapped_column(LargeBinary)


class EntryEventRecord(Base):
    """Entry <-> event link."""

    __tablename__ = "entry_events"
    entry_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )


class EntryExperienceRecord(Base):
    """Entry <-> experience link."""

    __tablename__ = "entry_experiences"
    entry_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    experience_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("experiences.id", ondelete="CASCADE"), primary_key=True
    )


class EntryCompetencyRecord(Base):
    """Entry <-> framework competency link; codes are public framework codes."""

    __tablename__ = "entry_competencies"
    entry_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    framework_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    self_rating: Mapped[int | None] = mapped_column(Integer)


class AttachmentRecord(Base):
    """An encrypted evidence file."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    entry_id: Mapped[str] = mapped_column(String(32), ForeignKey("entries.id", ondelete="CASCADE"))
    added: Mapped[datetime] = mapped_column(DateTime)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[bytes] = mapped_column(LargeBinary)
    media_type: Mapped[bytes] = mapped_column(LargeBinary)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class RevisionRecord(Base):
    """A saved earlier version of an entry."""

    __tablename__ = "revisions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    entry_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    saved: Mapped[datetime] = mapped_column(DateTime)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)


class RevisionLinkRecord(Base):
    """One link of an entry's revision hash chain (see ``core.timeline.chain``).

    ``link`` is the encrypted link (its hash, the previous link's hash, the content digest and
    its salt, the save time); ``entry_id`` and ``seq`` are an index, sealed inside ``link``.
    """

    __tablename__ = "revision_links"
    __table_args__ = (Index("ix_revision_links_entry_id", "entry_id", "seq"),)
    id: Mapped[str] = mapped_column(
        String(32), ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    entry_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    link: Mapped[bytes] = mapped_column(LargeBinary)


class FeedbackRecord(Base):
    """Tutor feedback imported from one countersigned PDF (``core.services.feedback_service``).

    ``data`` is the encrypted JSON of the whole import (feedback per entry, decisions, signers,
    the file's SHA-256); ``received`` is when it was imported (also inside ``data``).
    """

    __tablename__ = "feedback"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    received: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EntryIndexRecord(Base):
    """One sealed segment of the encrypted search index (see core.storage.index_store)."""

    __tablename__ = "entry_index"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    summaries: Mapped[bytes] = mapped_column(LargeBinary)
    terms: Mapped[bytes] = mapped_column(LargeBinary)


class FrameworkRecord(Base):
    """A framework pack the student imported (built-in packs ship as resources)."""

    __tablename__ = "frameworks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    imported: Mapped[datetime] = mapped_column(DateTime)
    pack: Mapped[bytes] = mapped_column(LargeBinary)


class SettingRecord(Base):
    """Encrypted key-value data kept inside the vault (identity, final reflection...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    value: Mapped[bytes] = mapped_column(LargeBinary)


class RecordManifestRecord(Base):
    """One row per record the app wrote: its table, id, save counter and structure digest."""

    __tablename__ = "record_manifest"
    tbl: Mapped[str] = mapped_column(String(32), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class ManifestHeadRecord(Base):
    """The sealed manifest head: per-table keyed aggregates and counts, key-slot digests."""

    __tablename__ = "manifest_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


def table_of(record: type[Base]) -> Table:
    """The Core table of a record class, typed as a Table for insert/update/delete."""
    return cast("Table", record.__table__)
