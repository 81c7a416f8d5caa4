"""No function-level import inside ``contest/services/``: an import placed in a function body usually hides an
import cycle between two services (``brackets`` ↔ ``results`` did), and cycles are fixed by moving the shared
code to the layer below (``contest.policy``, ``contest.loaders``, the domain), not by importing late.

An import may stay inside a function only when it is truly lazy — a heavy module that most processes never
need — and then it is listed in ``ALLOWED`` with its reason. ``if TYPE_CHECKING:`` blocks are module level and
allowed. (Which package may import which is the package import-rules test's business, not this one's.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import contest.services

# (file relative to contest/services/, imported module) → why it is imported late.
ALLOWED: dict[tuple[str, str], str] = {}


def _function_imports(tree: ast.AST):
    """(line, module) of every import statement nested in a function or method body."""
    def visit(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if in_function and isinstance(child, ast.Import):
                yield from ((child.lineno, alias.name) for alias in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                yield child.lineno, "." * child.level + (child.module or "")
            yield from visit(child, inside)

    yield from visit(tree, False)


def test_no_function_level_imports_in_services():
    root = Path(contest.services.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert files
    offenders = [
        f"contest/services/{path.relative_to(root)}:{line}: {module}"
        for path in files
        for line, module in _function_imports(ast.parse(path.read_text(encoding="utf-8")))
        if (str(path.relative_to(root)), module) not in ALLOWED
    ]
    assert offenders == [], "move these imports to module level (or the shared code to a lower layer):\n" + "\n".join(offenders)


def test_the_guard_sees_nested_imports():
    source = "import os\n\ndef f():\n    from contest import policy\n    def g():\n        import json\n\nclass C:\n    def m(self):\n        import re\n"
    assert sorted(m for _line, m in _function_imports(ast.parse(source))) == ["contest", "json", "re"]


def test_allowed_entries_have_reasons_and_exist():
    root = Path(contest.services.__file__).parent
    for (name, module), reason in ALLOWED.items():
        assert reason.strip(), name
        found = {m for _line, m in _function_imports(ast.parse((root / name).read_text(encoding="utf-8")))}
        assert module in found, f"{name}: {module} is no longer imported late; remove it from ALLOWED"
