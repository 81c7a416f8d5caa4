"""Contests and events: create, edit, copy from an earlier year, move through the lifecycle."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import func, or_, select

from contest import methods, policy
from contest.clock import today
from contest.commands import RankingRules
from contest.domain import awards, ranking
from contest.domain import contests as states
from contest.domain.contests import (
    Aggregation,
    ComponentSpec,
    ContestFacts,
    ContestKind,
    ContestStatus,
    CriterionKind,
    CriterionSpec,
    EventKind,
    EventSpec,
    check_event,
    check_transition,
    check_window,
)
from contest.domain.errors import N_, DomainError, FieldError
from contest.domain.nominations import SKILL_RANK, NominationStatus
from contest.domain.numbers import parse_plain_decimal
from contest.domain.scoring import ScoringConfig
from contest.extensions import db
from contest.loaders import (
    MANAGE_CONTEST,
    get_contest,
    get_event,
    managed_contest,
    managed_event,
    or_404,
    require,
    require_host,
)
from contest.models import Component, Contest, Criterion, Draw, Event, JudgeAssignment, Nomination, Organisation, User
from contest.policy import can_manage, shows_full_names, visible_clause
from contest.services import audit, transaction
from contest.services import search as search_service

__all__ = ["MANAGE_CONTEST", "can_manage", "get_contest", "get_event", "managed_event", "require_host", "shows_full_names",
           "visible_clause"]  # re-exported for the views (see contest.policy and contest.loaders)

logger = logging.getLogger(__name__)

EDITABLE = states.DELETABLE
# Events and rubrics may still be corrected while registration runs, but not after the draw.
RUBRIC_EDITABLE = states.PREPARING


# ---------------------------------------------------------------------------------------------- visibility
# The rules are ``contest.policy``'s and the loaders ``contest.loaders``'; the names stay importable from
# here for the views and services that use them.


def contests_query(user: User, year: int | None = None, kind: str | None = None, status: str | None = None, level: str | None = None,
                   search: str = "", unit: Organisation | None = None):
    """The contests ``user`` sees, newest first; ``search`` finds a title or a host unit (by name or pinyin
    initials), ``unit`` keeps the contests hosted by it or a unit below it."""
    query = select(Contest).join(Contest.host).where(visible_clause(user)).order_by(Contest.year.desc(), Contest.id.desc())
    if search_service.clean(search):
        query = query.where(or_(search_service.contains(Contest.title, search), search_service.unit_name_clause(search)))
    if unit is not None:
        query = query.where(search_service.unit_clause(Contest.host_id, unit))
    if year:
        query = query.where(Contest.year == year)
    if kind:
        query = query.where(Contest.kind == ContestKind(kind))
    if status:
        query = query.where(Contest.status == ContestStatus(status))
    if level:
        query = query.where(Organisation.level == level)
    return query


def find_event(event_id: int) -> Event | None:
    """The event, or None (the API answers its own 404)."""
    return db.session.get(Event, event_id)


def get_component(component_id: int) -> Component:
    return or_404(Component, component_id)


def get_criterion(criterion_id: int) -> Criterion:
    return or_404(Criterion, criterion_id)


def _managed(user: User, contest_id: int) -> Contest:
    return managed_contest(user, contest_id)


# ---------------------------------------------------------------------------------------------- contests


@dataclass(frozen=True)
class ContestInput:
    title: str
    year: int
    kind: str
    registration_opens: date | None = None
    registration_closes: date | None = None
    contest_date: date | None = None
    venue: str = ""
    description: str = ""
    rules: str = ""
    conflict_scope: str = "enterprise"


def _apply_contest(contest: Contest, data: ContestInput) -> None:
    title = " ".join((data.title or "").split())
    if not title or len(title) > 200:
        raise DomainError(N_("Enter a title of at most 200 characters."))
    if not 2000 <= int(data.year or 0) <= 2100:
        raise DomainError(N_("Enter a year between 2000 and 2100."))
    try:
        kind = ContestKind(data.kind)
    except ValueError:
        raise DomainError(N_("Choose the kind of contest.")) from None
    check_window(data.registration_opens, data.registration_closes, data.contest_date)
    if data.conflict_scope not in ("enterprise", "county"):
        raise DomainError(N_("Choose the scope of the conflict-of-interest rule."))
    contest.conflict_scope = data.conflict_scope
    contest.title, contest.year, contest.kind = title, int(data.year), kind
    contest.registration_opens, contest.registration_closes = data.registration_opens, data.registration_closes
    contest.contest_date = data.contest_date
    contest.venue, contest.description, contest.rules = data.venue.strip(), data.description.strip(), data.rules.strip()


def create_contest(actor: User, data: ContestInput) -> Contest:
    """A contest hosted by the actor's own unit (a city organiser creates city contests, and so on)."""
    require(policy.can_create_contest(actor))
    with transaction():
        contest = Contest(host_id=actor.org_id, status=ContestStatus.DRAFT, created_by_id=actor.id)
        _apply_contest(contest, data)
        db.session.add(contest)
        db.session.flush()
        audit(actor, "contest.create", "contest", contest.id, title=contest.title)
    return contest


