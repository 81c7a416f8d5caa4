"""Demo self-assessments (called once from ``contest.seed``): every confirmed unit entry of a 安康杯 event reports
its figures, attaches one or two small evidence files (a one-page PDF ledger, and a photo-like PNG for every
other unit) and submits, through the same services as the pages. One enterprise reports a fatal accident (the
veto of the indicator sheet). Deterministic: the figures follow from the entry's position, the PDFs are written
invariantly and the PNGs are built byte by byte."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from contest.dashboard.demo import demo_pdf
from contest.domain.entrants import EntrantKind
from contest.domain.figures import figure_text
from contest.domain.nominations import NominationStatus
from contest.domain.orgtree import OrgLevel
from contest.extensions import db
from contest.models import Event, Nomination, Organisation, User
from contest.services import assessments
from contest.services.filestore import Upload


def demo_figures(index: int, level: OrgLevel, fatal: bool = False) -> dict[str, str]:
    """Plausible, varied figures for the ``index``-th unit: an enterprise has a few hundred workers, a team a
    dozen or two; every pair is consistent (corrected ≤ found, adopted ≤ made, checks ≤ workers)."""
    enterprise = level == OrgLevel.ENTERPRISE
    workers = 80 + (index * 37) % 420 if enterprise else 8 + (index * 5) % 17
    found = (6 + (index * 7) % 25) if enterprise else 2 + index % 6
    made = (4 + (index * 11) % 30) if enterprise else 1 + index % 5
    hours = Decimal(workers) * (Decimal(8) + Decimal(index % 5) * Decimal("2.5"))
    values = {
        "workers": workers,
        "training_sessions": (6 + index % 9) if enterprise else 3 + index % 4,
        "training_hours": hours,
        "hazards_found": found,
        "hazards_corrected": found - index % 3 if found >= index % 3 else found,
        "proposals_made": made,
        "proposals_adopted": made // 2 + index % 2,
        "health_checks": workers - index % 4,
        "incidents": 1 if index % 4 == 1 else 0,
        "fatal_accidents": 1 if fatal else 0,
        "violations": 1 if index % 5 == 2 else 0,
    }
    return {key: figure_text(Decimal(value)) for key, value in values.items()}


def tiny_png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A valid ``size`` × ``size`` PNG of one colour (8-bit RGB, no filter), the same bytes on every run."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def seed_self_assessments(event: Event, actor_for_unit: Callable[[Organisation], User], fatal_unit_id: int | None = None) -> int:
    """Fill in, back with evidence and submit the self-assessment of every confirmed unit entry of ``event``
    (in entry order), each written by ``actor_for_unit(unit)`` — an organiser of the unit, or of its enterprise
    for a team. ``fatal_unit_id`` reports the fatal accident (default: the first enterprise entered). Run it
    before any inspector scores the event (a score locks the assessments). Returns the number submitted."""
    entries = list(db.session.scalars(
        select(Nomination).where(Nomination.event_id == event.id, Nomination.entrant_kind == EntrantKind.UNIT,
                                 Nomination.status == NominationStatus.CONFIRMED).order_by(Nomination.id)))
    if fatal_unit_id is None:
        fatal_unit_id = next((n.unit_id for n in entries if n.unit.level == OrgLevel.ENTERPRISE), None)
    for index, entry in enumerate(entries):
        unit = entry.unit
        actor = actor_for_unit(unit)
        assessments.save_figures(actor, entry.id, demo_figures(index, unit.level, fatal=unit.id == fatal_unit_id))
        files = [Upload(f"{unit.name}安全培训台账.pdf", demo_pdf(f"{unit.name}安全生产台账（{event.contest.year}年）", [
            f"单位：{unit.label}", f"安全培训：{6 + index % 9} 次", "隐患排查治理：按月排查，整改闭环。", "合理化建议：已建立台账并公示采纳情况。"]))]
        if index % 2 == 0:
            files.append(Upload(f"{unit.name}现场检查照片.png", tiny_png(((40 + index * 23) % 256, (120 + index * 41) % 256, 90))))
        assessments.add_evidence_files(actor, entry.id, files[:1], "training_hours")
        if len(files) > 1:
            assessments.add_evidence_files(actor, entry.id, files[1:])
        assessments.submit(actor, entry.id)
    return len(entries)
