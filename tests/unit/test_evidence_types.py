"""Evidence files (佐证材料) are PDF, JPG or PNG by content, whatever their names say (``domain.attachments``)."""

from __future__ import annotations

import pytest

from contest.domain.attachments import JPEG, MAX_ATTACHMENT_BYTES, PDF, PNG, sniff, sniff_evidence
from contest.domain.errors import DomainError


@pytest.mark.parametrize("data, kind", [(b"%PDF-1.7 ...", PDF), (b"\x89PNG\r\n\x1a\n....", PNG), (b"\xff\xd8\xff\xe0....", JPEG)])
def test_pdf_png_and_jpeg_are_evidence(data, kind):
    assert sniff_evidence(data) == kind


@pytest.mark.parametrize("data", [b"MZ\x90\x00 an executable", b"PK\x03\x04 a zip or a docx", b"<html><script>", b"plain text",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 a .doc", b" %PDF-1.4 (not at the start)"])
def test_anything_else_is_refused(data):
    with pytest.raises(DomainError, match="PDF, JPG or PNG"):
        sniff_evidence(data)


def test_empty_and_too_large_files_are_refused_with_the_limit():
    with pytest.raises(DomainError, match="empty"):
        sniff_evidence(b"")
    assert sniff_evidence(b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES - 5)) == PDF
    with pytest.raises(DomainError, match="10 MB"):
        sniff_evidence(b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES - 4))


def test_the_attachment_rule_keeps_its_behaviour():
    assert sniff(b"%PDF-1.4", "x.txt", lambda _d: None) == PDF
    assert sniff("通知".encode(), "a.txt", lambda _d: None).startswith("text/plain")
    with pytest.raises(DomainError, match="Only PDF, Word"):
        sniff(b"MZ\x90", "a.pdf", lambda _d: None)
