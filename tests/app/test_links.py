"""No link leads a user to a 403: walk the links of the key pages for every role and follow each one.

The data is the route matrix's (an open contest, a published one with an objection and a certificate, and a
running sports contest whose single elimination has two entrants, worker_b among them)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.app.test_route_matrix import contest_ids

START = ("/", "/contests/", "/my/entries", "/my/certificates", "/notifications", "/public/results/", "/verify/")
SKIP = re.compile(r"^/(locale/|static/|logout)|\.(pdf|xlsx|zip)(\?|$)|[?&]projector=1")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')
LIMIT = 120  # pages per role: the start pages and two steps from them


def walk(client, extra: tuple[str, ...] = ()) -> dict[str, int]:
    """Every internal GET link reachable in two steps from the start pages, with its status."""
    seen: dict[str, int] = {}
    queue = deque((path, 0) for path in (*START, *extra))
    while queue and len(seen) < LIMIT:
        path, depth = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if depth < 2 and response.status_code == 200 and response.mimetype == "text/html":
            for href in HREF.findall(response.get_data(as_text=True)):
                href = urldefrag(href.replace("&amp;", "&"))[0]
                parts = urlsplit(href)
                if not parts.netloc and href.startswith("/"):
                    queue.append((href, depth + 1))
    return seen


@pytest.mark.parametrize("role", ["anonymous", "admin", "city", "county_a", "ent_a", "team_a", "judge", "worker", "worker_b"])
def test_no_link_leads_to_a_403(world, client, login_as, role):
    ids = contest_ids(world)
    if role != "anonymous":
        login_as(role)
    extra = (f"/events/{ids['bracket_event']}", f"/contests/{ids['contest']}", f"/public/results/{ids['final_event']}")
    statuses = walk(client, extra)
    assert len(statuses) > len(START)
    forbidden = sorted(path for path, status in statuses.items() if status == 403)
    assert forbidden == [], f"{role} is shown links that answer 403: {forbidden}"


def test_an_entrant_follows_his_own_running_bracket_with_names_masked(world, client, login_as):
    ids = contest_ids(world)
    login_as("worker_b")  # an entrant of the running single elimination
    mine = client.get("/my/entries").get_data(as_text=True)
    assert f'href="/brackets/events/{ids["bracket_event"]}"' in mine
    page = client.get(f"/brackets/events/{ids['bracket_event']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "王*" in text and "王五" not in text  # masked as on public pages
    client.post("/logout")
    login_as("worker")  # not an entrant: no link, and the page stays closed until publication
    assert f'href="/brackets/events/{ids["bracket_event"]}"' not in client.get(f"/events/{ids['bracket_event']}").get_data(as_text=True)
    assert client.get(f"/brackets/events/{ids['bracket_event']}").status_code == 403
