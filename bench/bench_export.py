"""PDF export figures: a 500-entry signed export with contents page, and peak memory at 2,000.

    .venv/bin/python bench/bench_export.py [--entries 500 2000] [--runs 3] [--keep DIR]

Builds portfolios of realistic entries (fixed seed; ~300 words in three sections with some
Markdown: emphasis, a list or a quote; plans followed by the reflections that answer them;
events, experiences, tags, professions, IPEC 2023 links) in a temporary folder, then, for each
size, runs the whole export (read the vault, identity, identifier check, layout with contents
page, PAdES signing, atomic write) in a fresh child process and prints its wall time and the
child's peak RSS (``resource.getrusage``). Targets (issue 4): 500 entries < 5 s; 2,000 entries
< 300 MB peak. The child's figures include unlocking the portfolio (cheap Argon2id here: this
measures the export, not the KDF). Run on demand, never as a timed test.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PASS = "benchmark passphrase"
SEED = 20261122

VERBS = (
    "noticed",
    "learned",
    "asked",
    "explained",
    "listened to",
    "worked with",
    "watched",
    "supported",
    "challenged",
    "planned with",
    "handed over to",
    "escalated to",
)
ROLES = (
    "the pharmacist",
    "the physiotherapist",
    "the occupational therapist",
    "the doctor",
    "the social worker",
    "the dietitian",
    "the paramedic student",
    "the speech and language therapist",
    "the ward nurse",
    "the patient's family",
    "the healthcare assistant",
)
OBJECTS = (
    "the discharge plan",
    "the medicines review",
    "the handover",
    "the falls assessment",
    "the care plan",
    "the SBAR call",
    "the family meeting",
    "the team huddle",
    "the safeguarding concern",
    "the mobility plan",
    "the nutrition plan",
    "the goals",
)
CODA = (
    "because each profession saw a different risk",
    "and I realised how little I knew",
    "which changed what I did next",
    "so the patient's priorities came first",
    "although we disagreed at first",
    "and the plan was safer for it",
    "before anyone had asked the patient",
    "and I will ask earlier next time",
)
TAGS = (
    "teamwork",
    "handover",
    "sbar",
    "communication",
    "roles",
    "discharge",
    "medicines",
    "placement",
    "simulation",
    "feedback",
    "values",
    "conflict",
)
PROFESSIONS = (
    "Nursing",
    "Pharmacy",
    "Medicine",
    "Physiotherapy",
    "Occupational therapy",
    "Social work",
    "Dietetics",
    "Paramedic science",
)
CODES = ("VE1", "VE3", "VE4", "VE5", "VE7", "RR1", "RR2", "RR4", "C1", "C", "TT")


def _sentence(rng: random.Random) -> str:
    return (
        f"I {rng.choice(VERBS)} {rng.choice(ROLES)} about {rng.choice(OBJECTS)} {rng.choice(CODA)}."
    )


def _section(rng: random.Random, words: int) -> str:
    paragraphs: list[str] = []
    count = 0
    while count < words:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            para = para.replace(" I ", " **I** ", 1)
        if rng.random() < 0.3:
            para = para.replace("the ", "*the* ", 1)
        paragraphs.append(para)
        count += len(para.split())
    roll = rng.random()
    if roll < 0.25:
        paragraphs.append("\n".join(f"- {_sentence(rng)}" for _ in range(3)))
    elif roll < 0.35:
        paragraphs.append("> " + _sentence(rng))
    return "\n\n".join(paragraphs)


def build(folder: Path, count: int) -> None:
    """Create a portfolio of ``count`` entries in ``folder``."""
    from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
    from portfolio_app.core.domain.entries import (
        CompetencyLink,
        Entry,
        EntryKind,
        EntryStatus,
        Section,
    )
    from portfolio_app.core.domain.ids import EntryId, new_id
    from portfolio_app.core.domain.profile import Profile
    from portfolio_app.core.services.portfolio_service import PortfolioService

    rng = random.Random(SEED + count)
    service, _ = PortfolioService.create(
        folder,
        PASS,
        Profile(
            name="Łukasz Wróbel-Παπαδοπούλου",
            student_id="BENCH-0001",
            profession="Nursing (Adult)",
            programme="BSc (Hons) Adult Nursing",
            institution="University of Benchmarks",
        ),
    )
    start = date(2024, 9, 1)
    kinds = list(EventKind)
    events = [
        service.add_event(
            kinds[i % len(kinds)],
            f"IPL event {i + 1}: {rng.choice(OBJECTS)}",
            on=start + timedelta(days=i * 700 // 40),
            place="Clinical skills centre",
            professions_present=tuple(rng.sample(PROFESSIONS, 4)),
        )
        for i in range(40)
    ]
    experiences = [
        service.add_experience(
            list(ExperienceKind)[i % 4],
            f"Placement {i + 1}",
            setting="A medical ward",
            supervisor="Practice supervisor",
            starts_on=start + timedelta(days=i * 110),
            ends_on=start + timedelta(days=i * 110 + 80),
        )
        for i in range(6)
    ]
    entries: list[Entry] = []
    pending_plan: Entry | None = None
    for i in range(count):
        day = start + timedelta(days=rng.randrange(0, 700))
        when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        if pending_plan is not None:
            kind, plan_id = EntryKind.REFLECTION, pending_plan.id
            event_ids, exp_ids = pending_plan.event_ids, pending_plan.experience_ids
            pending_plan = None
        else:
            kind = rng.choice((EntryKind.PLAN, EntryKind.REFLECTION, EntryKind.NOTE))
            plan_id = None
            roll = rng.random()
            event_ids = (rng.choice(events).id,) if roll < 0.6 else ()
            exp_ids = (rng.choice(experiences).id,) if 0.6 <= roll < 0.85 else ()
        sections = tuple(
            Section(heading, _section(rng, 100), f"s{j}")
            for j, heading in enumerate(("What?", "So what?", "Now what?"))
        )
        entry = Entry(
            id=EntryId(new_id()),
            kind=kind,
            title=f"{rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)} ({i + 1})",
            sections=sections,
            status=rng.choice(list(EntryStatus)),
            template_id="what-so-what-now-what",
            created=when,
            updated=when,
            occurred_on=when,
            plan_id=plan_id,
            event_ids=event_ids,
            experience_ids=exp_ids,
            professions=tuple(rng.sample(PROFESSIONS, 2)),
            tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
            competencies=tuple(
                CompetencyLink("ipec-2023", code, rng.randint(1, 5))
                for code in rng.sample(CODES, rng.randint(1, 3))
            ),
        )
        entries.append(entry)
        if kind is EntryKind.PLAN:
            pending_plan = entry
    service.add_entries_bulk(entries)
    service.set_final_reflection(_section(rng, 300))
    service.close()


def child(folder: Path, out: Path, *, feedback_fields: bool = True) -> None:
    """Export once (in this fresh process) and print the figures as JSON."""
    import inspect

    from portfolio_app.core.services import export_service
    from portfolio_app.core.services.portfolio_service import PortfolioService

    started = time.perf_counter()
    service = PortfolioService.open(folder, PASS)
    opened = time.perf_counter()
    rss_open = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    options = {}
    if "feedback_fields" in inspect.signature(export_service.prepare_export).parameters:
        options["feedback_fields"] = feedback_fields  # older versions had no feedback boxes
    job = export_service.prepare_export(service, **options)
    prepared = time.perf_counter()
    result = job.run(out, acknowledge_findings=True)
    record = getattr(export_service, "record_submission", None)
    if record is not None:  # the exported entries become "submitted" (issue 9)
        record(service, job)
    done = time.perf_counter()
    service.close()
    print(
        json.dumps(
            {
                "entries": result.entry_count,
                "pages": result.page_count,
                "contents_pages": len(result.contents_pages),
                "mb": round(result.size_bytes / 1e6, 2),
                "open_s": round(opened - started, 3),
                "prepare_s": round(prepared - opened, 3),
                "layout_s": round(result.layout_seconds, 3),
                "export_s": round(done - opened, 3),
                "rss_after_open_mb": round(rss_open / 1024, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def _cheap_kdf() -> None:
    from portfolio_app.core.vault import kdf

    fast = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    kdf.default_params = lambda: fast  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--runs", type=int, default=3, help="exports per size (median shown)")
    parser.add_argument("--keep", type=Path, help="keep the portfolios and PDFs in this folder")
    parser.add_argument(
        "--no-feedback-fields",
        action="store_true",
        help="export without the per-entry feedback boxes (the figures before issue 9)",
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _cheap_kdf()
    if args.child:
        child(args.child[0], args.child[1], feedback_fields=not args.no_feedback_fields)
        return 0
    base = args.keep or Path(tempfile.mkdtemp(prefix="rp-bench-export-"))
    base.mkdir(parents=True, exist_ok=True)
    for count in args.entries:
        folder = base / f"portfolio-{count}"
        if not folder.exists():
            t0 = time.perf_counter()
            build(folder, count)
            print(f"built {count} entries in {time.perf_counter() - t0:.1f} s")
        runs = []
        for _ in range(args.runs):
            out = base / f"export-{count}.pdf"
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(folder),
                    str(out),
                    *(["--no-feedback-fields"] if args.no_feedback_fields else []),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        last = runs[-1]

        export_s, prepare_s, layout_s = (
            statistics.median(r[key] for r in runs) for key in ("export_s", "prepare_s", "layout_s")
        )
        peak = max(r["peak_rss_mb"] for r in runs)
        print(
            f"{count} entries: {last['pages']} pages ({last['contents_pages']} contents pages), "
            f"{last['mb']} MB; signed export {export_s:.2f} s = prepare {prepare_s:.2f} s "
            f"(copy, identity, identifier check, JSON) + layout {layout_s:.2f} s + sign and "
            f"write {export_s - prepare_s - layout_s:.2f} s (medians of {len(runs)}); "
            f"peak RSS {peak:.0f} MB (after unlocking: {last['rss_after_open_mb']:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
