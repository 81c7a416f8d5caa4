"""The bracket registry, input validation and the purity of the bracket package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import contest.domain.brackets as brackets
from contest.domain.brackets import BRACKETS, Entrant, Result, build_bracket, placements, resolve
from contest.domain.errors import DomainError


def test_registry_holds_the_four_formats():
    assert set(BRACKETS) == {"single_elimination", "double_elimination", "round_robin", "swiss"}
    assert [name for name, fmt in BRACKETS.items() if fmt.incremental] == ["swiss"]


@pytest.mark.parametrize(
    "name, options",
    [
        ("single_elimination", {"third_place": True}),
        ("double_elimination", {}),
        ("round_robin", {}),
        ("swiss", {"rounds": 2}),
    ],
)
def test_every_format_builds_resolves_and_places(name, options):
    entrants = [Entrant(10 + i, i, unit=f"U{i % 3}") for i in range(1, 7)]
    structure = build_bracket(name, entrants, **options)
    assert structure.format == name
    results: dict[str, Result] = {}
    while True:
        res = resolve(structure, results)
        ready = [m for m in res.matches if m.state.value == "ready"]
        if not ready:
            if BRACKETS[name].incremental and max(m.round for m in structure.matches) < structure.rounds:
                structure = brackets.swiss_next_round(structure, results)
                continue
            break
        for m in ready:
            results[m.key] = Result(min(m.home_id, m.away_id), 2, 1)
    placed = placements(structure, results)
    assert sorted(p.entrant_id for p in placed) == [e.id for e in entrants]
    first = [p.entrant_id for p in placed if p.place == 1]
    if name == "swiss":  # two rounds of six: 11 and 13 both win twice, with equal FIDE tie-breaks
        assert first == [11, 13]
    else:
        assert first == [11]


@pytest.mark.parametrize(
    "entrants, message",
    [
        ([Entrant(1, 1)], "at least"),
        ([Entrant(1, 1), Entrant(1, 2)], "only once"),
        ([Entrant(1, 1), Entrant(2, 1)], "Seeds"),
    ],
)
def test_invalid_fields_are_refused(entrants, message):
    for name in BRACKETS:
        with pytest.raises(DomainError, match=message):
            build_bracket(name, entrants, **({"rounds": 1} if name == "swiss" else {}))


def test_unknown_format_is_refused():
    with pytest.raises(DomainError, match="Unknown bracket format") as info:
        build_bracket("ladder", [Entrant(1, 1), Entrant(2, 2)])
    assert info.value.message == "Unknown bracket format %(name)s."
    assert info.value.params == {"name": "ladder"}


def test_structures_are_frozen():
    s = build_bracket("single_elimination", [Entrant(1, 1), Entrant(2, 2)])
    with pytest.raises(AttributeError):
        s.format = "swiss"  # type: ignore[misc]


def test_bracket_package_imports_neither_flask_nor_sqlalchemy():
    package = Path(brackets.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            for name in names:
                assert name.split(".")[0] not in {"flask", "flask_sqlalchemy", "sqlalchemy", "flask_babel"}, path
