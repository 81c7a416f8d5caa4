"""Browser tests wait on page state with one generous limit (``tests.browser.conftest.WAIT_MS``): a limit is how
long to wait, not a pace, and a short one written as a number fails a journey on a busy machine (an 8-second
click limit did, in CI beside two busy processes)."""

from __future__ import annotations

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parent.parent / "browser"
NUMERIC_LIMIT = re.compile(r"(set_default_timeout|set_default_navigation_timeout)\(\s*\d|timeout\s*=\s*\d")


def test_browser_waits_use_the_one_limit():
    found = [f"{path.name}:{number}: {line.strip()}"
             for path in sorted(BROWSER_TESTS.glob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if NUMERIC_LIMIT.search(line)]
    assert found == [], "use WAIT_MS from tests.browser.conftest:\n" + "\n".join(found)


def test_the_guard_sees_a_numeric_limit():
    assert NUMERIC_LIMIT.search("page.set_default_timeout(8000)")
    assert NUMERIC_LIMIT.search('expect(x).to_contain_text("a", timeout=15000)')
    assert not NUMERIC_LIMIT.search("page.set_default_timeout(WAIT_MS)")
