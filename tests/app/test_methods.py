"""Decision methods: the registry, the built-in methods as events see them, and a new method added by one
module registered in one call (``tests/single_measurement.py``) walked from set-up to certificates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contest import methods
from contest.clock import today
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.methods.bracket import BRACKET
from contest.methods.rubric import RUBRIC
from contest.models import Event, EventResult, IdempotencyRecord, Nomination, Publication, Role, Score, utcnow
from contest.services import certificates, contests, draws, judging, registration, results
from contest.services.contests import ContestInput, EventInput
from tests.conftest import PASSWORD
from tests.contest_factories import make_contest
from tests.factories import make_user
from tests.single_measurement import SingleMeasurement


def test_the_built_in_methods_are_registered_in_order(app):
    assert list(methods.METHODS)[:2] == ["rubric", "bracket"]
    assert methods.METHODS["rubric"] is RUBRIC and methods.METHODS["bracket"] is BRACKET
    values = [value for value, _label in methods.choices()]
    assert values[:5] == ["", "single_elimination", "double_elimination", "round_robin", "swiss"]
    assert methods.method_for_choice("") is RUBRIC and methods.method_for_choice(None) is RUBRIC
    assert methods.method_for_choice("swiss") is BRACKET and methods.method_for_choice("nonsense") is None


def test_an_event_names_its_method_or_derives_it_from_its_bracket_format(app):
    assert methods.method_of(Event(name="x")) is RUBRIC
    assert methods.method_of(Event(name="x", bracket_format="round_robin")) is BRACKET
    with methods.registered(SingleMeasurement()) as method:
        assert Event(name="x", method_name="single_measurement").method is method
    with pytest.raises(LookupError):
        methods.method_of(Event(name="x", method_name="single_measurement"))


def test_a_name_or_a_choice_is_registered_once(app):
    with pytest.raises(ValueError, match="already registered"):
        methods.register(RUBRIC)

    class Clash(SingleMeasurement):
        name = "clash"

        def choices(self):
            return [("swiss", "Swiss again")]

    with pytest.raises(ValueError, match="choices already taken"):
        methods.register(Clash())
    assert "clash" not in methods.METHODS


def test_the_methods_answer_for_their_events(world):
    city = world.users["city"]
    scored = make_contest(city, open_=False).events[0]
    contest = contests.create_contest(city, ContestInput("2026年职工技能运动会", today().year, "sports", today(),
                                                         today() + timedelta(days=30), today() + timedelta(days=60)))
    league = contests.create_event(city, contest.id, EventInput("象棋", bracket_format="round_robin"))
    knockout = contests.create_event(city, contest.id, EventInput("乒乓球", bracket_format="single_elimination"))
    assert scored.method is RUBRIC and league.method is BRACKET and knockout.method is BRACKET
    assert league.method_name is None and league.bracket_format == "round_robin"  # stored as before the registry
    assert (scored.method.api_name, league.method.api_name) == ("marks", "bracket")
    assert scored.method.uses_rubric and not league.method.uses_rubric
    assert not scored.method.shows_points(scored) and league.method.shows_points(league)
    assert (league.method.total_heading(league), knockout.method.total_heading(knockout)) == ("积分", "胜场")  # zh_CN by default
    assert league.method.api_event(league) == {"method": "bracket", "bracket_format": "round_robin"}
    assert scored.method.api_event(scored) == {"method": "marks", "bracket_format": None}
    assert [league.method.choice_of(league), scored.method.choice_of(scored)] == ["round_robin", ""]
    updated = contests.update_event(city, league.id, EventInput("象棋"))  # back to marks
    assert updated.method is RUBRIC and updated.bracket_format is None


def test_the_bracket_method_owns_its_column(world):
    """Only the bracket method writes ``bracket_format``; switching away from it clears the column (the method being
    left cleans up), whichever method comes next, and switching to it sets the format."""
    city = world.users["city"]
    contest = contests.create_contest(city, ContestInput("2026年职工技能运动会", today().year, "sports", today(),
                                                         today() + timedelta(days=30), today() + timedelta(days=60)))
    event = contests.create_event(city, contest.id, EventInput("象棋", bracket_format="round_robin"))
    with methods.registered(SingleMeasurement()):
        moved = contests.update_event(city, event.id, EventInput("象棋", bracket_format="single_measurement"))
        assert moved.method.name == "single_measurement" and moved.bracket_format is None
        back = contests.update_event(city, event.id, EventInput("象棋", bracket_format="swiss"))
        assert back.method is BRACKET and back.method_name is None and back.bracket_format == "swiss"
    again = contests.update_event(city, event.id, EventInput("象棋", bracket_format="single_elimination"))
    assert again.method is BRACKET and again.bracket_format == "single_elimination"


def _workers(world, count: int):
    pw = world.users["worker"].password_hash
    return [world.users["worker"], world.users["worker_b"]] + [
        make_user(f"mw{i}", world.orgs["team_a" if i % 2 else "team_b"], {Role.WORKER}, pw, name=f"选手{i}") for i in range(count - 2)]


def _error_beside(page, number: int) -> str:
    return page.data.decode().split(f'data-testid="value-error-{number}">')[1].split("</div>")[0]


def test_a_test_only_method_gets_set_up_entry_ranking_and_certificates(world, client, login_as, app):
    """One module (tests/single_measurement.py), one registration call, no edit anywhere else."""
    with methods.registered(SingleMeasurement()):
        city = login_as("city")
        start = today()
        contest = contests.create_contest(city, ContestInput("2026年职工技能运动会", start.year, "sports", start - timedelta(days=1),
                                                             start + timedelta(days=30), start + timedelta(days=60)))
        # Set-up: the event form offers the method; its own form keeps its settings.
        assert 'value="single_measurement"' in client.get(f"/contests/{contest.id}/events/new").data.decode()
        response = client.post(f"/contests/{contest.id}/events/new",
                               data={"name": "百米跑", "kind": "individual", "bracket_format": "single_measurement"})
        assert response.status_code == 302
        event = db.session.scalar(select(Event).where(Event.contest_id == contest.id))
        assert event.method.name == "single_measurement" and event.method_name == "single_measurement"
        assert client.get(f"/events/{event.id}/method").status_code == 200
        assert client.post(f"/events/{event.id}/method", data={"direction": "lower"}).status_code == 302
        db.session.refresh(event)
        assert event.method_options == {"higher_is_better": False}
        page = client.get(f"/events/{event.id}").data.decode()
        assert "Single measurement (lower is better)" in page and f"/events/{event.id}/method" in page
        assert "Single measurement (lower is better)" in client.get(f"/contests/{contest.id}").data.decode()

        # Registration and the draw as for any event.
        contests.change_status(city, contest.id, ContestStatus.OPEN)
        workers = _workers(world, 10)
        chief = make_user("chief", world.orgs["city"], {Role.JUDGE}, world.users["worker"].password_hash, name="裁判长")
        db.session.commit()
        for worker in workers:
            registration.nominate(city, event.id, [worker.id])
        contests.change_status(city, contest.id, ContestStatus.CLOSED)
        draws.hold_draw(city, event.id)
        contests.change_status(city, contest.id, ContestStatus.RUNNING)
        judging.assign_judge(city, event.id, chief.id, chief=True)
        numbers = sorted(db.session.scalars(select(Nomination.competitor_number).where(Nomination.event_id == event.id)))

        # Entry: the judge's list links to the method's page, which takes one value per entrant.
        judge = app.test_client()
        assert judge.post("/login", data={"username": "chief", "password": PASSWORD}).status_code == 302
        assert f"/events/{event.id}/entry" in judge.get("/judging/").data.decode()
        assert 'data-testid="value"' in judge.get(f"/events/{event.id}/entry").data.decode()
        seconds = {n: f"{11 + i * 0.25:.2f}" for i, n in enumerate(reversed(numbers))}  # the highest number runs fastest
        # A value the rubric refuses: the typed refusal is shown beside it (in Chinese), nothing is written.
        bad = judge.post(f"/events/{event.id}/entry", data={f"value-{numbers[0]}": "abc", f"value-{numbers[1]}": "12.00"})
        assert bad.status_code == 422 and f'data-testid="value-error-{numbers[1]}"' not in bad.data.decode()
        assert not _error_beside(bad, numbers[0]).isascii() and 'value="abc"' in bad.data.decode()
        assert db.session.scalar(select(func.count(Score.id)).where(Score.event_id == event.id)) == 0
        assert judge.post(f"/events/{event.id}/entry", data={f"value-{n}": v for n, v in seconds.items()}).status_code == 302
        assert 'value="11.00"' in judge.get(f"/events/{event.id}/entry").data.decode()
        # A change needs the version the page showed (sent back hidden) and a reason.
        versions = {f"version-{n}": "1" for n in numbers}
        changed = {**versions, **{f"value-{n}": v for n, v in seconds.items()}, f"value-{numbers[0]}": "30"}
        refused = judge.post(f"/events/{event.id}/entry", data=changed)
        assert refused.status_code == 422 and _error_beside(refused, numbers[0]) == "修改已提交的分数必须填写理由。"
        assert judge.post(f"/events/{event.id}/entry", data={**changed, "reason": "计时器读错"}).status_code == 302
        assert judge.post(f"/events/{event.id}/entry", data={**changed, "reason": "计时器读错"}).status_code == 422  # nothing changed
        assert judge.post(f"/events/{event.id}/entry", data={**changed, f"value-{numbers[0]}": seconds[numbers[0]],
                                                              f"version-{numbers[0]}": "2", "reason": "改回"}).status_code == 302
        assert db.session.scalar(select(func.count(Score.id)).where(Score.event_id == event.id)) == 10
        assert db.session.scalar(select(func.count(IdempotencyRecord.id))) == 0  # a page write: no idempotency answer

        # Completeness and sign-off through the API, which asks the method.
        token = judge.post("/api/v1/tokens", json={"username": "chief", "password": PASSWORD}).get_json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        found = judge.get(f"/api/v1/events/{event.id}/completeness", headers=bearer).get_json()
        assert found["method"] == "marks" and found["complete"] and found["progress"]["done"] == 10
        assert judge.post(f"/api/v1/events/{event.id}/sign-off", headers=bearer).status_code == 201
        assert contest.status == ContestStatus.SCORED

        # Ranking: lower is better; shown with the measured value.
        rows = results.compute_results(city, event.id)
        by_number = {n.id: n.competitor_number for n in db.session.scalars(select(Nomination).where(Nomination.event_id == event.id))}
        assert [by_number[r.nomination_id] for r in rows] == list(reversed(numbers))
        assert [r.rank for r in rows] == list(range(1, 11)) and rows[0].total_x100 == 1100
        assert rows[0].award == "一等奖"
        assert "11.00" in client.get(f"/events/{event.id}/results").data.decode()

        # Publication, final, certificates.
        results.publish(city, contest.id, notice_days=1)
        db.session.scalar(select(Publication).where(Publication.contest_id == contest.id)).notice_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
        results.finalise(city, contest.id)
        issued = certificates.issue_for_event(city, event.id)
        awarded = db.session.scalars(select(EventResult).where(EventResult.event_id == event.id, EventResult.award.is_not(None))).all()
        assert len(issued) == len(awarded) > 0
        assert certificates.pdf_of(issued[0]).startswith(b"%PDF")
    assert "single_measurement" not in methods.METHODS
