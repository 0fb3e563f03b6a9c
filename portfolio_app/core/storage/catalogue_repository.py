"""Events and experiences: the catalogue entries are tagged to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EventId, ExperienceId
from portfolio_app.core.domain.records import DamagedRecord
from portfolio_app.core.storage.records import EventRecord, ExperienceRecord, table_of
from portfolio_app.core.storage.store import Store, to_db

EVENTS = "events"
EXPERIENCES = "experiences"


class CatalogueRepository:
    """Reads and writes events and experiences."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _event_values(self, event: Event) -> dict[str, Any]:
        c = self._store.cipher
        rid = event.id
        return {
            "id": rid,
            "kind": event.kind.value,
            "on_date": event.on,
            "attended": event.attended,
            "title": c.encrypt_text(event.title, table=EVENTS, row_id=rid, field="title"),
            "place": c.encrypt_text(event.place, table=EVENTS, row_id=rid, field="place"),
            "professions": c.encrypt_json(
                list(event.professions_present), table=EVENTS, row_id=rid, field="professions"
            ),
            "notes": c.encrypt_text(event.notes, table=EVENTS, row_id=rid, field="notes"),
            "attendance": c.encrypt_json(
                _attendance(event.hours, event.confirmed_by),
                table=EVENTS,
                row_id=rid,
                field="attendance",
            ),
        }

    def save_event(self, event: Event, *, is_new: bool) -> None:
        """Insert or update one event."""
        table = table_of(EventRecord)
        values = self._event_values(event)
        with self._store.write() as conn:
            if is_new:
                values["created"] = to_db(datetime.now(UTC))
                conn.execute(insert(table), [values])
            else:
                conn.execute(update(table).where(table.c.id == event.id).values(values))

    def delete_event(self, event_id: EventId) -> None:
        """Delete an event; entries lose the link, not their text."""
        table = table_of(EventRecord)
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.id == event_id))

    def load_events(self) -> tuple[list[Event], list[DamagedRecord]]:
        """All events that decrypt, and notices for those that do not."""
        c = self._store.cipher
        with self._store.read() as conn:
            rows = conn.execute(select(table_of(EventRecord))).all()
        events: list[Event] = []
        damaged: list[DamagedRecord] = []
        for row in rows:
            rid = row.id
            try:
                professions = c.decrypt_json(
                    row.professions, table=EVENTS, row_id=rid, field="professions"
                )
                hours, confirmed_by = _read_attendance(
                    None
                    if row.attendance is None
                    else c.decrypt_json(
                        row.attendance, table=EVENTS, row_id=rid, field="attendance"
                    )
                )
                events.append(
                    Event(
                        id=EventId(rid),
                        kind=EventKind(row.kind),
                        title=c.decrypt_text(row.title, table=EVENTS, row_id=rid, field="title"),
                        on=row.on_date,
                        place=c.decrypt_text(row.place, table=EVENTS, row_id=rid, field="place"),
                        professions_present=tuple(str(p) for p in professions)
                        if isinstance(professions, list)
                        else (),
                        notes=c.decrypt_text(row.notes, table=EVENTS, row_id=rid, field="notes"),
                        attended=bool(row.attended),
                        hours=hours,
                        confirmed_by=confirmed_by,
                    )
                )
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(EVENTS, rid, exc.user_message))
        return events, damaged

    def _experience_values(self, experience: Experience) -> dict[str, Any]:
        c = self._store.cipher
        rid = experience.id

        def enc(field: str, text: str) -> bytes:
            return c.encrypt_text(text, table=EXPERIENCES, row_id=rid, field=field)

        return {
            "id": rid,
            "kind": experience.kind.value,
            "starts_on": experience.starts_on,
            "ends_on": experience.ends_on,
            "title": enc("title", experience.title),
            "setting": enc("setting", experience.setting),
            "supervisor": enc("supervisor", experience.supervisor),
            "notes": enc("notes", experience.notes),
            "attendance": c.encrypt_json(
                _attendance(experience.hours, experience.confirmed_by),
                table=EXPERIENCES,
                row_id=rid,
                field="attendance",
            ),
        }

    def save_experience(self, experience: Experience, *, is_new: bool) -> None:
        """Insert or update one experience."""
        table = table_of(ExperienceRecord)
        values = self._experience_values(experience)
        with self._store.write() as conn:
            if is_new:
                values["created"] = to_db(datetime.now(UTC))
                conn.execute(insert(table), [values])
            else:
                conn.execute(update(table).where(table.c.id == experience.id).values(values))

    def delete_experience(self, experience_id: ExperienceId) -> None:
        """Delete an experience; entries lose the link, not their text."""
        table = table_of(ExperienceRecord)
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.id == experience_id))

    def load_experiences(self) -> tuple[list[Experience], list[DamagedRecord]]:
        """All experiences that decrypt, and notices for those that do not."""
        c = self._store.cipher
        with self._store.read() as conn:
            rows = conn.execute(select(table_of(ExperienceRecord))).all()
        result: list[Experience] = []
        damaged: list[DamagedRecord] = []
        for row in rows:
            rid = row.id

            def dec(field: str, blob: bytes, rid: str = rid) -> str:
                return c.decrypt_text(blob, table=EXPERIENCES, row_id=rid, field=field)

            try:
                hours, confirmed_by = _read_attendance(
                    None
                    if row.attendance is None
                    else c.decrypt_json(
                        row.attendance, table=EXPERIENCES, row_id=rid, field="attendance"
                    )
                )
                result.append(
                    Experience(
                        id=ExperienceId(rid),
                        kind=ExperienceKind(row.kind),
                        title=dec("title", row.title),
                        setting=dec("setting", row.setting),
                        supervisor=dec("supervisor", row.supervisor),
                        starts_on=row.starts_on,
                        ends_on=row.ends_on,
                        notes=dec("notes", row.notes),
                        hours=hours,
                        confirmed_by=confirmed_by,
                    )
                )
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(EXPERIENCES, rid, exc.user_message))
        return result, damaged


def _attendance(hours: float | None, confirmed_by: str) -> dict[str, Any]:
    """The attendance JSON: always written, so an empty one looks like a full one on disk."""
    return {"hours": hours, "confirmed_by": confirmed_by}


def _read_attendance(value: object) -> tuple[float | None, str]:
    """Hours and confirmer from the decrypted JSON (None for rows from before revision 0004)."""
    if not isinstance(value, dict):
        return None, ""
    hours = value.get("hours")
    confirmed_by = value.get("confirmed_by")
    number = (
        float(hours) if isinstance(hours, int | float) and not isinstance(hours, bool) else None
    )
    return number, confirmed_by if isinstance(confirmed_by, str) else ""
