"""The API documentation page works in a real browser under the app's strict Content-Security-Policy:
Swagger UI (vendored) renders every operation from /api/v1/openapi.json, with no CSP violation and nothing
loaded from elsewhere."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_docs_page_renders_every_operation_under_the_csp(live_server, page):
    base, _ids = live_server
    problems, foreign = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Contest API")
    spec = page.request.get(f"{base}/api/v1/openapi.json").json()
    operations = sum(len(ops) for ops in spec["paths"].values())
    expect(page.locator(".opblock")).to_have_count(operations)
    submit = page.locator(".opblock", has_text="/api/v1/events/{event_id}/scores").filter(has_text="PUT")
    submit.locator(".opblock-summary").click(no_wait_after=True)
    expect(submit.locator(".responses-wrapper")).to_contain_text("locked")
    assert problems == [] and foreign == []
