"""A plain one-page notice (通知, 台账 …): a title and lines of text on A4 portrait, plain data in, PDF bytes out.

Used for the demo's announcement attachments and evidence files. The title is the page furniture of
``contest.documents.page`` (centred, shrunk and cut to the margins); each line is set at ``BODY_SIZE`` and wrapped
with the CJK rules of ``contest.documents.linebreak``; lines that do not fit on the page are left out (a notice is
short). ``invariant`` (the default) makes the bytes the same on every run. No Flask, no SQLAlchemy.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4

from contest.documents.fonts import FONT_NAME
from contest.documents.page import INK, draw_title_block, new_canvas, wrap_text

MARGIN_X = 72.0
TITLE_SIZE = 18.0
TITLE_BASELINE = A4[1] - 90
BODY_SIZE = 12.0
BODY_TOP = A4[1] - 140
LEADING = 22.0
BOTTOM = 72.0


def render_notice(title: str, lines: Sequence[str], author: str = "", invariant: bool = True) -> bytes:
    """One A4 page: ``title`` centred at the top, then ``lines`` from the left margin, each wrapped to the width."""
    out = io.BytesIO()
    width, _height = A4
    c = new_canvas(out, A4, title, author, font_size=BODY_SIZE, invariant=invariant)
    draw_title_block(c, width, width - 2 * MARGIN_X, title, TITLE_SIZE, TITLE_BASELINE)
    c.setFillColor(INK)
    c.setFont(FONT_NAME, BODY_SIZE)
    baseline = BODY_TOP
    for line in lines:
        for part in wrap_text(line, width - 2 * MARGIN_X, BODY_SIZE) or [""]:
            if baseline < BOTTOM:
                break
            c.drawString(MARGIN_X, baseline, part)
            baseline -= LEADING
    c.showPage()
    c.save()
    return out.getvalue()
