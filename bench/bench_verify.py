"""Time to verify a signed 500-page portfolio (target: < 0.5 s, design.md §9).

    .venv/bin/python bench/bench_verify.py [--pages 500] [--runs 5]

Builds simple text pages with reportlab, certifies them as a student (with portfolio.json and
tutor and second-marker boxes), countersigns as a tutor and a second marker (certificates with
roles from a course CA), then prints the median of ``--runs`` full ``verify_pdf`` calls (fresh
parse each time, trusted through the course CA; every role, field and overlay check included).
Run on demand, never as a timed test.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

from portfolio_app.core.signing.course_ca import create_ca, issue_certificate
from portfolio_app.core.signing.identity import (
    Identity,
    create_identity,
    import_certificate_chain,
    make_csr,
)
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
from portfolio_app.core.signing.roles import Role
from portfolio_app.core.signing.verification import Verdict, verify_pdf


def build_pdf(pages: int) -> bytes:
    """``pages`` pages of plain text, compressed like a real export."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=1)
    for number in range(pages):
        pdf.setFont("Helvetica", 10)
        y = 780
        for line in range(40):
            pdf.drawString(56, y, f"Page {number + 1}, line {line + 1}: reflection text " * 2)
            y -= 18
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _median_seconds(runs: int, func: object) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    """Build, sign, verify; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    ca = create_ca("Bench course CA", "Bench University")

    def certified(name: str, person_id: str, role: Role) -> Identity:
        person = create_identity(name, person_id, institution="Bench University")
        bundle = issue_certificate(ca, make_csr(person), role=role) + ca.certificate_pem
        return import_certificate_chain(person, bundle)

    student = certified("Zoë Ñúñez", "STU-2025-0042", Role.STUDENT)
    tutor = certified("Dr Tomás Tutor", "STAFF-7", Role.TUTOR)
    marker = certified("Dr Sam Second", "STAFF-8", Role.SECOND_MARKER)
    start = time.perf_counter()
    unsigned = build_pdf(args.pages)
    built = time.perf_counter() - start
    data = json.dumps(
        {"profile": {"student_id": "STU-2025-0042", "name": "Zoë Ñúñez"}, "entries": []}
    ).encode()
    start = time.perf_counter()
    last = args.pages - 1
    signed = sign_portfolio(
        unsigned,
        student,
        reason="Author",
        visible_box=(last, 40, 40, 330, 130),
        staff_boxes={
            Role.TUTOR: (last, 40, 150, 330, 300),
            Role.SECOND_MARKER: (last, 40, 320, 330, 470),
        },
        embed_json=data,
    )
    sign_time = time.perf_counter() - start
    trust = [ca.certificate_pem]
    start = time.perf_counter()
    countersigned = countersign(
        signed, tutor, decision="meets", comment="Benchmark.", trust_certs_pem=trust
    )
    countersign_time = time.perf_counter() - start
    both = countersign(
        countersigned, marker, decision="meets", comment="Agree.", trust_certs_pem=trust
    )

    report = verify_pdf(both, trust_certs_pem=trust)
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    one = _median_seconds(args.runs, lambda: verify_pdf(signed, trust_certs_pem=trust))
    two = _median_seconds(args.runs, lambda: verify_pdf(countersigned, trust_certs_pem=trust))
    three = _median_seconds(args.runs, lambda: verify_pdf(both, trust_certs_pem=trust))

    print(f"pages: {args.pages}; signed size: {len(signed) / 1024:.0f} KiB")
    print(f"build (reportlab): {built:.2f} s; sign (incl. self-check): {sign_time:.3f} s")
    print(f"countersign (incl. checks before and after): {countersign_time:.3f} s")
    print(f"verify, student signature only: median of {args.runs} = {one:.3f} s (target < 0.5 s)")
    print(f"verify, tutor countersigned: median of {args.runs} = {two:.3f} s (target < 0.5 s)")
    print(f"verify, tutor + second marker: median of {args.runs} = {three:.3f} s")


if __name__ == "__main__":
    main()
