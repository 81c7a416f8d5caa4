"""The Quzhou demo data set (``flask --app contest seed-demo``).

衢州市总工会 at the top; six counties/districts; three enterprises per county with two teams each;
organisers at every level, judges, and 216 workers with valid generated resident IDs. Every demo
account has the password ``DEMO_PASSWORD``. Deterministic: the same seed gives the same data.
Later capabilities (contests, entries, scores, brackets, certificates) extend ``seed_demo``.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from contest import randomness
from contest.assessments.demo import seed_self_assessments
from contest.clock import today
from contest.commands import score_items
from contest.dashboard.demo import seed_dashboard_demo
from contest.domain import passwords
from contest.domain.errors import N_
from contest.domain.identity import generate_resident_id
from contest.domain.orgtree import child_path
from contest.extensions import db
from contest.indicators.demo import seed_safety_contest, seed_safety_inspection
from contest.merit_demo import seed_merit_contest
from contest.models import Organisation, OrgLevel, Role, SkillLevel, User, UserRole, WorkerProfile
from contest.models.user import Gender
from contest.registration.demo_units import seed_unit_enrolment
from contest.seed_support import add_rubric as _rubric
from contest.seed_support import by_username as _by_username
from contest.seed_support import workers_of as _workers
from contest.services.accounts import hash_password

logger = logging.getLogger(__name__)

DEMO_PASSWORD = passwords.DEMO_PASSWORD

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


@dataclass(frozen=True)
class TourStop:
    """A demo login and what it shows; the README's demo tour lists these, and a test checks each one
    against a freshly seeded database."""

    username: str
    shows: str  # msgid


DEMO_TOUR = (
    TourStop("city", N_("city organiser: the year's dashboard (数据看板) against the plan's targets, every contest of the year, nominations from three counties waiting for the city, the 安康杯 in 公示 with one unit vetoed (一票否决), and a 立功竞赛 ranked per period and in total (分期排名)")),
    TourStop("kecheng", N_("county organiser: notices of nominations waiting, places allocated and registration closing, in 通知; the 安康杯 coverage of its enterprises (覆盖率) and its own 安康杯 with enterprises waiting to be confirmed")),
    TourStop("kecheng.e1", N_("enterprise organiser: its 安康杯 self-assessment with evidence (自评), and its unit excluded by 一票否决 despite 97 points")),
    TourStop("judge01", N_("judge: entries of last year's 电工 event left to score on the tablet page")),
    TourStop("w0038", N_("worker: a 一等奖 certificate and 技术能手 and 青年岗位能手 title certificates")),
    TourStop("w0001", N_("worker: a 三等奖 certificate and a 青年岗位能手 title certificate")),
    TourStop("judge07", N_("chief judge: 乒乓球单打 with every game played, ready to sign off")),
    TourStop("kecheng.e1.t1", N_("team leader: a worker's nomination waiting for the team's approval")),
    TourStop("w0037", N_("worker: an objection the host answered, on the home page, in 我的参赛 and in 通知")),
)


def _user(username: str, name: str, org: Organisation, roles: set[Role], password_hash: str, phone: str | None = None) -> User:
    user = User(username=username, name=name, org=org, phone=phone, password_hash=password_hash, active=True)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    return user


def _org(name: str, level: OrgLevel, parent: Organisation | None, position: int) -> Organisation:
    org = Organisation(name=name, level=level, parent=parent, path="/0/", active=True, position=position)
    db.session.add(org)
    db.session.flush()
    org.path = child_path(parent.path if parent else None, org.id)
    return org


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def is_seeded() -> bool:
    return db.session.scalar(select(Organisation.id).limit(1)) is not None


def seed_demo(seed: int = 2026) -> list[DemoLogin]:
    """Create the demo data; returns the documented logins.

    Replayable: draw seeds, certificate codes and the scores' client keys come from ``seed`` (``contest.randomness``),
    and the only dependence on the clock is the current year, which the contests' dates move with on purpose.
    Two runs on the same day write the same rows, timestamps apart.
    """
    with randomness.replayable(seed):
        return _seed_demo(random.Random(seed))


def demo_password_hash(method: str) -> str:
    """The hash of ``DEMO_PASSWORD`` in werkzeug's format (``method$salt$hash``) with a fixed salt, so that the
    demo database is the same every time (the password is public anyway). One hash serves every demo account:
    hashing 250 passwords with scrypt would take a minute."""
    salt = "QuzhouDemo2026ab"
    password = DEMO_PASSWORD.encode()
    name, *params = method.split(":")
    if name == "scrypt":
        n, r, p = (int(x) for x in params) if params else (2**15, 8, 1)
        digest = hashlib.scrypt(password, salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()
        return f"scrypt:{n}:{r}:{p}${salt}${digest}"
    if name == "pbkdf2":
        hash_name, iterations = (params + ["sha256", "600000"][len(params):])[:2]
        digest = hashlib.pbkdf2_hmac(hash_name, password, salt.encode(), int(iterations)).hex()
        return f"pbkdf2:{hash_name}:{iterations}${salt}${digest}"
    return hash_password(DEMO_PASSWORD)


def _seed_demo(rng: random.Random) -> list[DemoLogin]:
    password_hash = demo_password_hash(current_app.config["PASSWORD_HASH_METHOD"])
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
    seed_contests()
    logins.extend(seed_answered_objection())
    seed_notifications()
    seed_dashboard_demo()  # contest.dashboard.demo: this year's figures, targets, announcements
    seed_safety()
    seed_merit_contest(_by_username("city"))  # contest.merit_demo: 立功竞赛 with three monthly periods
    logger.info("Seeded the demo data: %d workers", worker_no)
    return logins


def seed_safety() -> None:
    """The city's 安康杯 (``contest.indicators.demo``: last year's final with unit certificates, this year's
    copied from it and its units enrolled), award places handed down to four counties
    (``contest.registration.demo_units``), every unit's self-assessment with evidence
    (``contest.assessments.demo``), then inspection, sign-off, ranking and 公示."""
    from contest.clock import frozen_today
    from contest.models import Event
    from contest.services import results

    city = _by_username("city")
    safety = seed_safety_contest(city)
    enterprises, teams = db.session.get(Event, safety.enterprise_event_id), db.session.get(Event, safety.team_event_id)
    seed_unit_enrolment(enterprises, {"柯城区": 1, "衢江区": 1, "龙游县": 1, "江山市": 1}, pending=0)
    with frozen_today(date(today().year, 5, 10)):
        seed_self_assessments(enterprises, _unit_organiser, fatal_unit_id=safety.vetoed_unit_id)
        seed_self_assessments(teams, _unit_organiser)
    seed_safety_inspection(safety)
    results.publish(city, safety.contest_id)
    db.session.commit()


def _unit_organiser(unit: Organisation) -> User:
    """The first organiser of ``unit`` (a team's leader, an enterprise's organiser)."""
    return db.session.scalar(select(User).join(UserRole, UserRole.user_id == User.id)
                             .where(User.org_id == unit.id, UserRole.role == Role.ORGANISER).order_by(User.id).limit(1))


def seed_answered_objection() -> list[DemoLogin]:
    """An objection to this year's 衢江区 电工 results (in public notice), filed by one of its entrants and
    answered 不予采纳 by the host: its objector sees the answer on his home page, in 我的参赛 and in his inbox."""
    from contest.models import Contest, Event
    from contest.services import results

    event = db.session.scalar(select(Event).join(Contest).where(Contest.title.endswith("年衢江区职工电工技能比武")))
    objector = _workers("qujiang.e1.t1")[0]
    objection = results.file_objection(objector, event.id, "我的实操分数与现场记录不符，请复核。")
    results.resolve_objection(_by_username("qujiang"), objection.id, False,
                              "经裁判长调阅评分记录和现场视频复核，实操分数录入无误，维持原成绩。")
    return [DemoLogin(objector.username, "worker", f"{objector.org.name} (异议已答复)")]


def seed_notifications() -> None:
    """E-mail addresses for the organisers and the first team's workers (``<username>@demo.quzhou.example``;
    ``.example`` never reaches a real mailbox), and the "registration closing" notice of this year's city
    contest as the daily job would send it three days before its deadline. Every other kind (waiting, rejected,
    confirmed, quota, results published, objection answered, certificates) was written by its cause above. The
    outbox is left as a worker would leave it: mailed to those with an address (``sent``), ``skipped`` for the
    rest, so the queue starts empty."""
    from datetime import timedelta

    from sqlalchemy import or_, update

    from contest.models import Contest, Notification
    from contest.services import notifications

    organisers = select(UserRole.user_id).where(UserRole.role == Role.ORGANISER)
    for user in db.session.scalars(select(User).where(or_(User.id.in_(organisers), User.username.like("w000%"))).order_by(User.id)):
        user.email = f"{user.username}@demo.quzhou.example"
    db.session.commit()
    contest = db.session.scalar(select(Contest).where(Contest.title == f"{today().year}年衢州市职工职业技能大赛"))
    notifications.notify_due(contest.registration_closes - timedelta(days=notifications.CLOSING_NOTICE_DAYS))
    with_email = select(User.id).where(User.email.is_not(None))
    db.session.execute(update(Notification).where(Notification.user_id.in_(with_email))
                       .values(email_status="sent", sent_at=Notification.created_at, attempts=1))
    db.session.execute(update(Notification).where(Notification.email_status == "pending").values(email_status="skipped"))
    db.session.commit()


def _profile(user: User, rng: random.Random, region: str, occupation: str, used: set[str]) -> None:
    gender = rng.choice("MMMF")
    while True:
        # Ages, not birth years, are fixed, so the demo's ages at its contests (and so its youth titles)
        # stay the same from year to year; in 2026 the workers were born 1968–2000.
        born = date(rng.randint(today().year - 58, today().year - 26), rng.randint(1, 12), rng.randint(1, 28))
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


# ---------------------------------------------------------------------------------------------- contests


ELECTRICIAN = (
    ("理论知识", 30, "mean", (("笔试", "100", "measurement"),)),
    ("实际操作", 70, "trimmed_mean", (("电路接线", "40", "measurement"), ("故障排查", "40", "measurement"),
                                      ("安全文明生产", "20", "judgement"))),
)
WELDER = (
    ("理论知识", 20, "mean", (("笔试", "100", "measurement"),)),
    ("实际操作", 80, "trimmed_mean", (("焊缝外观", "50", "judgement"), ("射线探伤", "50", "measurement"))),
)
TEAMWORK = (("实际操作", 100, "mean", (("协作完成度", "60", "measurement"), ("用时", "40", "measurement"))),)


def seed_contests() -> None:
    """Contests in every state the system supports so far, with quotas, nominations at every step and a draw."""
    from contest.clock import frozen_today
    from contest.domain.contests import ContestStatus
    from contest.services import contests, draws, registration
    from contest.services.contests import ContestInput, EventInput

    city, admin = _by_username("city"), _by_username("admin")
    year = today().year

    # Last year's city contest, run to the start (registration closed, draw held): the source of this year's copy.
    last = date(year - 1, 5, 1)
    with frozen_today(last):
        previous = contests.create_contest(city, ContestInput(
            f"{year - 1}年衢州市职工职业技能大赛", year - 1, "skills", last, date(year - 1, 5, 31), date(year - 1, 6, 20),
            "衢州市职工技能实训基地", "全市职工职业技能竞赛，决赛在衢州市职工技能实训基地举行。",
            "一、参赛对象：全市在职职工。\n二、竞赛形式：理论知识与实际操作相结合。\n三、奖项：一等奖10%，二等奖20%，三等奖30%。"))
        electric = contests.create_event(city, previous.id, EventInput("电工", occupations="电工、变电设备检修工"))
        _rubric(city, electric, ELECTRICIAN)
        welder = contests.create_event(city, previous.id, EventInput("焊工"))
        _rubric(city, welder, WELDER)
        contests.change_status(city, previous.id, ContestStatus.OPEN)
        for team in ("kecheng.e1.t1", "qujiang.e1.t1", "longyou.e1.t1", "jiangshan.e1.t1"):
            for worker in _workers(team)[:3]:
                registration.nominate(admin, electric.id, [worker.id])
        for team in ("kecheng.e2.t2", "qujiang.e2.t2", "kaihua.e2.t2"):
            for worker in _workers(team)[:2]:
                registration.nominate(admin, welder.id, [worker.id])
    with frozen_today(date(year - 1, 6, 1)):
        contests.change_status(city, previous.id, ContestStatus.CLOSED)
        draws.hold_draw(city, electric.id)
        draws.hold_draw(city, welder.id)
        contests.change_status(city, previous.id, ContestStatus.RUNNING)
    _seed_judging(city, electric, welder)

    # This year's city contest, copied from last year's and open for registration.
    opens = today()
    current = contests.copy_contest(city, previous.id, year)
    contests.update_contest(city, current.id, ContestInput(
        current.title, year, "skills", opens, opens.replace(day=1) + _days(45), opens.replace(day=1) + _days(75),
        current.venue, current.description, current.rules))
    team_event = contests.create_event(city, current.id, EventInput("班组协作赛", kind="team", team_min=3, team_max=3))
    _rubric(city, team_event, TEAMWORK)
    contests.change_status(city, current.id, ContestStatus.OPEN)
    electric, welder = current.events[0], current.events[1]
    for _name, county_login, _region in COUNTIES:
        county = _by_username(county_login)
        registration.set_quota(city, electric.id, county.org_id, 4)
        registration.set_quota(city, welder.id, county.org_id, 3)
        registration.set_quota(city, team_event.id, county.org_id, 1)
    kecheng = _by_username("kecheng")
    for index, places in enumerate((2, 1, 1), start=1):
        registration.set_quota(kecheng, electric.id, _by_username(f"kecheng.e{index}").org_id, places)

    # Nominations at every step of the climb.
    workers = _workers("kecheng.e1.t1")
    applied = registration.nominate(workers[0], electric.id, [workers[0].id])  # waits for the team
    leader = _by_username("kecheng.e1.t1")
    by_leader = registration.nominate(leader, electric.id, [workers[1].id])  # waits for the enterprise
    enterprise = _by_username("kecheng.e1")
    registration.approve(enterprise, by_leader.id)  # now waits for the county
    registration.approve(kecheng, by_leader.id)  # now waits for the city
    rejected = registration.nominate(leader, welder.id, [workers[2].id])
    registration.reject(enterprise, rejected.id, "本企业焊工项目名额已由车间推荐人选使用，请参加明年比赛。")
    withdrawn = registration.nominate(workers[3], welder.id, [workers[3].id])
    registration.withdraw(workers[3], withdrawn.id, "工作安排冲突")
    for county_login in ("qujiang", "longyou"):
        team = _workers(f"{county_login}.e1.t1")
        county = _by_username(county_login)
        for worker in team[:2]:
            nomination = registration.nominate(county, electric.id, [worker.id])  # waits for the city
            registration.approve(city, nomination.id)  # confirmed
    jiangshan = _by_username("jiangshan")
    registration.nominate(jiangshan, team_event.id, [w.id for w in _workers("jiangshan.e1.t2")[:3]], "江山钢筋突击队")
    del applied
    _city_approval_queue(electric)

    # A county contest closed with its draw held, and a county draft.
    longyou = _by_username("longyou")
    with frozen_today(opens - _days(20)):
        closed = contests.create_contest(longyou, ContestInput(
            f"{year}年龙游县焊工技能比武", year, "skills", opens - _days(20), opens - _days(5), opens + _days(10), "龙游县职工服务中心"))
        weld = contests.create_event(longyou, closed.id, EventInput("焊工"))
        _rubric(longyou, weld, WELDER)
        contests.change_status(longyou, closed.id, ContestStatus.OPEN)
        for team in ("longyou.e2.t2", "longyou.e2.t1"):
            for worker in _workers(team)[:4]:
                registration.nominate(longyou, weld.id, [worker.id])
    with frozen_today(opens - _days(4)):
        contests.change_status(longyou, closed.id, ContestStatus.CLOSED)
        draws.hold_draw(longyou, weld.id)
    _full_contest("city", f"{year - 2}年衢州市职工电工技能竞赛", year - 2, ["kecheng.e1.t1", "qujiang.e1.t1", "jiangshan.e1.t1"],
                  ["judge01", "judge02", "judge03"], final=True)
    _full_contest("qujiang", f"{year}年衢江区职工电工技能比武", year, ["qujiang.e1.t1", "qujiang.e2.t1"],
                  ["qujiang.judge"], final=False)
    _sports_contests(year)
    draft = contests.create_contest(kecheng, ContestInput(
        f"{year}年柯城区电工技能竞赛", year, "skills", None, None, None, "", "筹备中：柯城区电工技能竞赛。"))
    contests.create_event(kecheng, draft.id, EventInput("电工"))


def _city_approval_queue(electric) -> None:
    """Entries from teams of the same name in three counties wait for the city, so that its approval list
    shows why every entry carries its county · enterprise · team."""
    from contest.services import registration

    for county_login in ("changshan", "kaihua"):
        worker = _workers(f"{county_login}.e1.t1")[0]
        registration.nominate(_by_username(county_login), electric.id, [worker.id])  # waits for the city


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


def _seed_judging(city: User, electric, welder) -> None:
    """Judges on last year's events: 焊工 fully scored and signed off, 电工 half scored."""
    from contest.services import judging

    rng = random.Random(7)
    panels = {electric.id: ["judge01", "judge02", "judge03", "judge04", "judge05"],
              welder.id: ["judge06", "judge07", "judge08"]}
    for event_id, usernames in panels.items():
        for index, username in enumerate(usernames):
            judging.assign_judge(city, event_id, _by_username(username).id, chief=index == 0)
    for event, share in ((welder, 1.0), (electric, 0.5)):
        for username in panels[event.id]:
            judge = _by_username(username)
            sheet = judging.sheet(judge, event.id)
            entries = sheet["entries"][: max(1, int(len(sheet["entries"]) * share))]
            items = []
            for entry in entries:
                for criterion in sheet["criteria"]:
                    if criterion["kind"] == "judgement":
                        value = str(rng.choice((1, 2, 2, 3)))
                    else:
                        top = float(criterion["max"])
                        value = f"{rng.uniform(top * 0.55, top * 0.98):.1f}"
                    items.append({"competitor_number": entry["competitor_number"], "criterion_id": criterion["id"], "value": value})
            judging.enter_scores(judge, event.id, score_items(items))
    judging.sign_off(_by_username("judge06"), welder.id)
    from contest.services import contests, results

    contests.set_ranking_rules(city, welder.id, [f"component:{welder.components[1].id}"], {
        **contests.DEFAULT_AWARD_SCHEME, "top_title": {"name": "技术能手", "ranks": "2"}, "youth_title": {"name": "青年岗位能手", "max_age": "35"}})
    results.compute_results(city, welder.id)


