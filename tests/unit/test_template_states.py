"""No template compares a status to a string literal. Templates ask ``abilities(contest)`` ("``may.publish``",
``may.edit`` …, ``contest.policy.abilities``) or a model's own question (``objection.is_open``) instead of spelling
states, so a state set changes in one place (``contest.domain.contests``) and every page follows."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "templates"

# ``status`` / ``status.value`` compared (==, !=, in, not in) with a quoted string or a tuple/list of them.
# (A bracket match's ``state`` — ready, finished … — is the bracket's own vocabulary, not a status.)
COMPARISON = re.compile(
    r"""\bstatus(?:\.value)?\s*(?:==|!=|(?:not\s+)?in)\s*[\(\[]?\s*['"]"""
    r"""|['"]\s*(?:==|!=)\s*[\w.]*\bstatus(?:\.value)?\b"""
)


def _offenders(text: str) -> list[str]:
    return [m.group(0) for m in COMPARISON.finditer(text)]


def test_no_template_compares_a_status_with_a_string():
    files = sorted(p for p in ROOT.rglob("*") if p.suffix in (".html", ".txt", ".xml"))
    assert files
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for hit in _offenders(line):
                found.append(f"templates/{path.relative_to(ROOT)}:{number}: {hit}")
    assert found == [], "ask abilities(contest) (may.*) instead:\n" + "\n".join(found)


def test_the_pattern_catches_the_usual_spellings():
    for text in ("contest.status.value == 'final'", "{% if contest.status.value in ('draft', 'open') %}",
                 "o.status != 'open'", 'result.status == "valid"', "a.event.contest.status.value == 'running'",
                 "status not in ['scored']", "'published' == contest.status.value"):
        assert _offenders(text), text
    for text in ("may.publish", "n.status == NominationStatus.CONFIRMED", "{% if status == s.value %}", "STATUS_LABELS[contest.status]"):
        assert not _offenders(text), text
