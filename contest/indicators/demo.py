"""Demo data of the 安康杯 on an indicator sheet (called from ``contest.seed``, in two steps around the units'
self-assessments, which lane ``assess`` seeds):

1. ``seed_safety_contest(city)`` — last year's city 安康杯 run to final results with unit certificates, then
   this year's copied from it ("copy from last year"): the published sheet (100 points: 组织领导, 安全教育培训,
   班组安全建设, 隐患排查治理, 合理化建议, 职业健康, 事故情况 — direct points, a deduction, a bonus, a ratio and a
   veto), 12 enterprises and 8 teams of four counties enrolled by their own organisers and approved up the chain
   through the services, registration closed, the draw held, inspectors assigned (a chief inspector);
2. ``seed_safety_inspection(demo)`` — inspection starts; the inspectors score every unit on the tablet's write
   path (notes with deductions); 衢州柯城供电有限公司 gets 97 points but a fatal accident (一票否决, the reason
   noted); the chief inspectors sign off; ranked; awards 优胜企业 / 优胜班组 (vetoed unit excluded).

Deterministic: fixed names, marks from ``random.Random`` with fixed seeds, dates inside each contest's year.
A unit without a submitted self-assessment when inspection starts gets one written here (figures only), so the
ratio indicator has figures to read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from contest.clock import frozen_today, to_utc, today
from contest.commands import score_items
from contest.domain.contests import ContestStatus
from contest.domain.indicators import Indicator, IndicatorMethod, Section, Sheet
from contest.extensions import db
from contest.models import Event, Nomination, Publication, Role, User, UserRole
from contest.models.safety import SelfAssessment
from contest.seed_support import by_username
from contest.services import certificates, contests, draws, indicator_sheets, judging, registration, results
from contest.services.contests import ContestInput, EventInput

M = IndicatorMethod
D = Decimal

SHEET = Sheet((
    Section("组织领导", (
        Indicator("duty", "安全生产责任制落实", M.POINTS, D(10), guidance="查责任书签订、考核兑现记录"),
        Indicator("system", "安全管理机构和制度", M.POINTS, D(5), guidance="查机构设置文件、制度汇编"),
    )),
    Section("安全教育培训", (
        Indicator("training", "人均安全培训学时", M.RATIO, D(10), target=D(8), numerator="training_hours",
                  denominator="workers", guidance="自评数据：培训学时 ÷ 职工人数，达到 8 学时得满分"),
        Indicator("records", "培训计划与记录", M.POINTS, D(5), guidance="查年度培训计划、签到表"),
    )),
    Section("班组安全建设", (
        Indicator("teams", "班组安全活动", M.POINTS, D(15), guidance="查班前会、安全活动记录"),
    )),
    Section("隐患排查治理", (
        Indicator("hazards", "未整改隐患", M.DEDUCTION, D(20), per=D(2), floor=D(0),
                  guidance="现场检查，每发现 1 处未整改隐患扣 2 分，扣完为止"),
    )),
    Section("合理化建议", (
        Indicator("proposals", "采纳的合理化建议", M.BONUS, D(5), per=D(1), guidance="每采纳 1 条加 1 分，最多加 5 分"),
    )),
    Section("职业健康", (
        Indicator("health", "职业健康监护", M.POINTS, D(15), guidance="查体检档案、防护用品发放"),
    )),
    Section("事故情况", (
        Indicator("injuries", "工伤事故", M.DEDUCTION, D(15), per=D(5), floor=D(0), guidance="每起扣 5 分"),
        Indicator("fatal", "发生亡人事故", M.VETO, guidance="一票否决：年度内发生生产安全亡人事故"),
    )),
))

COUNTIES = ("kecheng", "qujiang", "longyou", "jiangshan")
TEAM_COUNTIES = ("kecheng", "qujiang", "longyou")
INSPECTORS = ("judge01", "judge02", "judge03")  # judge01: the chief inspector (检查组组长)
VETOED = "kecheng.e1"  # 97 points, and a fatal accident
VETO_REASON = "3月发生1起高处坠落亡人事故"
ENTERPRISE_SCHEME = {"mode": "count", "tiers": [{"name": "优胜企业", "value": "4"}], "min_score": "90"}
TEAM_SCHEME = {"mode": "count", "tiers": [{"name": "优胜班组", "value": "3"}], "min_score": "90"}


@dataclass
class SafetyDemo:
    contest_id: int
    enterprise_event_id: int
    team_event_id: int
    last_contest_id: int
    vetoed_unit_id: int
    inspectors: tuple[str, ...] = INSPECTORS
    entries: dict[int, list[int]] = field(default_factory=dict)  # event id → nomination ids


def _units(counties, suffixes) -> list[User]:
    """The organisers of the units to enrol, e.g. ``kecheng.e1`` or ``kecheng.e1.t1``."""
    return [by_username(f"{county}{suffix}") for county in counties for suffix in suffixes]


def _create(city: User, year: int) -> tuple[int, int, int]:
    opens = date(year, 3, 1)
    contest = contests.create_contest(city, ContestInput(f"{year}年衢州市“安康杯”竞赛", year, "safety", opens, date(year, 4, 30),
                                                         date(year, 6, 15), "衢州市总工会", "以“安康杯”竞赛推动企业安全生产主体责任落实。"))
    enterprise = contests.create_event(city, contest.id, EventInput("优胜企业", kind="unit"))
    team = contests.create_event(city, contest.id, EventInput("优胜班组", kind="unit"))
    for event, scheme in ((enterprise, ENTERPRISE_SCHEME), (team, TEAM_SCHEME)):
        indicator_sheets.save_sheet(city, event.id, SHEET)
        contests.set_ranking_rules(city, event.id, [], {**contests.DEFAULT_AWARD_SCHEME, **scheme})
    return contest.id, enterprise.id, team.id


def _enrol(city: User, event_id: int, organisers: list[User]) -> list[int]:
    """Each unit's own organiser enrols it; the county approves, then the host confirms."""
    ids = []
    for organiser in organisers:
        nomination = registration.nominate_unit(organiser, event_id, organiser.org_id)
        while nomination.status.value == "pending":
            waiting = nomination.waiting_org_id
            approver = city if waiting == city.org_id else db.session.scalar(
                select(User).join(UserRole).where(User.org_id == waiting, UserRole.role == Role.ORGANISER).order_by(User.id))
            nomination = registration.approve(approver, nomination.id)
        ids.append(nomination.id)
    return ids


