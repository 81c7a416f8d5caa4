"""Demo data for the dashboard and the portal (called once from ``contest.seed``): this year's county and
enterprise contests with entries spread over the months, a 安康杯 contest with enterprises and teams enrolled as
units (the coverage table's figures), targets, announcements with a PDF (the city's and
counties' for the front page, a county's to an enterprise and an enterprise's own), and a rules document. Deterministic:
fixed names, dates derived from ``today()``, PDFs written invariantly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from contest.clock import frozen_today, today
from contest.domain.contests import ContestStatus
from contest.extensions import db
from contest.models import Contest, Nomination, Organisation, User
from contest.seed_support import add_rubric, by_username, workers_of

COUNTY_CONTESTS = (  # county login, kind, title suffix, event, teams (enterprise.team), workers per team
    ("kecheng", "skills", "职工岗位练兵技能比武", "电工", ("e1.t1", "e1.t2", "e2.t1"), 4),
    ("qujiang", "merit", "重点工程立功竞赛", "钢筋工", ("e3.t1", "e3.t2"), 5),
    ("longyou", "skills", "职工数控技能比武", "数控车工", ("e2.t1", "e2.t2", "e1.t1"), 3),
    ("jiangshan", "innovation", "职工创新创效竞赛", "创新成果", ("e1.t1", "e2.t1", "e3.t1"), 3),
    ("changshan", "skills", "职工砌筑技能比武", "砌筑工", ("e3.t2", "e3.t1"), 4),
    ("kaihua", "skills", "职工焊工技能比武", "焊工", ("e2.t2", "e2.t1"), 4),
)
ENTERPRISE_CONTESTS = (  # enterprise login, kind, title suffix, event, teams
    ("kecheng.e1", "skills", "供电岗位技能比武", "变电设备检修工", ("t1", "t2")),
    ("jiangshan.e2", "merit", "安全生产立功竞赛", "数控车工", ("t1", "t2")),
)
# A county's own 安康杯 (柯城区): its enterprises and teams enrol; the first ones the county enrols itself
# (confirmed at once), the others their own enterprise enrols (waiting for the county, the host, to confirm).
SAFETY_ENTERPRISES = ("kecheng.e1", "kecheng.e2", "kecheng.e3")
SAFETY_TEAMS = ("kecheng.e1.t1", "kecheng.e1.t2", "kecheng.e2.t1", "kecheng.e3.t1")
SAFETY_CONFIRMED = 2  # enterprises the county enrols itself (its teams likewise: the first two)
SIMPLE = (("实际操作", 100, "mean", (("操作", "80", "measurement"), ("安全文明生产", "20", "judgement"))),)


def seed_dashboard_demo() -> None:

    year, now = today().year, today()
    months = max(1, now.month)
    for index, (login, kind, suffix, event_name, teams, per_team) in enumerate(COUNTY_CONTESTS):
        county = by_username(login)
        opens = date(year, 1 + (index * 2) % months, 3 + index)
        workers = [w for team in teams for w in workers_of(f"{login}.{team}")[:per_team]]
        _contest(county, f"{year}年{county.org.name}{suffix}", kind, event_name, opens, workers)
    for login, kind, suffix, event_name, teams in ENTERPRISE_CONTESTS:
        host = by_username(login)
        opens = date(year, max(1, months - 2), 10)
        workers = [w for team in teams for w in workers_of(f"{login}.{team}")[:3]]
        _contest(host, f"{year}年{host.org.name}{suffix}", kind, event_name, opens, workers)
    admin = by_username("admin")
    city = by_username("city")
    kecheng = by_username("kecheng")
    # open now (registration still running), so the county has enrolments to confirm
    _safety_units(kecheng, f"{year}年{kecheng.org.name}“安康杯”竞赛", max(date(year, 1, 1), now - timedelta(days=10)))
    _contest(city, f"{year}年衢州市职工创新成果大赛", "innovation", "创新成果", date(year, min(5, months), 8), [], nominator=admin)
    for month, title, event_name, teams in ((min(4, months), "职工数控车工技能竞赛", "数控车工", ("kecheng.e2.t1", "longyou.e2.t1", "jiangshan.e2.t1")),
                                            (min(6, months), "职工钢筋工技能竞赛", "钢筋工", ("qujiang.e3.t1", "changshan.e3.t1", "kaihua.e3.t1")),
                                            (min(9, months), "职工变电设备检修技能竞赛", "变电设备检修工", ("kecheng.e1.t2", "qujiang.e1.t2"))):
        workers = [w for team in teams for w in workers_of(team)[3:6]]
        _contest(city, f"{year}年衢州市{title}", "skills", event_name, date(year, month, 12), workers, nominator=admin)
    _targets(year, city)
    _announcements(city, by_username("kecheng"), year)
    _age_waiting_approvals()


def _contest(host: User, title: str, kind: str, event_name: str, opens: date, workers: list[User], nominator: User | None = None) -> Contest:
    """An open contest of ``host``'s unit with one event and ``workers`` entered, dated from ``opens``."""
    from contest.services import contests, registration
    from contest.services.contests import ContestInput, EventInput

    closes, day = opens + timedelta(days=30), opens + timedelta(days=45)
    with frozen_today(opens):
        contest = contests.create_contest(host, ContestInput(title, opens.year, kind, opens, closes, day,
                                                             f"{host.org.name}职工服务中心", f"{title}，面向本单位及所属单位在职职工。"))
        event = contests.create_event(host, contest.id, EventInput(event_name))
        add_rubric(host, event, SIMPLE)
        contests.change_status(host, contest.id, ContestStatus.OPEN)
        for worker in workers:
            registration.nominate(nominator or host, event.id, [worker.id])
    if closes < today():
        with frozen_today(closes + timedelta(days=1)):
            contests.change_status(host, contest.id, ContestStatus.CLOSED)
    # Entries dated through the registration window, never after yesterday (the month-by-month table reads their
    # dates; an entry dated in the future would count in the headline but in no month shown yet).
    ids = list(db.session.scalars(select(Nomination.id).where(Nomination.event_id == event.id).order_by(Nomination.id)))
    span, latest = 30, max(opens, today() - timedelta(days=1))
    for i, nomination_id in enumerate(ids):
        day = min(opens + timedelta(days=(i * 7) % span), latest)
        db.session.execute(update(Nomination).where(Nomination.id == nomination_id).values(created_at=datetime(day.year, day.month, day.day, 2)))
    db.session.commit()
    return contest


