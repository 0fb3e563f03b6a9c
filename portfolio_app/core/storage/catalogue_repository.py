"""Events and experiences: the catalogue entries are tagged to.

Like entries, each record's plain columns (kind, dates, attendance) are sealed in its ``meta``
ciphertext and counted in the keyed manifest; reads build the objects from the sealed copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import DamagedRecordError, ValidationError
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EventId, ExperienceId
from portfolio_app.core.domain.records import DamagedRecord, StructureChange
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.entry_repository import EntryRepository, Loaded
from portfolio_app.core.storage.store import Conn, Store, to_db

EVENTS = "events"
EXPERIENCES = "experiences"
_EVENT_COLUMNS = (
    "id",
    "version",
    "meta",
    "title",
    "place",
    "professions",
    "notes",
    "attendance",
    "kind",
    "on_date",
    "attended",
    "created",
)
_EXPERIENCE_COLUMNS = (
    "id",
    "version",
    "meta",
    "title",
    "setting",
    "supervisor",
    "notes",
    "attendance",
    "kind",
    "starts_on",
    "ends_on",
    "created",
)


def _day(value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DamagedRecordError("a sealed date is unreadable")
    return date.fromisoformat(value)


class CatalogueRepository:
    """Reads and writes events and experiences."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- writing -------------------------------------------------------------------------

    def _write(
        self,
        conn: Conn,
        table_name: str,
        record: Any,
        plain: dict[str, Any],
        texts: dict[str, object],
        *,
        is_new: bool,
    ) -> None:
        c = self._store.cipher
        rid = str(record.id)
        version = integrity.next_version(conn, table_name, rid)
        if is_new:
            plain["created"] = to_db(datetime.now(UTC))
        else:
            existing = conn.exec_driver_sql(
                f"SELECT meta, version FROM {table_name} WHERE id = ?", (rid,)
            ).first()
            if existing is None:
                raise ValidationError(f"there is no {table_name[:-1]} with id '{rid}' in the file")
            plain["created"] = self._sealed_created(table_name, rid, existing)
        struct = integrity.structure(table_name, plain)
        values: dict[str, Any] = {"id": rid, "version": version, **plain}
        values["meta"] = c.encrypt_json(
            struct, table=table_name, row_id=rid, field="meta", version=version
        )
        for name, value in texts.items():
            if isinstance(value, str):
                values[name] = c.encrypt_text(
                    value, table=table_name, row_id=rid, field=name, version=version
                )
            else:
                values[name] = c.encrypt_json(
                    value, table=table_name, row_id=rid, field=name, version=version
                )
        if is_new:
            conn.insert(table_name, [values])
        else:  # never SET the primary key (SQLite would check every child table for it)
            del values["id"]
            conn.update(table_name, values, "id = ?", (rid,))
        self._store.manifest.put(
            conn, table_name, rid, version, integrity.record_digest(conn, table_name, rid)
        )

    def _sealed_created(self, table_name: str, rid: str, existing: Any) -> datetime:
        """Keep the creation time as it was sealed (not what the plain column says now)."""
        try:
            sealed = self._store.cipher.decrypt_json(
                existing[0], table=table_name, row_id=rid, field="meta", version=existing[1]
            )
            if isinstance(sealed, dict) and isinstance(sealed.get("created"), str):
                return datetime.fromisoformat(sealed["created"])
        except (DamagedRecordError, ValueError, TypeError):
            pass
        return to_db(datetime.now(UTC))

    def save_event(self, event: Event, *, is_new: bool) -> None:
        """Insert or update one event."""
        with self._store.write() as conn:
            self.save_event_in(conn, event, is_new=is_new)

    def save_event_in(self, conn: Conn, event: Event, *, is_new: bool = False) -> None:
        """Write one event inside a larger transaction."""
        plain = {"kind": event.kind.value, "on_date": event.on, "attended": event.attended}
        texts: dict[str, object] = {
            "title": event.title,
            "place": event.place,
            "professions": list(event.professions_present),
            "notes": event.notes,
            "attendance": _attendance(event.hours, event.confirmed_by),
        }
        self._write(conn, EVENTS, event, plain, texts, is_new=is_new)

    def save_experience(self, experience: Experience, *, is_new: bool) -> None:
        """Insert or update one experience."""
        with self._store.write() as conn:
            self.save_experience_in(conn, experience, is_new=is_new)

    def save_experience_in(
        self, conn: Conn, experience: Experience, *, is_new: bool = False
    ) -> None:
        """Write one experience inside a larger transaction."""
        plain = {
            "kind": experience.kind.value,
            "starts_on": experience.starts_on,
            "ends_on": experience.ends_on,
        }
        texts: dict[str, object] = {
            "title": experience.title,
            "setting": experience.setting,
            "supervisor": experience.supervisor,
            "notes": experience.notes,
            "attendance": _attendance(experience.hours, experience.confirmed_by),
        }
        self._write(conn, EXPERIENCES, experience, plain, texts, is_new=is_new)

    def _delete(self, table_name: str, rid: str, relinked: list[Entry]) -> None:
        with self._store.write() as conn:
            conn.exec_driver_sql(f"DELETE FROM {table_name} WHERE id = ?", (rid,))
            self._store.manifest.remove(conn, table_name, rid)
            EntryRepository(self._store).update_in(conn, relinked)

    def delete_event(self, event_id: EventId, *, relinked: list[Entry] | None = None) -> None:
        """Delete an event; ``relinked`` entries lose the link in the same transaction."""
        self._delete(EVENTS, event_id, relinked or [])

    def delete_experience(
        self, experience_id: ExperienceId, *, relinked: list[Entry] | None = None
    ) -> None:
        """Delete an experience; ``relinked`` entries lose the link in the same transaction."""
        self._delete(EXPERIENCES, experience_id, relinked or [])

    # ---- reading -------------------------------------------------------------------------

    def _load(
        self,
        table_name: str,
        columns: tuple[str, ...],
        build: Callable[[str, dict[str, Any], Callable[[str], object]], Any],
    ) -> Loaded:
        c = self._store.cipher
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table_name}").all()
        loaded = Loaded()
        for raw in rows:
            row = dict(zip(columns, raw, strict=True))
            rid = str(row["id"])
            version = row["version"]
            try:
                if not isinstance(version, int) or not isinstance(row["meta"], bytes):
                    raise DamagedRecordError(f"{table_name} record {rid}: its seal is missing")

                def dec(
                    name: str, rid: str = rid, version: int = version, row: dict[str, Any] = row
                ) -> object:
                    return c.decrypt_json(
                        row[name], table=table_name, row_id=rid, field=name, version=version
                    )

                sealed = dec("meta")
                if not isinstance(sealed, dict):
                    raise DamagedRecordError(f"{table_name} record {rid} is unreadable")

                def text(
                    name: str, rid: str = rid, version: int = version, row: dict[str, Any] = row
                ) -> object:
                    if name in ("professions", "attendance"):
                        return dec(name)
                    return c.decrypt_text(
                        row[name], table=table_name, row_id=rid, field=name, version=version
                    )

                record = build(rid, sealed, text)
            except DamagedRecordError as exc:
                loaded.damaged.append(DamagedRecord(table_name, rid, exc.user_message))
                continue
            except (ValueError, KeyError, TypeError) as exc:
                loaded.damaged.append(DamagedRecord(table_name, rid, f"unreadable ({exc})"))
                continue
            found = integrity.structure(table_name, row)
            for column, saved_value, found_value in integrity.differences(sealed, found):
                loaded.changes.append(
                    StructureChange(table_name, rid, column, saved_value, found_value)
                )
            loaded.records.append(record)
        return loaded

    def load_events(self) -> Loaded:
        """All events that decrypt, notices for those that do not, and structure changes."""

        def build(rid: str, sealed: dict[str, Any], text: Callable[[str], object]) -> Event:
            professions = text("professions")
            hours, confirmed_by = _read_attendance(text("attendance"))
            attended = sealed["attended"]
            return Event(
                id=EventId(rid),
                kind=EventKind(sealed["kind"]),
                title=str(text("title")),
                on=_day(sealed["on_date"]),
                place=str(text("place")),
                professions_present=tuple(str(p) for p in professions)
                if isinstance(professions, list)
                else (),
                notes=str(text("notes")),
                attended=bool(attended) if isinstance(attended, bool) else True,
                hours=hours,
                confirmed_by=confirmed_by,
            )

        return self._load(EVENTS, _EVENT_COLUMNS, build)

    def load_experiences(self) -> Loaded:
        """All experiences that decrypt, notices for those that do not, and structure changes."""

        def build(rid: str, sealed: dict[str, Any], text: Callable[[str], object]) -> Experience:
            hours, confirmed_by = _read_attendance(text("attendance"))
            return Experience(
                id=ExperienceId(rid),
                kind=ExperienceKind(sealed["kind"]),
                title=str(text("title")),
                setting=str(text("setting")),
                supervisor=str(text("supervisor")),
                starts_on=_day(sealed["starts_on"]),
                ends_on=_day(sealed["ends_on"]),
                notes=str(text("notes")),
                hours=hours,
                confirmed_by=confirmed_by,
            )

        return self._load(EXPERIENCES, _EXPERIENCE_COLUMNS, build)


def _attendance(hours: float | None, confirmed_by: str) -> dict[str, Any]:
    """The attendance JSON: always written, so an empty one looks like a full one on disk."""
    return {"hours": hours, "confirmed_by": confirmed_by}


def _read_attendance(value: object) -> tuple[float | None, str]:
    """Hours and confirmer from the decrypted JSON."""
    if not isinstance(value, dict):
        return None, ""
    hours = value.get("hours")
    confirmed_by = value.get("confirmed_by")
    number = (
        float(hours) if isinstance(hours, int | float) and not isinstance(hours, bool) else None
    )
    return number, confirmed_by if isinstance(confirmed_by, str) else ""