def update_contest(actor: User, contest_id: int, data: ContestInput) -> Contest:
    with transaction():
        contest = _managed(actor, contest_id)
        if contest.status not in states.PREPARING:
            raise DomainError(N_("The contest has started; its details can no longer change."))
        _apply_contest(contest, data)
        audit(actor, "contest.update", "contest", contest.id)
    return contest


def copy_contest(actor: User, contest_id: int, year: int, title: str | None = None) -> Contest:
    """A new draft for ``year`` with the same events, components, criteria and rules (dates moved by the years)."""
    with transaction():
        source = get_contest(actor, contest_id)
        require(policy.can_copy(actor, source), N_("Only organisers of %(host)s can copy this contest."), host=source.host.name)
        shift = int(year) - source.year

        def moved(d: date | None) -> date | None:
            if d is None:
                return None
            try:
                return d.replace(year=d.year + shift)
            except ValueError:  # 29 February
                return d.replace(year=d.year + shift, day=28)

        new_title = title or source.title.replace(str(source.year), str(year))
        contest = Contest(host_id=source.host_id, status=ContestStatus.DRAFT, created_by_id=actor.id, copied_from_id=source.id)
        _apply_contest(contest, ContestInput(new_title, int(year), source.kind.value, moved(source.registration_opens),
                                             moved(source.registration_closes), moved(source.contest_date), source.venue,
                                             source.description, source.rules, source.conflict_scope))
        for event in source.events:
            copy = Event(name=event.name, kind=event.kind, team_min=event.team_min, team_max=event.team_max,
                         min_age=event.min_age, max_age=event.max_age, min_skill_level=event.min_skill_level,
                         occupations=event.occupations, capacity=event.capacity, tie_breakers=list(event.tie_breakers or []),
                         award_scheme=dict(event.award_scheme or {}), bracket_format=event.bracket_format,
                         method_name=event.method_name, method_options=event.method_options, position=event.position)
            for component in event.components:
                c = Component(name=component.name, weight=component.weight, aggregation=component.aggregation, position=component.position)
                c.criteria = [Criterion(name=k.name, max_x100=k.max_x100, kind=k.kind, position=k.position) for k in component.criteria]
                copy.components.append(c)
            contest.events.append(copy)
        db.session.add(contest)
        db.session.flush()
        for event, copy in zip(source.events, contest.events, strict=True):
            event.method.copied(event, copy)  # e.g. an indicator sheet's links to the copied criteria
        audit(actor, "contest.copy", "contest", contest.id, source=source.id)
    return contest


def _facts(contest: Contest) -> ContestFacts:
    without_number = db.session.scalar(
        select(func.count(func.distinct(Nomination.event_id)))
        .join(Event, Event.id == Nomination.event_id)
        .where(Event.contest_id == contest.id, Nomination.status == NominationStatus.CONFIRMED,
               Nomination.competitor_number.is_(None))
    )
    return ContestFacts(contest.status, contest.registration_opens, contest.registration_closes,
                        tuple(event_spec(e) for e in contest.events), without_number or 0, draws_held(contest.id))


def draws_held(contest_id: int, event_id: int | None = None) -> int:
    query = select(func.count(Draw.id)).join(Event, Event.id == Draw.event_id).where(Event.contest_id == contest_id)
    if event_id is not None:
        query = query.where(Draw.event_id == event_id)
    return db.session.scalar(query) or 0


