"""Test data: a small organisation tree with a user of every kind (plain functions, no factory library)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from contest.domain.identity import generate_resident_id
from contest.extensions import db
from contest.models import Gender, Organisation, OrgLevel, Role, SkillLevel, User, UserRole, WorkerProfile
from contest.services.accounts import hash_password

_rng = random.Random(7)
_births = itertools.count()


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def make_org(name: str, level: OrgLevel, parent: Organisation | None) -> Organisation:
    org = Organisation(name=name, level=level, parent=parent, path="/0/", active=True, position=1)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    db.session.flush()
    return org


def make_user(username: str, org: Organisation, roles: set[Role], password_hash: str, name: str | None = None,
              resident_id: str | None = None) -> User:
    user = User(username=username, name=name or username, org=org, password_hash=password_hash, active=True)
    user.role_rows = [UserRole(role=r) for r in roles]
    if Role.WORKER in roles:
        resident_id = resident_id or valid_resident_id()
        user.profile = WorkerProfile(resident_id=resident_id, gender=Gender("M" if int(resident_id[16]) % 2 else "F"),
                                     occupation="电工", skill_level=SkillLevel.LEVEL3)
    db.session.add(user)
    db.session.flush()
    return user


def valid_resident_id(born: date | None = None, gender: str = "M", region: str = "330802") -> str:
    """A valid resident ID, unique within the test run unless ``born`` is given."""
    born = born or date(1970, 1, 1) + timedelta(days=next(_births))
    return generate_resident_id(_rng, region, born, gender)


def build_world(password: str) -> World:
    """city → 柯城区 (A) → 柯城电力 (A1) → 运维一班 (A1a); city → 衢江区 (B) → 衢江机械 (B1) → 焊接班 (B1a)."""
    world = World()
    pw = hash_password(password)
    o = world.orgs
    o["city"] = make_org("衢州市总工会", OrgLevel.CITY, None)
    o["county_a"] = make_org("柯城区", OrgLevel.COUNTY, o["city"])
    o["ent_a"] = make_org("柯城电力", OrgLevel.ENTERPRISE, o["county_a"])
    o["team_a"] = make_org("运维一班", OrgLevel.TEAM, o["ent_a"])
    o["county_b"] = make_org("衢江区", OrgLevel.COUNTY, o["city"])
    o["ent_b"] = make_org("衢江机械", OrgLevel.ENTERPRISE, o["county_b"])
    o["team_b"] = make_org("焊接班", OrgLevel.TEAM, o["ent_b"])
    u = world.users
    u["admin"] = make_user("admin", o["city"], {Role.ADMIN}, pw, "管理员")
    u["city"] = make_user("city", o["city"], {Role.ORGANISER}, pw, "市组织者")
    u["county_a"] = make_user("county_a", o["county_a"], {Role.ORGANISER}, pw, "柯城组织者")
    u["ent_a"] = make_user("ent_a", o["ent_a"], {Role.ORGANISER}, pw, "企业组织者")
    u["team_a"] = make_user("team_a", o["team_a"], {Role.ORGANISER, Role.WORKER}, pw, "班组长")
    u["county_b"] = make_user("county_b", o["county_b"], {Role.ORGANISER}, pw, "衢江组织者")
    u["judge"] = make_user("judge", o["ent_a"], {Role.JUDGE}, pw, "裁判甲")
    u["worker"] = make_user("worker", o["team_a"], {Role.WORKER}, pw, "张小三")
    u["worker_b"] = make_user("worker_b", o["team_b"], {Role.WORKER}, pw, "李四")
    db.session.commit()
    return world
