"""Bulk nomination from .xlsx/.csv: all rows valid or nothing written; errors by row and column."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contest.domain.nominations import NominationStatus
from contest.extensions import db
from contest.models import Nomination, Role
from contest.services import registration
from contest.services.nomination_import import import_nominations
from contest.spreadsheets import TableError
from tests.contest_factories import make_contest
from tests.factories import make_user

HEADER = ["竞赛项目", "身份证号", "姓名", "队名"]


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def count():
    return db.session.scalar(select(func.count(Nomination.id)))


@pytest.fixture
def contest(world):
    return make_contest(world.users["city"], events=("电工", "焊工"), team_event="班组协作")


@pytest.fixture
def workers(world):
    pw = world.users["worker"].password_hash
    made = [make_user(f"iw{i}", world.orgs["team_a"], {Role.WORKER}, pw, name=f"职工{i}") for i in range(5)]
    db.session.commit()
    return made


def test_import_creates_individual_and_team_entries(world, contest, workers):
    rows = [HEADER,
            ["电工", workers[0].profile.resident_id, "职工0", ""],
            ["焊工", workers[0].profile.resident_id, "职工0", ""],
            ["班组协作", workers[1].profile.resident_id, "职工1", "先锋队"],
            ["班组协作", workers[2].profile.resident_id, "职工2", "先锋队"]]
    ids = import_nominations(world.users["county_a"], contest.id, xlsx(rows), "报名.xlsx")
    assert len(ids) == 3
    team = db.session.get(Nomination, ids[2])
    assert team.team_name == "先锋队" and len(team.members) == 2
    assert all(db.session.get(Nomination, i).waiting_org_id == world.orgs["city"].id for i in ids)  # counted up to the county
    assert [s.action for s in team.steps] == ["import"]


def test_every_bad_row_is_reported_and_nothing_written(world, contest, workers):
    registration.nominate(world.users["city"], contest.events[0].id, [workers[4].id])
    before = count()
    rows = [HEADER,
            ["电工", 3.30802199005171e17, "职工0", ""],                          # row 2: number cell
            ["钳工", workers[1].profile.resident_id, "职工1", ""],                 # row 3: unknown event
            ["电工", workers[2].profile.resident_id, "王二", ""],                  # row 4: wrong name
            ["电工", world.users["worker_b"].profile.resident_id, "李四", ""],      # row 5: other county
            ["电工", workers[3].profile.resident_id, "职工3", ""],
            ["电工", workers[3].profile.resident_id, "职工3", ""],                 # row 7: duplicate in file
            ["电工", workers[4].profile.resident_id, "职工4", ""],                 # row 8: already entered
            ["班组协作", workers[1].profile.resident_id, "职工1", ""],              # row 9: team name missing
            ["电工", "330802199005171787", "职工1", ""]]                           # row 10: check digit
    with pytest.raises(TableError) as info:
        import_nominations(world.users["county_a"], contest.id, xlsx(rows), "报名.xlsx")
    assert [(e.row, e.column) for e in info.value.errors] == [
        (2, "身份证号"), (3, "竞赛项目"), (4, "姓名"), (5, "身份证号"), (7, "身份证号"), (8, "身份证号"), (9, "队名"), (10, "身份证号")]
    assert "spreadsheet" in info.value.errors[0].message
    assert count() == before


def test_quotas_are_counted_across_the_file(world, contest, workers):
    registration.set_quota(world.users["city"], contest.events[0].id, world.orgs["county_a"].id, 2)
    rows = [HEADER] + [["电工", w.profile.resident_id, w.name, ""] for w in workers[:3]]
    with pytest.raises(TableError) as info:
        import_nominations(world.users["county_a"], contest.id, xlsx(rows), "报名.xlsx")
    assert [e.row for e in info.value.errors] == [4] and "used all its 2 places" in info.value.errors[0].message % info.value.errors[0].params
    assert count() == 0
    ids = import_nominations(world.users["county_a"], contest.id, xlsx(rows[:3]), "报名.xlsx")
    assert len(ids) == 2


def test_team_size_is_checked(world, contest, workers):
    rows = [HEADER] + [["班组协作", w.profile.resident_id, w.name, "大队"] for w in workers[:4]]
    with pytest.raises(TableError) as info:
        import_nominations(world.users["county_a"], contest.id, xlsx(rows), "报名.xlsx")
    assert info.value.errors[0].column == "队名"


def test_import_page_and_template(world, contest, workers, client, login_as):
    login_as("county_a")
    template = client.get(f"/contests/{contest.id}/nominations/template")
    assert template.status_code == 200
    bad = xlsx([HEADER, ["电工", "3.30802E+17", "职工0", ""]])
    response = client.post(f"/contests/{contest.id}/nominations/import", data={"file": (io.BytesIO(bad), "报名.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "3.30802E+17" in response.data.decode() and "表格软件" in response.data.decode()
    good = xlsx([HEADER, ["电工", workers[0].profile.resident_id, "职工0", ""]])
    response = client.post(f"/contests/{contest.id}/nominations/import", data={"file": (io.BytesIO(good), "报名.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Nomination.status)) == NominationStatus.PENDING
