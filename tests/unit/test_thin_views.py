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


# Views read posted values through their form classes (contest/<blueprint>/forms.py), which build the typed values
# the services take (issue 13 part 3). A GET filter read from ``request.args`` is fine, and so is handing the whole
# ``request.form`` to a form class (``formdata=request.form``). (view module, what it reads) -> why it is tolerated.
FORM_READS = re.compile(r"\brequest\.(form|files)\s*(\[|\.get\b|\.getlist\b|\.to_dict\b|\.items\b|\.values\b|\.keys\b)")
ALLOWED_FORM_READS: dict[tuple[str, str], str] = {}


def _form_reads(path: Path) -> set[str]:
    code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
    return {f"request.{m.group(1)}{m.group(2)}" for m in FORM_READS.finditer(code)}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.parent.name)
def test_views_read_posted_values_through_form_classes(path: Path):
    reads = {r for r in _form_reads(path) if (path.parent.name, r) not in ALLOWED_FORM_READS}
    assert not reads, f"{path.parent.name}/views.py reads {sorted(reads)}: declare the field on a form class in forms.py"


def test_the_allowed_form_reads_still_occur():
    found = {(path.parent.name, r) for path in VIEWS for r in _form_reads(path)}
    assert sorted(set(ALLOWED_FORM_READS) - found) == [], "no longer read: remove from ALLOWED_FORM_READS"
