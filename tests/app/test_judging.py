"""Judging: assignments, conflicts, idempotent all-or-nothing submissions, versions, audit, sign-off."""

import io
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from contest.commands import SubmitScores, score_items
from contest.domain.contests import ContestStatus
from contest.domain.errors import DomainError, InvalidItems, InvalidRequest, StaleScore
from contest.extensions import db
from contest.models import IdempotencyRecord, Role, Score, ScoreAudit, User
from contest.services import PermissionDenied
from contest.services import judging as service
from tests.factories import make_user
from tests.judging_factories import running_event


@pytest.fixture
def run(world):
    return running_event(world)


def criteria(run):
    return [c["id"] for c in service.sheet(run.chief, run.event.id)["criteria"]]


def item(number, criterion, value, **extra):
    return {"competitor_number": number, "criterion_id": criterion, "value": value, **extra}


def put(judge, run, items, key=None):
    import uuid

    return service.submit_scores(judge, run.event.id, SubmitScores.from_json(run.event.id, {"idempotency_key": key or uuid.uuid4().hex, "scores": items}))


def fill_all(run, value="50"):
    """Every assigned judge scores every entry he may score, on every criterion."""
    for judge in (run.chief, run.judge, run.other):
        sheet = service.sheet(judge, run.event.id)
        items = [item(e["competitor_number"], c["id"], "2" if c["kind"] == "judgement" else value)
                 for e in sheet["entries"] for c in sheet["criteria"]]
        assert put(judge, run, items).status == 200


def test_assignments_and_one_chief(world, run):
    city = world.users["city"]
    with pytest.raises(DomainError, match="already assigned"):
        service.assign_judge(city, run.event.id, run.judge.id)
    with pytest.raises(DomainError, match="active judge"):
        service.assign_judge(city, run.event.id, world.users["worker"].id)
    with pytest.raises(PermissionDenied):
        service.assign_judge(world.users["county_a"], run.event.id, run.judge.id)
    service.set_chief(city, run.event.id, run.other.id)
    chiefs = [a.judge_id for a in service.assignments(run.event.id) if a.is_chief]
    assert chiefs == [run.other.id]


def test_conflicted_entries_are_hidden_and_refused(world, run):
    own = run.numbers["worker"]  # worker of 柯城电力, like the judge
    numbers = [e["competitor_number"] for e in service.sheet(run.judge, run.event.id)["entries"]]
    assert own not in numbers and run.numbers["worker_b"] in numbers
    result = put(run.judge, run, [item(own, criteria(run)[0], "10")])
    assert result.status == 422 and "回避" in result.body["error"]["details"][0]["message"]
    overview = {a.judge_id: conflicts for a, conflicts, _count in service.conflict_overview(world.users["city"], run.event.id)}
    assert overview[run.judge.id] == sorted(n for u, n in run.numbers.items() if u in ("worker", "sw1"))
    assert overview[run.chief.id] == []


def test_county_scope_widens_conflicts(world, run):
    run.event.contest.conflict_scope = "county"
    db.session.commit()
    numbers = {e["competitor_number"] for e in service.sheet(run.judge, run.event.id)["entries"]}
    assert numbers == {n for u, n in run.numbers.items() if u in ("worker_b", "sw0")}


def test_submission_is_idempotent_and_all_or_nothing(run):
    c = criteria(run)
    n = run.numbers["worker_b"]
    first = put(run.chief, run, [item(n, c[0], "88.5"), item(n, c[1], "50")], key="key-00000001")
    assert first.status == 200 and [s["version"] for s in first.body["saved"]] == [1, 1]
    assert put(run.chief, run, [item(n, c[0], "88.5"), item(n, c[1], "50")], key="key-00000001") == first
    assert db.session.scalar(select(func.count(Score.id))) == 2
    bad = put(run.chief, run, [item(n, c[2], "1"), item(n, c[2] + 99, "1"), item(999, c[0], "1"), item(n, c[2], "4")])
    assert bad.status == 422 and [d["index"] for d in bad.body["error"]["details"]] == [1, 2, 3]
    assert db.session.scalar(select(func.count(Score.id))) == 2  # nothing of the valid item either


@pytest.mark.parametrize("value", ["-1", "100.001", "abc", "", None, 12.345, True, "1e1000", "NaN"])
def test_values_outside_the_rubric_are_422(run, value):
    result = put(run.chief, run, [item(run.numbers["worker_b"], criteria(run)[0], value)])
    assert result.status == 422