def event_spec(event: Event) -> EventSpec:
    return EventSpec(
        event.name, event.kind,
        tuple(ComponentSpec(c.name, c.weight, tuple(CriterionSpec(k.name, k.max_marks, k.kind) for k in c.criteria), c.aggregation)
              for c in event.components),
        event.team_min, event.team_max, event.min_age, event.max_age, rubric=event.method.uses_rubric,
        not_ready=event.method.not_ready(event),
    )


def change_status(actor: User, contest_id: int, target: ContestStatus | str) -> Contest:
    """Move the contest to ``target`` if the lifecycle allows it (``contest.domain.contests``)."""
    try:
        target = ContestStatus(target)
    except ValueError:
        raise DomainError(N_("Unknown contest state.")) from None
    with transaction():
        contest = _managed(actor, contest_id)
        if target in states.SET_BY_SERVICES:
            raise DomainError(N_("Scoring and publication move the contest on by themselves."))
        if target == ContestStatus.RUNNING:
            pending = db.session.scalar(
                select(func.count(Nomination.id)).join(Event).where(Event.contest_id == contest.id, Nomination.status == NominationStatus.PENDING)
            )
            if pending:
                raise DomainError(N_("%(count)d nominations still wait for approval; approve or reject them first."), count=pending)
        name = check_transition(_facts(contest), target, today())
        old = contest.status
        contest.status = target
        audit(actor, f"contest.{name}", "contest", contest.id, old=old.value, new=target.value)
    return contest


def delete_contest(actor: User, contest_id: int) -> None:
    with transaction():
        contest = _managed(actor, contest_id)
        if contest.status not in states.DELETABLE:
            raise DomainError(N_("Only a draft can be deleted."))
        audit(actor, "contest.delete", "contest", contest.id, title=contest.title)
        db.session.delete(contest)


# ---------------------------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventInput:
    name: str
    kind: str = EventKind.INDIVIDUAL.value
    team_min: int = 1
    team_max: int = 1
    min_age: int | None = None
    max_age: int | None = None
    min_skill_level: str | None = None
    occupations: str = ""
    capacity: int | None = None
    bracket_format: str | None = None  # the "decided by" choice (a method's, ``contest.methods.choices``)
    tie_breakers: list = field(default_factory=list)
    method: str | None = None  # a decision method by name (default: the one offering ``bracket_format``)


def _editable_event_contest(actor: User, contest_id: int) -> Contest:
    contest = _managed(actor, contest_id)
    if contest.status not in RUBRIC_EDITABLE or draws_held(contest.id):
        raise DomainError(N_("The draw has been held; events can no longer change."))
    return contest


def _apply_event(event: Event, data: EventInput) -> None:
    name = " ".join((data.name or "").split())
    if not name or len(name) > 100:
        raise DomainError(N_("Enter the event's name (at most 100 characters)."))
    try:
        kind = EventKind(data.kind)
    except ValueError:
        raise DomainError(N_("Choose individual or team.")) from None
    team_min, team_max = (int(data.team_min or 1), int(data.team_max or 1)) if kind == EventKind.TEAM else (1, 1)
    if data.min_skill_level and data.min_skill_level not in SKILL_RANK:
        raise DomainError(N_("Choose a skill level from the list."))
    if data.capacity is not None and data.capacity < 1:
        raise DomainError(N_("The capacity must be at least 1, or empty for no limit."))
    method = methods.METHODS.get(data.method) if data.method else methods.method_for_choice(data.bracket_format)
    if method is None:
        raise DomainError(N_("Unknown decision method.") if data.method else N_("Unknown bracket format."))
    event.name, event.kind, event.team_min, event.team_max = name, kind, team_min, team_max
    event.min_age, event.max_age = data.min_age, data.max_age
    event.min_skill_level = data.min_skill_level or None
    event.occupations = (data.occupations or "").strip()
    event.capacity = data.capacity
    event.method.leave(event)
    method.apply_choice(event, data.bracket_format or "")
    event.tie_breakers = list(data.tie_breakers or [])
    spec = event_spec(event)
    # Check everything but the rubric here; the rubric is completed step by step and checked on opening.
    check_event(EventSpec(spec.name, spec.kind, (), spec.team_min, spec.team_max, spec.min_age, spec.max_age, rubric=False))


