"""One masking rule for entrants' names (issue 12, item 4): the HTML ranking page, the public page, the API,
the xlsx and the PDF all show what ``contests.shows_full_names`` decides for the viewer — in full for the host's
organisers, 张*三 for everyone else (the chief judge included), in every state of the contest."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from contest.services import contests, results
from tests.app.test_results import scored  # noqa: F401  (fixture: a signed-off event of ten entries)
from tests.conftest import PASSWORD

FULL, MASKED = "张小三", "张*三"


def surfaces(client, event_id: int, tmp_path) -> dict[str, str]:
    """The text of every place the ranking of ``event_id`` is shown to the logged-in client."""
    token = client.post("/api/v1/tokens", json={"username": client.username, "password": PASSWORD}).json["token"]
    api = client.get(f"/api/v1/events/{event_id}/ranking", headers={"Authorization": f"Bearer {token}"})
    xlsx = load_workbook(BytesIO(client.get(f"/events/{event_id}/results.xlsx").data)).active
    shown = {
        "html": client.get(f"/events/{event_id}/results").get_data(as_text=True),
        "api": json.dumps(api.get_json(), ensure_ascii=False),
        "xlsx": " ".join(str(v) for row in xlsx.iter_rows(values_only=True) for v in row if v),
    }
    if shutil.which("pdftotext"):
        path = tmp_path / f"{client.username}.pdf"
        path.write_bytes(client.get(f"/events/{event_id}/results.pdf").data)
        shown["pdf"] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return shown


def log_in(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    client.username = username
    return client


def assert_names(shown: dict[str, str], full: bool):
    for surface, text in shown.items():
        assert (FULL in text) is full and (MASKED in text) is not full, surface


def test_the_chief_judge_sees_masked_names_everywhere_before_publication(app, world, scored, tmp_path):  # noqa: F811
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    assert_names(surfaces(log_in(app, "chief"), run.event.id, tmp_path), full=False)


@pytest.mark.parametrize(("username", "full"), [("city", True), ("admin", True), ("chief", False), ("worker_b", False), ("county_a", False)])
def test_after_publication_every_surface_agrees(app, world, scored, tmp_path, username, full):  # noqa: F811
    run, _plan = scored
    results.compute_results(world.users["city"], run.event.id)
    results.publish(world.users["city"], run.event.contest_id, notice_days=5)
    assert_names(surfaces(log_in(app, username), run.event.id, tmp_path), full=full)
    public = log_in(app, username).get(f"/public/results/{run.event.id}").get_data(as_text=True)
    assert MASKED in public and FULL not in public  # the public page is the public's view, whoever looks


def test_the_rule(world):
    from contest.models import Contest
    from tests.contest_factories import make_contest

    contest = make_contest(world.users["city"])
    assert isinstance(contest, Contest)
    assert contests.shows_full_names(world.users["city"], contest) and contests.shows_full_names(world.users["admin"], contest)
    assert not contests.shows_full_names(world.users["county_a"], contest)  # an organiser, but not of the host
    assert not contests.shows_full_names(world.users["judge"], contest)
    assert not contests.shows_full_names(None, contest)