def test_changes_need_the_version_and_a_reason(run):
    c, n = criteria(run), run.numbers["worker_b"]
    put(run.chief, run, [item(n, c[0], "80")])
    blind = put(run.chief, run, [item(n, c[0], "81")])
    assert blind.status == 409 and blind.body["error"]["details"][0]["current"] == {"value": "80.00", "version": 1}
    no_reason = put(run.chief, run, [item(n, c[0], "81", version=1)])
    assert no_reason.status == 422
    ok = put(run.chief, run, [item(n, c[0], "81", version=1, reason="看错行")])
    assert ok.status == 200 and ok.body["saved"][0]["version"] == 2
    stale = put(run.chief, run, [item(n, c[0], "82", version=1, reason="再改")])
    assert stale.status == 409 and stale.body["error"]["details"][0]["current"]["version"] == 2
    audits = db.session.scalars(select(ScoreAudit).order_by(ScoreAudit.id)).all()
    assert [(a.old_x100, a.new_x100, a.kind, a.reason) for a in audits] == [(None, 8000, "entry", ""), (8000, 8100, "change", "看错行")]


def test_sign_off_needs_completeness_then_locks(world, run):
    with pytest.raises(PermissionDenied):
        service.sign_off(run.judge, run.event.id)
    with pytest.raises(DomainError, match="still missing"):
        service.sign_off(run.chief, run.event.id)
    fill_all(run)
    service.sign_off(run.chief, run.event.id)
    assert run.event.contest.status == ContestStatus.SCORED
    n, c = run.numbers["worker_b"], criteria(run)[0]
    locked = put(run.judge, run, [item(n, c, "1", version=1, reason="想改")])
    assert locked.status == 409 and locked.body["error"]["code"] == "locked"
    no_reason = put(run.chief, run, [item(n, c, "49", version=1, judge_id=run.judge.id)])
    assert no_reason.status == 422
    corrected = put(run.chief, run, [item(n, c, "49", version=1, judge_id=run.judge.id, reason="复核更正")])
    assert corrected.status == 200
    audit = db.session.scalar(select(ScoreAudit).where(ScoreAudit.kind == "correction"))
    assert (audit.judge_id, audit.actor_id, audit.reason) == (run.judge.id, run.chief.id, "复核更正")


def test_independence_until_sign_off(world, run):
    fill_all(run)
    view = service.score_overview(run.judge, run.event.id)
    assert not view.all_scores and {j for (_n, _c, j) in view.values} == {run.judge.id}
    assert service.score_overview(run.chief, run.event.id).all_scores
    assert service.score_overview(world.users["city"], run.event.id).all_scores
    with pytest.raises(PermissionDenied):
        service.score_overview(world.users["county_a"], run.event.id)
    service.sign_off(run.chief, run.event.id)
    assert service.score_overview(run.judge, run.event.id).all_scores


def test_results_are_aggregated_for_the_chief(run):
    fill_all(run, value="50")
    view = service.score_overview(run.chief, run.event.id)
    result = view.results[next(e.nomination_id for e in view.entries if e.number == run.numbers["worker_b"])]
    # 理论 笔试 50/100 × 30 + 实操 (操作 50 + 安全 2/3×10) / 70 × 70 = 15 + 56.67
    assert str(result.total) == "71.67"


def test_a_county_judge_conflicts_only_under_the_county_scope(world, run):
    county_judge = make_user("judge_c", world.orgs["county_a"], {Role.JUDGE}, run.chief.password_hash, name="裁判丙")
    db.session.commit()
    service.assign_judge(world.users["city"], run.event.id, county_judge.id)
    c = criteria(run)[0]
    assert put(county_judge, run, [item(run.numbers["worker"], c, "10")]).status == 200  # no enterprise on his path
    run.event.contest.conflict_scope = "county"
    db.session.commit()
    refused = put(county_judge, run, [item(run.numbers["sw1"], c, "10"), item(run.numbers["worker_b"], c, "10")])
    assert refused.status == 422 and [d["index"] for d in refused.body["error"]["details"]] == [0]
    assert "回避" in refused.body["error"]["details"][0]["message"]
    assert put(county_judge, run, [item(run.numbers["worker_b"], c, "10")]).status == 200


def statements(action) -> int:
    executed = []

    def count(*_args):
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(executed)


