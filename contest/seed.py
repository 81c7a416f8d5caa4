"""The Quzhou demo data set (``flask --app contest seed-demo``).

衢州市总工会 at the top; six counties/districts; three enterprises per county with two teams each;
organisers at every level, judges, and 216 workers with valid generated resident IDs. Every demo
account has the password ``DEMO_PASSWORD``. Deterministic: the same seed gives the same data.
Later capabilities (contests, entries, scores, brackets, certificates) extend ``seed_demo``.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from contest.domain.identity import generate_resident_id
from contest.extensions import db
from contest.models import Organisation, OrgLevel, Role, SkillLevel, User, UserRole, WorkerProfile
from contest.models.user import Gender
from contest.services.accounts import hash_password

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "Quzhou@2026"

# (name, login prefix, administrative region code used in resident IDs of people born there).
# 衢江区 was 衢县 (330821) until 2001, so people born before then carry 330821.
COUNTIES = (
    ("柯城区", "kecheng", "330802"),
    ("衢江区", "qujiang", "330821"),
    ("龙游县", "longyou", "330825"),
    ("江山市", "jiangshan", "330881"),
    ("常山县", "changshan", "330822"),
    ("开化县", "kaihua", "330824"),
)
ENTERPRISE_KINDS = (
    ("供电有限公司", ("运维一班", "检修二班"), ("电工", "变电设备检修工")),
    ("机械制造有限公司", ("数控车间一班", "焊接车间二班"), ("数控车工", "焊工")),
    ("建设工程有限公司", ("钢筋班", "砌筑班"), ("钢筋工", "砌筑工")),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林郑谢罗梁宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文春梅海燕云波辉鹏飞斌宇浩凯晨"
WORKERS_PER_TEAM = 6


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def _user(username: str, name: str, org: Organisation, roles: set[Role], password_hash: str, phone: str | None = None) -> User:
    user = User(username=username, name=name, org=org, phone=phone, password_hash=password_hash, active=True)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    return user


def _org(name: str, level: OrgLevel, parent: Organisation | None, position: int) -> Organisation:
    org = Organisation(name=name, level=level, parent=parent, path="/0/", active=True, position=position)
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def is_seeded() -> bool:
    return db.session.scalar(select(Organisation.id).limit(1)) is not None


def seed_demo(seed: int = 2026) -> list[DemoLogin]:
    """Create the demo data in one transaction; returns the documented logins."""
    rng = random.Random(seed)
    # One hash for every demo account: hashing 250 passwords with scrypt would take a minute.
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[DemoLogin] = []
    phone_seq = iter(range(13905700000, 13905799999))
    used_ids: set[str] = set()

    city = _org("衢州市总工会", OrgLevel.CITY, None, 1)
    _user("admin", "系统管理员", city, {Role.ADMIN}, password_hash)
    logins.append(DemoLogin("admin", "admin", city.name))
    _user("city", "周建华", city, {Role.ORGANISER}, password_hash, str(next(phone_seq)))
    logins.append(DemoLogin("city", "organiser", city.name))
    for j in range(1, 9):
        _user(f"judge{j:02d}", _name(rng), city, {Role.JUDGE}, password_hash, str(next(phone_seq)))
    logins.append(DemoLogin("judge01", "judge", city.name))

    worker_no = 0
    for c_index, (county_name, prefix, region) in enumerate(COUNTIES, start=1):
        county = _org(county_name, OrgLevel.COUNTY, city, c_index)
        _user(prefix, _name(rng), county, {Role.ORGANISER}, password_hash, str(next(phone_seq)))
        _user(f"{prefix}.judge", _name(rng), county, {Role.JUDGE}, password_hash, str(next(phone_seq)))
        if c_index == 1:
            logins.append(DemoLogin(prefix, "organiser", county.name))
        short = county_name[:2]
        for e_index, (kind, teams, occupations) in enumerate(ENTERPRISE_KINDS, start=1):
            enterprise = _org(f"衢州{short}{kind}", OrgLevel.ENTERPRISE, county, e_index)
            e_login = f"{prefix}.e{e_index}"
            _user(e_login, _name(rng), enterprise, {Role.ORGANISER}, password_hash, str(next(phone_seq)))
            if c_index == 1 and e_index == 1:
                logins.append(DemoLogin(e_login, "organiser", enterprise.name))
            for t_index, team_name in enumerate(teams, start=1):
                team = _org(team_name, OrgLevel.TEAM, enterprise, t_index)
                t_login = f"{e_login}.t{t_index}"
                leader = _user(t_login, _name(rng), team, {Role.ORGANISER, Role.WORKER}, password_hash, str(next(phone_seq)))
                _profile(leader, rng, region, occupations[t_index - 1], used_ids)
                if c_index == 1 and e_index == 1 and t_index == 1:
                    logins.append(DemoLogin(t_login, "organiser", team.name))
                for _ in range(WORKERS_PER_TEAM):
                    worker_no += 1
                    username = f"w{worker_no:04d}"
                    worker = _user(username, _name(rng), team, {Role.WORKER}, password_hash, str(next(phone_seq)))
                    _profile(worker, rng, region, occupations[t_index - 1], used_ids)
                    if worker_no == 1:
                        logins.append(DemoLogin(username, "worker", team.name))
    db.session.commit()
    logger.info("Seeded the demo data: %d workers", worker_no)
    return logins


def _profile(user: User, rng: random.Random, region: str, occupation: str, used: set[str]) -> None:
    gender = rng.choice("MMMF")
    while True:
        born = date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        resident_id = generate_resident_id(rng, region, born, gender)
        if resident_id not in used:
            used.add(resident_id)
            break
    user.profile = WorkerProfile(
        resident_id=resident_id,
        gender=Gender(gender),
        occupation=occupation,
        skill_level=rng.choice(list(SkillLevel)[1:]),
    )