def _full_contest(host_login: str, title: str, year: int, teams: list[str], judges: list[str], final: bool) -> None:
    """A small contest run from registration to published (or final) results, in its own year."""
    from datetime import timedelta

    from contest.clock import frozen_today
    from contest.domain.contests import ContestStatus
    from contest.services import contests, draws, judging, registration, results
    from contest.services.contests import ContestInput, EventInput

    host = _by_username(host_login)
    opens = date(year, 4, 1)
    with frozen_today(opens):
        contest = contests.create_contest(host, ContestInput(title, year, "skills", opens, opens + timedelta(days=30),
                                                             opens + timedelta(days=50), "", "年度职工技能竞赛。"))
        event = contests.create_event(host, contest.id, EventInput("电工"))
        _rubric(host, event, ELECTRICIAN)
        contests.set_ranking_rules(host, event.id, [f"component:{event.components[1].id}"], {
            **contests.DEFAULT_AWARD_SCHEME, "mode": "count",
            "tiers": [{"name": "一等奖", "value": "1"}, {"name": "二等奖", "value": "2"}, {"name": "三等奖", "value": "3"}],
            "top_title": {"name": "技术能手", "ranks": "3"}, "youth_title": {"name": "青年岗位能手", "max_age": "35"}})
        contests.change_status(host, contest.id, ContestStatus.OPEN)
        for team in teams:
            for worker in _workers(team)[:3]:
                registration.nominate(_by_username("admin"), event.id, [worker.id])
    with frozen_today(opens + timedelta(days=31)):
        contests.change_status(host, contest.id, ContestStatus.CLOSED)
        draws.hold_draw(host, event.id)
        contests.change_status(host, contest.id, ContestStatus.RUNNING)
        for index, username in enumerate(judges):
            judging.assign_judge(host, event.id, _by_username(username).id, chief=index == 0)
        rng = random.Random(year)
        for username in judges:
            judge = _by_username(username)
            sheet = judging.sheet(judge, event.id)
            items = [{"competitor_number": e["competitor_number"], "criterion_id": c["id"],
                      "value": str(rng.choice((2, 3))) if c["kind"] == "judgement" else f"{rng.uniform(float(c['max']) * 0.6, float(c['max'])):.1f}"}
                     for e in sheet["entries"] for c in sheet["criteria"]]
            judging.enter_scores(judge, event.id, score_items(items))
        judging.sign_off(_by_username(judges[0]), event.id)
        results.compute_results(host, event.id)
        results.publish(host, contest.id, notice_days=5)
    if final:
        _backdate_publication(contest.id, opens + timedelta(days=31))  # the notice of a past year is long over
        results.finalise(host, contest.id)
        _backdate_publication(contest.id, opens + timedelta(days=31), final=True)
        from contest.services import certificates

        with frozen_today(opens + timedelta(days=40)):  # certificates carry their own year's date
            certificates.issue_for_event(host, event.id)