def _safety_units(county: User, title: str, opens: date) -> Contest:
    """A county's 安康杯 of the year (events 优胜企业 and 优胜班组, for units; the city's own 安康杯 is
    ``contest.indicators.demo``) with enterprises and teams enrolled: some by the county (confirmed), the others
    by their enterprise (waiting for the county, the host, to confirm)."""
    from contest.services import contests, registration
    from contest.services.contests import ContestInput, EventInput

    closes, day = opens + timedelta(days=30), opens + timedelta(days=45)
    with frozen_today(opens):
        contest = contests.create_contest(county, ContestInput(title, opens.year, "safety", opens, closes, day, f"{county.org.name}职工服务中心",
                                                             f"{title}，面向全区企业和班组，以单位为参赛主体。"))
        enterprises = contests.create_event(county, contest.id, EventInput("优胜企业", kind="unit"))
        teams = contests.create_event(county, contest.id, EventInput("优胜班组", kind="unit"))
        for event in (enterprises, teams):
            add_rubric(county, event, SIMPLE)
        contests.change_status(county, contest.id, ContestStatus.OPEN)
        for i, login in enumerate(SAFETY_ENTERPRISES):
            unit = by_username(login)
            registration.nominate_unit(county if i < SAFETY_CONFIRMED else unit, enterprises.id, unit.org_id)
        for i, login in enumerate(SAFETY_TEAMS):
            unit = by_username(login)
            enterprise = by_username(login.rsplit(".", 1)[0])
            registration.nominate_unit(county if i < SAFETY_CONFIRMED else enterprise, teams.id, unit.org_id)
    if closes < today():
        with frozen_today(closes + timedelta(days=1)):
            contests.change_status(county, contest.id, ContestStatus.CLOSED)
    db.session.commit()
    return contest


WAITING_AGES = (1, 5, 10)  # days: one waiting approval in three in each age bucket (under 3, 3–7, over 7 days)


