"""Units as entrants (安康杯): a unit event takes enterprises and teams; a unit's entry climbs the same approval
chain, is drawn, scored and ranked like any other, and its certificate names the unit."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.commands import SubmitScores
from contest.domain.contests import ContestStatus
from contest.domain.entrants import EntrantKind
from contest.domain.errors import DomainError
from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Certificate, Nomination, NominationMember, Role
from contest.services import PermissionDenied, contests, draws, judging, registration, results
from contest.services import certificates as certificate_service
from contest.services.contests import EventInput
from tests.contest_factories import add_simple_rubric, make_contest
from tests.factories import make_user


def unit_event(world, host="city", title="2026年衢州市安康杯竞赛"):
    organiser = world.users[host]
    contest = make_contest(organiser, title=title, open_=False, events=())
    event = contests.create_event(organiser, contest.id, EventInput("优胜企业", kind="unit"))
    add_simple_rubric(organiser, event.id)
    contests.change_status(organiser, contest.id, ContestStatus.OPEN)
    return event


def test_a_unit_event_takes_units_only(world):
    event = unit_event(world)
    assert event.entrant_kind == EntrantKind.UNIT
    with pytest.raises(DomainError, match="units"):
        registration.nominate(world.users["city"], event.id, [world.users["worker"].id])
    with pytest.raises(PermissionDenied):
        registration.nominate_unit(world.users["worker"], event.id, world.orgs["ent_a"].id)
    with pytest.raises(PermissionDenied):  # 衢江机械 is not under 柯城区
        registration.nominate_unit(world.users["county_a"], event.id, world.orgs["ent_b"].id)
    with pytest.raises(DomainError, match="enterprises and teams"):
        registration.nominate_unit(world.users["city"], event.id, world.orgs["county_a"].id)
    registration.nominate_unit(world.users["ent_a"], event.id, world.orgs["ent_a"].id)
    with pytest.raises(DomainError, match="already entered"):
        registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_a"].id)


def test_a_units_entry_climbs_the_chain_and_counts_against_quotas(world):
    event = unit_event(world)
    registration.set_quota(world.users["city"], event.id, world.orgs["county_a"].id, 1)
    nomination = registration.nominate_unit(world.users["ent_a"], event.id, world.orgs["ent_a"].id)
    assert nomination.entrant_kind == EntrantKind.UNIT and nomination.members == []
    assert nomination.unit_id == world.orgs["ent_a"].id and nomination.display_name == "柯城电力"
    assert nomination.waiting_org_id == world.orgs["county_a"].id and nomination.steps[0].action == "submit"
    registration.approve(world.users["county_a"], nomination.id)
    registration.approve(world.users["city"], nomination.id)
    assert nomination.status == NominationStatus.CONFIRMED
    with pytest.raises(DomainError):  # 柯城区's one place is taken
        registration.nominate_unit(world.users["county_a"], event.id, world.orgs["team_a"].id)


@pytest.mark.db
def test_the_schema_keeps_entrants_in_shape(world):
    event = unit_event(world)
    nomination = registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_b"].id)
    nomination.team_name = "一队"  # a unit has no team name
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    twin = Nomination(event_id=event.id, org_id=world.orgs["ent_b"].id, chain=nomination.chain, level=nomination.level,
                      status=NominationStatus.CONFIRMED, entrant_kind=EntrantKind.UNIT, unit_id=world.orgs["ent_b"].id)
    db.session.add(twin)  # one live entry per unit and event
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def _final_unit_event(world):
    """Three units entered (one of them 柯城电力, the world judge's own enterprise), drawn, scored by two city
    judges, signed off, ranked, published and final."""
    city = world.users["city"]
    event = unit_event(world)
    entered = [registration.nominate_unit(city, event.id, world.orgs[key].id) for key in ("ent_a", "ent_b", "team_b")]
    assert all(n.status == NominationStatus.CONFIRMED for n in entered)
    contests.change_status(city, event.contest_id, ContestStatus.CLOSED)
    draws.hold_draw(city, event.id)
    contests.change_status(city, event.contest_id, ContestStatus.RUNNING)
    judging.assign_judge(city, event.id, world.users["judge"].id)
    # The world's judge works at 柯城电力: he never sees that unit's entry.
    own = {e["competitor_number"] for e in judging.sheet(world.users["judge"], event.id)["entries"]}
    assert entered[0].competitor_number not in own and entered[1].competitor_number in own
    judging.remove_judge(city, event.id, world.users["judge"].id)
    _score_rank_and_finalise(world, city, event, entered)
    return event, entered


def _score_rank_and_finalise(world, organiser, event, entered):
    """Two judges of the host mark the entries best first; the chief signs off; ranked, published, final."""
    if event.contest.status == ContestStatus.OPEN:
        contests.change_status(organiser, event.contest_id, ContestStatus.CLOSED)
        draws.hold_draw(organiser, event.id)
        contests.change_status(organiser, event.contest_id, ContestStatus.RUNNING)
    pw = world.users["worker"].password_hash
    host = event.contest.host
    chief = make_user(f"chief{event.id}", host, {Role.JUDGE}, pw, name="裁判长")
    second = make_user(f"judge{event.id}", host, {Role.JUDGE}, pw, name="裁判丙")
    db.session.commit()
    judging.assign_judge(organiser, event.id, chief.id, chief=True)
    judging.assign_judge(organiser, event.id, second.id)
    criteria = [c["id"] for c in judging.sheet(chief, event.id)["criteria"]]
    values = [("90", "50", "3"), ("80", "40", "2"), ("70", "30", "1")]
    marks = {n.competitor_number: values[i] for i, n in enumerate(entered)}
    for judge in (chief, second):
        items = [{"competitor_number": number, "criterion_id": c, "value": v[i]}
                 for number, v in marks.items() for i, c in enumerate(criteria)]
        assert judging.submit_scores(judge, event.id, SubmitScores.from_json(event.id, {"idempotency_key": uuid.uuid4().hex, "scores": items})).status == 200
    judging.sign_off(chief, event.id)
    rows = results.compute_results(organiser, event.id)
    assert [r.nomination_id for r in rows] == [n.id for n in entered]
    results.publish(organiser, event.contest_id)
    event.contest.status = ContestStatus.FINAL
    db.session.commit()


@pytest.mark.db
def test_a_unit_is_promoted_from_its_preliminary_into_the_final(world):
    final = unit_event(world)
    county = world.users["county_a"]
    prelim = unit_event(world, host="county_a", title="2026年柯城区安康杯竞赛")
    entered = [registration.nominate_unit(county, prelim.id, world.orgs[key].id) for key in ("ent_a", "team_a")]
    _score_rank_and_finalise(world, county, prelim, entered)
    results.link_final(county, prelim.id, final.id)
    created = results.promote(county, prelim.id, count=1)
    assert len(created) == 1
    promoted = created[0]
    assert promoted.entrant_kind == EntrantKind.UNIT and promoted.unit_id == world.orgs["ent_a"].id and promoted.members == []
    assert promoted.display_name == "柯城电力" and promoted.source.startswith("2026年柯城区安康杯竞赛 · 优胜企业 #1")
    assert promoted.waiting_org_id == world.orgs["city"].id and [s.action for s in promoted.steps] == ["promote"]
    assert results.promote(county, prelim.id, count=1) == []  # promoting twice adds nobody


@pytest.mark.db
def test_a_unit_goes_from_nomination_to_a_certificate_naming_it(world):
    event, entered = _final_unit_event(world)
    city = world.users["city"]
    lines = results.result_lines(event, None)  # the public ranking names units in full
    assert [line.name for line in lines][:3] == ["柯城电力", "衢江机械", "焊接班"]

    created = certificate_service.issue_for_event(city, event.id)
    awarded = {line.name for line in lines if line.award or line.titles}
    assert {c.holder_name for c in created} == awarded and "柯城电力" in awarded
    assert all(c.org_id is not None and c.user_id is None for c in created)
    first = next(c for c in created if c.holder_name == "柯城电力")
    assert first.org_id == world.orgs["ent_a"].id and first.user_id is None and first.label == "一等奖"
    assert certificate_service.issue_for_event(city, event.id) == []  # nothing twice
    public = certificate_service.verify(first.code)
    assert public["status"] == "valid" and public["holder"] == "柯城电力"  # a unit's name is not masked

    assert certificate_service.can_download(world.users["ent_a"], first)  # the unit's own organiser
    assert not certificate_service.can_download(world.users["worker"], first)
    assert not certificate_service.can_download(world.users["county_b"], first)

    data = certificate_service.data_of(first)
    assert data.unit and data.holder_name == "柯城电力"
    pdf = certificate_service.pdf_of(first)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        flat = "".join(text.split())
        assert "柯城电力：" in flat and "同志" not in flat and "荣获一等奖" in flat

    renewed = certificate_service.reissue(city, first.id, "单位更名")
    assert renewed.org_id == first.org_id and renewed.user_id is None and certificate_service.verify(first.code)["status"] == "revoked"


@pytest.mark.db
def test_the_certificate_schema_has_exactly_one_holder(world):
    event, _entered = _final_unit_event(world)
    cert = certificate_service.issue_for_event(world.users["city"], event.id)[0]
    cert.user_id = world.users["worker"].id  # a worker and a unit at once
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_every_nomination_has_the_kind_of_its_event(world):
    city = world.users["city"]
    contest = make_contest(city, team_event="双人电工")
    individual, team = contest.events
    registration.nominate(city, individual.id, [world.users["worker"].id])
    registration.nominate(city, team.id, [world.users["worker"].id, world.users["worker_b"].id], "电力一队")
    kinds = dict(db.session.execute(select(Nomination.event_id, Nomination.entrant_kind)).all())
    assert kinds == {individual.id: EntrantKind.WORKER, team.id: EntrantKind.TEAM}
    team_entry = db.session.scalar(select(Nomination).where(Nomination.event_id == team.id))
    assert team_entry.entrant.with_members() == "电力一队（张小三、李四）"
    assert db.session.scalar(select(Certificate.id).limit(1)) is None


@pytest.mark.db
def test_check_db_finds_entries_whose_members_do_not_fit_their_kind(world):
    from contest.services.integrity import check_database

    event = unit_event(world)
    nomination = registration.nominate_unit(world.users["city"], event.id, world.orgs["ent_b"].id)
    assert not any(c.problems for c in check_database())
    db.session.add(NominationMember(nomination_id=nomination.id, event_id=event.id, user_id=world.users["worker_b"].id, live=True))
    db.session.commit()
    found = {c.name: c.problems for c in check_database()}
    assert found["constraints"] == ["nominations: 1 entries whose members do not fit their kind of entrant"]


@pytest.mark.db
def test_migration_0012_gives_existing_entries_their_kind(app_factory):
    """Existing entries become teams when they have a team name and workers otherwise; on SQLite the table
    rebuilds keep every row that refers to a nomination (foreign keys are off while migrating)."""
    import datetime

    from flask_migrate import upgrade
    from sqlalchemy import inspect, text

    app = app_factory()
    with app.app_context():
        upgrade(revision="0011")

        def insert(table, **values):
            """A row with ``values`` and a plain value in every other NOT NULL column without a default."""
            for column in inspect(db.engine).get_columns(table):
                if column["nullable"] or column["name"] in values or column.get("autoincrement") is True or column["name"] == "id":
                    continue
                kind = str(column["type"]).upper()
                values[column["name"]] = (
                    datetime.datetime(2026, 1, 1) if "TIME" in kind else datetime.date(2026, 1, 1) if "DATE" in kind
                    else False if "BOOL" in kind else 0 if "INT" in kind or "NUMERIC" in kind else "[]" if "JSON" in kind else ""
                )
            names = ", ".join(values)
            db.session.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in values)})"), values)

        insert("organisations", id=1, name="市", level="city", path="/1/", active=True)
        insert("users", id=1, username="w1", name="甲", org_id=1, active=True)
        insert("users", id=2, username="w2", name="乙", org_id=1, active=True)
        insert("contests", id=1, title="c", year=2026, kind="skills", host_id=1, status="open")
        insert("events", id=1, contest_id=1, name="电工", kind="individual", team_min=1, team_max=1)
        insert("events", id=2, contest_id=1, name="双人", kind="team", team_min=2, team_max=2)
        insert("nominations", id=1, event_id=1, org_id=1, chain="/1/", level=1, status="confirmed")
        insert("nominations", id=2, event_id=2, org_id=1, chain="/1/", level=1, status="confirmed", team_name="一队")
        for i, (nomination, user) in enumerate([(1, 1), (2, 1), (2, 2)], start=1):
            insert("nomination_members", id=i, nomination_id=nomination, event_id=nomination, user_id=user, live=True, position=i)
        db.session.commit()

        upgrade()
        kinds = dict(db.session.execute(text("SELECT id, entrant_kind FROM nominations ORDER BY id")).all())
        assert kinds == {1: "worker", 2: "team"}
        assert db.session.scalar(text("SELECT COUNT(*) FROM nomination_members")) == 3
        db.session.remove()
        db.engine.dispose()
