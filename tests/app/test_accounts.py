"""Login, passwords, creating, editing and importing accounts."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contest.extensions import db
from contest.models import Role, User, WorkerProfile
from contest.services import PermissionDenied
from contest.services import accounts as service
from contest.services.accounts import AccountInput, FieldError
from contest.spreadsheets import TableError
from tests.factories import valid_resident_id


def xlsx(rows, text_columns=()):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def count_users():
    return db.session.scalar(select(func.count(User.id)))


# ---------------------------------------------------------------------------------------------- login


def test_login_and_logout(world, client):
    response = client.post("/login", data={"username": "County_A", "password": "Passw0rd!"})
    assert response.status_code == 302 and response.location == "/"
    assert "柯城组织者" in client.get("/").data.decode()
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(world, client):
    for username in ("county_a", "nobody"):
        response = client.post("/login", data={"username": username, "password": "wrong"})
        assert response.status_code == 422
        assert "用户名或密码错误" in response.data.decode()


def test_login_follows_only_local_next(world, client):
    response = client.post("/login?next=//evil.example/x", data={"username": "county_a", "password": "Passw0rd!"})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/people/", data={"username": "county_a", "password": "Passw0rd!"})
    assert response.location == "/people/"


def test_first_login_with_initial_password_goes_to_password_change(world, client):
    user, password = service.create_account(world.users["county_a"], AccountInput(
        username="judge2", name="裁判乙", org_id=world.orgs["ent_a"].id, roles=frozenset({Role.JUDGE})))
    response = client.post("/login", data={"username": "judge2", "password": password})
    assert response.location == "/account/password"


def test_change_password(world, client, login_as):
    login_as("worker")
    bad = client.post("/account/password", data={"current": "Passw0rd!", "new": "short", "confirm": "short"})
    assert bad.status_code == 422 and "至少" in bad.data.decode()
    wrong = client.post("/account/password", data={"current": "nope", "new": "N3w-secret", "confirm": "N3w-secret"})
    assert wrong.status_code == 422
    ok = client.post("/account/password", data={"current": "Passw0rd!", "new": "N3w-secret", "confirm": "N3w-secret"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "worker", "password": "N3w-secret"}).status_code == 302


def test_deactivated_account_cannot_log_in_and_loses_its_session(world, client, login_as):
    login_as("worker")
    service.set_user_active(world.users["county_a"], world.users["worker"].id, False)
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"username": "worker", "password": "Passw0rd!"})
    assert response.status_code == 422


# ---------------------------------------------------------------------------------------------- create / edit


def worker_input(world, **changes):
    data = dict(username="new.worker", name="王五", org_id=world.orgs["team_a"].id, roles=frozenset({Role.WORKER}),
                phone="13900000001", resident_id=valid_resident_id(), gender="", occupation="焊工", skill_level="level4")
    data.update(changes)
    return AccountInput(**data)


def test_create_worker_derives_gender_and_stores_id_once(world):
    user, password = service.create_account(world.users["ent_a"], worker_input(world))
    assert user.profile.gender.value == "M" and user.must_change_password and len(password) >= 12
    with pytest.raises(FieldError) as info:
        service.create_account(world.users["ent_a"], worker_input(world, username="other", resident_id=user.profile.resident_id))
    assert info.value.field == "resident_id"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"resident_id": "3.30802E+17"}, "resident_id"),
        ({"resident_id": "330802199005171787"}, "resident_id"),
        ({"gender": "F"}, "gender"),
        ({"occupation": ""}, "occupation"),
        ({"phone": "12345"}, "phone"),
        ({"username": "a b"}, "username"),
        ({"username": "worker"}, "username"),
        ({"roles": frozenset()}, "roles"),
        ({"roles": frozenset({Role.ORGANISER})}, "roles"),
        ({"roles": frozenset({Role.ADMIN})}, "roles"),
        ({"org_id": 999}, "org_id"),
        ({"skill_level": "wizard"}, "skill_level"),
    ],
)
def test_create_worker_refusals_name_the_field(world, changes, field):
    before = count_users()
    with pytest.raises(FieldError) as info:
        service.create_account(world.users["county_a"], worker_input(world, **{"org_id": world.orgs["county_a"].id, **changes}))
    assert info.value.field == field
    assert count_users() == before


def test_organisers_appoint_organisers_only_below_their_unit(world):
    county = world.users["county_a"]
    user, _ = service.create_account(county, AccountInput(username="ent.org", name="企业组织者乙", org_id=world.orgs["ent_a"].id,
                                                          roles=frozenset({Role.ORGANISER})))
    assert user.has_role(Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        service.update_account(county, world.users["city"].id, worker_input(world))
    with pytest.raises(PermissionDenied):
        service.reset_password(world.users["ent_a"], world.users["county_a"].id)


def test_create_worker_page_shows_chinese_error_for_a_bad_id(world, client, login_as):
    login_as("ent_a")
    response = client.post("/people/new", data={
        "name": "王五", "username": "wangwu", "org_id": world.orgs["team_a"].id, "roles": ["worker"],
        "resident_id": "3.30802E+17", "occupation": "电工", "skill_level": "none", "gender": ""})
    assert response.status_code == 422
    assert "表格软件" in response.data.decode()


def test_create_worker_page_shows_the_initial_password_once(world, client, login_as):
    login_as("ent_a")
    response = client.post("/people/new", data={
        "name": "王五", "username": "wangwu", "org_id": world.orgs["team_a"].id, "roles": ["worker"],
        "resident_id": valid_resident_id(), "occupation": "电工", "skill_level": "level3", "gender": ""})
    assert response.status_code == 200
    assert 'data-testid="password"' in response.data.decode()


def test_worker_detail_masks_the_resident_id(world, client, login_as):
    login_as("ent_a")
    rid = world.users["worker"].profile.resident_id
    page = client.get(f"/people/{world.users['worker'].id}").data.decode()
    assert rid not in page and f"{rid[:4]}**********{rid[-4:]}" in page


def test_edit_reset_and_deactivate_from_pages(world, client, login_as):
    login_as("ent_a")
    worker = world.users["worker"]
    response = client.post(f"/people/{worker.id}/edit", data={
        "name": "张三", "username": "worker", "org_id": world.orgs["team_a"].id, "roles": ["worker"], "phone": "13900000002",
        "resident_id": worker.profile.resident_id, "occupation": "电工", "skill_level": "level2", "gender": ""})
    assert response.status_code == 302
    assert db.session.get(User, worker.id).name == "张三"
    assert client.post(f"/people/{worker.id}/reset-password").status_code == 200
    assert db.session.get(User, worker.id).must_change_password
    client.post(f"/people/{worker.id}/deactivate")
    assert not db.session.get(User, worker.id).active


# ---------------------------------------------------------------------------------------------- import

HEADER = ["姓名", "角色", "身份证号", "性别", "手机号", "工种", "职业技能等级", "所在单位", "用户名"]


def test_import_people_creates_all_rows(world):
    rows = [HEADER, ["王五", "职工", valid_resident_id(), "", "13900000011", "电工", "高级工", "运维一班", ""],
            ["赵六", "裁判", "", "", "13900000012", "", "", "柯城电力", ""],
            ["孙七", "", valid_resident_id(gender="F"), "女", "", "焊工", "", "柯城区/柯城电力/运维一班", "sunqi"]]
    created = service.import_accounts(world.users["county_a"], xlsx(rows), "people.xlsx")
    assert [c.user.username for c in created] == ["13900000011", "13900000012", "sunqi"]
    assert created[1].user.roles == {Role.JUDGE} and created[1].user.profile is None
    assert all(c.user.must_change_password for c in created)


def test_import_people_reports_each_bad_row_and_writes_nothing(world):
    before = count_users()
    rid = valid_resident_id()
    rows = [HEADER,
            ["王五", "职工", 3.30802199005171e17, "", "13900000011", "电工", "", "运维一班", ""],   # number cell
            ["赵六", "职工", "330802199005171787", "", "13900000012", "电工", "", "运维一班", ""],  # checksum
            ["孙七", "职工", rid, "", "13900000013", "电工", "", "焊接班", ""],                    # other county
            ["周八", "职工", rid, "", "13900000014", "电工", "大师", "运维一班", ""],               # skill level
            ["吴九", "职工", rid, "", "13900000015", "电工", "", "运维一班", ""],
            ["郑十", "职工", rid, "", "13900000016", "电工", "", "运维一班", ""]]                  # duplicate id in file
    with pytest.raises(TableError) as info:
        service.import_accounts(world.users["county_a"], xlsx(rows), "people.xlsx")
    assert [(e.row, e.column) for e in info.value.errors] == [
        (2, "身份证号"), (3, "身份证号"), (4, "所在单位"), (5, "职业技能等级"), (7, "身份证号")]
    assert "spreadsheet" in info.value.errors[0].message
    assert count_users() == before
    assert db.session.scalar(select(func.count()).select_from(WorkerProfile)) == 3


def test_import_people_csv_and_page(world, client, login_as):
    login_as("county_a")
    csv = "\n".join([",".join(HEADER), f"王五,职工,{valid_resident_id()},,13900000021,电工,,运维一班,"]).encode("gb18030")
    response = client.post("/people/import", data={"file": (io.BytesIO(csv), "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "13900000021" in response.data.decode()
    bad = "\n".join([",".join(HEADER), "王五,职工,3.30802E+17,,13900000022,电工,,运维一班,"]).encode("gb18030")
    response = client.post("/people/import", data={"file": (io.BytesIO(bad), "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "3.30802E+17" in response.data.decode()


def test_import_page_refuses_other_file_types(world, client, login_as):
    login_as("county_a")
    response = client.post("/people/import", data={"file": (io.BytesIO(b"x"), "people.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422