def create_event(actor: User, contest_id: int, data: EventInput) -> Event:
    with transaction():
        contest = _editable_event_contest(actor, contest_id)
        if any(e.name == " ".join((data.name or "").split()) for e in contest.events):
            raise DomainError(N_("This contest already has an event named %(name)s."), name=data.name)
        event = Event(contest=contest, position=len(contest.events) + 1)
        _apply_event(event, data)
        db.session.add(event)
        db.session.flush()
        audit(actor, "event.create", "event", event.id, contest=contest.id, name=event.name)
    return event


def update_event(actor: User, event_id: int, data: EventInput) -> Event:
    with transaction():
        event = get_event(actor, event_id)
        _editable_event_contest(actor, event.contest_id)
        if any(e.name == " ".join((data.name or "").split()) and e.id != event.id for e in event.contest.events):
            raise DomainError(N_("This contest already has an event named %(name)s."), name=data.name)
        _apply_event(event, data)
        audit(actor, "event.update", "event", event.id)
    return event


def set_method_options(actor: User, event_id: int, options: dict) -> Event:
    """Store the decision method's own settings of an event (its set-up form, ``event.method.setup_page``),
    while events may change (before the draw)."""
    with transaction():
        event = get_event(actor, event_id)
        _editable_event_contest(actor, event.contest_id)
        event.method_options = dict(options)
        audit(actor, "event.method_options", "event", event.id, method=event.method.name, options=event.method_options)
    return event


def delete_event(actor: User, event_id: int) -> None:
    with transaction():
        event = get_event(actor, event_id)
        contest = _editable_event_contest(actor, event.contest_id)
        if contest.status not in states.DELETABLE:
            raise DomainError(N_("Events can only be removed while the contest is a draft."))
        audit(actor, "event.delete", "event", event.id, name=event.name)
        db.session.delete(event)


def add_component(actor: User, event_id: int, name: str, weight: int, aggregation: str) -> Component:
    with transaction():
        event = get_event(actor, event_id)
        _editable_event_contest(actor, event.contest_id)
        name = " ".join((name or "").split())
        if not name or len(name) > 50:
            raise DomainError(N_("Enter the component's name (at most 50 characters)."))
        if not 1 <= int(weight or 0) <= 100:
            raise DomainError(N_("A weight is a whole number from 1 to 100."))
        if event.total_weight + int(weight) > 100:
            raise DomainError(N_("The weights would add up to %(total)d; they must add up to 100."), total=event.total_weight + int(weight))
        try:
            aggregation = Aggregation(aggregation)
        except ValueError:
            raise DomainError(N_("Choose how the judges' marks are combined.")) from None
        component = Component(event=event, name=name, weight=int(weight), aggregation=aggregation, position=len(event.components) + 1)
        db.session.add(component)
        db.session.flush()
        audit(actor, "component.create", "event", event.id, name=name, weight=int(weight))
    return component


def remove_component(actor: User, component_id: int) -> None:
    with transaction():
        component = or_404(Component, component_id)
        _editable_event_contest(actor, get_event(actor, component.event_id).contest_id)
        audit(actor, "component.delete", "event", component.event_id, name=component.name)
        db.session.delete(component)


def parse_marks(text: str) -> Decimal:
    value = parse_plain_decimal(str(text))
    if value is None:
        raise DomainError(N_("Enter the maximum marks as a number, e.g. 10 or 7.5."))
    if value <= 0 or value > 1000 or value != value.quantize(Decimal("0.01")):
        raise DomainError(N_("The maximum marks must be above 0, at most 1000, with at most two decimals."))
    return value


def add_criterion(actor: User, component_id: int, name: str, max_marks: str, kind: str) -> Criterion:
    with transaction():
        component = or_404(Component, component_id)
        _editable_event_contest(actor, get_event(actor, component.event_id).contest_id)
        name = " ".join((name or "").split())
        if not name or len(name) > 100:
            raise DomainError(N_("Enter the criterion's name (at most 100 characters)."))
        value = parse_marks(max_marks)
        try:
            kind = CriterionKind(kind)
        except ValueError:
            raise DomainError(N_("Choose measurement or judgement.")) from None
        criterion = Criterion(component=component, name=name, max_x100=int(value * 100), kind=kind, position=len(component.criteria) + 1)
        db.session.add(criterion)
        db.session.flush()
        audit(actor, "criterion.create", "event", component.event_id, name=name)
    return criterion


