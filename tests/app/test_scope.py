"""A county organiser never sees another county's units or people: lists, details, API, exports."""

import io

from openpyxl import load_workbook


def test_lists_details_exports_and_api_stay_within_the_subtree(world, client, login_as):
    login_as("county_b")
    other_unit, other_worker = world.orgs["ent_a"], world.users["worker"]

    assert "柯城" not in client.get("/orgs/").data.decode()
    people = client.get("/people/").data.decode()
    assert "李四" in people and "张小三" not in people and "柯城组织者" not in people
    assert "张小三" not in client.get("/people/?q=张").data.decode()
    assert client.get(f"/people/?org={other_unit.id}").status_code == 200
    assert "张小三" not in client.get(f"/people/?org={other_unit.id}").data.decode()

    assert client.get(f"/orgs/{other_unit.id}").status_code == 403
    assert client.get(f"/orgs/{other_unit.id}/children/new").status_code == 403
    assert client.get(f"/people/{other_worker.id}").status_code == 403
    assert client.get(f"/people/{other_worker.id}/edit").status_code == 403
    assert client.post(f"/people/{other_worker.id}/reset-password").status_code == 403

    for url in ("/orgs/export", "/people/export"):
        sheet = load_workbook(io.BytesIO(client.get(url).data)).active
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        assert "柯城" not in text and "张小三" not in text

    token = client.post("/api/v1/tokens", json={"username": "county_b", "password": "Passw0rd!"}).get_json()["token"]
    items = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert {i["name"] for i in items} == {"衢江区", "衢江机械", "焊接班"}


def test_enterprise_organiser_does_not_see_the_county_above(world, client, login_as):
    login_as("ent_a")
    page = client.get("/orgs/").data.decode()
    assert "柯城电力" in page and "柯城区" not in page
    assert client.get(f"/orgs/{world.orgs['county_a'].id}").status_code == 403
    assert client.get(f"/people/{world.users['county_a'].id}").status_code == 403


def test_unknown_ids_are_404(world, client, login_as):
    login_as("admin")
    assert client.get("/orgs/99999").status_code == 404
    assert client.get("/people/99999").status_code == 404


def test_admin_sees_everything(world, client, login_as):
    login_as("admin")
    page = client.get("/orgs/").data.decode()
    assert "柯城区" in page and "衢江区" in page
