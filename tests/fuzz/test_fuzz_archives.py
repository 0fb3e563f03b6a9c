"""Mutated open archives into ``archive import``: a clear error that changes nothing, or an
import the full check passes; never a crash or a hang (quick and long forms: conftest.py).

Two kinds of mutation: bytes of the zip (flips, overwrites, truncation: the zip layer, the
deflate streams, the central directory), and values inside portfolio.json (any field of any
record replaced by a value of another type, a huge string, a deep list, or removed), which
reach the typed reader behind a valid zip.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fuzz_support import PASS, no_hang, scale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, Section
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.archive_import import read_archive
from portfolio_app.core.services.archive_service import write_archive
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.database import DB_NAME

RUN = settings(
    max_examples=scale(30, 1500),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
counts: dict[str, int] = {}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small archive with one of each record."""
    folder = tmp_path_factory.mktemp("archive-source")
    service, _ = PortfolioService.create(folder / "p", PASS, Profile(name="Zoë Ñúñez"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round", hours=1.0)
        plan = service.add_entry(EntryDraft(kind=EntryKind.PLAN, title="Plan"))
        entry = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title="Reflection",
                sections=(Section("What?", "text " * 50, "what"),),
                plan_id=plan.id,
                event_ids=(event.id,),
                tags=("a",),
                competencies=(CompetencyLink("ipec-2023", "VE3", 2),),
            )
        )
        evidence = folder / "e.txt"
        evidence.write_bytes(b"evidence bytes")
        service.add_attachment(entry.id, evidence)
        return write_archive(service, folder / "a.zip").read_bytes()


@pytest.fixture(scope="module")
def target_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An empty portfolio's database, copied for each example."""
    folder = tmp_path_factory.mktemp("archive-target")
    service, _ = PortfolioService.create(folder / "p", PASS, Profile(name="Target"))
    service.close()
    with sqlite3.connect(folder / "p" / DB_NAME) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (folder / "p" / DB_NAME).read_bytes()


def _state(folder: Path) -> str:
    conn = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def _import(zip_bytes: bytes, target_db: bytes) -> str:
    """Import into a fresh copy of the target; the outcome. Other exceptions propagate."""
    work = Path(tempfile.mkdtemp(prefix="rp-fuzz-archive-"))
    folder = work / "p"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(target_db)
    source = work / "in.zip"
    source.write_bytes(zip_bytes)
    before = _state(folder)
    try:
        with no_hang(), PortfolioService.open(folder, PASS, load="lazy") as service:
            service.import_archive_contents(read_archive(source))
    except PortfolioError:
        assert _state(folder) == before, "a refused archive changed the portfolio"
        return "refused"
    with PortfolioService.open(folder, PASS) as service:
        assert service.full_check().ok, "an import left the portfolio inconsistent"
    return "imported"


def _count(name: str) -> None:
    counts[name] = counts.get(name, 0) + 1


@RUN
@given(data=st.data())
def test_mutated_zip_bytes_are_refused_or_imported_cleanly(
    archive: bytes, target_db: bytes, data: st.DataObject
) -> None:
    buffer = bytearray(archive)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(buffer) - 1))
        kind = data.draw(st.sampled_from(["flip", "overwrite", "truncate"]))
        if kind == "flip":
            buffer[at] ^= data.draw(st.integers(1, 255))
        elif kind == "overwrite":
            blob = data.draw(st.binary(min_size=1, max_size=32))
            buffer[at : at + len(blob)] = blob
        else:
            del buffer[at:]
        if not buffer:
            break
    _count(f"zip {_import(bytes(buffer), target_db)}")


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.just("x" * 2_000_000),
    st.just([[[[[]]]]]),
    st.just({"id": "../../x", "kind": "plan"}),
    st.lists(st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*prefix, i)))
    return found


@RUN
@given(data=st.data())
def test_mutated_portfolio_json_values_are_refused_or_imported_cleanly(
    archive: bytes, target_db: bytes, data: st.DataObject
) -> None:
    work = Path(tempfile.mkdtemp(prefix="rp-fuzz-json-"))
    (work / "a.zip").write_bytes(archive)
    with zipfile.ZipFile(work / "a.zip") as source:
        members = {name: source.read(name) for name in source.namelist()}
    document = json.loads(members["portfolio.json"])
    paths = [p for p in _paths(document) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            # a copy: st.just hands out one shared object, which a later mutation would
            # otherwise change for every following example (hypothesis then sees the same
            # choices draw differently: FlakyStrategyDefinition)
            parent[path[-1]] = copy.deepcopy(data.draw(JUNK))
        paths = [p for p in _paths(document) if p]
        if not paths:
            break
    members["portfolio.json"] = json.dumps(document).encode()
    out = work / "b.zip"
    with zipfile.ZipFile(out, "w") as changed:
        for name, blob in members.items():
            changed.writestr(name, blob)
    _count(f"json {_import(out.read_bytes(), target_db)}")


def test_print_counts() -> None:
    """Runs last in the file: what the fuzzing above did (visible with -s)."""
    print(f"\narchive fuzz outcomes: {json.dumps(counts, sort_keys=True)}")
