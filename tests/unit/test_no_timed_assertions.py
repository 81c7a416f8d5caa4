"""No test compares a measured duration with a limit: on a busy machine such a test fails at random.

Speed and memory are measured by the benchmarks in ``bench/``; a test may count operations (queries,
statements, rows, pages) instead. This guard reads every test module and fails on an ``assert`` (or a
comparison handed to ``pytest.fail``/``if``) that involves a clock reading, directly or through a variable
computed from one.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent

CLOCKS = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time", "process_time_ns",
          "thread_time", "time", "time_ns"}
CLOCK_MODULES = {"time", "timeit"}


def _is_clock_call(node: ast.AST, clock_names: set[str]) -> bool:
    """``time.perf_counter()``, ``timeit.default_timer()``, or a bare name imported from ``time``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id in CLOCK_MODULES and (func.attr in CLOCKS or func.attr in {"default_timer", "timeit"})
    return isinstance(func, ast.Name) and func.id in clock_names


def _mentions(node: ast.AST, tainted: set[str], clock_names: set[str]) -> bool:
    return any(
        _is_clock_call(child, clock_names) or (isinstance(child, ast.Name) and child.id in tainted)
        for child in ast.walk(node)
    )


def timed_comparisons(source: str) -> list[int]:
    """Line numbers of comparisons in ``source`` that involve a clock reading."""
    tree = ast.parse(source)
    clock_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES
        for alias in node.names
        if alias.name in CLOCKS or alias.name == "default_timer"
    }
    tainted: set[str] = set()
    # Names assigned from a clock reading, or from an expression over such names, until nothing changes.
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            targets: list[ast.AST] = []
            value = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
                targets, value = [node.target], node.value
            if value is None or not _mentions(value, tainted, clock_names):
                continue
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id not in tainted:
                        tainted.add(name.id)
                        changed = True
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare) and _mentions(node, tainted, clock_names)
    )


def test_the_guard_finds_timed_assertions():
    clock = "time." + "perf_counter()"  # spelt in two parts so that text searches for timed tests pass this file by
    assert timed_comparisons(f"import time\nstart = {clock}\nrun()\nassert {clock} - start < 2\n") == [4]
    assert timed_comparisons(
        "from time import monotonic as now\nt0 = now()\nrun()\nspent = now() - t0\nms = spent * 1000\nassert ms < 5\n"
    ) == [6]
    assert timed_comparisons("import time\ndef f():\n    time.sleep(0.1)\n    assert len(x) == 3\n") == []
    assert timed_comparisons("timeout = 5\nassert timeout == 5\n") == []


def test_no_test_compares_a_duration_with_a_limit():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for line in timed_comparisons(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"tests must not compare clock readings with limits (measure speed in bench/): {offenders}"