def remove_criterion(actor: User, criterion_id: int) -> None:
    with transaction():
        criterion = or_404(Criterion, criterion_id)
        _editable_event_contest(actor, get_event(actor, criterion.component.event_id).contest_id)
        audit(actor, "criterion.delete", "event", criterion.component.event_id, name=criterion.name)
        db.session.delete(criterion)


@dataclass(frozen=True)
class TrimRule:
    """What the rubric page says about the trimmed mean (去掉最高分和最低分) of an event."""

    min_judges: int  # the highest and lowest marks are dropped only when at least this many judges marked
    judges: int  # judges assigned to the event now
    uses_trim: bool  # a component aggregates by trimmed mean

    @property
    def plain_mean_now(self) -> bool:
        """True when the event has judges but fewer than the minimum, so the plain mean is used."""
        return self.uses_trim and 0 < self.judges < self.min_judges


def trim_rule_of(event: Event) -> TrimRule:
    """The trimmed-mean threshold of ``contest.domain.scoring.ScoringConfig`` and the event's judge count."""
    judges = db.session.scalar(select(func.count()).select_from(JudgeAssignment).where(JudgeAssignment.event_id == event.id))
    uses_trim = any(c.aggregation == "trimmed_mean" for c in event.components)
    return TrimRule(ScoringConfig().trim_min_judges, judges or 0, uses_trim)


# ---------------------------------------------------------------------------------------------- ranking rules


DEFAULT_AWARD_SCHEME = {
    "mode": "percent",
    "tiers": [{"name": "一等奖", "value": "10"}, {"name": "二等奖", "value": "20"}, {"name": "三等奖", "value": "30"}],
    "rounding": "cumulative",
    "boundary_policy": "tied_take_higher",
    "min_score": None,
    "top_title": None,  # {"name": "技术能手", "ranks": 3}
    "youth_title": None,  # {"name": "青年岗位能手", "max_age": 35}
}


def award_scheme_dict(event: Event) -> dict:
    return {**DEFAULT_AWARD_SCHEME, **(event.award_scheme or {})}


def award_scheme_of(event: Event):
    """The event's award scheme as the domain object (``contest.domain.awards.AwardScheme``)."""
    data = award_scheme_dict(event)
    tiers = tuple(
        awards.Tier(t["name"], percent=Decimal(t["value"])) if data["mode"] == "percent" else awards.Tier(t["name"], count=int(t["value"]))
        for t in data["tiers"] if t.get("name")
    )
    titles = []
    if data.get("top_title"):
        titles.append(awards.top_ranks_title(data["top_title"]["name"], int(data["top_title"]["ranks"])))
    if data.get("youth_title"):
        titles.append(awards.youth_title(data["youth_title"]["name"], int(data["youth_title"]["max_age"])))
    return awards.AwardScheme(tiers, rounding=data["rounding"], boundary_policy=data["boundary_policy"],
                              min_score=Decimal(data["min_score"]) if data.get("min_score") not in (None, "") else None,
                              titles=tuple(titles))


def tie_breaker_choices(event: Event) -> list[tuple[str, str]]:
    """(value, label) for the tie-breaker selects: components, criteria, completion time."""
    choices = [(f"component:{c.id}", gettext("Higher %(name)s score", name=c.name)) for c in event.components]
    choices += [(f"criterion:{k.id}", gettext("Higher mark on %(name)s", name=k.name)) for c in event.components for k in c.criteria]
    choices.append(("time", gettext("Shorter completion time")))
    return choices


def save_ranking_rules(actor: User, command: RankingRules) -> Event:
    """``set_ranking_rules`` for the typed command of the event page's form."""
    return set_ranking_rules(actor, command.event_id, list(command.tie_breakers), command.scheme())