def _age_waiting_approvals() -> None:
    """Back-date the approvals waiting so far (pending nominations, by id), in turn by ``WAITING_AGES`` days:
    each step and the nomination's creation move back together, so the dashboard's age columns all have figures."""
    from contest.domain.nominations import NominationStatus

    pending = db.session.scalars(select(Nomination).where(Nomination.status == NominationStatus.PENDING).order_by(Nomination.id)).all()
    for i, nomination in enumerate(pending):
        back = timedelta(days=WAITING_AGES[i % len(WAITING_AGES)])
        nomination.created_at -= back
        for step in nomination.steps:
            step.at -= back
    db.session.commit()


def _targets(year: int, city: User) -> None:
    from contest.domain.targets import PLAN_DEFAULTS
    from contest.services.dashboard import seed_targets

    seed_targets(city.org, year, dict(PLAN_DEFAULTS), city)
    counties = db.session.scalars(select(Organisation).where(Organisation.parent_id == city.org_id, Organisation.level == "county")
                                  .order_by(Organisation.position, Organisation.id))
    for county in counties:
        seed_targets(county, year, {"county_contests": 12, "entries": 600, "safety_coverage": 100}, city)
    db.session.commit()


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with Chinese text, byte-for-byte the same on every run (``contest.documents.notice``)."""
    from contest.documents.notice import render_notice

    return render_notice(title, lines)


def _announcements(city: User, kecheng: User, year: int) -> None:
    from contest.services.portal import Upload, add_rules_document, seed_announcement

    rules = [f"{year}年衢州市职工职业技能大赛竞赛规程", "一、参赛对象：全市在职职工。", "二、竞赛项目：电工、焊工、班组协作赛。",
             "三、竞赛形式：理论知识与实际操作相结合。", "四、奖项设置：一等奖10%，二等奖20%，三等奖30%。"]
    main = db.session.scalar(select(Contest).where(Contest.title == f"{year}年衢州市职工职业技能大赛"))
    if main is not None:
        add_rules_document(city, main.id, Upload("竞赛规程.pdf", demo_pdf(rules[0], rules[1:])))
    now = datetime.combine(today(), datetime.min.time()).replace(hour=1)
    notices = (
        (city, f"关于举办{year}年衢州市职工职业技能大赛的通知", "各县（市、区）总工会、市直各单位：\n为弘扬劳模精神、劳动精神、工匠精神，"
         "市总工会决定举办本年度全市职工职业技能大赛，现将有关事项通知如下。具体要求见附件竞赛规程。", 2,
         [Upload("竞赛规程.pdf", demo_pdf(rules[0], rules[1:]))]),
        (city, f"{year}年“安康杯”竞赛活动启动通知", "各单位要把“安康杯”竞赛覆盖到每一家企业，参赛情况纳入年度考核。", 20, []),
        (city, "职工技能竞赛成绩公示说明", "成绩公示期内，对公示结果有异议的，可登录系统提出异议，主办单位将在公示期内答复。", 40, []),
        (kecheng, "柯城区职工岗位练兵报名提醒", "请各企业于报名截止日前完成推荐和审核。", 5, []),
    )
    for author, title, body, days_ago, files in notices:
        seed_announcement(author.org_id, author, title, body, now - timedelta(days=days_ago), files)
    # A county's notice to one of its enterprises and an enterprise's to its own teams: listed on the portal only
    # under that enterprise (or below), not on the city's front page.
    enterprise = by_username("kecheng.e1")
    seed_announcement(kecheng.org_id, kecheng, f"关于{enterprise.org.name}承办区级技能比武的通知",
                      f"{enterprise.org.name}：经研究，区级职工岗位练兵技能比武由你单位承办，请做好场地和设备准备。",
                      now - timedelta(days=7), audience_id=enterprise.org_id)
    seed_announcement(enterprise.org_id, enterprise, f"{enterprise.org.name}班组安全培训安排",
                      "各班组：本月安全培训按轮班安排进行，请班组长组织全员参加并做好签到。", now - timedelta(days=3),
                      [Upload("安全培训安排.pdf", demo_pdf(f"{enterprise.org.name}班组安全培训安排",
                                                          ["一、时间：每周三下午。", "二、地点：公司培训中心。", "三、要求：全员参加，做好签到。"]))])
    db.session.commit()
