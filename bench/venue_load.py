"""The scoring page over a venue's slow link: cold and warm loads at 500 kbit/s with 300 ms round trips.

    python bench/venue_load.py [--repeat 3]

Serves the app (SQLite, the test world with a running event of 30 entries) on a local port, logs a judge in
over the plain network, then turns on Chromium's network emulation through the DevTools protocol
(``Network.emulateNetworkConditions``: 300 ms latency, 500 kbit/s down and up) and measures, for the
judge's scoring page on a 768×1024 tablet viewport:

- cold: a fresh browser profile (empty HTTP cache, no service worker) — navigation start until the sheet is
  usable (``#tablet[data-ready]``), and the bytes transferred;
- warm: the same profile on a later visit (service worker and HTTP cache filled) — until usable, and until the
  fresh sheet from the server has replaced the cached one (``#tablet[data-fresh]``);
- offline: the same profile with the network off — until usable;
- local warm: the same profile without emulation (what the machine's CPU alone costs).

Times are read from the page's own ``performance.mark`` (navigation start → mark), not from the test driver.

Figures are the median of ``--repeat`` runs (milliseconds). Requests the service worker makes itself are not
throttled by the page's emulation, so "warm, fresh sheet" is optimistic by about one round trip.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from contest import create_app  # noqa: E402
from contest.config import TestConfig  # noqa: E402
from contest.extensions import db  # noqa: E402
from tests.factories import build_world  # noqa: E402
from tests.judging_factories import running_event  # noqa: E402

PASSWORD = "Passw0rd!"
SLOW = {"offline": False, "latency": 300, "downloadThroughput": 500_000 / 8, "uploadThroughput": 500_000 / 8}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def serve(directory: Path):
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.sqlite3'}", "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        event_id = running_event(build_world(PASSWORD), extra_workers=28).event.id
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", event_id


MARK = "(name) => { const m = performance.getEntriesByName(name); return m.length ? m[0].startTime : null; }"


def timed_load(page, url: str, marker: str, mark: str = "tablet-ready") -> float:
    """Navigation start until the page's own ``performance.mark`` (the browser's clock, no test overhead)."""
    page.goto(url, wait_until="commit")
    page.wait_for_selector(marker, state="attached", timeout=120_000)
    return page.evaluate(MARK, mark)


def one_run(browser, base: str, event_id: int) -> dict[str, float]:
    url = f"{base}/judging/events/{event_id}"
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN", has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    # log in without loading any page into this browser: the first page load below is really cold
    login_page = context.request.get(f"{base}/login").text()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', login_page)
    context.request.post(f"{base}/login", form={"csrf_token": csrf.group(1) or csrf.group(2), "username": "chief", "password": PASSWORD})
    cdp.send("Network.emulateNetworkConditions", SLOW)
    figures = {"cold_ready": timed_load(page, url, "#tablet[data-ready=true]")}
    page.wait_for_selector("#tablet[data-fresh=true]", state="attached", timeout=120_000)
    figures["cold_bytes"] = sum(received)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
    page.wait_for_timeout(2000)  # let the worker finish keeping the page and the sheet
    page.goto("about:blank")
    figures["warm_ready"] = timed_load(page, url, "#tablet[data-ready=true]")
    page.wait_for_selector("#tablet[data-fresh=true]", state="attached", timeout=120_000)
    figures["warm_fresh"] = page.evaluate(MARK, "tablet-fresh")
    received.clear()
    figures["warm_ready"] = timed_load(page, url, "#tablet[data-ready=true]")  # once more, counting bytes
    page.wait_for_selector("#tablet[data-fresh=true]", state="attached", timeout=120_000)
    figures["warm_bytes"] = sum(received)
    page.goto("about:blank")
    context.set_offline(True)
    figures["offline_ready"] = timed_load(page, url, "#tablet[data-ready=true]")
    context.set_offline(False)
    cdp.send("Network.emulateNetworkConditions", FAST)
    page.goto("about:blank")
    figures["local_warm_ready"] = timed_load(page, url, "#tablet[data-ready=true]")  # the same, no emulation: CPU only
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, base, event_id = serve(Path(tmp))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            runs = [one_run(browser, base, event_id) for _ in range(args.repeat)]
            browser.close()
        server.shutdown()
    print(f"scoring page over 500 kbit/s, 300 ms RTT (median of {args.repeat}):")
    for key in runs[0]:
        value = statistics.median(r[key] for r in runs)
        unit = "bytes" if key.endswith("bytes") else "ms"
        print(f"  {key:<14} {value:>10,.0f} {unit}")


if __name__ == "__main__":
    main()
