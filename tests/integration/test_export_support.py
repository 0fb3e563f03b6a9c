"""Shared helpers for the export tests (this module holds no tests of its own).

It is named ``test_export_*`` so that it sits with the files it serves; pytest collects
nothing from it. Portfolios are built through ``PortfolioService``, as the app builds them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services import identity_service
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

PASSPHRASE = "correct horse battery staple"
CA_PASSPHRASE = "a long course CA passphrase"
STUDENT = Profile(
    name="Zoë Ñúñez",
    student_id="STU-2025-0042",
    profession="Nursing (Adult)",
    programme="BSc (Hons) Adult Nursing",
    institution="University of Leicester",
    tutor="Dr Siobhán Ní Bhriain",
    intake="September 2024",
)
TUTOR = Profile(name="Dr Tomás Tutor", student_id="STAFF-7", institution="University of Leicester")
UNICODE_NAMES = ("Zoë Ñúñez", "Łukasz Wróbel", "Σοφία Παπαδοπούλου")
POPPLER = all(shutil.which(tool) for tool in ("pdfsig", "pdftotext", "pdffonts", "pdfinfo"))


@dataclass(frozen=True)
class Built:
    """What :func:`fill_portfolio` added, for assertions."""

    titles: tuple[str, ...]
    plan_title: str
    answer_title: str


def fill_portfolio(service: PortfolioService, count: int = 24) -> Built:
    """Events, an experience, plans with answering reflections and notes, in Unicode."""
    start = date(2024, 9, 16)
    workshop = service.add_event(
        EventKind.IPL_WORKSHOP,
        "Team roles workshop with Łukasz Wróbel's group",
        on=start,
        place="Teaching rooms",
        professions_present=("Nursing", "Pharmacy", "Medicine"),
        hours=3.5,
        confirmed_by="Workshop lead",
    )
    simulation = service.add_event(
        EventKind.SBAR_SIMULATION,
        "SBAR simulation: Σοφία Παπαδοπούλου leads",
        on=start + timedelta(days=60),
        place="Skills centre",
        professions_present=("Nursing", "Medicine", "Paramedic science"),
    )
    placement = service.add_experience(
        ExperienceKind.HOSPITAL_PLACEMENT,
        "Year 1 placement",
        setting="A medical ward",
        supervisor="Practice supervisor",
        starts_on=start + timedelta(days=30),
        ends_on=start + timedelta(days=120),
        hours=112.5,
        confirmed_by="Practice assessor",
    )
    titles: list[str] = []
    plan = service.add_entry(
        EntryDraft(
            kind=EntryKind.PLAN,
            title="Plan: what I want from the workshop",
            template_id="pre-event-plan",
            sections=(Section("What I intend to learn", "To name **four** roles."),),
            status=EntryStatus.READY,
            occurred_on=datetime(2024, 9, 15, 12, tzinfo=UTC),
            event_ids=(workshop.id,),
            tags=("roles",),
            competencies=(CompetencyLink("ipec-2023", "RR4", 2),),
        )
    )
    titles.append(plan.title)
    answer = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="Reflection: Łukasz Wróbel explained the pharmacist's role",
            template_id="what-so-what-now-what",
            sections=(
                Section("What?", "We compared *checklists*.\n\n- one\n- two\n    - nested"),
                Section("So what?", "> A quote from the session.\n\nΣοφία agreed."),
                Section("Now what?", "| Role | Learned |\n|---|---|\n| Pharmacist | doses |"),
            ),
            status=EntryStatus.READY,
            occurred_on=datetime(2024, 9, 16, 12, tzinfo=UTC),
            plan_id=plan.id,
            event_ids=(simulation.id,),  # filed elsewhere, still printed after its plan
            professions=("Pharmacy", "Nursing"),
            tags=("roles", "pharmacy"),
            competencies=(CompetencyLink("ipec-2023", "RR4", 3), CompetencyLink("ipec-2023", "C1")),
        )
    )
    titles.append(answer.title)
    kinds = (EntryKind.NOTE, EntryKind.REFLECTION, EntryKind.PLAN)
    for n in range(count - 2):
        day = start + timedelta(days=7 * n)
        entry = service.add_entry(
            EntryDraft(
                kind=kinds[n % 3],
                title=f"Entry {n + 1}: handover with Σοφία and Zoë",
                template_id="free",
                sections=(
                    Section(
                        "Reflection",
                        "I noticed how the team shared the plan. " * 12
                        + "\n\nNext time I will ask earlier.",
                    ),
                ),
                status=(EntryStatus.DRAFT, EntryStatus.READY, EntryStatus.READY)[n % 3],
                occurred_on=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                event_ids=(workshop.id,) if n % 4 == 0 else (),
                experience_ids=(placement.id,) if n % 4 == 1 else (),
                tags=("handover",) if n % 2 else ("teamwork",),
                professions=("Medicine",),
                competencies=(CompetencyLink("ipec-2023", "VE3"),) if n % 5 == 0 else (),
            )
        )
        titles.append(entry.title)
    service.set_final_reflection("Two years on, I *ask* before I assume.")
    return Built(titles=tuple(titles), plan_title=plan.title, answer_title=answer.title)


def certify_with_ca(
    service: PortfolioService, ca_dir: Path, work: Path, name: str, role: str | None = None
) -> None:
    """Give the portfolio a certificate issued by the course CA (CSR -> issue -> import); the
    role is ``name`` when that is a staff role's name, else student."""
    csr = work / f"{name}.csr"
    identity_service.make_certificate_request(service, csr)
    staff = {"tutor", "second-marker", "moderator", "practice-assessor"}
    bundle, _info = identity_service.issue_student_certificate(
        ca_dir,
        CA_PASSPHRASE,
        csr.read_bytes(),
        role=role or (name if name in staff else "student"),
    )
    identity_service.import_certificate_chain(service, bundle)