def test_a_submission_runs_a_fixed_number_of_statements(run):
    """The shared lock on the event (issue 18.1), facts, entries with their scores, then one statement each for
    the scores, the audit rows and the idempotency record, however many items; two more (members' units,
    levels) for a judge who can conflict."""
    c = criteria(run)
    numbers = [run.numbers["worker_b"], run.numbers["sw0"]]
    sheet = [item(n, k, "2" if i == len(c) - 1 else "1") for n in numbers for i, k in enumerate(c)]
    changes = [{**i, "version": 1, "reason": "复核"} for i in sheet]
    chief_id, judge_id = run.chief.id, run.judge.id

    def submitted(user_id, items):
        db.session.expunge_all()
        user = db.session.get(User, user_id)  # loaded like the API's bearer-token user: unit and roles
        result = []
        count = statements(lambda: result.append(put(user, run, items)))
        assert result[0].status == 200, result[0].body
        return count

    assert submitted(chief_id, sheet) == 6
    assert submitted(chief_id, changes) == 6
    assert submitted(judge_id, sheet) == 8


def test_api_sheet_and_scores(world, run, client):
    token = client.post("/api/v1/tokens", json={"username": "chief", "password": "Passw0rd!"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sheet = client.get(f"/api/v1/events/{run.event.id}/sheet", headers=headers).get_json()
    assert "name" not in str(sheet["entries"])  # numbers only
    body = {"idempotency_key": "api-key-0001", "scores": [item(sheet["entries"][0]["competitor_number"], sheet["criteria"][0]["id"], "70")]}
    first = client.put(f"/api/v1/events/{run.event.id}/scores", json=body, headers=headers)
    again = client.put(f"/api/v1/events/{run.event.id}/scores", json=body, headers=headers)
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    assert client.put(f"/api/v1/events/{run.event.id}/scores", data="nope", headers=headers, content_type="application/json").status_code == 400
    worker = client.post("/api/v1/tokens", json={"username": "worker", "password": "Passw0rd!"}).get_json()["token"]
    assert client.get(f"/api/v1/events/{run.event.id}/sheet", headers={"Authorization": f"Bearer {worker}"}).status_code == 403
    outsider = User(username="x")
    del outsider
    judge_c = client.post("/api/v1/tokens", json={"username": "judge", "password": "Passw0rd!"}).get_json()["token"]
    assert client.get("/api/v1/events/999/sheet", headers={"Authorization": f"Bearer {judge_c}"}).status_code == 404


def test_pages(world, run, client, login_as):
    login_as("city")
    page = client.get(f"/events/{run.event.id}/judges").data.decode()
    assert "裁判长" in page and 'data-testid="conflicts"' in page
    client.post("/logout")
    client.post("/login", data={"username": "chief", "password": "Passw0rd!"})
    assert client.get(f"/judging/events/{run.event.id}").status_code == 200
    fill_all(run)
    response = client.post(f"/events/{run.event.id}/sign-off", follow_redirects=True)
    assert 'data-testid="signed-off"' in response.data.decode()
    response = client.post(f"/events/{run.event.id}/corrections", data={
        "competitor_number": run.numbers["worker_b"], "criterion_id": criteria(run)[0], "judge_id": run.chief.id,
        "value": "60", "version": 1, "reason": "复核"}, follow_redirects=True)
    assert db.session.scalar(select(func.count(ScoreAudit.id)).where(ScoreAudit.kind == "correction")) == 1
    export = client.get(f"/events/{run.event.id}/audit.xlsx?kind=correction")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][8] == "复核"
    from contest import clock

    stored = db.session.scalar(select(ScoreAudit.at).where(ScoreAudit.kind == "correction"))
    assert rows[0][0] == "时间" and rows[1][0] == clock.local(stored).replace(microsecond=0)  # local time, a date cell
    assert "复核" in client.get(f"/events/{run.event.id}/audit?kind=correction").data.decode()
    # who signed off and when: on the event page, the scoring page, the audit log and its full export
    for path in (f"/events/{run.event.id}", f"/events/{run.event.id}/scores", f"/events/{run.event.id}/audit"):
        assert "裁判长" in client.get(path).data.decode().split('data-testid="signed-off-by"')[1][:200]
    rows = list(load_workbook(io.BytesIO(client.get(f"/events/{run.event.id}/audit.xlsx").data)).active.iter_rows(values_only=True))
    assert rows[-1][4] == run.chief.name and rows[-1][7] == "签字确认"
    # corrections start from the score's row, which carries its version: nothing to type but value and reason
    scores = client.get(f"/events/{run.event.id}/scores").data.decode()
    form = scores.split(f'data-testid="correct-{run.numbers["worker_b"]}-{criteria(run)[0]}-{run.chief.id}"')[1].split("</form>")[0]
    assert 'name="version" value="2"' in form and 'type="hidden" name="version"' in form


def test_completeness_names_the_entry_and_the_criterion(world, run, client):
    client.post("/login", data={"username": "chief", "password": "Passw0rd!"})
    page = client.get(f"/events/{run.event.id}/scores").data.decode()
    missing = page.split('data-testid="missing"')[1].split("</ul>")[0]
    assert f"{run.numbers['worker_b']:02d}" in missing and "笔试" in missing


@pytest.mark.db
def test_two_tablets_never_silently_overwrite(app, world, run):
    c, n = criteria(run)[0], run.numbers["worker_b"]
    chief_id, event_id = run.chief.id, run.event.id
    db.session.remove()
    barrier = threading.Barrier(2)
    results = []

    def submit(value, key):
        with app.app_context():
            chief = db.session.get(User, chief_id)
            barrier.wait()
            results.append(service.submit_scores(chief, event_id, SubmitScores.from_json(event_id, {"idempotency_key": key, "scores": [item(n, c, value)]})))
            db.session.remove()

    threads = [threading.Thread(target=submit, args=(v, k)) for v, k in (("70", "tablet-a-0001"), ("71", "tablet-b-0001"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status for r in results) == [200, 409]
    assert db.session.scalar(select(func.count(Score.id))) == 1
    assert db.session.scalar(select(func.count(ScoreAudit.id))) == 1


@pytest.mark.db
def test_the_same_key_at_once_writes_once(app, world, run):
    c, n = criteria(run)[0], run.numbers["worker_b"]
    chief_id, event_id = run.chief.id, run.event.id
    db.session.remove()
    barrier = threading.Barrier(2)
    results = []

    def submit():
        with app.app_context():
            chief = db.session.get(User, chief_id)
            barrier.wait()
            results.append(service.submit_scores(chief, event_id, SubmitScores.from_json(event_id, {"idempotency_key": "same-key-0001", "scores": [item(n, c, "70")]})))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status for r in results] == [200, 200] and results[0].body == results[1].body
    assert db.session.scalar(select(func.count(ScoreAudit.id))) == 1


def test_flags_are_shown_in_words_on_the_criterion_concerned(world, run, client):
    sheet = service.sheet(run.chief, run.event.id)
    safety = next(c["id"] for c in sheet["criteria"] if c["kind"] == "judgement")
    n = run.numbers["worker_b"]
    assert put(run.chief, run, [item(n, safety, "0")]).status == 200
    assert put(run.judge, run, [item(n, safety, "3")]).status == 200
    client.post("/login", data={"username": "chief", "password": "Passw0rd!"})
    page = client.get(f"/events/{run.event.id}/scores").data.decode()
    flag = page.split('data-code="judgement_spread"')[1].split("</div>")[0]
    assert "裁判评分相差超过 1 分" in flag and "Check:" not in page


def test_pages_enter_scores_as_typed_items_and_hear_typed_refusals(world, run):
    """``enter_scores``: the API's checks and write without an idempotency answer; refusals are raised."""
    sheet = service.sheet(run.chief, run.event.id)
    number, criterion = sheet["entries"][0]["competitor_number"], sheet["criteria"][0]["id"]
    with pytest.raises(InvalidItems) as refused:
        service.enter_scores(run.chief, run.event.id, score_items([item(number, criterion, "70"), item(number, criterion, "1000")]))
    assert [d["index"] for d in refused.value.details] == [1] and isinstance(refused.value.details[0]["message"], str)
    assert db.session.scalar(select(func.count(Score.id))) == 0
    saved = service.enter_scores(run.chief, run.event.id, score_items([item(number, criterion, "70")]))
    assert saved == [{"competitor_number": number, "criterion_id": criterion, "value": "70.00", "version": 1}]
    with pytest.raises(StaleScore):  # a change without the version seen
        service.enter_scores(run.chief, run.event.id, score_items([item(number, criterion, "71", reason="复核")]))
    service.enter_scores(run.chief, run.event.id, score_items([item(number, criterion, "71", version=1, reason="复核")]))
    with pytest.raises(InvalidRequest):
        service.enter_scores(run.chief, run.event.id, ())
    with pytest.raises(PermissionDenied):
        service.enter_scores(world.users["city"], run.event.id, score_items([item(number, criterion, "70")]))
    audits = db.session.scalars(select(ScoreAudit).order_by(ScoreAudit.id)).all()
    assert [(a.kind, a.new_x100) for a in audits] == [("entry", 7000), ("change", 7100)] and all(a.client_key for a in audits)
    assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0
