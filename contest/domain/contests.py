"""Contest kinds, the status lifecycle and the checks a contest must pass to leave a state.

Lifecycle::

    draft → open → closed → running → scored → published → final
              ↑______|  (closed → open: reopen registration while the window has not ended)

Every transition is explicit and checked (``check_transition``); anything not in ``TRANSITIONS`` is refused.
- draft → open: the contest has a registration window that has not ended, at least one event, and every
  event is complete (see ``check_event``).
- open → closed: registration ends (an organiser closes it, at or after the deadline, or early).
- closed → open: reopen, only while today is within the registration window and before any draw.
- closed → running: every confirmed entry has its competitor number (every event with entries had its draw).
- running → scored, scored → published, published → final: checked by the judging and results services.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from contest.domain.errors import N_, DomainError, Msg


class ContestKind(str, enum.Enum):
    SKILLS = "skills"  # 职业技能竞赛
    MERIT = "merit"  # 立功竞赛
    SAFETY = "safety"  # 安康杯
    INNOVATION = "innovation"  # 创新竞赛
    SPORTS = "sports"  # 职工技能运动会
    DATA = "data"  # 数据挖掘大赛


class ContestStatus(str, enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    RUNNING = "running"
    SCORED = "scored"
    PUBLISHED = "published"
    FINAL = "final"


class EventKind(str, enum.Enum):
    """Which kind of entrant an event takes (``domain.entrants.entrant_kind_of``): workers, teams, or units."""

    INDIVIDUAL = "individual"
    TEAM = "team"
    UNIT = "unit"


class CriterionKind(str, enum.Enum):
    MEASUREMENT = "measurement"
    JUDGEMENT = "judgement"
    OCCURRENCES = "occurrences"  # 指标考核: a whole count of occurrences (deductions and bonuses)
    VETO = "veto"  # 指标考核: 一票否决, 0 = not hit, 1 = hit (with its reason in the score's note)


class Aggregation(str, enum.Enum):
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"
    MEDIAN = "median"


S = ContestStatus
STATUS_NAMES = {
    S.DRAFT: Msg(N_("draft")),
    S.OPEN: Msg(N_("open for registration")),
    S.CLOSED: Msg(N_("registration closed")),
    S.RUNNING: Msg(N_("running")),
    S.SCORED: Msg(N_("scored")),
    S.PUBLISHED: Msg(N_("published for notice")),
    S.FINAL: Msg(N_("final")),
}
TRANSITIONS: dict[tuple[ContestStatus, ContestStatus], str] = {
    (S.DRAFT, S.OPEN): "open",
    (S.OPEN, S.CLOSED): "close",
    (S.CLOSED, S.OPEN): "reopen",
    (S.CLOSED, S.RUNNING): "start",
    (S.RUNNING, S.SCORED): "score",
    (S.SCORED, S.PUBLISHED): "publish",
    (S.PUBLISHED, S.FINAL): "finalise",
}

# Which states allow what: the one definition of each state set. Services, policy, views and templates name
# these (templates through ``policy.abilities``) instead of spelling states out.
PREPARING: tuple[ContestStatus, ...] = (S.DRAFT, S.OPEN, S.CLOSED)
"""Before the contest starts: its details may change; events and rubrics too while no draw has been held;
quotas may be allocated."""
DELETABLE: tuple[ContestStatus, ...] = (S.DRAFT,)
"""Only a draft can be deleted, and only a draft's events removed."""
REGISTRATION: tuple[ContestStatus, ...] = (S.OPEN,)
"""Entries are submitted (and withdrawn) while the contest is open (and today is in the window)."""
REVIEWING: tuple[ContestStatus, ...] = (S.OPEN, S.CLOSED)
"""Nominations are still approved after the deadline until the contest starts; finals take promoted entries."""
DRAW_HELD: tuple[ContestStatus, ...] = (S.CLOSED,)
"""The draw is held once registration has closed, before the contest starts."""
DRAWING: tuple[ContestStatus, ...] = (S.OPEN, S.CLOSED, S.RUNNING, S.SCORED, S.PUBLISHED, S.FINAL)
"""The draw page exists for every state but a draft."""
BRACKET_SETUP: tuple[ContestStatus, ...] = (S.CLOSED, S.RUNNING)
"""A bracket is drawn up after registration has closed and before scoring ends."""
SCORING: tuple[ContestStatus, ...] = (S.RUNNING,)
"""Judges enter marks and match results, and the chief judge signs off."""
CORRECTING: tuple[ContestStatus, ...] = (S.RUNNING, S.SCORED, S.PUBLISHED)
"""The chief judge corrects after sign-off; corrections answer objections during the notice."""
SIGN_OFF_LIFTABLE: tuple[ContestStatus, ...] = (S.RUNNING, S.SCORED)
"""A bracket correction that clears later matches may lift the sign-off only before publication."""
RESULTS_STAGE: tuple[ContestStatus, ...] = (S.RUNNING, S.SCORED, S.PUBLISHED, S.FINAL)
"""The contest has started: rankings exist or are being computed."""
COMPUTING: tuple[ContestStatus, ...] = (S.RUNNING, S.SCORED, S.PUBLISHED)
"""Results may be (re)computed; after finalisation they stay as they are."""
PUBLISHABLE: tuple[ContestStatus, ...] = (S.SCORED,)
"""Results are published (公示) once every event is scored."""
FINALISABLE: tuple[ContestStatus, ...] = (S.PUBLISHED,)
"""The notice period ends with finalisation."""
PUBLISHED: tuple[ContestStatus, ...] = (S.PUBLISHED, S.FINAL)
"""Results are public (brackets and rankings for everyone); ranking rules can no longer change."""
OBJECTIONS: tuple[ContestStatus, ...] = (S.PUBLISHED,)
"""Objections are filed during the notice period."""
FINAL: tuple[ContestStatus, ...] = (S.FINAL,)
"""Results are final: certificates are issued, finals see the promoted entries; judges no longer change."""
SET_BY_SERVICES: tuple[ContestStatus, ...] = (S.SCORED, S.PUBLISHED, S.FINAL)
"""States reached by scoring and publication, never by the organiser's status buttons."""
UPCOMING: tuple[ContestStatus, ...] = (S.OPEN, S.CLOSED, S.RUNNING)
"""The public portal lists a contest as upcoming while it takes entries, waits to start or runs."""
PUBLIC: tuple[ContestStatus, ...] = (S.OPEN, S.CLOSED, S.RUNNING, S.SCORED, S.PUBLISHED, S.FINAL)
"""A contest has a public page (and its rules documents are public) once it is no longer a draft."""


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    max_marks: Decimal
    kind: CriterionKind = CriterionKind.MEASUREMENT


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    weight: int
    criteria: tuple[CriterionSpec, ...]
    aggregation: Aggregation = Aggregation.MEAN


