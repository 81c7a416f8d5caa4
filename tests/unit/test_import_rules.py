"""The import rules between the layers (issue 13, part 7), read from the source with ``ast`` — every import,
including those inside functions (a function-level import is still a dependency, and can hide a cycle).

Layers: ``contest.domain`` (pure rules), ``contest.models``, ``contest.services``, ``contest.documents``,
``contest.methods`` (decision methods, once it exists), ``contest.api`` and the blueprint packages (every
``contest.<name>`` package with a ``views.py``). The rules:

1. domain imports nothing from ``contest`` but ``contest.domain``;
2. models import only domain, models and ``contest.extensions``;
3. services never import a blueprint package, any ``views`` module, the api, or the HTTP request objects of Flask
   (``request``, ``session``, ``abort``, ``redirect``, ``jsonify``, ``make_response``);
4. documents never import services, the api or a blueprint package (views included);
5. a blueprint (or the api) never imports another blueprint's views;
6. the api reaches the data only through services: no ``contest.models``, no ``db``, no SQLAlchemy;
7. decision methods never import the api or a blueprint's views (the pages call the methods, not the reverse);
8. the method registry (``contest.methods`` itself and ``contest.methods.base``) sits below the models: models and
   services may import it (``event.method``), and it imports only the domain (the models only for type hints,
   under ``TYPE_CHECKING``: a real import would be a cycle, which the cycle test below would catch);
   the method modules (``rubric``, ``bracket``, ``builtin``, ``views``) sit above the services and are imported
   by no model or service.

And no function-level import hides a cycle: a module imports another inside a function only if that module does not
import it back, directly or through others (``if TYPE_CHECKING:`` imports excepted: they never run).

Where today's code breaks a rule, the import is listed in ``ALLOWED`` (``HIDDEN_CYCLES`` for cycles) with the reason and the lane that removes it.
An entry that no longer matches anything fails the test too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import contest

ROOT = Path(contest.__file__).resolve().parent

HTTP_OBJECTS = {"request", "session", "abort", "redirect", "jsonify", "make_response"}

# (importing module, imported name) -> why it is tolerated for now. Empty: every rule holds. A new exception needs a
# reason here (and the lane that removes it).
ALLOWED: dict[tuple[str, str], str] = {}


# (importing module, imported module) of a function-level import that would be a cycle at the top of the file.
HIDDEN_CYCLES: dict[tuple[str, str], str] = {}

def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, module: str | None = None) -> Iterator[str]:
    """Every name an import statement in ``path`` brings in, anywhere in the file: ``import a.b`` gives ``a.b``,
    ``from a import b`` gives ``a.b`` (a module or an attribute alike), relative imports resolved."""
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    yield from _names_in(ast.parse(path.read_text(encoding="utf-8")), package)

def under(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def blueprint_packages() -> set[str]:
    return {f"contest.{path.parent.name}" for path in ROOT.glob("*/views.py")} - {"contest.api"}


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


REGISTRY = ("contest.methods", "contest.methods.base")
METHOD_MODULES = {path.stem for path in (ROOT / "methods").glob("*.py")} - {"__init__", "base"}


def is_registry(name: str) -> bool:
    """``name`` is the method registry or something defined in it (``contest.methods.METHODS``), not a method
    module (``contest.methods.rubric``)."""
    if name in REGISTRY or under(name, "contest.methods.base"):
        return True
    parent, _, leaf = name.rpartition(".")
    return parent == "contest.methods" and leaf not in METHOD_MODULES


def violations() -> Iterator[tuple[str, str, str]]:
    blueprints = blueprint_packages()
    web = blueprints | {"contest.api"}
    for path in sorted(ROOT.rglob("*.py")):
        module = module_name(path)
        package = package_of(module)
        for name in imported_names(path):
            if not under(name, "contest", "flask", "sqlalchemy", "flask_sqlalchemy"):
                continue
            is_views = name.split(".")[2:3] == ["views"] and under(name, *web)
            rule = None
            if package == "contest.domain" and under(name, "contest") and not under(name, "contest.domain"):
                rule = "1 domain imports only domain"
            elif package == "contest.models" and under(name, "contest") and not under(
                name, "contest.domain", "contest.models", "contest.extensions"
            ) and not is_registry(name):
                rule = "2 models import only domain, models, extensions (and the method registry)"
            elif package == "contest.services" and (
                (under(name, *web) and not is_registry(name)) or is_views
                or (under(name, "flask") and name.rpartition(".")[2] in HTTP_OBJECTS)
            ):
                rule = "3 services never import blueprints, views, the api or Flask's request objects"
            elif package == "contest.documents" and under(name, "contest.services", *web):
                rule = "4 documents never import services, the api or blueprints"
            elif package in web and is_views and package_of(name) != package:
                rule = "5 a blueprint never imports another blueprint's views"
            elif package == "contest.api" and (
                under(name, "contest.models", "contest.extensions.db", "sqlalchemy", "flask_sqlalchemy")
            ):
                rule = "6 the api reaches data only through services"
            elif package == "contest.methods" and (under(name, "contest.api") or is_views):
                rule = "7 decision methods never import the api or views"
            elif module in REGISTRY and under(name, "contest") and not (
                under(name, "contest.domain", "contest.models") or is_registry(name)
            ):
                rule = "8 the method registry imports only the domain (and the models for type hints)"
            elif package in ("contest.models", "contest.services") and under(name, "contest.methods") and not is_registry(name):
                rule = "8 models and services import only the method registry, never a method module"
            if rule:
                yield module, name, rule


def test_layers_import_only_what_their_rules_allow():
    found = list(violations())
    new = [f"{module} imports {name} (rule {rule})" for module, name, rule in found if (module, name) not in ALLOWED]
    assert new == [], "\n".join(new)


def test_allow_list_only_shrinks():
    """An allowed exception that no longer occurs is removed from ``ALLOWED``, so it cannot come back unnoticed."""
    found = {(module, name) for module, name, _rule in violations()}
    stale = sorted(set(ALLOWED) - found)
    assert stale == [], f"no longer needed, remove from ALLOWED: {stale}"


def packages() -> list[Path]:
    """Every package of the app, sub-packages included (``contest/domain/brackets``), the top one too; not the
    build's copy of the bundled files (``_bundle``)."""
    return sorted(path.parent for path in ROOT.rglob("__init__.py") if "_bundle" not in path.relative_to(ROOT).parts)


