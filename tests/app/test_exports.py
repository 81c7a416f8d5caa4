"""Every spreadsheet export with hostile stored data (issue 12.5, 12.6, 11.9): it opens, nothing in it is a
formula, text that looks like one is quote-prefixed, control characters are gone, numbers are numbers."""

from __future__ import annotations

import inspect
import io
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from contest.commands import SubmitScores
from contest.documents.xlsx import FORMULA_TRIGGERS
from contest.extensions import db
from contest.models import MatchAudit, ScoreAudit
from contest.services import brackets, judging, results
from contest.services import draws as draw_service
from tests.bracket_factories import bracket_event
from tests.judging_factories import running_event

# Each would be live in a spreadsheet (formula, DDE, command) and each carries a control character that
# XML cannot hold (BEL, ESC), as a stored value typed before input was cleaned would.
UNIT = '=HYPERLINK("http://evil.example","班组")\x07'
PERSON = "@SUM(1+1)\x1b张三"
JUDGE = "+1+1裁判"
REASON = "-2+3\x07复核\r\n=cmd|' /C calc'!A0"
OCCUPATION = "\t=1+1电工"

#: Every view that sends a workbook, and how this test fetches it (format with ids from the scene).
EXPORTS = {
    "results.export_xlsx": "/events/{event}/results.xlsx",
    "judging.audit_xlsx": "/events/{event}/audit.xlsx",
    "brackets.audit_xlsx": "/brackets/events/{bracket_event}/audit.xlsx",
    "registration.draw_xlsx": "/events/{event}/draw.xlsx",
    "people.export": "/people/export",
    "people.import_template": "/people/import/template",
    "orgs.export": "/orgs/export",
    "orgs.import_template": "/orgs/import/template",
    "registration.import_template": "/contests/{contest}/nominations/template",
    "dashboard.export": "/dashboard/export.xlsx",
    "dashboard.safety_coverage_export": "/dashboard/safety-coverage.xlsx",
    "merit.export_xlsx": "/contests/{contest}/periods.xlsx",
}


def cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_inert(data: bytes, *expected: str) -> list:
    found = []
    for cell in cells(data):
        assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        if isinstance(cell.value, str):
            assert not any(ch in cell.value for ch in "\x00\x07\x1b"), cell.value
            if cell.value.startswith(FORMULA_TRIGGERS):
                assert cell.quotePrefix, f"{cell.coordinate} {cell.value!r} is not quote-prefixed"
            found.append(cell.value)
    for text in expected:
        assert any(text in value for value in found), f"{text!r} missing from the export"
    return found


def test_every_export_of_the_application_is_in_this_test(app):
    """A new view that sends a workbook must be added to EXPORTS (and so be driven with hostile data)."""
    senders = {endpoint for endpoint, view in app.view_functions.items()
               if "send_xlsx(" in inspect.getsource(inspect.unwrap(view))}
    assert senders == set(EXPORTS)
    with app.test_request_context():
        rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    for endpoint, path in EXPORTS.items():
        assert rules[endpoint].split("<")[0] == path.split("{")[0], endpoint


@pytest.fixture
def hostile(world):
    """A scored, ranked event and a bracket event whose stored names and reasons are hostile."""
    run = running_event(world)
    city = world.users["city"]
    criteria = judging.sheet(run.chief, run.event.id)["criteria"]
    for judge in (run.chief, run.judge, run.other):
        sheet = judging.sheet(judge, run.event.id)
        items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"],
                  "value": "2" if c["kind"] == "judgement" else "50.5"} for e in sheet["entries"] for c in criteria]
        assert judging.submit_scores(judge, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200
    judging.sign_off(run.chief, run.event.id)
    results.compute_results(city, run.event.id)
    scene = bracket_event(world, "single_elimination", 4)
    brackets.generate(city, scene.event.id, brackets.Setup())
    match = next(m for m in brackets.bracket_view(scene.chief, scene.event.id).matches if m.home and m.away)
    brackets.record_result(scene.chief, match.id, brackets.Entry("home", 21, 15))
    # Stored data from before input was cleaned (or typed into another system): the exports must survive it.
    world.orgs["team_a"].name = UNIT
    world.users["worker"].name = PERSON
    world.users["worker"].profile.occupation = OCCUPATION
    world.users["judge"].name = JUDGE
    db.session.execute(update(ScoreAudit).values(reason=REASON))
    db.session.execute(update(MatchAudit).values(reason=REASON))
    db.session.commit()
    return {"event": run.event.id, "contest": run.event.contest_id, "bracket_event": scene.event.id}


@pytest.mark.db
def test_every_export_is_inert_with_hostile_stored_data(world, hostile, client, login_as):
    login_as("city")
    expected = {
        "results.export_xlsx": ["@SUM(1+1)张三", '=HYPERLINK("http://evil.example","班组")'],
        "judging.audit_xlsx": ["-2+3复核", "+1+1裁判"],
        "brackets.audit_xlsx": ["-2+3复核"],
        "registration.draw_xlsx": ["@SUM(1+1)张三", "\t=1+1电工"],
        "people.export": ["@SUM(1+1)张三", "+1+1裁判"],
        "orgs.export": ['=HYPERLINK("http://evil.example","班组")'],
    }
    for endpoint, path in EXPORTS.items():
        response = client.get(path.format(**hostile))
        assert response.status_code == 200, endpoint
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert_inert(response.data, *expected.get(endpoint, ()))


@pytest.mark.db
def test_numbers_dates_and_header_are_typed(world, hostile, client, login_as):
    login_as("city")
    workbook = load_workbook(io.BytesIO(client.get(f"/events/{hostile['event']}/results.xlsx").data))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["名次", "参赛号"] and all(c.font.bold for c in sheet[1])
    first = [c for c in sheet[2]]
    rank, number, total = first[0], first[1], first[header.index("总分")]
    assert isinstance(rank.value, int) and rank.number_format == "0"
    assert isinstance(number.value, int)
    assert isinstance(total.value, float | int | Decimal) and total.number_format == "0.00"
    assert all(sheet.column_dimensions[c].width >= 6 for c in "ABCD")
    audit = load_workbook(io.BytesIO(client.get(f"/events/{hostile['event']}/audit.xlsx").data)).active
    row = [c for c in audit[2]]
    assert isinstance(row[0].value, datetime) and row[0].is_date
    assert isinstance(row[6].value, float | int) and row[6].number_format == "0.00"


@pytest.mark.db
def test_bracket_audit_of_an_event_without_a_bracket_is_an_empty_sheet(world, client, login_as):
    run = running_event(world)
    login_as("city")
    response = client.get(f"/brackets/events/{run.event.id}/audit.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header


def test_draw_export_writes_numbers_as_numbers_and_ids_as_text(world, hostile):
    sheet = load_workbook(io.BytesIO(draw_service.draw_xlsx(world.users["city"], hostile["event"]))).active
    rows = list(sheet.iter_rows(min_row=2))
    assert rows and all(isinstance(r[0].value, int) for r in rows)  # competitor numbers
    assert all(r[4].data_type == "s" and r[4].number_format == "@" for r in rows)  # (masked) resident IDs