@dataclass(frozen=True)
class EventSpec:
    name: str
    kind: EventKind
    components: tuple[ComponentSpec, ...]
    team_min: int = 1
    team_max: int = 1
    min_age: int | None = None
    max_age: int | None = None
    rubric: bool = True  # decided by marks on its rubric (False: another decision method, e.g. a bracket)
    not_ready: str | None = None  # why the event's decision method cannot run yet (a msgid with %(event)s), if so


@dataclass(frozen=True)
class ContestFacts:
    """What the lifecycle checks need to know about a contest."""

    status: ContestStatus
    registration_opens: date | None
    registration_closes: date | None
    events: tuple[EventSpec, ...]
    events_without_draw: int = 0  # events with confirmed entries that have no competitor number yet
    draws_held: int = 0  # events whose draw has been held


def check_event(event: EventSpec) -> None:
    """An event is complete when its team size, ages and rubric make sense.

    - team events: 2 ≤ min ≤ max ≤ 20; individual events: size exactly 1;
    - an age range, when given, satisfies 16 ≤ min ≤ max ≤ 70;
    - its decision method is ready (``not_ready`` unset; e.g. an indicator sheet with indicators, for units);
    - a scored event (decided by its rubric: ``rubric`` true) has components whose weights are positive integers summing to
      100, each with at least one criterion whose maximum is positive (a judgement criterion is marked 0–3
      by each judge and scaled to its maximum, see ``domain.scoring``).
    """
    if event.kind == EventKind.TEAM:
        if not (2 <= event.team_min <= event.team_max <= 20):
            raise DomainError(N_("Event %(event)s: a team has between 2 and 20 members, minimum not above maximum."), event=event.name)
    elif (event.team_min, event.team_max) != (1, 1):
        raise DomainError(N_("Event %(event)s: an individual event has exactly one entrant per entry."), event=event.name)
    if event.min_age is not None and event.max_age is not None and event.min_age > event.max_age:
        raise DomainError(N_("Event %(event)s: the minimum age is above the maximum age."), event=event.name)
    for age in (event.min_age, event.max_age):
        if age is not None and not 16 <= age <= 70:
            raise DomainError(N_("Event %(event)s: ages must lie between 16 and 70."), event=event.name)
    if event.not_ready:
        raise DomainError(event.not_ready, event=event.name)
    if not event.rubric:
        return
    check_rubric(event.name, event.components)


