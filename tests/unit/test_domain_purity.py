"""The domain layer imports neither Flask nor SQLAlchemy (nor anything from the web or data layers)."""

import ast
from pathlib import Path

import contest.domain

FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_babel", "sqlalchemy", "werkzeug",
             "contest.models", "contest.services", "contest.extensions")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_domain_modules_are_pure():
    root = Path(contest.domain.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in files
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert offenders == []
