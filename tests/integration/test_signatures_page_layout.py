"""The signatures page reads well with 1 to 4 staff boxes.

Found in review: with three staff roles the "Signatures" heading sat alone at the foot of one
page and the "Checking the signatures" note alone on a page of its own. Now the section fits on
one page whenever it can (the staff boxes shrink a little), and otherwise breaks only between
boxes: the heading stays with the student's box and the note with the last staff box. Checked
on the text poppler extracts from each page, and on where the signing step placed each box.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_export_support import pdftotext_pages

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.export_service import prepare_export
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

ROLES = ["tutor", "second-marker", "moderator", "practice-assessor"]
LAST_BOX_WORDS = {
    "tutor": "Countersignature of the personal tutor",
    "second-marker": "Countersignature of the second marker",
    "moderator": "Countersignature of the moderator",
    "practice-assessor": "Countersignature of the practice assessor",
}


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_heading_stays_with_the_student_box_and_the_note_with_the_last_box(
    service: PortfolioService, tmp_path: Path, count: int
) -> None:
    for title in ("SBAR handover with pharmacy", "Schwartz round"):
        service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title=title,
                sections=(Section("What happened", f"{title}: what I learned."),),
            )
        )
    job = prepare_export(service, staff_roles=ROLES[:count])
    layout = job.layout()
    path = tmp_path / f"{count}.pdf"
    path.write_bytes(layout.pdf)
    pages = pdftotext_pages(path)

    student_page = layout.student_box[0]
    box_pages = [layout.staff_boxes[role][0] for role in ROLES[:count]]
    lines = [line.strip() for line in pages[student_page].splitlines() if line.strip()]
    assert "Signatures" in lines[:3], lines[:3]  # the heading opens the student's box's page
    note_pages = [i for i, text in enumerate(pages) if "Checking the signatures." in text]
    assert note_pages == [box_pages[-1]]
    assert LAST_BOX_WORDS[ROLES[count - 1]] in pages[box_pages[-1]]
    assert note_pages[0] == len(pages) - 1  # nothing after the note: no page of its own
    if count <= 3:
        assert set(box_pages) == {student_page}  # all on one page
    else:
        assert box_pages[0] == student_page and box_pages[-1] == student_page + 1
    heights = [box[4] - box[2] for box in (layout.staff_boxes[r] for r in ROLES[:count])]
    assert min(heights) >= 92  # room for the signer's text at a readable size
