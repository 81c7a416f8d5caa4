"""Views stay thin (issue 13.5): no view draws a PDF and no view queries the database; services do both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "contest"
VIEWS = sorted(ROOT.glob("*/views.py"))
PDF_MODULES = ("reportlab", "contest.documents.certificate", "contest.documents.sign_in", "contest.documents.results_sheet",
               "contest.documents.page")
SQL_MODULES = ("sqlalchemy",)
SQL_CALLS = re.compile(r"\bdb\.(session|get_or_404|first_or_404|one_or_404|select|paginate)\b|\.query\b|\bselect\(")


def test_there_are_views_to_check():
    assert len(VIEWS) >= 10


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.parent.name)
def test_no_pdf_drawing_and_no_sql_in_views(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in imported if m.startswith(PDF_MODULES)], "a view draws a PDF: move it to contest/documents + a service"
    assert not [m for m in imported if m.startswith(SQL_MODULES)], "a view builds SQL: move the read into a service"
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert not SQL_CALLS.findall(code), "a view queries the database: move the read into a service"
