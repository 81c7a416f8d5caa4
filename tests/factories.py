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


# The world: (key, name, level, parent key) for units and (key = username, unit key, roles, name) for users.
WORLD_ORGS = (
    ("city", "衢州市总工会", OrgLevel.CITY, None),
    ("county_a", "柯城区", OrgLevel.COUNTY, "city"),
    ("ent_a", "柯城电力", OrgLevel.ENTERPRISE, "county_a"),
    ("team_a", "运维一班", OrgLevel.TEAM, "ent_a"),
    ("county_b", "衢江区", OrgLevel.COUNTY, "city"),
    ("ent_b", "衢江机械", OrgLevel.ENTERPRISE, "county_b"),
    ("team_b", "焊接班", OrgLevel.TEAM, "ent_b"),
)
WORLD_USERS = (
    ("admin", "city", {Role.ADMIN}, "管理员"),
    ("city", "city", {Role.ORGANISER}, "市组织者"),
    ("county_a", "county_a", {Role.ORGANISER}, "柯城组织者"),
    ("ent_a", "ent_a", {Role.ORGANISER}, "企业组织者"),
    ("team_a", "team_a", {Role.ORGANISER, Role.WORKER}, "班组长"),
    ("county_b", "county_b", {Role.ORGANISER}, "衢江组织者"),
    ("judge", "ent_a", {Role.JUDGE}, "裁判甲"),
    ("worker", "team_a", {Role.WORKER}, "张小三"),
    ("worker_b", "team_b", {Role.WORKER}, "李四"),
)


def build_world(password: str) -> World:
    """city → 柯城区 (A) → 柯城电力 (A1) → 运维一班 (A1a); city → 衢江区 (B) → 衢江机械 (B1) → 焊接班 (B1a)."""
    world = World()
    pw = hash_password(password)
    for key, name, level, parent in WORLD_ORGS:
        world.orgs[key] = make_org(name, level, world.orgs[parent] if parent else None)
    for username, org, roles, name in WORLD_USERS:
        world.users[username] = make_user(username, world.orgs[org], roles, pw, name)
    db.session.commit()
    return world


def load_world() -> World:
    """The world of :func:`build_world`, read back from a database that a template copy already holds."""
    orgs = {o.name: o for o in db.session.scalars(db.select(Organisation))}
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    return World(
        orgs={key: orgs[name] for key, name, _level, _parent in WORLD_ORGS},
        users={username: users[username] for username, *_rest in WORLD_USERS},
    )
