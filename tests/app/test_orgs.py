"""Organisation tree: services and pages."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from contest.domain.errors import DomainError
from contest.extensions import db
from contest.models import AuditLog, Organisation, OrgLevel
from contest.services import PermissionDenied
from contest.services import orgs as service
from contest.spreadsheets import TableError


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def paths():
    return {o.name: o.path for o in db.session.scalars(select(Organisation))}


def test_create_gives_a_materialised_path(world):
    org = service.create_org(world.users["county_a"], world.orgs["county_a"].id, "  柯城  建设  ", "enterprise")
    assert org.name == "柯城 建设"
    assert org.path == f"{world.orgs['county_a'].path}{org.id}/"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "org.create")).target_id == org.id


@pytest.mark.parametrize(
    "parent, level, message",
    [
        ("ent_a", "county", "cannot hold"),
        ("ent_a", "enterprise", "cannot hold"),
        ("county_a", "team", "cannot hold"),
        ("city", "team", "cannot hold"),
    ],
)
def test_create_refuses_wrong_level(world, parent, level, message):
    with pytest.raises(DomainError, match=message):
        service.create_org(world.users["admin"], world.orgs[parent].id, "新单位", level)
    with pytest.raises(PermissionDenied):
        service.create_org(world.users["admin"], world.orgs["team_a"].id, "新单位", "team")


def test_create_refuses_duplicate_sibling_name_and_empty_name(world):
    with pytest.raises(DomainError, match="already exists"):
        service.create_org(world.users["county_a"], world.orgs["county_a"].id, "柯城电力", "enterprise")
    with pytest.raises(DomainError, match="Enter the name"):
        service.create_org(world.users["county_a"], world.orgs["county_a"].id, "   ", "enterprise")


def test_enterprise_may_hang_directly_under_the_city(world):
    org = service.create_org(world.users["city"], world.orgs["city"].id, "市直属企业", OrgLevel.ENTERPRISE)
    assert org.level == OrgLevel.ENTERPRISE


def test_organiser_cannot_create_outside_own_subtree(world):
    with pytest.raises(PermissionDenied):
        service.create_org(world.users["county_b"], world.orgs["county_a"].id, "x", "enterprise")


@pytest.mark.db
def test_move_repaths_the_whole_subtree_in_one_transaction(world):
    county_a, county_b = world.orgs["county_a"], world.orgs["county_b"]
    ent_a, team_a = world.orgs["ent_a"], world.orgs["team_a"]
    moved = service.move_org(world.users["city"], ent_a.id, county_b.id)
    assert moved.parent_id == county_b.id
    p = paths()
    assert p["柯城电力"] == f"{county_b.path}{ent_a.id}/"
    assert p["运维一班"] == f"{county_b.path}{ent_a.id}/{team_a.id}/"
    assert p["柯城区"] == county_a.path
    # the people moved with their units: the county A organiser no longer sees them
    names = {o.name for o in service.subtree(world.users["county_a"])}
    assert names == {"柯城区"}


@pytest.mark.db
def test_move_under_own_child_is_refused_and_changes_nothing(world):
    before = paths()
    with pytest.raises(DomainError, match="under itself"):
        service.move_org(world.users["city"], world.orgs["county_a"].id, world.orgs["team_a"].id)
    with pytest.raises(DomainError, match="under itself"):
        service.move_org(world.users["city"], world.orgs["ent_a"].id, world.orgs["ent_a"].id)
    assert paths() == before


def test_move_checks_level_scope_and_permission(world):
    with pytest.raises(DomainError, match="cannot hold"):
        service.move_org(world.users["city"], world.orgs["team_a"].id, world.orgs["county_b"].id)
    with pytest.raises(DomainError, match="within your own scope"):
        service.move_org(world.users["county_a"], world.orgs["team_a"].id, world.orgs["ent_b"].id)
    with pytest.raises(PermissionDenied):
        service.move_org(world.users["county_a"], world.orgs["county_a"].id, world.orgs["city"].id)


def test_deactivate_covers_the_subtree_and_blocks_login(world, client):
    service.set_org_active(world.users["county_a"], world.orgs["ent_a"].id, False)
    active = {o.name: o.active for o in db.session.scalars(select(Organisation))}
    assert active["柯城电力"] is False and active["运维一班"] is False and active["柯城区"] is True
    response = client.post("/login", data={"username": "worker", "password": "Passw0rd!"})
    assert response.status_code == 422
    assert "停用" in response.data.decode()
    with pytest.raises(DomainError, match="Activate"):
        service.set_org_active(world.users["county_a"], world.orgs["team_a"].id, True)
    service.set_org_active(world.users["county_a"], world.orgs["ent_a"].id, True)
    assert all(o.active for o in db.session.scalars(select(Organisation)))


def test_rename(world):
    service.rename_org(world.users["county_a"], world.orgs["ent_a"].id, "柯城供电")
    assert db.session.get(Organisation, world.orgs["ent_a"].id).name == "柯城供电"
    with pytest.raises(PermissionDenied):
        service.rename_org(world.users["county_a"], world.orgs["county_a"].id, "改名")


def test_import_creates_units_in_order_including_new_parents(world):
    data = xlsx([["单位名称", "层级", "上级单位"], ["柯城建设", "企业", "柯城区"], ["钢筋班", "班组", "柯城建设"],
                 ["砌筑班", "班组", "柯城区/柯城建设"]])
    created = service.import_orgs(world.users["county_a"], data, "units.xlsx")
    assert [o.name for o in created] == ["柯城建设", "钢筋班", "砌筑班"]
    assert created[1].parent_id == created[0].id


def test_import_with_one_bad_row_writes_nothing_and_reports_every_error(world):
    before = paths()
    data = xlsx([["单位名称", "层级", "上级单位"], ["柯城建设", "企业", "柯城区"], ["", "班组", "柯城建设"],
                 ["甲班", "工段", "柯城建设"], ["乙班", "班组", "衢江机械"], ["丙", "企业", "运维一班"]])
    with pytest.raises(TableError) as info:
        service.import_orgs(world.users["county_a"], data, "units.xlsx")
    errors = [(e.row, e.column) for e in info.value.errors]
    assert errors == [(3, "单位名称"), (4, "层级"), (5, "上级单位"), (6, "层级")]
    assert paths() == before


# ---------------------------------------------------------------------------------------------- pages


def test_tree_page_shows_only_the_subtree(world, client, login_as):
    login_as("county_a")
    page = client.get("/orgs/").data.decode()
    table = page[page.index("<table"):page.index("</table>")]
    assert "柯城电力" in table and "运维一班" in table
    assert "衢江区" not in page and "衢江机械" not in page and "衢州市总工会" not in table


def test_create_unit_from_the_page(world, client, login_as):
    login_as("county_a")
    response = client.post(f"/orgs/{world.orgs['county_a'].id}/children/new", data={"name": "柯城建设", "level": "enterprise"})
    assert response.status_code == 302
    assert "柯城建设" in client.get(response.location).data.decode()


def test_create_unit_error_is_shown_in_chinese(world, client, login_as):
    login_as("county_a")
    response = client.post(f"/orgs/{world.orgs['county_a'].id}/children/new", data={"name": "柯城电力", "level": "enterprise"})
    assert response.status_code == 422
    assert "已存在" in response.data.decode()


def test_move_page_refuses_own_child(world, client, login_as):
    login_as("city")
    before = paths()
    response = client.post(f"/orgs/{world.orgs['county_a'].id}/move", data={"parent_id": world.orgs["team_a"].id})
    assert response.status_code == 422
    assert paths() == before


def test_import_page_lists_row_errors(world, client, login_as):
    login_as("county_a")
    data = xlsx([["单位名称", "层级", "上级单位"], ["柯城建设", "工段", "柯城区"]])
    response = client.post("/orgs/import", data={"file": (io.BytesIO(data), "units.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.data.decode()
    assert "层级" in body and "工段" in body


def test_import_template_and_export_download(world, client, login_as):
    login_as("county_a")
    template = client.get("/orgs/import/template")
    assert template.status_code == 200 and "filename*=UTF-8''" in template.headers["Content-Disposition"]
    export = client.get("/orgs/export")
    assert export.status_code == 200
    from openpyxl import load_workbook

    names = [row[1].value for row in load_workbook(io.BytesIO(export.data)).active.iter_rows(min_row=2)]
    assert set(names) == {"柯城区", "柯城电力", "运维一班"}
