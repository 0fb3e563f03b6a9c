"""Time to verify a signed 500-page portfolio (target: < 0.5 s, design.md §9).

    .venv/bin/python bench/bench_verify.py [--pages 500] [--runs 5]

Builds simple text pages with reportlab, certifies them as a student (with portfolio.json and
a tutor box), optionally countersigns, then prints the median of ``--runs`` full
``verify_pdf`` calls (fresh parse each time, trusted with the student's own certificate).
Run on demand, never as a timed test.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

from portfolio_app.core.signing.identity import create_identity
from portfolio_app.core.signing.pdf_signing import countersign, sign_portfolio
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

    student = create_identity("Zoë Ñúñez", "STU-2025-0042", institution="Bench University")
    tutor = create_identity("Dr Tomás Tutor", "STAFF-7")
    start = time.perf_counter()
    unsigned = build_pdf(args.pages)
    built = time.perf_counter() - start
    data = json.dumps({"profile": {"student_id": "STU-2025-0042"}, "entries": []}).encode()
    start = time.perf_counter()
    signed = sign_portfolio(
        unsigned,
        student,
        reason="Author",
        visible_box=(args.pages - 1, 40, 40, 330, 130),
        countersign_box=(args.pages - 1, 40, 150, 330, 300),
        embed_json=data,
    )
    sign_time = time.perf_counter() - start
    start = time.perf_counter()
    countersigned = countersign(signed, tutor, decision="meets", comment="Benchmark.")
    countersign_time = time.perf_counter() - start
    trust = [student.certificate_pem]

    report = verify_pdf(signed, trust_certs_pem=trust)
    assert report.verdict is Verdict.VALID_TRUSTED, report.describe()
    one = _median_seconds(args.runs, lambda: verify_pdf(signed, trust_certs_pem=trust))
    two = _median_seconds(
        args.runs,
        lambda: verify_pdf(countersigned, trust_certs_pem=[*trust, tutor.certificate_pem]),
    )

    print(f"pages: {args.pages}; signed size: {len(signed) / 1024:.0f} KiB")
    print(f"build (reportlab): {built:.2f} s; sign (incl. self-check): {sign_time:.3f} s")
    print(f"countersign (incl. checks before and after): {countersign_time:.3f} s")
    print(f"verify, student signature only: median of {args.runs} = {one:.3f} s (target < 0.5 s)")
    print(f"verify, countersigned: median of {args.runs} = {two:.3f} s (target < 0.5 s)")


if __name__ == "__main__":
    main()
