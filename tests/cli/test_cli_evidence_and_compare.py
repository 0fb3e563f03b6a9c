"""``attach``, ``attachments``, ``detach``, the export's evidence options and
``verify --compare``, as a student and an assessor would run them."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image

from tests.cli.conftest import Run


def _png(path: Path) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return out.getvalue()


def test_attach_list_save_and_detach(portfolio: Run, tmp_path: Path) -> None:
    entry = portfolio("add", "--title", "SBAR practice", stdin="Readback.").out.strip()
    png = _png(tmp_path / "whiteboard.png")
    (tmp_path / "notes.txt").write_text("Confirmed by the lead.\n", encoding="utf-8")
    result = portfolio(
        "attach", entry[:8], str(tmp_path / "whiteboard.png"), str(tmp_path / "notes.txt"), "--json"
    )
    assert result.code == 0, result.err
    attached = result.json()["attached"]
    assert [a["media_type"] for a in attached] == ["image/png", "text/plain"]
    assert attached[0]["sha256"] == hashlib.sha256(png).hexdigest()
    listing = portfolio("attachments", entry, "--json").json()
    assert [a["name"] for a in listing] == ["whiteboard.png", "notes.txt"]
    assert listing[0]["sha256"] == hashlib.sha256(png).hexdigest()
    table = portfolio("attachments", entry).out.splitlines()
    assert table[0].split() == ["ID", "NAME", "TYPE", "SIZE", "ADDED", "SHA-256"]
    out = tmp_path / "copy.png"
    saved = portfolio("attachments", entry, "--save", listing[0]["id"][:8], str(out))
    assert saved.code == 0 and out.read_bytes() == png
    again = portfolio("attachments", entry, "--save", listing[0]["id"][:8], str(out))
    assert again.code == 1 and "choose a new file name" in again.error_line
    refused = portfolio("detach", entry, listing[1]["id"][:8])
    assert refused.code == 1 and "--yes" in refused.error_line
    assert len(portfolio("attachments", entry, "--json").json()) == 2
    removed = portfolio("detach", entry, listing[1]["id"][:8], "--yes")
    assert removed.code == 0 and "notes.txt" in removed.out
    assert [a["name"] for a in portfolio("attachments", entry, "--json").json()] == [
        "whiteboard.png"
    ]


def test_one_bad_file_stores_none_of_them(portfolio: Run, tmp_path: Path) -> None:
    entry = portfolio("add", "--title", "Evidence", stdin="x").out.strip()
    (tmp_path / "good.txt").write_text("fine\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"#!/bin/sh\nrm -rf ~\n")
    result = portfolio("attach", entry, str(tmp_path / "good.txt"), str(tmp_path / "photo.jpg"))
    assert result.code == 1
    assert "'photo.jpg' is named like a JPEG photo but is a plain-text file" in result.error_line
    assert portfolio("attachments", entry, "--json").json() == []


def test_an_identifying_file_name_is_warned_about(portfolio: Run, tmp_path: Path) -> None:
    entry = portfolio("add", "--title", "Evidence", stdin="x").out.strip()
    path = tmp_path / "letter for NHS 943 476 5919.txt"
    path.write_text("anonymised\n", encoding="utf-8")
    result = portfolio("attach", entry, str(path))
    assert result.code == 0
    assert "a file name may identify someone" in result.err and "943 476 5919" in result.err


def _export(portfolio: Run, out: Path, *extra: str) -> dict[str, object]:
    result = portfolio("export", str(out), "--yes", "--json", *extra)
    assert result.code == 0, result.err
    value = result.json()
    assert isinstance(value, dict)
    return value


def test_export_embeds_evidence_unless_told_not_to(portfolio: Run, tmp_path: Path) -> None:
    entry = portfolio("add", "--title", "Evidence", stdin="x").out.strip()
    _png(tmp_path / "a.png")
    (tmp_path / "b.txt").write_text("b\n", encoding="utf-8")
    attached = portfolio(
        "attach", entry, str(tmp_path / "a.png"), str(tmp_path / "b.txt"), "--json"
    )
    first_id = attached.json()["attached"][0]["id"]
    everything = _export(portfolio, tmp_path / "all.pdf")
    assert [e["embedded_as"] for e in everything["evidence_embedded"]] == ["E1-a.png", "E1-b.txt"]
    nothing = _export(portfolio, tmp_path / "none.pdf", "--no-attachments")
    assert nothing["evidence_embedded"] == []
    one = _export(portfolio, tmp_path / "one.pdf", "--leave-out-attachment", first_id[:8])
    assert [e["name"] for e in one["evidence_embedded"]] == ["b.txt"]
    verified = portfolio("verify", str(tmp_path / "all.pdf"), "--json").json()
    evidence = verified["files"][0]["evidence"]
    assert evidence["ok"] and [f["name"] for f in evidence["files"]] == ["E1-a.png", "E1-b.txt"]


def test_verify_compare_follows_the_chain(portfolio: Run, tmp_path: Path) -> None:
    kept = portfolio("add", "--title", "Kept", stdin="First words.").out.strip()
    edited = portfolio("add", "--title", "Edited later", stdin="Before.").out.strip()
    gone = portfolio("add", "--title", "Deleted later", stdin="Soon gone.").out.strip()
    earlier = tmp_path / "earlier.pdf"
    fingerprint = str(_export(portfolio, earlier)["fingerprint_sha256"])
    portfolio("edit", edited, "--body-file", "-", stdin="After the export.")
    portfolio("add", "--title", "Written since", stdin="New.")
    later = tmp_path / "later.pdf"
    _export(portfolio, later)

    text = portfolio("verify", "--compare", str(earlier), str(later))
    assert text.code == 2  # continues; the student's own certificate is not trusted here
    assert "The later export continues the earlier one." in text.out
    assert "What it cannot prove" in text.out and "RFC 3161" in text.out
    pinned = portfolio(
        "verify", "--compare", str(earlier), str(later), "--fingerprint", fingerprint
    )
    assert pinned.code == 0, pinned.out
    report = portfolio("verify", "--compare", str(earlier), str(later), "--json").json()
    statuses = {e["entry_id"]: e["status"] for e in report["comparison"]["entries"]}
    assert statuses[kept] == "unchanged" and statuses[edited] == "changed"
    assert list(statuses.values()).count("added") == 1
    assert report["comparison"]["continues"] is True

    portfolio("delete", gone, "--yes")
    latest = tmp_path / "latest.pdf"
    _export(portfolio, latest)
    dropped = portfolio("verify", "--compare", str(earlier), str(latest), "--json").json()
    assert dropped["exit_code"] == 5
    assert {e["entry_id"]: e["status"] for e in dropped["comparison"]["entries"]}[gone] == (
        "removed"
    )

    broken = tmp_path / "broken.pdf"
    data = bytearray(later.read_bytes())
    data[len(data) // 3] ^= 0xFF
    broken.write_bytes(bytes(data))
    tampered = portfolio("verify", "--compare", str(earlier), str(broken))
    assert tampered.code == 1 and "Not compared: LATER did not pass" in tampered.out
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    assert portfolio("verify", "--compare", str(earlier), str(junk)).code == 3
    three = portfolio("verify", "--compare", str(earlier), str(later), str(latest))
    assert three.code == 1 and "exactly two files" in three.error_line
