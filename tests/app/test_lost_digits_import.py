"""Imports and resident IDs that lost digits (issue 12.9): number cells refused, IDs ending in 000 imported
only once the uploader confirms them, the same message everywhere."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contest.domain.identity import LOST_DIGITS
from contest.extensions import db
from contest.models import Nomination, Role, WorkerProfile
from contest.services import accounts, nomination_import
from contest.spreadsheets import TableError
from tests.contest_factories import make_contest
from tests.factories import make_user
from tests.unit.test_lost_digits import DAMAGED_000, VALID_000

PEOPLE = ["姓名", "角色", "身份证号", "性别", "手机号", "工种", "职业技能等级", "所在单位", "用户名"]


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def profiles() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkerProfile))


def test_an_exact_integer_cell_is_refused_too(world):
    rows = [PEOPLE, ["王五", "职工", 330802199005171786, "", "13900000031", "电工", "", "运维一班", ""]]
    with pytest.raises(TableError) as info:
        accounts.import_accounts(world.users["county_a"], xlsx(rows), "people.xlsx")
    assert info.value.errors[0].message == LOST_DIGITS


@pytest.mark.db
def test_an_id_ending_in_000_is_imported_only_after_the_uploader_confirms_it(world, client, login_as):
    login_as("county_a")
    csv = "\n".join([",".join(PEOPLE), f"王五,职工,{VALID_000},女,13900000041,电工,,运维一班,"]).encode()
    before = profiles()

    def upload(**extra):
        return client.post("/people/import", data={"file": (io.BytesIO(csv), "people.csv"), **extra},
                           content_type="multipart/form-data")

    page = upload()
    assert page.status_code == 422 and 'data-testid="confirm-ids"' in page.data.decode()
    assert VALID_000 in page.data.decode() and profiles() == before
    done = upload(confirm_id=VALID_000)
    assert done.status_code == 200 and "13900000041" in done.data.decode()
    assert profiles() == before + 1


def test_the_same_lost_digits_message_in_every_import(world):
    people = [PEOPLE, ["王五", "职工", DAMAGED_000, "女", "13900000051", "电工", "", "运维一班", ""]]
    with pytest.raises(TableError) as info:
        accounts.import_accounts(world.users["county_a"], xlsx(people), "people.xlsx")
    account_message = info.value.errors[0].message
    contest = make_contest(world.users["city"], events=("电工",))
    make_user("iw0", world.orgs["team_a"], {Role.WORKER}, world.users["worker"].password_hash, name="职工0")
    db.session.commit()
    for resident_id in (DAMAGED_000, VALID_000):  # a wrong check digit, or a valid ID that matches nobody
        rows = [["竞赛项目", "身份证号", "姓名", "队名"], ["电工", resident_id, "职工0", ""]]
        with pytest.raises(TableError) as info:
            nomination_import.import_nominations(world.users["city"], contest.id, xlsx(rows), "n.xlsx")
        assert info.value.errors[0].message == account_message
    rows = [["竞赛项目", "身份证号", "姓名", "队名"], ["电工", 330802199005171786, "职工0", ""]]
    with pytest.raises(TableError) as info:
        nomination_import.import_nominations(world.users["city"], contest.id, xlsx(rows), "n.xlsx")
    assert info.value.errors[0].message == account_message
    assert db.session.scalar(select(func.count(Nomination.id))) == 0


def test_the_command_line_import_takes_confirmed_ids(world, runner, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(",".join(PEOPLE) + f"\n王五,职工,{VALID_000},女,13900000061,电工,,运维一班,\n", encoding="utf-8")
    refused = runner.invoke(args=["import-workers", str(people), "--as", "county_a"])
    assert refused.exit_code != 0 and VALID_000 in refused.output
    done = runner.invoke(args=["import-workers", str(people), "--as", "county_a", "--confirm-id", VALID_000])
    assert done.exit_code == 0, done.output
    assert "13900000061" in done.output