def _close_and_assign(city: User, contest_id: int, event_ids: tuple[int, ...]) -> None:
    contests.change_status(city, contest_id, ContestStatus.CLOSED)
    for event_id in event_ids:
        draws.hold_draw(city, event_id)
        for index, username in enumerate(INSPECTORS):
            judging.assign_judge(city, event_id, by_username(username).id, chief=index == 0)


def _figures(rng: random.Random, full: bool) -> dict[str, str]:
    workers = rng.randint(40, 400)
    hours = workers * (8 if full else rng.choice((5, 6, 7, 8, 9, 10)))
    found = rng.randint(5, 30)
    made = rng.randint(3, 20)
    return {"workers": str(workers), "training_sessions": str(rng.randint(4, 24)), "training_hours": str(hours),
            "hazards_found": str(found), "hazards_corrected": str(found - rng.randint(0, 3)),
            "proposals_made": str(made), "proposals_adopted": str(rng.randint(1, made)),
            "health_checks": str(workers - rng.randint(0, 10)), "incidents": "0", "fatal_accidents": "0", "violations": "0"}


def _ensure_self_assessments(event_id: int, nomination_ids: list[int], vetoed_id: int | None, rng: random.Random) -> None:
    """Units without a submitted self-assessment (lane ``assess`` seeds theirs) get figures written here."""
    have = set(db.session.scalars(select(SelfAssessment.nomination_id).where(
        SelfAssessment.event_id == event_id, SelfAssessment.status == "submitted")))
    for nomination_id in nomination_ids:
        if nomination_id in have:
            continue
        figures = _figures(rng, full=nomination_id == vetoed_id)
        if nomination_id == vetoed_id:
            figures["fatal_accidents"] = "1"
        existing = db.session.scalar(select(SelfAssessment).where(SelfAssessment.nomination_id == nomination_id))
        if existing is None:
            db.session.add(SelfAssessment(event_id=event_id, nomination_id=nomination_id, figures=figures, status="submitted",
                                          submitted_at=to_utc(datetime.combine(today(), time(9)))))
        else:
            existing.figures, existing.status = figures, "submitted"
    db.session.commit()


def _inspect(event_id: int, vetoed_id: int | None, rng: random.Random) -> None:
    """Every inspector scores every unit through the one write path; the vetoed unit: full marks but one
    uncorrected hazard and four adopted proposals (97 with its full ratio), the fatal accident noted by the chief."""
    links = indicator_sheets.criteria_of(db.session.get(Event, event_id))
    kinds = {key: SHEET.indicator(key) for key in links}
    by_criterion = {cid: key for key, cid in links.items()}
    for index, username in enumerate(INSPECTORS):
        inspector = by_username(username)
        sheet = judging.sheet(inspector, event_id)
        numbers = {e["competitor_number"] for e in sheet["entries"]}
        number_of = {n.id: n.competitor_number for n in db.session.scalars(select(Nomination).where(Nomination.event_id == event_id))}
        items = []
        for nomination_id, number in sorted(number_of.items(), key=lambda pair: pair[1] or 0):
            if number not in numbers:
                continue
            unit_rng = random.Random(nomination_id * 7 + index)
            for c in sheet["criteria"]:
                indicator = kinds[by_criterion[c["id"]]]
                value, note = _mark(indicator, nomination_id == vetoed_id, index == 0, unit_rng)
                item = {"competitor_number": number, "criterion_id": c["id"], "value": value}
                if note:
                    item["note"] = note
                items.append(item)
        judging.enter_scores(inspector, event_id, score_items(items))
    judging.sign_off(by_username(INSPECTORS[0]), event_id)


