"""Command-line tools."""

import os
import sqlite3
import subprocess
import sys

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from contest.domain.identity import normalise_resident_id
from contest.extensions import db
from contest.models import Organisation, OrgLevel, Role, User, UserRole, WorkerProfile
from contest.seed import COUNTIES, DEMO_PASSWORD

# The tests that use the seeded demo run in one process, which seeds it once (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


def test_seed_demo_builds_the_quzhou_tree(demo):
    assert f"演示数据已创建。所有演示账号的密码均为 {DEMO_PASSWORD}" in demo.output
    counties = db.session.scalars(select(Organisation).where(Organisation.level == OrgLevel.COUNTY)).all()
    assert {c.name for c in counties} == {name for name, _, _ in COUNTIES}
    for county in counties:
        enterprises = [c for c in county.children if c.level == OrgLevel.ENTERPRISE]
        assert len(enterprises) >= 3 and all(len(e.children) >= 2 for e in enterprises)
    workers = db.session.scalars(select(WorkerProfile)).all()
    assert len(workers) >= 200
    assert all(normalise_resident_id(w.resident_id) == w.resident_id for w in workers)
    organiser_levels = set(db.session.scalars(
        select(Organisation.level).join(User, User.org_id == Organisation.id).join(UserRole).where(UserRole.role == Role.ORGANISER)))
    assert organiser_levels == set(OrgLevel)
    assert db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == Role.JUDGE)) >= 8


def test_seed_demo_refuses_a_filled_database_unless_if_empty(demo, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0


def test_demo_logins_work_in_chinese(demo, client):
    for username in ("admin", "city", "kecheng", "kecheng.e1", "kecheng.e1.t1", "judge01", "w0001"):
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert "欢迎" in client.get("/").data.decode()
        client.post("/logout")


def test_create_admin(runner):
    result = runner.invoke(args=["create-admin", "root", "--password", "S3cret-pass"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "root"))
    assert user.has_role(Role.ADMIN) and user.org.name == "衢州市总工会"
    refused = runner.invoke(args=["create-admin", "root2", "--password", "short"])
    assert refused.exit_code != 0 and "密码" in refused.output  # the refusal translated, not its English msgid


def test_backup_writes_a_consistent_sqlite_copy(demo, runner, tmp_path):
    target = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("select count(*) from organisations").fetchone()[0] > 40


def test_import_orgs_and_workers_commands(runner, world, tmp_path):
    wb = Workbook()
    for row in (["单位名称", "层级", "上级单位"], ["柯城建设", "企业", "柯城区"], ["错误", "工段", "柯城区"]):
        wb.active.append(row)
    path = tmp_path / "units.xlsx"
    wb.save(path)
    result = runner.invoke(args=["import-orgs", str(path), "--as", "county_a"])
    assert result.exit_code != 0 and "第 3 行" in result.output and "未导入任何数据" in result.output
    path.write_text("单位名称,层级,上级单位\n柯城建设,企业,柯城区\n", encoding="utf-8")
    csv_path = tmp_path / "units.csv"
    csv_path.write_text("单位名称,层级,上级单位\n柯城建设,企业,柯城区\n", encoding="utf-8")
    assert runner.invoke(args=["import-orgs", str(csv_path), "--as", "county_a"]).exit_code == 0
    people = tmp_path / "people.csv"
    people.write_text("姓名,角色,手机号,所在单位\n赵六,裁判,13900000031,柯城建设\n", encoding="utf-8")
    result = runner.invoke(args=["import-workers", str(people), "--as", "county_a"])
    assert result.exit_code == 0, result.output and "13900000031" in result.output


def test_seed_demo_shows_every_capability(demo):
    from contest.domain.contests import ContestStatus
    from contest.models import Contest, Draw, EventResult, Nomination, Score, SignOff

    states = set(db.session.scalars(select(Contest.status)))
    assert {ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED, ContestStatus.RUNNING,
            ContestStatus.PUBLISHED, ContestStatus.FINAL} <= states
    statuses = set(db.session.scalars(select(Nomination.status)))
    assert {"pending", "confirmed", "rejected", "withdrawn"} <= {s.value for s in statuses}
    assert db.session.scalar(select(func.count(Draw.id))) >= 4
    assert db.session.scalar(select(func.count(Score.id))) > 100
    assert db.session.scalar(select(func.count(SignOff.id))) >= 3
    assert db.session.scalar(select(func.count(EventResult.id)).where(EventResult.award.is_not(None))) >= 6
    from contest.models import Certificate

    assert db.session.scalar(select(func.count(Certificate.id))) >= 6


def test_init_db_speaks_chinese_and_hides_alembic_info_unless_verbose(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "CONTEST_CONFIG": "default"}
    command = [sys.executable, "-m", "flask", "--app", "contest", "init-db"]
    quiet = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip() == "数据库结构已是最新。"
    assert "INFO" not in quiet.stderr and "Running upgrade" not in quiet.stderr
    verbose = subprocess.run([*command, "--verbose"], env=env, capture_output=True, text=True, timeout=300)
    assert verbose.returncode == 0 and "数据库结构已是最新。" in verbose.stdout


def test_an_unknown_header_names_the_columns_the_import_reads(runner, world, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("姓名,县（市、区）\n赵六,柯城区\n", encoding="utf-8")
    result = runner.invoke(args=["import-workers", str(people), "--as", "county_a"])
    assert result.exit_code != 0
    assert "缺少必填列“所在单位”（列名可写作：所在单位、单位、班组）" in result.output
    assert "“县（市、区）”不是本导入识别的列；可用的列为：姓名、角色、身份证号" in result.output


def test_the_people_template_lists_every_column(app):
    from io import BytesIO

    from openpyxl import load_workbook

    from contest.services.accounts import PEOPLE_COLUMNS, PEOPLE_IMPORT_NOTES
    from contest.spreadsheets import build_template

    book = load_workbook(BytesIO(build_template(PEOPLE_COLUMNS, "人员", notes=PEOPLE_IMPORT_NOTES)))
    listed = [row for row in book["说明"].iter_rows(min_row=2, max_col=4, values_only=True) if row[1] in ("是", "否")]
    assert [row[0] for row in listed] == [c.header for c in PEOPLE_COLUMNS]
    assert ("所在单位", "是", "单位、班组", "柯城区/衢州某某机械有限公司/一班") in listed
