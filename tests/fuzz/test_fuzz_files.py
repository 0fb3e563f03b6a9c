"""Mutated database files, key-slot headers, backups and framework packs: never a crash, a hang
or a silent acceptance (see conftest.py for the quick and long forms)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fuzz_support import PASS, Reference, content_of, no_hang, scale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services.backup_service import create_backup, restore_backup
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.storage.database import DB_NAME

PAGE = 4096
RUN = settings(
    max_examples=scale(25, 1500),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
counts: dict[str, int] = {}


def _count(name: str) -> None:
    counts[name] = counts.get(name, 0) + 1


@st.composite
def mutations(draw: st.DrawFn, size: int) -> list[tuple[str, int, bytes | int]]:
    """A few edits: flipped bytes, overwritten runs, a truncation, a zeroed or swapped page."""
    kinds = st.sampled_from(["flip", "overwrite", "truncate", "zero-page", "swap-pages"])
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(kinds)
        at = draw(st.integers(0, size - 1))
        if kind == "flip":
            edits.append((kind, at, draw(st.integers(1, 255))))
        elif kind == "overwrite":
            edits.append((kind, at, draw(st.binary(min_size=1, max_size=64))))
        elif kind == "truncate":
            edits.append((kind, at, 0))
        else:
            edits.append((kind, at, draw(st.integers(0, size // PAGE))))
    return edits


def _apply(data: bytes, edits: list[tuple[str, int, bytes | int]]) -> bytes:
    buffer = bytearray(data)
    for kind, position, value in edits:
        if not buffer:
            break
        at = position % len(buffer)
        if kind == "flip" and isinstance(value, int):
            buffer[at] ^= value
        elif kind == "overwrite" and isinstance(value, bytes):
            buffer[at : at + len(value)] = value
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "zero-page":
            start = (at // PAGE) * PAGE
            buffer[start : start + PAGE] = bytes(len(buffer[start : start + PAGE]))
        elif kind == "swap-pages" and isinstance(value, int):
            a, b = (at // PAGE) * PAGE, (value * PAGE) % max(len(buffer), 1)
            b -= b % PAGE
            first, second = bytes(buffer[a : a + PAGE]), bytes(buffer[b : b + PAGE])
            if len(first) == len(second):
                buffer[a : a + PAGE], buffer[b : b + PAGE] = second, first
    return bytes(buffer)


def _open_and_check(data_dir: Path, expected: dict[str, object]) -> str:
    """Open and fully check; return the outcome. Anything but a PortfolioError propagates."""
    try:
        with no_hang(), PortfolioService.open(data_dir, PASS) as service:
            report = service.full_check()
            if report.ok:
                # Nothing reported: then nothing may have changed.
                assert content_of(service) == expected, "silently accepted a changed file"
                return "unchanged"
            # Reported: the student may still accept the findings and go on writing.
            try:
                service.acknowledge_integrity_findings()
                entries = service.entries()
                if entries:
                    service.save_entry(entries[0].replace(title="After the damage"))
            except PortfolioError:
                pass
            return "reported"
    except PortfolioError:
        return "refused"


@RUN
@given(data=st.data())
def test_mutated_database_files_are_refused_or_reported(
    reference: Reference, data: st.DataObject
) -> None:
    original, expected = reference
    edits = data.draw(mutations(len(original)))
    folder = Path(__import__("tempfile").mkdtemp(prefix="rp-fuzz-")) / "p"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(_apply(original, edits))
    _count(_open_and_check(folder, expected))


@RUN
@given(
    column=st.sampled_from(["header", "checksum", "wrapped_key"]),
    kind=st.sampled_from(["passphrase", "recovery"]),
    edit=st.one_of(
        st.binary(max_size=80),
        st.dictionaries(
            st.sampled_from(["m", "t", "p"]),
            st.one_of(st.integers(-(2**40), 2**40), st.text(max_size=5), st.none()),
        ),
    ),
)
def test_mutated_key_slot_headers_are_refused_quickly(
    reference: Reference, column: str, kind: str, edit: object
) -> None:
    """Edited KDF parameters (even with a recomputed checksum) never hang or unlock."""
    import hashlib

    original, _expected = reference
    folder = Path(__import__("tempfile").mkdtemp(prefix="rp-fuzz-")) / "p"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(original)
    db = sqlite3.connect(folder / DB_NAME)
    before = db.execute(
        "SELECT header, checksum, wrapped_key FROM key_slots WHERE kind = ?", (kind,)
    ).fetchone()
    header, checksum, wrapped = before
    if isinstance(edit, dict):
        fields = json.loads(header)
        fields["params"] = {**fields.get("params", {}), **edit}
        header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        checksum = hashlib.sha256(header).hexdigest()  # the attacker recomputes it
    elif column == "header":
        header = edit
    elif column == "checksum":
        checksum = edit.hex() if isinstance(edit, bytes) else str(edit)
    else:
        wrapped = edit
    db.execute(
        "UPDATE key_slots SET header = ?, checksum = ?, wrapped_key = ? WHERE kind = ?",
        (header, checksum, wrapped, kind),
    )
    db.commit()
    db.close()
    try:
        with no_hang(10), PortfolioService.open(folder, PASS) as service:
            if (header, checksum, wrapped) == tuple(before):
                _count("header unchanged")
                return
            # Only an edit to the recovery slot can still open with the passphrase; then the
            # check reports it (the recovery key would not work: the student must know).
            assert kind == "recovery"
            assert not service.full_check().ok
            _count("recovery slot edit noticed")
    except PortfolioError:
        _count("header refused")


@RUN
@given(data=st.data())
def test_mutated_backups_are_refused_or_restore_exactly(
    reference: Reference, data: st.DataObject
) -> None:
    original, expected = reference
    work = Path(__import__("tempfile").mkdtemp(prefix="rp-fuzz-"))
    source = work / "p"
    source.mkdir()
    (source / DB_NAME).write_bytes(original)
    with PortfolioService.open(source, PASS) as service:
        backup = create_backup(service, work / "copy")
    raw = backup.read_bytes()
    backup.write_bytes(_apply(raw, data.draw(mutations(len(raw)))))
    try:
        with no_hang():
            restore_backup(backup, work / "restored", passphrase=PASS)
    except PortfolioError:
        _count("backup refused")
        return
    assert _open_and_check(work / "restored", expected) == "unchanged"
    _count("backup restored unchanged")


PACK = (Path(__file__).parent.parent / "data" / "packs" / "mahara-example.matrix").read_bytes()


@RUN
@given(data=st.data())
def test_mutated_framework_packs_are_refused_or_imported(
    service: PortfolioService, data: st.DataObject
) -> None:
    mutated = _apply(PACK, data.draw(mutations(len(PACK))))
    try:
        with no_hang():
            framework = service.import_framework(mutated, source_name="fuzzed.matrix")
    except PortfolioError:
        _count("pack refused")
        return
    assert framework.id
    _count("pack imported")


def test_print_counts() -> None:
    """Runs last in the file: what the fuzzing above did (visible with -s)."""
    print(f"\nfuzz outcomes: {json.dumps(counts, sort_keys=True)}")
