"""The draw (抽签): numbers, reproducibility, refusals, permissions, sign-in sheet and Excel list."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contest.domain.contests import ContestStatus
from contest.domain.draw import ALGORITHM, draw_numbers
from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import AuditLog, Draw, Nomination, Role
from contest.services import PermissionDenied, draws, registration
from contest.services import contests as contests_service
from tests.factories import make_user

WORKERS = 7


@pytest.fixture
def setup(world):
    """A city contest with one individual event, open for registration, and seven extra workers."""
    admin, city = world.users["admin"], world.users["city"]
    today = date.today()
    contest = contests_service.create_contest(city, contests_service.ContestInput(
        "2026年衢州市职工职业技能竞赛", 2026, "skills", today - timedelta(days=1), today + timedelta(days=10),
        today + timedelta(days=20), venue="衢州技师学院",
    ))
    event = contests_service.create_event(city, contest.id, contests_service.EventInput("电工"))
    component = contests_service.add_component(city, event.id, "实操", 100, "mean")
    contests_service.add_criterion(city, component.id, "安全文明生产", "10", "measurement")
    contests_service.change_status(city, contest.id, ContestStatus.OPEN)
    password_hash = world.users["worker"].password_hash
    orgs = [world.orgs["team_a"], world.orgs["team_b"], world.orgs["ent_a"]]
    workers = [make_user(f"w{i}", orgs[i % 3], {Role.WORKER}, password_hash, f"选手{i}") for i in range(WORKERS)]
    db.session.commit()
    return {"admin": admin, "city": city, "contest": contest, "event": event, "workers": workers}


def enter_all(setup) -> list[Nomination]:
    """The host's organiser nominates every worker: confirmed at once."""
    return [registration.nominate(setup["city"], setup["event"].id, [w.id]) for w in setup["workers"]]


def close(setup) -> None:
    contests_service.change_status(setup["city"], setup["contest"].id, ContestStatus.CLOSED)


@pytest.fixture
def drawn(setup):
    enter_all(setup)
    close(setup)
    setup["draw"] = draws.hold_draw(setup["city"], setup["event"].id)
    return setup


def numbers_of(event_id: int) -> dict[int, int | None]:
    return dict(db.session.execute(select(Nomination.id, Nomination.competitor_number).where(Nomination.event_id == event_id)).all())


def test_draw_numbers_are_a_permutation_recorded_with_seed(drawn):
    event, draw = drawn["event"], drawn["draw"]
    numbers = numbers_of(event.id)
    assert sorted(numbers.values()) == list(range(1, WORKERS + 1))
    assert draw.event_id == event.id and draw.entries == WORKERS and draw.algorithm == ALGORITHM
    assert draw.held_by_id == drawn["city"].id and isinstance(draw.seed, int)
    assert numbers == draw_numbers(numbers, db.session.get(Draw, draw.id).seed)
    assert draws.verify_draw(event.id)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "draw.hold"))
    assert log.target_id == event.id and log.details == {"seed": draw.seed, "entries": WORKERS}


def test_verify_draw_detects_tampering_and_missing_draw(drawn):
    event, draw = drawn["event"], drawn["draw"]
    draw.seed += 1
    db.session.commit()
    assert not draws.verify_draw(event.id)
    draw.seed -= 1
    first = db.session.scalar(select(Nomination).where(Nomination.event_id == event.id).order_by(Nomination.id))
    first.competitor_number = WORKERS + 1
    db.session.commit()
    assert not draws.verify_draw(event.id)
    assert not draws.verify_draw(event.id + 999)


@pytest.mark.db
def test_second_draw_refused_and_constraint_backs_it(drawn):
    event, draw = drawn["event"], drawn["draw"]
    before = numbers_of(event.id)
    with pytest.raises(DomainError, match="already been held"):
        draws.hold_draw(drawn["admin"], event.id)
    assert numbers_of(event.id) == before
    db.session.add(Draw(event_id=event.id, seed=1, algorithm=ALGORITHM, entries=WORKERS))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(Draw.id).where(Draw.event_id == event.id)).all() == [draw.id]


def test_draw_before_registration_closes_refused(setup):
    enter_all(setup)
    with pytest.raises(DomainError, match="after registration has closed"):
        draws.hold_draw(setup["city"], setup["event"].id)
    assert db.session.scalar(select(Draw)) is None