def set_ranking_rules(actor: User, event_id: int, tie_breakers: list[str], scheme: dict) -> Event:
    """Store the ordered tie-breakers and the award scheme after checking them with the domain rules.

    Refusals of one value are ``FieldError`` naming it as the form does (``tie2``, ``tier1_value``,
    ``min_score``, ``top_title_name`` …)."""
    with transaction():
        event = get_event(actor, event_id)
        contest = _managed(actor, event.contest_id)
        if contest.status in states.PUBLISHED:
            raise DomainError(N_("The results are published; the ranking rules can no longer change."))
        components = {f"component:{c.id}": (c.id, c.name) for c in event.components}
        criteria = {f"criterion:{k.id}": (k.id, k.name) for c in event.components for k in c.criteria}
        spec, positions = [], []
        for position, value in enumerate(tie_breakers, start=1):
            if not value:
                continue
            if value in components:
                spec.append(["higher_component", components[value][0], components[value][1]])
            elif value in criteria:
                spec.append(["higher_criterion", criteria[value][0], criteria[value][1]])
            elif value == "time":
                spec.append(["shorter_completion_time", None, "用时"])
            else:
                raise FieldError(f"tie{position}", N_("Choose the tie-breakers from the list."))
            positions.append(position)
        seen: set[tuple] = set()
        for position, item in zip(positions, spec, strict=True):
            if tuple(item[:2]) in seen:
                raise FieldError(f"tie{position}", N_("Each tie-breaker may be chosen once."))
            seen.add(tuple(item[:2]))
        ranking.tie_breakers_from_spec([tuple(s) for s in spec])
        event.tie_breakers = spec
        event.award_scheme = _clean_scheme(scheme)
        award_scheme_of(event)  # raises DomainError when the scheme is inconsistent
        audit(actor, "event.ranking_rules", "event", event.id, tie_breakers=spec, award_scheme=event.award_scheme)
    return event


def _clean_scheme(scheme: dict) -> dict:
    mode = scheme.get("mode")
    if mode not in ("percent", "count"):
        raise FieldError("mode", N_("Choose awards by proportion or by number of places."))
    tiers = []
    for position, tier in enumerate(scheme.get("tiers", []), start=1):
        name, value = (tier.get("name") or "").strip(), str(tier.get("value") or "").strip()
        if not name and not value:
            continue
        number = parse_plain_decimal(value)
        if number is None:
            raise FieldError(f"tier{position}_value", N_("Give each award tier a number."))
        if not name or number < 0 or (mode == "count" and number != number.to_integral_value()) or (mode == "percent" and number > 100):
            raise FieldError(f"tier{position}_name" if not name else f"tier{position}_value",
                             N_("Give each award tier a name and a number (a percentage up to 100, or a whole number of places)."))
        tiers.append({"name": _short_name(name, f"tier{position}_name"), "value": str(number)})
    if not tiers:
        raise FieldError("tier1_name", N_("Give at least one award tier."))
    min_score = (str(scheme.get("min_score") or "")).strip() or None
    if min_score is not None:
        if parse_plain_decimal(min_score) is None:
            raise FieldError("min_score", N_("The minimum score must be a number."))
    cleaned = {"mode": mode, "tiers": tiers, "rounding": scheme.get("rounding") or "cumulative",
               "boundary_policy": scheme.get("boundary_policy") or "tied_take_higher", "min_score": min_score,
               "top_title": None, "youth_title": None}
    # A title is saved whole or refused: a number without a name (or a name without a number) is never dropped.
    top = scheme.get("top_title") or {}
    top_name, top_ranks = (top.get("name") or "").strip(), str(top.get("ranks") or "").strip()
    if top_name or top_ranks:
        if not top_name:
            raise FieldError("top_title_name", N_("Name the title for the top %(ranks)s ranks, or clear the number of ranks."), ranks=top_ranks)
        if not top_ranks.isdigit() or int(top_ranks) < 1:
            raise FieldError("top_title_ranks", N_("Give the number of top ranks for the title."))
        cleaned["top_title"] = {"name": _short_name(top_name, "top_title_name"), "ranks": int(top_ranks)}
    youth = scheme.get("youth_title") or {}
    youth_name, youth_age = (youth.get("name") or "").strip(), str(youth.get("max_age") or "").strip()
    if youth_name or youth_age:
        if not youth_name:
            raise FieldError("youth_title_name", N_("Name the youth title for winners aged %(age)s or under, or clear the age."), age=youth_age)
        if not youth_age.isdigit() or not 16 <= int(youth_age) <= 70:
            raise FieldError("youth_title_max_age", N_("Give the maximum age (16–70) for the youth title."))
        cleaned["youth_title"] = {"name": _short_name(youth_name, "youth_title_name"), "max_age": int(youth_age)}
    return cleaned


AWARD_NAME_MAX = 20


def _short_name(name: str, field: str) -> str:
    """An award or title name as stored; a longer one is refused rather than cut."""
    if len(name) > AWARD_NAME_MAX:
        raise FieldError(field, N_("%(name)s is longer than %(limit)d characters."), name=name, limit=AWARD_NAME_MAX)
    return name
