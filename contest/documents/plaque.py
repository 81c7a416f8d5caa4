"""Plaque-style certificate (奖牌式证书) PDF for a unit: plain data in, PDF bytes out. No Flask, no SQLAlchemy.

Layout (A4 landscape), as the brass-and-lacquer plaques handed to 先进集体 read: a deep red panel inside a gold
frame; at the top "授予" and the contest; the unit's name in large gold type across the middle; the award or
title below it in a gold band; the issuing organisation and the date bottom right (the seal over them when the
contest has one); the serial number and the verification QR code (the same address as the certificate's)
bottom left.

Text that does not fit is set smaller, down to a floor size, then wrapped onto a second line, then cut with
"…" — nothing is drawn outside its box. The same data always gives the same bytes (creation date = issue date,
file identifier = content digest), so :func:`fingerprint` serves as an ETag.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from contest.documents.certificate import (
    DATE_NUMERALS,
    CertificateData,
    _draw_qr,
    _pin_timestamp,
    _seal_image,
    digest_of,
    format_chinese_date,
)
from contest.documents.fonts import FONT_NAME, char_width, text_width
from contest.documents.linebreak import wrap_text
from contest.documents.page import new_canvas

__all__ = ["PLAQUE_VERSION", "fingerprint", "render_plaque"]

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)

LACQUER = Color(0.55, 0.05, 0.07)
LACQUER_DARK = Color(0.42, 0.03, 0.05)
GOLD = Color(0.86, 0.70, 0.33)
GOLD_LIGHT = Color(0.97, 0.88, 0.60)
INK = Color(0.13, 0.11, 0.10)
WHITE = Color(1, 1, 1)

MARGIN = 50.0
TEXT_WIDTH = PAGE_WIDTH - 2 * 110.0
GRANT_BASELINE = PAGE_HEIGHT - 140.0
CONTEST_BASELINE = PAGE_HEIGHT - 178.0
UNIT_CENTRE = PAGE_HEIGHT / 2 + 20.0
UNIT_SIZE_MAX, UNIT_SIZE_MIN = 60.0, 24.0
AWARD_CENTRE = PAGE_HEIGHT / 2 - 75.0
AWARD_SIZE_MAX, AWARD_SIZE_MIN = 38.0, 18.0
ISSUER_CENTRE_X = PAGE_WIDTH - 210.0
ISSUER_BASELINE = 118.0
DATE_BASELINE = 92.0
QR_X, QR_Y, QR_SIZE = 82.0, 72.0, 72.0
SEAL_BOX = 104.0

#: Bump whenever the drawing changes (part of the fingerprint).
PLAQUE_VERSION = "2026.11.1"


def fingerprint(data: CertificateData) -> str:
    """SHA-256 (hex) of everything :func:`render_plaque` draws from: equal fingerprints, equal bytes."""
    return digest_of("plaque " + PLAQUE_VERSION, (), data)


def _fit_lines(text: str, width: float, size_max: float, size_min: float, max_lines: int = 2) -> tuple[float, list[str]]:
    """The largest size (≥ ``size_min``) at which ``text`` fits on one line, else on ``max_lines`` lines at the
    largest size that allows it; at ``size_min`` the last line is cut with "…"."""
    size = size_max
    while size > size_min and text_width(text, size) > width:
        size -= 1
    if text_width(text, size) <= width:
        return size, [text]
    for lines_wanted in range(2, max_lines + 1):
        size = size_max * 0.8
        while size >= size_min:
            lines = wrap_text(text, width, size, char_width)
            if len(lines) <= lines_wanted:
                return size, lines
            size -= 1
    lines = wrap_text(text, width, size_min, char_width)[:max_lines]
    last = lines[-1]
    while last and text_width(last + "…", size_min) > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return size_min, lines


def _spaced(c: Canvas, text: str, size: float, baseline: float, spacing: float, colour: Color) -> None:
    width = text_width(text, size) + spacing * (len(text) - 1)
    t = c.beginText((PAGE_WIDTH - width) / 2, baseline)
    t.setFont(FONT_NAME, size)
    t.setCharSpace(spacing)
    t.setFillColor(colour)
    t.textOut(text)
    t.setCharSpace(0)  # the character spacing is text state: it would carry over to every later text object
    c.drawText(t)


def _draw_frame(c: Canvas) -> None:
    w, h = PAGE_WIDTH, PAGE_HEIGHT
    c.setFillColor(GOLD)
    c.roundRect(18, 18, w - 36, h - 36, 14, stroke=0, fill=1)
    c.setFillColor(LACQUER_DARK)
    c.roundRect(30, 30, w - 60, h - 60, 10, stroke=0, fill=1)
    c.setFillColor(LACQUER)
    c.roundRect(38, 38, w - 76, h - 76, 8, stroke=0, fill=1)
    c.setStrokeColor(GOLD_LIGHT)
    c.setLineWidth(1.2)
    c.roundRect(MARGIN, MARGIN, w - 2 * MARGIN, h - 2 * MARGIN, 6, stroke=1, fill=0)
    # four gold rivets
    c.setFillColor(GOLD_LIGHT)
    for x, y in ((MARGIN + 18, MARGIN + 18), (w - MARGIN - 18, MARGIN + 18), (MARGIN + 18, h - MARGIN - 18), (w - MARGIN - 18, h - MARGIN - 18)):
        c.circle(x, y, 5, stroke=0, fill=1)


def _draw_plaque(c: Canvas, data: CertificateData) -> None:
    _draw_frame(c)
    _spaced(c, "授　予", 24, GRANT_BASELINE, 6, GOLD_LIGHT)
    size, lines = _fit_lines(data.contest_title, TEXT_WIDTH, 22, 12, max_lines=1)
    c.setFillColor(GOLD_LIGHT)
    c.setFont(FONT_NAME, size)
    c.drawCentredString(PAGE_WIDTH / 2, CONTEST_BASELINE, lines[0])

    # the unit's name, large, across the middle (one or two lines)
    size, lines = _fit_lines(data.holder_name, TEXT_WIDTH, UNIT_SIZE_MAX, UNIT_SIZE_MIN)
    leading = size * 1.15
    baseline = UNIT_CENTRE + (len(lines) - 1) * leading / 2 - size * 0.35
    c.setFillColor(GOLD)
    c.setStrokeColor(GOLD)
    c.setLineWidth(size / 40)
    for line in lines:
        t = c.beginText((PAGE_WIDTH - text_width(line, size)) / 2, baseline)
        t.setFont(FONT_NAME, size)
        t.setTextRenderMode(2)  # fill and stroke: a heavier face for the name
        t.textOut(line)
        t.setTextRenderMode(0)
        c.drawText(t)
        baseline -= leading

    # the award or title in a gold band
    honour = data.award or "、".join(data.titles)
    size, lines = _fit_lines(honour, TEXT_WIDTH - 80, AWARD_SIZE_MAX, AWARD_SIZE_MIN, max_lines=1)
    band_width = min(TEXT_WIDTH, text_width(lines[0], size) + 120)
    c.setFillColor(GOLD)
    c.roundRect((PAGE_WIDTH - band_width) / 2, AWARD_CENTRE - size * 0.9, band_width, size * 1.8, 6, stroke=0, fill=1)
    c.setFillColor(LACQUER_DARK)
    c.setFont(FONT_NAME, size)
    c.drawCentredString(PAGE_WIDTH / 2, AWARD_CENTRE - size * 0.35, lines[0])

    # issuer and date, bottom right, with the seal over them
    size, lines = _fit_lines(data.issuer, 280, 20, 11, max_lines=1)
    c.setFillColor(GOLD_LIGHT)
    c.setFont(FONT_NAME, size)
    c.drawCentredString(ISSUER_CENTRE_X, ISSUER_BASELINE, lines[0])
    c.setFont(FONT_NAME, 15)
    c.drawCentredString(ISSUER_CENTRE_X, DATE_BASELINE, format_chinese_date(data.issued_on, DATE_NUMERALS))
    if data.seal_png:
        c.drawImage(_seal_image(bytes(data.seal_png)), ISSUER_CENTRE_X - SEAL_BOX / 2, (ISSUER_BASELINE + DATE_BASELINE) / 2 - SEAL_BOX / 2,
                    SEAL_BOX, SEAL_BOX, mask="auto", preserveAspectRatio=True, anchor="c")

    # QR on a white square (readable on the lacquer), serial and the verification line, bottom left
    c.setFillColor(WHITE)
    c.rect(QR_X - 6, QR_Y - 6, QR_SIZE + 12, QR_SIZE + 12, stroke=0, fill=1)
    _draw_qr(c, data.verify_url, QR_X, QR_Y, QR_SIZE)
    c.setFillColor(GOLD_LIGHT)
    size, lines = _fit_lines("证书编号：" + data.serial, 250, 12, 7, max_lines=1)
    c.setFont(FONT_NAME, size)
    c.drawString(QR_X + QR_SIZE + 16, QR_Y + 36, lines[0])
    c.setFont(FONT_NAME, 10)
    c.drawString(QR_X + QR_SIZE + 16, QR_Y + 14, "扫码验证证书真伪")


def render_plaque(data: CertificateData) -> bytes:
    """One unit's plaque as a one-page landscape PDF; the same data always gives the same bytes."""
    buf = io.BytesIO()
    c = new_canvas(buf, (PAGE_WIDTH, PAGE_HEIGHT), f"奖牌 {data.serial}", data.issuer, font_size=12, invariant=True)
    _pin_timestamp(c, data.issued_on)
    _draw_plaque(c, data)
    c.showPage()
    c.save()
    return buf.getvalue()
