"""Keyboard only (issue 15.5): on the dashboard and on the tablet's score sheet, pressing Tab from the top of
the page reaches every control that is shown and enabled, in the order the page gives, and the tablet's entry is
opened and scored without the pointer. Each walk starts once the page says it is ready (charts drawn, the sheet
loaded); no pauses."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_tablet import small_scene  # noqa: F401  (fixture)

# A key for an element that survives a redraw of the same structure (the tablet redraws its list after each
# sheet read): its id, else its path of tag names and positions. Radio buttons of one group count as one stop.
KEY = """e => {
  if (!e || e === document.body || e === document.documentElement) return null;
  if (e.type === 'radio' && e.name) return 'radio:' + e.name;
  if (e.id) return '#' + e.id;
  const parts = [];
  for (let n = e; n && n !== document.body; n = n.parentElement) {
    let i = 1;
    for (let s = n.previousElementSibling; s; s = s.previousElementSibling) i++;
    parts.unshift(n.tagName.toLowerCase() + ':' + i);
  }
  return parts.join('>');
}"""

# Every control a keyboard user must be able to reach: shown (it has a box, it is not hidden) and enabled — a
# native control even with tabindex="-1" (that would be a fault); another element only when it asks for focus.
CONTROLS = """() => {
  const key = KEY;
  const native = 'a[href], button, input, select, textarea, summary';
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('[inert]');
  const found = [...document.querySelectorAll(native + ', [tabindex]')]
    .filter(e => !e.disabled && e.type !== 'hidden' && (e.matches(native) || e.getAttribute('tabindex') !== '-1') && shown(e));
  return [...new Set(found.map(key))];
}""".replace("KEY", KEY)


def tab_through(page) -> list[str]:
    """The stops Tab visits from the top of the page, once round: until the first stop comes back (focus leaves
    the document after the last control and Tab enters it again from the top)."""
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); }")
    limit = 2 * len(page.evaluate(CONTROLS)) + 10
    stops: list[str] = []
    for _press in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate(f"() => ({KEY})(document.activeElement)")
        if key is None:
            continue
        if stops and key == stops[0]:
            break
        stops.append(key)
    return stops


def test_the_walk_notices_a_control_out_of_reach(small_scene, page):  # noqa: F811
    page.goto(f"{small_scene.base}/login")
    expect(page.get_by_label("用户名")).to_be_visible()
    assert_every_control_reached(page)
    page.evaluate("() => document.querySelector('#username').setAttribute('tabindex', '-1')")
    try:
        assert_every_control_reached(page)
    except AssertionError as missed:
        assert "#username" in str(missed)
    else:
        raise AssertionError("a control out of the tab order went unnoticed")


def assert_every_control_reached(page) -> list[str]:
    expected = page.evaluate(CONTROLS)
    stops = tab_through(page)
    missed = [k for k in expected if k not in stops]
    assert expected and missed == [], f"not reached with Tab: {missed}"
    return stops


def tab_to(page, selector: str) -> None:
    """Press Tab until the focus is on ``selector`` (a control the walk has shown to be reachable)."""
    for _press in range(200):
        if page.evaluate(f"() => document.activeElement && document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_dashboard_is_reached_with_the_keyboard(small_scene, page):  # noqa: F811
    login(page, small_scene.base, "city")
    page.goto(f"{small_scene.base}/dashboard/")
    for chart in ("levels", "months", "units"):
        expect(page.locator(f'[data-chart="{chart}"][data-chart-ready] canvas')).to_have_count(1)
    stops = assert_every_control_reached(page)
    assert len(stops) > 5
    # a link of the dashboard followed with Enter: the county's dashboard, keyboard-reachable as well
    tab_to(page, 'th[scope=row] a[href*="unit="]')
    page.keyboard.press("Enter")
    page.wait_for_url("**unit=**")
    expect(page.locator('[data-chart="levels"][data-chart-ready] canvas')).to_have_count(1)
    assert_every_control_reached(page)


def test_the_tablet_sheet_is_scored_with_the_keyboard(small_scene, tablet):  # noqa: F811
    page = tablet
    login(page, small_scene.base, "chief")
    page.goto(small_scene.url)
    expect(page.locator("#tablet[data-ready=true]")).to_be_visible()
    expect(page.locator(".entry-btn")).to_have_count(len(small_scene.numbers))
    assert_every_control_reached(page)  # the list: the filter and every competitor number

    # open the first entry with Enter, then every field of the sheet is reached
    first = min(small_scene.numbers.values())
    tab_to(page, f'.entry-btn[data-number="{first}"]')
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("entry-title")).to_contain_text(f"{first:02d}")
    stops = assert_every_control_reached(page)
    marks = page.locator("input.mark-input").evaluate_all("inputs => inputs.map(i => '#' + i.id)")
    assert marks and all(m in stops for m in marks)  # the sheet's fields are among the stops

    # score it with the keyboard alone: type the marks, Space on a judgement, Enter on submit
    tab_to(page, f'input.mark-input[data-criterion="{small_scene.criteria["笔试"]}"]')
    page.keyboard.type("88")
    tab_to(page, f'input.mark-input[data-criterion="{small_scene.criteria["操作"]}"]')
    page.keyboard.type("50")
    tab_to(page, f'.judgement[data-criterion="{small_scene.criteria["安全"]}"] [data-value="2"]')
    page.keyboard.press("Space")
    expect(page.locator(f'.judgement[data-criterion="{small_scene.criteria["安全"]}"] [data-value="2"]')).to_have_attribute(
        "aria-checked", "true")
    tab_to(page, "#submit")
    expect(page.get_by_test_id("submit")).to_be_enabled()
    page.keyboard.press("Enter")
    expect(page.locator(f'.entry-btn[data-number="{first}"]')).to_have_attribute("data-status", "submitted")