def test_draw_with_pending_nominations_refused(setup):
    enter_all(setup)
    extra = make_user("late", setup["workers"][0].org, {Role.WORKER}, setup["workers"][0].password_hash, "迟到者")
    db.session.commit()
    pending = registration.nominate(extra, setup["event"].id, [extra.id])
    assert pending.status.value == "pending"
    close(setup)
    with pytest.raises(DomainError, match="1 nominations") as info:
        draws.hold_draw(setup["city"], setup["event"].id)
    assert info.value.params["count"] == 1
    assert all(n is None for n in numbers_of(setup["event"].id).values())


def test_draw_without_entries_refused(setup):
    close(setup)
    with pytest.raises(DomainError, match="no confirmed entries"):
        draws.hold_draw(setup["admin"], setup["event"].id)


@pytest.mark.parametrize("key", ["county_a", "ent_a", "worker", "judge"])
def test_only_the_host_draws_and_prints(setup, world, key):
    enter_all(setup)
    close(setup)
    actor = world.users[key]
    with pytest.raises(PermissionDenied):
        draws.hold_draw(actor, setup["event"].id)
    draws.hold_draw(setup["admin"], setup["event"].id)
    for function in (draws.sign_in_rows, draws.sign_in_pdf, draws.draw_xlsx):
        with pytest.raises(PermissionDenied):
            function(actor, setup["event"].id)


def test_sign_in_rows_sorted_with_masked_ids(drawn):
    rows = draws.sign_in_rows(drawn["city"], drawn["event"].id)
    assert [r.number for r in rows] == list(range(1, WORKERS + 1))
    by_name = {w.name: w for w in drawn["workers"]}
    for row in rows:
        worker = by_name[row.names]
        assert row.unit == worker.org.label and row.occupation == "电工"
        assert row.resident_id != worker.profile.resident_id
        assert row.resident_id[:4] == worker.profile.resident_id[:4] and "*" in row.resident_id


def test_sign_in_rows_need_the_draw(setup):
    enter_all(setup)
    with pytest.raises(DomainError, match="Hold the draw first"):
        draws.sign_in_rows(setup["city"], setup["event"].id)


def test_sign_in_pdf_holds_names_and_numbers(drawn, tmp_path):
    data = draws.sign_in_pdf(drawn["city"], drawn["event"].id)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    compact = "".join(text.split())
    assert "2026年衢州市职工职业技能竞赛" in compact and "签到表" in compact and "衢州技师学院" in compact
    for worker in drawn["workers"]:
        assert worker.name in compact
        assert worker.profile.resident_id not in compact
    assert "第1页共1页" in compact


def test_draw_xlsx_sorted_by_number(app, drawn):
    with app.test_request_context():  # the headers are translated for the request's language
        data = draws.draw_xlsx(drawn["admin"], drawn["event"].id)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header, *body = list(sheet.iter_rows(values_only=True))
    assert len(header) == 6 and header[2] == "单位" and header[4] == "身份证号"
    assert [r[0] for r in body] == list(range(1, WORKERS + 1))
    rows = draws.sign_in_rows(drawn["admin"], drawn["event"].id)
    assert [r[1] for r in body] == [r.names for r in rows]


def test_team_entries_show_team_and_members(world, setup):
    city, contest = setup["city"], setup["contest"]
    event = contests_service.create_event(city, contest.id, contests_service.EventInput("电力抢修", kind="team", team_min=2, team_max=3))
    component = contests_service.add_component(city, event.id, "实操", 100, "mean")
    contests_service.add_criterion(city, component.id, "协作", "10", "measurement")
    a, b, c = setup["workers"][0], setup["workers"][3], setup["workers"][1]  # two in 运维一班, one in 焊接班
    registration.nominate(city, event.id, [a.id, b.id], team_name="运维一队")
    registration.nominate(city, event.id, [c.id, world.users["worker_b"].id], team_name="焊接二队")
    close(setup)
    draws.hold_draw(city, event.id)
    rows = draws.sign_in_rows(city, event.id)
    assert sorted(r.number for r in rows) == [1, 2]
    team = next(r for r in rows if r.names.startswith("运维一队"))
    assert a.name in team.names and b.name in team.names
    assert team.unit == "柯城区 · 柯城电力 · 运维一班" and team.resident_id == "" and team.occupation == "电工"