def check_rubric(event_name: str, components: Sequence[ComponentSpec]) -> None:
    if not components:
        raise DomainError(N_("Event %(event)s has no components (e.g. theory 30 + practical 70)."), event=event_name)
    total = sum(c.weight for c in components)
    if any(c.weight <= 0 for c in components) or total != 100:
        raise DomainError(
            N_("Event %(event)s: the component weights must be positive and add up to 100 (now %(total)d)."),
            event=event_name, total=total,
        )
    for component in components:
        if not component.criteria:
            raise DomainError(N_("Event %(event)s: component %(component)s has no criteria."), event=event_name, component=component.name)
        for criterion in component.criteria:
            if criterion.max_marks <= 0:
                raise DomainError(N_("Event %(event)s: criterion %(criterion)s needs a positive maximum."), event=event_name, criterion=criterion.name)


def check_transition(facts: ContestFacts, target: ContestStatus, today: date) -> str:
    """Return the transition's name, or raise ``DomainError`` saying why the contest may not move to ``target``."""
    name = TRANSITIONS.get((facts.status, target))
    if name is None:
        raise DomainError(N_("A contest cannot go from %(source)s to %(target)s."), source=STATUS_NAMES[facts.status], target=STATUS_NAMES[target])
    if name in ("open", "reopen"):
        if facts.registration_opens is None or facts.registration_closes is None:
            raise DomainError(N_("Set the registration window first."))
        if facts.registration_closes < today:
            raise DomainError(N_("The registration window ended on %(date)s; move the deadline first."), date=facts.registration_closes.isoformat())
    if name == "open":
        if not facts.events:
            raise DomainError(N_("Add at least one event before opening registration."))
        for event in facts.events:
            check_event(event)
    if name == "reopen" and facts.draws_held:
        raise DomainError(N_("The draw has been held; registration cannot reopen."))
    if name == "start" and facts.events_without_draw:
        raise DomainError(N_("Hold the draw for every event with entries before the contest starts (%(count)d left)."), count=facts.events_without_draw)
    return name


def check_window(opens: date | None, closes: date | None, contest_date: date | None) -> None:
    if opens and closes and opens > closes:
        raise DomainError(N_("Registration cannot close before it opens."))
    if closes and contest_date and contest_date < closes:
        raise DomainError(N_("The contest date must not be before the registration deadline."))


def registration_is_open(status: ContestStatus, opens: date | None, closes: date | None, today: date) -> bool:
    """Entries may be submitted, approved and withdrawn while the contest is open and today is in the window."""
    return status in REGISTRATION and opens is not None and closes is not None and opens <= today <= closes


@dataclass(frozen=True)
class Trade:
    """What a preliminary and its final must share: the kind of event and the trade (工种)."""

    name: str
    occupations: tuple[str, ...]
    kind: EventKind


def same_trade(preliminary: Trade, final: Trade) -> bool:
    """A preliminary feeds only a final of the same trade: the same kind of event (individual or team), and
    either the same event name (spaces ignored) or at least one occupation (工种) in common."""
    if preliminary.kind != final.kind:
        return False
    if "".join(preliminary.name.split()) == "".join(final.name.split()):
        return True
    return bool(set(preliminary.occupations) & set(final.occupations))