def _backdate_publication(contest_id: int, day: date, final: bool = False) -> None:
    """Demo contests of past years: published on ``day`` at 10:00 local time, the notice over five days later."""
    from datetime import datetime, time, timedelta

    from contest.clock import to_utc
    from contest.models import Publication

    publication = db.session.scalar(select(Publication).where(Publication.contest_id == contest_id))
    publication.published_at = to_utc(datetime.combine(day, time(10)))
    publication.notice_until = publication.published_at + timedelta(days=5)
    if final:
        publication.finalised_at = publication.notice_until + timedelta(hours=1)
    db.session.commit()


SPORTS_TEAMS = ["kecheng.e1.t1", "qujiang.e1.t1", "longyou.e1.t1", "jiangshan.e1.t1", "changshan.e1.t1", "kaihua.e1.t1",
                "kecheng.e2.t1", "qujiang.e2.t1"]


def _sports_contests(year: int) -> None:
    """Head-to-head events of the 职工技能运动会: last year's finished (placements → awards → certificates),
    this year's running with a single elimination in play, a finished round robin, a Swiss event between
    rounds and a double elimination under way."""
    from datetime import timedelta

    from contest.clock import frozen_today
    from contest.domain.contests import ContestStatus
    from contest.services import brackets, certificates, contests, draws, judging, registration, results
    from contest.services.contests import ContestInput, EventInput

    city, admin = _by_username("city"), _by_username("admin")
    chief, second = _by_username("judge07"), _by_username("judge08")
    workers = [w for team in SPORTS_TEAMS for w in _workers(team)[:3]]

    def run(contest_title: str, contest_year: int, events: list[tuple[str, str, int]], opens: date):
        with frozen_today(opens):
            contest = contests.create_contest(city, ContestInput(contest_title, contest_year, "sports", opens, opens + timedelta(days=20),
                                                                 opens + timedelta(days=30), "衢州市体育中心", "全市职工技能运动会。"))
            made = []
            for index, (name, fmt, count) in enumerate(events):
                event = contests.create_event(city, contest.id, EventInput(name, bracket_format=fmt))
                contests.set_ranking_rules(city, event.id, [], {
                    **contests.DEFAULT_AWARD_SCHEME, "mode": "count",
                    "tiers": [{"name": "一等奖", "value": "1"}, {"name": "二等奖", "value": "1"}, {"name": "三等奖", "value": "2"}]})
                made.append((event, fmt, count, index))
            contests.change_status(city, contest.id, ContestStatus.OPEN)
            for event, _fmt, count, index in made:
                for worker in workers[index * 3: index * 3 + count] if index * 3 + count <= len(workers) else workers[:count]:
                    registration.nominate(admin, event.id, [worker.id])
        with frozen_today(opens + timedelta(days=21)):
            contests.change_status(city, contest.id, ContestStatus.CLOSED)
            for event, fmt, _count, _index in made:
                draws.hold_draw(city, event.id)
                judging.assign_judge(city, event.id, chief.id, chief=True)
                judging.assign_judge(city, event.id, second.id)
                brackets.generate(city, event.id, brackets.Setup(third_place=fmt == "single_elimination",
                                                                 rounds=4 if fmt == "swiss" else None))
            contests.change_status(city, contest.id, ContestStatus.RUNNING)
        return contest, [event for event, *_ in made]

    # Last year: a finished single elimination, signed off, ranked, published, final, certificates issued.
    last, (chess,) = run(f"{year - 1}年衢州市职工技能运动会", year - 1, [("象棋", "single_elimination", 8)], date(year - 1, 9, 1))
    with frozen_today(date(year - 1, 9, 25)):
        _play(chief, chess.id, random.Random(1))
        brackets.sign_off(chief, chess.id)
        results.compute_results(city, chess.id)
        results.publish(city, last.id, notice_days=5)
    _backdate_publication(last.id, date(year - 1, 9, 25))
    results.finalise(city, last.id)
    _backdate_publication(last.id, date(year - 1, 9, 25), final=True)
    with frozen_today(date(year - 1, 10, 8)):  # certificates carry their own year's date
        certificates.issue_for_event(city, chess.id)

    # This year: running, every format at a different stage.
    opens = today() - timedelta(days=25)
    _current, (badminton, table_tennis, xiangqi, tug) = run(f"{year}年衢州市职工技能运动会", year, [
        ("羽毛球单打", "single_elimination", 13), ("乒乓球单打", "round_robin", 6), ("象棋", "swiss", 9), ("拔河（个人积分赛）", "double_elimination", 8)],
        opens)
    _play(chief, badminton.id, random.Random(2), limit=7)  # round 1 done, round 2 under way
    _play(chief, table_tennis.id, random.Random(3))  # every game played: standings final, awaiting sign-off
    _play(chief, xiangqi.id, random.Random(4), limit=8)  # rounds 1 and 2 played, round 3 paired
    _play(chief, tug.id, random.Random(5), limit=9)  # winners' semi-finals played, losers' bracket under way


def _play(judge: User, event_id: int, rng: random.Random, limit: int | None = None) -> None:
    """Record results for ready matches in order (the better seed usually wins) until none is left or
    ``limit`` results are recorded."""
    from contest.services import brackets

    played = 0
    while limit is None or played < limit:
        view = brackets.bracket_view(judge, event_id)
        ready = [m for m in view.matches if m.state == "ready"]
        if not ready:
            return
        m = ready[0]
        draws_allowed = view.plan.format in ("round_robin", "swiss")
        roll = rng.random()
        if draws_allowed and roll < 0.15:
            entry = brackets.Entry("draw", 1, 1)
        else:
            favourite = "home" if m.home.seed < m.away.seed else "away"
            winner = favourite if roll < 0.75 else ("away" if favourite == "home" else "home")
            loser_score = rng.randint(5, 19)
            entry = brackets.Entry(winner, 21 if winner == "home" else loser_score, loser_score if winner == "home" else 21)
        brackets.record_result(judge, m.id, entry)
        played += 1