def _mark(indicator: Indicator, vetoed: bool, chief: bool, rng: random.Random) -> tuple[str, str]:
    if indicator.method is M.VETO:
        return ("1", VETO_REASON) if vetoed and chief else ("0", "")
    if indicator.method is M.DEDUCTION:
        if indicator.key == "injuries":
            return "0", ""
        count = 1 if vetoed else rng.choice((0, 0, 1, 1, 2, 3))
        return str(count), f"{count} 处隐患未按期整改（消防通道堵塞、配电箱未上锁）" if count else ""
    if indicator.method is M.BONUS:
        count = 4 if vetoed else rng.randint(1, 6)
        return str(count), f"采纳合理化建议 {count} 条" if count else ""
    top = indicator.max_points
    if vetoed:
        return format(top, "f"), ""
    return format((top * D(rng.randint(80, 100)) / 100).quantize(D("0.5")), "f"), ""


def _backdate_publication(contest_id: int, day: date) -> None:
    publication = db.session.scalar(select(Publication).where(Publication.contest_id == contest_id))
    publication.published_at = to_utc(datetime.combine(day, time(10)))
    publication.notice_until = publication.published_at + timedelta(days=5)
    db.session.commit()


def _last_year(city: User, year: int) -> int:
    """Last year's edition, run to final results with unit certificates."""
    opens = date(year, 3, 1)
    with frozen_today(opens):
        contest_id, enterprise_id, team_id = _create(city, year)
        contests.change_status(city, contest_id, ContestStatus.OPEN)
        entered = {enterprise_id: _enrol(city, enterprise_id, _units(COUNTIES[:3], (".e1", ".e2"))),
                   team_id: _enrol(city, team_id, _units(TEAM_COUNTIES[:2], (".e1.t1", ".e2.t1")))}
    rng = random.Random(year)
    with frozen_today(date(year, 5, 20)):
        _close_and_assign(city, contest_id, (enterprise_id, team_id))
        contests.change_status(city, contest_id, ContestStatus.RUNNING)
        for event_id, ids in entered.items():
            _ensure_self_assessments(event_id, ids, None, rng)
            _inspect(event_id, None, rng)
            results.compute_results(city, event_id)
        results.publish(city, contest_id, notice_days=5)
    _backdate_publication(contest_id, date(year, 6, 1))
    with frozen_today(date(year, 6, 20)):
        results.finalise(city, contest_id)
        for event_id in entered:
            certificates.issue_for_event(city, event_id)
    return contest_id


def seed_safety_contest(city: User, year: int | None = None) -> SafetyDemo:
    """This year's city 安康杯 (copied from last year's, which is final with unit certificates): the sheet
    published, 12 enterprises and 8 teams enrolled and approved, registration closed, the draw held, inspectors
    assigned. Self-assessments follow (lane ``assess``), then ``seed_safety_inspection``."""
    year = year or today().year
    last_id = _last_year(city, year - 1)
    with frozen_today(date(year, 3, 1)):
        contest = contests.copy_contest(city, last_id, year)
        enterprise_id, team_id = (e.id for e in contest.events)
        contests.change_status(city, contest.id, ContestStatus.OPEN)
        entries = {enterprise_id: _enrol(city, enterprise_id, _units(COUNTIES, (".e1", ".e2", ".e3"))),
                   team_id: _enrol(city, team_id, _units(TEAM_COUNTIES, (".e1.t1", ".e2.t1", ".e3.t1"))[:8])}
    with frozen_today(date(year, 5, 1)):
        _close_and_assign(city, contest.id, (enterprise_id, team_id))
    vetoed = by_username(VETOED).org_id
    return SafetyDemo(contest.id, enterprise_id, team_id, last_id, vetoed, entries=entries)


def seed_safety_inspection(demo: SafetyDemo) -> None:
    """Inspection of this year's 安康杯: scores (one enterprise vetoed despite 97 points), sign-off, ranking and
    awards (优胜企业, 优胜班组)."""
    city = by_username("city")
    year = today().year
    rng = random.Random(year * 10 + 1)
    vetoed_nomination = db.session.scalar(select(Nomination.id).where(
        Nomination.event_id == demo.enterprise_event_id, Nomination.unit_id == demo.vetoed_unit_id))
    with frozen_today(date(year, 5, 20)):
        contests.change_status(city, demo.contest_id, ContestStatus.RUNNING)
        for event_id, ids in demo.entries.items():
            _ensure_self_assessments(event_id, ids, vetoed_nomination, rng)
            _inspect(event_id, vetoed_nomination if event_id == demo.enterprise_event_id else None, rng)
            results.compute_results(city, event_id)