def pdftotext_pages(path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds)."""
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def tool_output(*args: str) -> str:
    """A poppler tool's text output (exit status ignored: pdfsig exits 0 on mismatches)."""
    result = subprocess.run(list(args), capture_output=True, timeout=60, check=False)
    return result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")


def contents_lines(pages: list[str], contents_pages: tuple[int, ...]) -> list[tuple[str, int]]:
    """``(text, page)`` for every line of the printed contents."""
    lines: list[tuple[str, int]] = []
    for number in contents_pages:
        for raw in pages[number - 1].splitlines():
            match = re.match(r"^(?P<text>\S.*?)\s+(?P<page>\d+)$", raw.strip())
            if match and not raw.strip().startswith("Page "):
                lines.append((match["text"], int(match["page"])))
    return lines


def flip_byte_in_signed_stream(data: bytes, page: int = 1) -> bytes:
    """``data`` with one byte changed inside the content stream of page ``page`` (signed)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data))
    page_dict = reader.root["/Pages"]["/Kids"][page].get_object()
    contents = page_dict.raw_get("/Contents")
    number = contents.reference.idnum if hasattr(contents, "reference") else contents.idnum
    start = data.index(b"\n%d 0 obj" % number)
    position = data.index(b"stream", start) + len(b"stream\n") + 10
    assert position < data.index(b"/ByteRange")
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def replace_first_page(data: bytes) -> bytes:
    """An incremental update that swaps page 1's content after signing (a forgery)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 700 Td (FORGED PAGE) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def offline(monkeypatch: object) -> Callable[[], list[str]]:
    """Make every socket connection attempt fail loudly and be recorded."""
    import socket

    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during an export")

    mp = monkeypatch
    mp.setattr(socket.socket, "connect", refuse)  # type: ignore[attr-defined]
    mp.setattr(socket.socket, "connect_ex", refuse)  # type: ignore[attr-defined]
    mp.setattr(socket, "create_connection", refuse)  # type: ignore[attr-defined]
    mp.setattr(socket, "getaddrinfo", refuse)  # type: ignore[attr-defined]
    return lambda: attempts


def iter_outline(reader: object) -> Iterator[tuple[int, str]]:
    """``(level, title)`` of every outline item, in order (iteratively)."""
    root = reader.root  # type: ignore[attr-defined]
    outlines = root.get("/Outlines")
    if outlines is None:
        return
    stack = [(0, outlines.get_object().get("/First"))]
    while stack:
        level, item = stack.pop()
        if item is None:
            continue
        node = item.get_object()
        yield level, str(node["/Title"])
        stack.append((level, node.get("/Next")))
        stack.append((level + 1, node.get("/First")))