def test_every_package_says_what_lives_there_and_what_may_import_it():
    """Each package's ``__init__`` docstring opens with what lives there, and has an ``Imports:`` part (what the
    package may import) and an ``Imported by`` part (who may import it) — the convention of every package."""
    found = packages()
    assert ROOT in found and ROOT / "domain" / "brackets" in found
    missing = []
    for package in found:
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
        name = module_name(package / "__init__.py")
        summary = docstring.split("\n", 1)[0].strip()
        if not summary or summary.startswith("Imports"):
            missing.append(f"{name}: no opening line saying what lives there")
        if "Imports:" not in docstring:
            missing.append(f"{name}: no 'Imports:' part")
        if "Imported by" not in docstring:
            missing.append(f"{name}: no 'Imported by' part")
    assert missing == [], "\n".join(missing)


def test_the_rules_see_function_level_and_relative_imports(tmp_path):
    """The parser itself: an import inside a function and a relative import are both found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from contest.results import views\n    from ..auth.views import safe_next\n")
    names = list(imported_names(probe, module="contest.services.probe"))
    assert names == ["contest.results.views", "contest.auth.views.safe_next"]


def module_edges() -> dict[str, dict[str, bool]]:
    """Module → imported module → whether every import of it is inside a function. ``from a import b`` counts as an
    import of the module ``a.b`` when there is one, else of ``a``; imports under ``if TYPE_CHECKING:`` are left out."""
    modules = {module_name(path): path for path in ROOT.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, dict[str, bool]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]

        def visit(node: ast.AST, in_function: bool, module=module, package=package) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue
                inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                if isinstance(child, ast.Import | ast.ImportFrom):
                    holder = ast.Module(body=[child], type_ignores=[])
                    for name in _names_in(holder, package):
                        target = resolve(name)
                        if target and target != module:
                            targets = edges.setdefault(module, {})
                            targets[target] = targets.get(target, True) and inside
                visit(child, inside)

        visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return edges


def _names_in(tree: ast.AST, package: str) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            source = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module or ""
            yield from (f"{source}.{alias.name}" for alias in node.names)


def hidden_cycles() -> set[tuple[str, str]]:
    edges = module_edges()

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            here = stack.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                stack.extend(edges.get(here, ()))
        return False

    return {(a, b) for a, targets in edges.items() for b, in_function in targets.items() if in_function and reaches(b, a)}


def test_no_function_level_import_hides_a_cycle():
    found = hidden_cycles()
    assert sorted(found - set(HIDDEN_CYCLES)) == [], "a function-level import hides a cycle"
    assert sorted(set(HIDDEN_CYCLES) - found) == [], "no longer a cycle, remove from HIDDEN_CYCLES"


def test_only_the_documents_kit_imports_reportlab():
    """Every PDF is drawn in ``contest.documents`` (one printing kit: fonts, line breaking, page furniture)."""
    outside = sorted(
        f"{module_name(path)} imports {name}"
        for path in ROOT.rglob("*.py")
        if not under(module_name(path), "contest.documents")
        for name in imported_names(path)
        if under(name, "reportlab")
    )
    assert outside == [], "draw PDFs through contest.documents:\n" + "\n".join(outside)
