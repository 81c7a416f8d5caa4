"""Brackets of head-to-head events: generate from seeds, record and correct match results, sign off, and
turn the final placements into the event's ranking.

The rules live in ``contest.domain.brackets`` (structure, resolution, standings, placements); this module
loads facts, checks who may do what, and stores rows in one transaction per use case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext, pgettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from contest import clock
from contest.commands import BracketSetup, MatchResult, RecordMatch, Unreadable
from contest.documents.xlsx import write_xlsx
from contest.domain import brackets as bk
from contest.domain import contests as states
from contest.domain.contests import ContestStatus
from contest.domain.errors import (
    N_,
    Conflict,
    DomainError,
    FieldError,
    LockedEvent,
    LockedMatch,
    MatchNotReady,
    SignOffRefused,
    Stale,
)
from contest.domain.nominations import NominationStatus
from contest.domain.ranking import Contender, RankedEntry
from contest.extensions import db
from contest.i18n import translate
from contest.labels import MATCH_KIND_LABELS
from contest.loaders import event_or_404, get_event, managed_event, require
from contest.models import (
    BracketPlan,
    Event,
    EventResult,
    JudgeAssignment,
    Match,
    MatchAudit,
    Nomination,
    NominationMember,
    Organisation,
    OrgLevel,
    SignOff,
    User,
    utcnow,
)
from contest.models.org import unit_path_loader
from contest.policy import (
    can_correct_signed_off,
    can_manage,
    can_see_results,
    can_sign_off,
    can_watch_matches,
    shows_full_names,
)
from contest.policy import can_view_bracket as can_view
from contest.policy import judge_assignment as assignment_of
from contest.services import AccessError, NotFound, PermissionDenied, audit, idempotency, transaction
from contest.services.judging import Entry as JudgedEntry
from contest.services.judging import (
    conflicts_for,
    mark_contest_scored_if_done,
    member_paths,
    sign_off_of,
)

Setup = BracketSetup  # the command ``generate`` takes
Entry = MatchResult  # the command ``record_result`` takes
SEEDINGS = ("draw", "ranking", "manual")
GENERATING = states.BRACKET_SETUP
CORRECTING = states.CORRECTING
MAX_SCORE = 999
MAX_REASON = 500
MANAGE_BRACKET = N_("Only organisers of %(host)s set up the bracket.")


class StaleMatch(Stale):
    """The result was written meanwhile by someone else; ``current`` is the stored result (``details``:
    ``{"current": …}``)."""

    def __init__(self, current: dict) -> None:
        super().__init__(N_("This result was changed meanwhile by someone else; check the current result and try again."),
                         {"current": current})
        self.current = current


class NeedsConfirmation(Conflict):
    """A correction would clear later results; the caller must confirm with the list of them (``details``:
    ``{"affected": […]}``)."""

    def __init__(self, affected: list[str], lifts_sign_off: bool = False) -> None:
        if lifts_sign_off:
            super().__init__(N_("This correction changes who played in %(count)d later matches; their results will be cleared "
                                "and the event's sign-off lifted until they are entered again."), count=len(affected))
        else:
            super().__init__(N_("This correction changes who played in %(count)d later matches; their results will be cleared."),
                             count=len(affected))
        self.affected = affected
        self.lifts_sign_off = lifts_sign_off
        self.details = {"affected": affected}


# ---------------------------------------------------------------------------------------------- reading


def plan_of(event_id: int) -> BracketPlan | None:
    return db.session.scalar(select(BracketPlan).where(BracketPlan.event_id == event_id))


def structure_of(plan: BracketPlan) -> bk.Structure:
    return bk.structure_from_json(plan.structure)


def match_rows(plan: BracketPlan) -> dict[str, Match]:
    return {m.key: m for m in db.session.scalars(select(Match).where(Match.bracket_id == plan.id).order_by(Match.id))}


def results_of(rows: Mapping[str, Match]) -> dict[str, bk.Result]:
    return {
        key: bk.Result(m.winner_id, m.home_score, m.away_score, bk.ResultKind(m.kind), m.home_id, m.away_id)
        for key, m in rows.items() if m.has_result
    }


def is_signed_off(event_id: int) -> bool:
    return sign_off_of(event_id) is not None


def _has_results(plan: BracketPlan) -> bool:
    """True once any result has been recorded (even if later cleared): the bracket is then fixed."""
    return bool(db.session.scalar(select(func.count(Match.id)).where(Match.bracket_id == plan.id, Match.version > 0)))


@dataclass(frozen=True)
class Side:
    nomination_id: int
    number: int | None
    name: str
    unit: str
    seed: int


@dataclass(frozen=True)
class MatchView:
    id: int
    key: str
    part: str
    round: int
    position: int
    state: str
    home: Side | None
    away: Side | None
    winner_id: int | None
    home_score: int | None
    away_score: int | None
    kind: str | None
    version: int

    @property
    def finished(self) -> bool:
        return self.state == bk.MatchState.FINISHED

    @property
    def draw(self) -> bool:
        return self.finished and self.winner_id is None


@dataclass
class BracketView:
    """Everything a page or the API shows of a bracket."""

    event: Event
    plan: BracketPlan
    structure: bk.Structure
    matches: list[MatchView]
    sides: dict[int, Side]
    standings: tuple[bk.Standing, ...] = ()
    placements: tuple[bk.Placement, ...] = ()
    signed_off: bool = False
    assignment: JudgeAssignment | None = None  # the viewer's, if he judges the event
    rounds: dict[tuple[str, int], list[MatchView]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return bool(self.placements)

    def parts(self) -> list[str]:
        seen: list[str] = []
        for part, _ in self.rounds:
            if part not in seen:
                seen.append(part)
        return seen

    def rounds_of(self, part: str) -> list[tuple[int, list[MatchView]]]:
        return [(rnd, ms) for (p, rnd), ms in self.rounds.items() if p == part]

    def grid(self, part: str) -> list[tuple[int, list[MatchView | None]]]:
        """The rounds of ``part`` with every position of the full (power-of-two) bracket, ``None`` where a bye
        removed the match, so that the drawing lines up; other parts as they are."""
        rounds = self.rounds_of(part)
        if part != "W" or self.structure.format != "single_elimination":
            return [(rnd, list(ms)) for rnd, ms in rounds]
        size = bk.bracket_size(len(self.structure.entrants))
        out: list[tuple[int, list[MatchView | None]]] = []
        for rnd in range(1, size.bit_length()):
            by_position = {m.position: m for m in self.rounds.get((part, rnd), [])}
            out.append((rnd, [by_position.get(p) for p in range(size >> rnd)]))
        return out

    def last_round(self, part: str) -> int:
        return max((rnd for p, rnd in self.rounds if p == part), default=0)

    def byes(self) -> list[Side]:
        """Entrants who go straight to round 2 of an elimination bracket."""
        if self.structure.format not in ("single_elimination", "double_elimination"):
            return []
        first = {s.nomination_id for m in self.matches if m.part == "W" and m.round == 1 for s in (m.home, m.away) if s}
        return sorted((s for i, s in self.sides.items() if i not in first), key=lambda s: s.seed)


def _unit_of(org: Organisation) -> int:
    """The unit compared for "same unit" when seeding: a team's enterprise, otherwise the unit itself."""
    return org.parent_id if org.level == OrgLevel.TEAM and org.parent_id else org.id


def _nominations(*criteria) -> list[Nomination]:
    """Nominations with their members' users and their unit (and its parent) loaded, in three queries."""
    return list(db.session.scalars(
        select(Nomination).options(selectinload(Nomination.members).selectinload(NominationMember.user),
                                   unit_path_loader(Nomination.org))
        .where(*criteria).order_by(Nomination.competitor_number, Nomination.id)
    ))


def entries(event_id: int) -> list[Nomination]:
    """The confirmed entries of an event, by competitor number."""
    return _nominations(Nomination.event_id == event_id, Nomination.status == NominationStatus.CONFIRMED)


def _sides(structure: bk.Structure, masked: bool) -> dict[int, Side]:
    seeds = {e.id: e.seed for e in structure.entrants}
    return {n.id: Side(n.id, n.competitor_number, n.shown_name(masked), n.org.label, seeds[n.id])
            for n in _nominations(Nomination.id.in_(seeds))}


def bracket_link(user: User | None, event: Event) -> bool:
    """Whether to show a link to the event's bracket: it exists and the user may open it (no link leads to a
    403 or to "not drawn up yet")."""
    return bool(event.bracket_format) and can_view(user, event) and plan_of(event.id) is not None


def bracket_view(user: User | None, event_id: int) -> BracketView:
    """The bracket as the user may see it (``can_view``): the host's organisers and the event's judges, entrants
    before publication, and everyone after. Names by ``contests.shows_full_names``: in full only for the host's
    organisers, masked as on public pages for everyone else."""
    event = event_or_404(event_id)
    assignment = assignment_of(user, event.id)
    if assignment is None and not can_view(user, event):
        raise PermissionDenied()
    plan = plan_of(event.id)
    if plan is None:
        raise NotFound(N_("The bracket of this event has not been drawn up yet."))
    structure = structure_of(plan)
    rows = match_rows(plan)
    results = results_of(rows)
    resolution = bk.resolve(structure, results)
    sides = _sides(structure, masked=not shows_full_names(user, event.contest))
    views = []
    for m in resolution.matches:
        row = rows[m.key]
        r = m.result
        views.append(MatchView(
            row.id, m.key, m.spec.bracket.value, m.spec.round, m.spec.position, m.state.value,
            sides.get(m.home_id) if m.home_id is not None else None, sides.get(m.away_id) if m.away_id is not None else None,
            m.winner_id, r.home_score if r else None, r.away_score if r else None, r.kind.value if r else None, row.version,
        ))
    view = BracketView(event, plan, structure, views, sides, signed_off=is_signed_off(event.id), assignment=assignment)
    for mv in sorted(views, key=lambda v: (_part_order(v.part), v.round, v.position)):
        view.rounds.setdefault((mv.part, mv.round), []).append(mv)
    view.standings = _standings(structure, results)
    try:
        view.placements = bk.placements(structure, results) if _fully_paired(structure) else ()
    except DomainError:
        view.placements = ()
    return view


def _part_order(part: str) -> int:
    return ["W", "L", "GF", "3P", "RR", "SW"].index(part)


def _fully_paired(structure: bk.Structure) -> bool:
    if structure.format != "swiss":
        return True
    return max((m.round for m in structure.matches), default=0) >= (structure.rounds or 0)


def _standings(structure: bk.Structure, results: Mapping[str, bk.Result]) -> tuple[bk.Standing, ...]:
    played = bk.games(structure, results)
    if structure.format == "round_robin":
        return bk.round_robin_standings(structure.entrants, played)
    if structure.format == "swiss":
        return bk.swiss_standings(structure.entrants, played, tie_breakers=structure.tie_breakers or bk.SWISS_TIE_BREAKERS)
    return ()


# ---------------------------------------------------------------------------------------------- generation


def _seeded(event: Event, entries: list[Nomination], setup: Setup, actor: User) -> tuple[list[Nomination], dict]:
    """The entries in seed order, and what to record about how the order was chosen."""
    if setup.seeding == "draw":
        return sorted(entries, key=lambda n: n.competitor_number), {}
    if setup.seeding == "manual":
        seeds = dict(setup.manual_seeds or {})
        numbers = {n.competitor_number for n in entries}
        missing = sorted(numbers - set(seeds))
        if missing:
            raise FieldError("seeding", N_("Give a seed to every entry (missing: %(numbers)s)."), numbers=", ".join(map(str, missing)))
        unknown = sorted(set(seeds) - numbers)
        if unknown:
            raise FieldError("seeding", N_("No entry has the competitor number %(numbers)s."), numbers=", ".join(map(str, unknown)))
        if sorted(seeds.values()) != list(range(1, len(entries) + 1)):
            raise FieldError("seeding", N_("Seeds must be the numbers 1 to %(count)d, each used once."), count=len(entries))
        return sorted(entries, key=lambda n: seeds[n.competitor_number]), {"seeds": {str(k): v for k, v in seeds.items()}}
    if setup.seeding == "ranking":
        ranked = db.session.get(Event, setup.ranked_event_id) if setup.ranked_event_id else None
        if ranked is None or ranked.id == event.id:
            raise FieldError("ranked_event_id", N_("Choose the event whose ranking gives the seeds."))
        if not (can_see_results(actor, ranked) or can_manage(actor, ranked.contest)):
            raise FieldError("ranked_event_id", N_("You cannot see the ranking of that event."))
        rank_of_user: dict[int, int] = {}
        for rank, user_id in db.session.execute(
            select(EventResult.rank, NominationMember.user_id)
            .join(NominationMember, NominationMember.nomination_id == EventResult.nomination_id)
            .where(EventResult.event_id == ranked.id)
        ):
            rank_of_user[user_id] = min(rank, rank_of_user.get(user_id, rank))
        if not rank_of_user:
            raise FieldError("ranked_event_id", N_("That event has no computed ranking yet."))
        unranked = 10**9

        def key(n: Nomination) -> tuple[int, int]:
            best = min((rank_of_user.get(m.user_id, unranked) for m in n.members), default=unranked)
            return best, n.competitor_number

        return sorted(entries, key=key), {"event_id": ranked.id, "event": f"{ranked.contest.title} · {ranked.name}"}
    raise FieldError("seeding", N_("Choose how the seeds are set."))


def _build_options(fmt: str, setup: Setup, count: int) -> dict:
    options: dict = {"avoid_same_unit": setup.avoid_same_unit}
    if fmt == "single_elimination":
        options["third_place"] = setup.third_place
    elif fmt == "double_elimination":
        options["grand_final_reset"] = setup.grand_final_reset
    elif fmt == "swiss":
        rounds = setup.rounds or max(1, math.ceil(math.log2(count)))
        if not 1 <= rounds <= count - 1:
            raise FieldError("rounds", N_("A Swiss event of %(count)d entries plays 1 to %(max)d rounds."), count=count, max=count - 1)
        options["rounds"] = rounds
        options["colours"] = setup.colours
        options["tie_breakers"] = list(setup.tie_breakers or bk.SWISS_TIE_BREAKERS)
    return options


def generate(actor: User, event_id: int, setup: Setup) -> BracketPlan:
    """Draw up the bracket of a head-to-head event from its confirmed, numbered entries (replacing an earlier
    draft while no result is recorded)."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_BRACKET)
        fmt = event.bracket_format
        if not fmt:
            raise DomainError(N_("This event is decided by marks, not by matches."))
        if event.contest.status not in GENERATING:
            raise DomainError(N_("A bracket is drawn up after registration closes and before scoring ends."))
        if setup.seeding not in SEEDINGS:
            raise FieldError("seeding", N_("Choose how the seeds are set."))
        entrants_now = entries(event.id)
        if any(n.competitor_number is None for n in entrants_now):
            raise DomainError(N_("Hold the draw of competitor numbers first."))
        if len(entrants_now) < 2:
            raise DomainError(N_("A bracket needs at least %(minimum)s entrants."), minimum=2)
        existing = plan_of(event.id)
        if existing is not None:
            if _has_results(existing):
                raise DomainError(N_("Results have been recorded: the bracket can no longer be drawn up again."))
            db.session.delete(existing)
            db.session.flush()
        ordered, detail = _seeded(event, entrants_now, setup, actor)
        entrants = [bk.Entrant(n.id, seed, str(_unit_of(n.org))) for seed, n in enumerate(ordered, start=1)]
        options = _build_options(fmt, setup, len(entrants))
        structure = bk.build_bracket(fmt, entrants, **options)
        plan = BracketPlan(event_id=event.id, format=fmt, options=options, seeding=setup.seeding, seeding_detail=detail,
                           structure=bk.structure_to_json(structure), created_by_id=actor.id)
        db.session.add(plan)
        db.session.flush()
        _add_rows(plan, structure.matches)
        audit(actor, "bracket.generate", "event", event.id, format=fmt, seeding=setup.seeding, entrants=len(entrants))
    return plan


def _add_rows(plan: BracketPlan, specs) -> None:
    db.session.add_all([Match(bracket_id=plan.id, event_id=plan.event_id, key=s.key) for s in specs])
    db.session.flush()


# ---------------------------------------------------------------------------------------------- results


RESULT_FIELDS = ("winner_id", "home_score", "away_score", "kind", "home_id", "away_id")


def _snapshot(row: Match) -> dict | None:
    """The recorded result (as audited), or None."""
    return {name: getattr(row, name) for name in RESULT_FIELDS} if row.has_result else None


def match_json(row: Match) -> dict:
    """A match row for the API: its result fields are null until a result is recorded."""
    return {"id": row.id, "key": row.key, "has_result": row.has_result, **(_snapshot(row) or dict.fromkeys(RESULT_FIELDS)),
            "version": row.version}


def _check_entry(entry: Entry, m: bk.ResolvedMatch) -> None:
    """Consistency of winner, kind and scores (the domain checks who may win); a refusal names the field
    (``FieldError``: 422 ``invalid`` in the API as any rule refusal, beside the field on the match page)."""
    if entry.winner == "draw" and entry.kind != "normal":
        raise FieldError("kind", N_("A walk-over or a retirement has a winner."))
    if entry.kind == "normal":
        if entry.winner == "draw" and entry.home_score != entry.away_score:
            raise FieldError("away_score", N_("A draw has equal scores."))
        if entry.winner == "home" and entry.home_score < entry.away_score:
            raise FieldError("home_score", N_("The winner cannot have the lower score."))
        if entry.winner == "away" and entry.away_score < entry.home_score:
            raise FieldError("away_score", N_("The winner cannot have the lower score."))
    if len(entry.reason) > MAX_REASON:
        raise FieldError("reason", N_("The reason is longer than %(limit)d characters."), limit=MAX_REASON)


def _check_judge(actor: User, event: Event, m: bk.ResolvedMatch, signed_off: bool) -> JudgeAssignment:
    assignment = assignment_of(actor, event.id)
    if assignment is None:
        raise PermissionDenied(N_("You are not a judge of this event."))
    if signed_off:
        if not can_correct_signed_off(assignment):
            raise LockedMatch(N_("The event has been signed off; only the chief judge can correct a result."))
        if event.contest.status not in CORRECTING:
            raise LockedMatch(N_("The results are final."))
    elif event.contest.status not in states.SCORING:
        raise LockedMatch(N_("Scoring is not open for this event."))
    players = [i for i in (m.home_id, m.away_id) if i is not None]
    paths = member_paths(players)
    if conflicts_for(actor, event.contest, [JudgedEntry(i, 0, paths.get(i, ())) for i in players]):
        raise PermissionDenied(N_("You may not judge a match of an entry from your own unit."))
    return assignment


def record_result(actor: User, match_id: int, entry: MatchResult) -> Match:
    """Record or correct a match result; winners advance by resolution, Swiss rounds are paired as each
    round finishes. A correction that changes who played later clears those results — only once the caller
    has confirmed the list (NeedsConfirmation otherwise). Every write is audited.

    A clearing correction after the sign-off leaves the bracket unfinished, so it also lifts the sign-off
    (audited; ``row.sign_off_lifted`` tells the caller to say so): the chief judge enters the cleared
    matches again and signs off again. A scored contest goes back to running; once the results are
    published such a correction is refused.

    ``entry`` is the typed ``MatchResult`` (the match page's ``MatchResultForm`` builds it, seeders and tests
    directly); refusals are typed (``NotFound``, ``PermissionDenied``, ``LockedMatch``, ``MatchNotReady``,
    ``StaleMatch``, ``NeedsConfirmation``, ``DomainError``) and the caller picks how to say them."""
    with transaction():
        _lock_bracket_of(match_id)
        return _record(actor, match_id, entry)


def submit_result(actor: User, match_id: int, command: RecordMatch) -> idempotency.Answer:
    """``PUT /api/v1/matches/<id>``: ``record_result`` answered in the API's words (``idempotency.answer``),
    with an optional ``idempotency_key``. ``command`` is the typed ``RecordMatch`` (``contest.api.parsers``
    builds it from the request; a result it could not read is ``Unreadable``, refused here once the caller's
    access was checked, as before). With a key, the answer — a refusal too — is
    stored with the request's fingerprint in the same transaction (refusals in one of their own after the
    rollback); the key is looked up after the bracket lock, so a concurrent duplicate waits and then gets the
    first answer."""
    key, request = command.idempotency_key, command.fingerprint
    try:
        with transaction():
            _lock_bracket_of(match_id)
            first = idempotency.stored(actor.id, key) if key is not None else None
            if first is not None:
                return idempotency.replay(first[0], first[1], request)
            row = _record(actor, match_id, command.result)
            body = match_json(row)
            if row.sign_off_lifted:
                body["sign_off_lifted"] = True
                body["notice"] = translate(SIGN_OFF_LIFTED)
            answer = idempotency.answer(body)
            if key is not None:
                idempotency.store(actor.id, key, row.event_id, answer, request)
            return answer
    except AccessError as exc:
        return idempotency.answer(exc)
    except DomainError as exc:
        refusal = idempotency.answer(exc)
    if key is None:
        return refusal
    event_id = db.session.scalar(select(Match.event_id).where(Match.id == match_id))
    return idempotency.store_refusal(actor.id, key, event_id, refusal, request)


SIGN_OFF_LIFTED = DomainError(N_("The sign-off of this event has been lifted: enter the results of the cleared matches, then sign the bracket off again."))


def _record(actor: User, match_id: int, data: MatchResult | Unreadable) -> Match:
    row = db.session.get(Match, match_id)
    if row is None:
        raise NotFound(N_("This match does not exist."))
    plan = db.session.get(BracketPlan, row.bracket_id)
    event = plan.event
    structure = structure_of(plan)
    rows = match_rows(plan)
    results = results_of(rows)
    others = {k: r for k, r in results.items() if k != row.key}
    m = bk.resolve(structure, others).match(row.key)
    signed_off = is_signed_off(event.id)
    _check_judge(actor, event, m, signed_off)
    if isinstance(data, Unreadable):  # who may, before what is sent
        raise data.refusal
    entry = data
    if m.state not in (bk.MatchState.READY, bk.MatchState.FINISHED):
        raise MatchNotReady(N_("Match %(key)s is not ready to be played."), key=row.key)
    _check_entry(entry, m)
    winner_id = {"home": m.home_id, "away": m.away_id, "draw": None}[entry.winner]
    new = {"winner_id": winner_id, "home_score": entry.home_score if entry.kind != "walkover" else 0,
           "away_score": entry.away_score if entry.kind != "walkover" else 0, "kind": entry.kind,
           "home_id": m.home_id, "away_id": m.away_id}
    old = _snapshot(row)
    if old == new:
        return row  # a replay of what is stored: nothing to do
    if entry.version is not None and entry.version != row.version:
        raise StaleMatch(match_json(row))
    if old is not None and not entry.reason:
        raise FieldError("reason", N_("Give a reason for changing a recorded result."))
    result = bk.Result(winner_id, new["home_score"], new["away_score"], bk.ResultKind(entry.kind), m.home_id, m.away_id)
    bk.validate_result(structure, others, row.key, result)
    after = bk.resolve(structure, {**others, row.key: result})
    affected = [k for k in after.invalid if k in rows and k != row.key]
    if affected and signed_off and event.contest.status not in states.SIGN_OFF_LIFTABLE:
        raise DomainError(N_("The results are published: a correction that clears later matches would leave the bracket unfinished and cannot be made now."))
    if affected and not entry.confirm:
        raise NeedsConfirmation(affected, lifts_sign_off=signed_off)
    now = utcnow()
    if affected and signed_off:
        _lift_sign_off(actor, event, row.key, affected)
        row.sign_off_lifted = True
    for key in affected:
        cleared = rows[key]
        db.session.add(MatchAudit(event_id=event.id, match_id=cleared.id, actor_id=actor.id, at=now, kind="cleared",
                                  old=_snapshot(cleared), new=None, reason=entry.reason, caused_by=row.key))
        cleared.has_result, cleared.winner_id, cleared.home_id, cleared.away_id = False, None, None, None
        cleared.home_score = cleared.away_score = 0
        cleared.kind = "normal"
        cleared.version += 1
        cleared.recorded_by_id, cleared.recorded_at = actor.id, now
    kind = "entry" if old is None else "correction"
    db.session.add(MatchAudit(event_id=event.id, match_id=row.id, actor_id=actor.id, at=now, kind=kind, old=old, new=new,
                              reason=entry.reason))
    row.has_result = True
    row.winner_id, row.home_score, row.away_score, row.kind = winner_id, new["home_score"], new["away_score"], entry.kind
    row.home_id, row.away_id = m.home_id, m.away_id
    row.version += 1
    row.recorded_by_id, row.recorded_at = actor.id, now
    if structure.format == "swiss":
        _pair_next_swiss_round(plan, structure, {**{k: r for k, r in others.items() if k not in affected}, row.key: result})
    audit(actor, f"match.{kind}", "event", event.id, match=row.key, cleared=affected)
    return row


def _lift_sign_off(actor: User, event: Event, key: str, cleared: list[str]) -> None:
    """A correction cleared later matches of a signed-off bracket: the event is no longer finished, so its
    sign-off goes (audited), and a scored contest is running again until the chief judge signs off anew."""
    contest = event.contest
    db.session.execute(delete(SignOff).where(SignOff.event_id == event.id))
    reopened = contest.status == ContestStatus.SCORED
    contest.status = ContestStatus.RUNNING
    audit(actor, "event.sign_off_lifted", "event", event.id, match=key, cleared=cleared, contest_running_again=reopened)


def _lock_bracket_of(match_id: int) -> None:
    """One writer per bracket at a time, taken before anything is read: a row lock on PostgreSQL; on SQLite
    (no FOR UPDATE, lazy transactions) a no-op write that takes the database's write lock. Results and the
    sign-off both take it, so a sign-off never misses a result and no result lands after it unseen."""
    _lock_bracket(select(Match.bracket_id).where(Match.id == match_id).scalar_subquery())


def _lock_bracket(bracket_id) -> None:
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(BracketPlan).where(BracketPlan.id == bracket_id).values(id=BracketPlan.id))
    else:
        db.session.execute(select(BracketPlan.id).where(BracketPlan.id == bracket_id).with_for_update())


def _pair_next_swiss_round(plan: BracketPlan, structure: bk.Structure, results: Mapping[str, bk.Result]) -> None:
    """Once every game of the latest Swiss round has a result, pair the next one (until the set number)."""
    paired = max((m.round for m in structure.matches), default=0)
    if paired >= (structure.rounds or 0) or not bk.resolve(structure, results).finished:
        return
    extended = bk.swiss_next_round(structure, results)
    plan.structure = bk.structure_to_json(extended)
    plan.version += 1
    _add_rows(plan, extended.matches[len(structure.matches):])


def sign_off(chief: User, event_id: int) -> SignOff:
    """The chief judge confirms a finished bracket: its placements become final input for the results."""
    with transaction():
        event = event_or_404(event_id)
        require(can_sign_off(assignment_of(chief, event.id)), N_("Only the chief judge signs the event off."))
        _lock_bracket(select(BracketPlan.id).where(BracketPlan.event_id == event.id).scalar_subquery())
        if event.contest.status not in states.SCORING:
            raise LockedEvent(N_("Scoring is not open for this event."))
        if is_signed_off(event.id):
            raise SignOffRefused(N_("The event has already been signed off."))
        plan = plan_of(event.id)
        if plan is None:
            raise SignOffRefused(N_("The bracket of this event has not been drawn up yet."))
        structure = structure_of(plan)
        if not _fully_paired(structure):
            raise SignOffRefused(N_("The bracket is not finished yet."))
        try:
            bk.placements(structure, results_of(match_rows(plan)))  # DomainError while matches are left
        except DomainError as exc:
            raise SignOffRefused(exc.message, **exc.params) from exc
        record = SignOff(event_id=event.id, chief_id=chief.id)
        db.session.add(record)
        db.session.flush()
        scored = mark_contest_scored_if_done(event)
        audit(chief, "event.sign_off", "event", event.id, contest_scored=scored)
    return record


def ranked_entries(event: Event) -> tuple[list[RankedEntry], dict[int, int]]:
    """The final placements as the ranking the award engine takes (rank = place), and per entry the total
    shown with it in hundredths: league points for round robin and Swiss, matches won for elimination."""
    plan = plan_of(event.id)
    if plan is None:
        raise DomainError(N_("The bracket of this event has not been drawn up yet."))
    structure = structure_of(plan)
    results = results_of(match_rows(plan))
    places = bk.placements(structure, results)
    count = len(places)
    ties = {p.place: sum(1 for q in places if q.place == p.place) for p in places}
    shown: dict[int, int] = {}
    if structure.format in ("round_robin", "swiss"):
        shown = {s.entrant_id: int(s.points * 100) for s in _standings(structure, results)}
    else:
        wins: dict[int, int] = {}
        for m in bk.resolve(structure, results).matches:
            if m.state is bk.MatchState.FINISHED and m.winner_id is not None:
                wins[m.winner_id] = wins.get(m.winner_id, 0) + 1
        shown = {p.entrant_id: wins.get(p.entrant_id, 0) * 100 for p in places}
    ranked = [
        RankedEntry(p.entrant_id, p.place, Decimal(count + 1 - p.place), ties[p.place], None,
                    Contender(p.entrant_id, Decimal(count + 1 - p.place)))
        for p in places
    ]
    return ranked, shown


# ---------------------------------------------------------------------------------------------- audit


def match_audit(actor: User, event_id: int) -> list[MatchAudit]:
    event = get_event(actor, event_id)
    if not can_watch_matches(actor, event):
        raise PermissionDenied()
    return list(db.session.scalars(
        select(MatchAudit).options(selectinload(MatchAudit.match), selectinload(MatchAudit.actor))
        .where(MatchAudit.event_id == event.id).order_by(MatchAudit.id.desc())
    ))


def discard(actor: User, event_id: int) -> None:
    """Remove a bracket before any result is recorded (e.g. to change the format)."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_BRACKET)
        plan = plan_of(event.id)
        if plan is None:
            return
        if _has_results(plan):
            raise DomainError(N_("Results have been recorded: the bracket can no longer be drawn up again."))
        db.session.execute(delete(Match).where(Match.bracket_id == plan.id))
        db.session.delete(plan)
        audit(actor, "bracket.discard", "event", event.id)


def audit_workbook(actor: User, event_id: int) -> tuple[Event, bytes]:
    """The match audit log as an xlsx sheet (same rows and permission as ``match_audit``)."""
    rows = match_audit(actor, event_id)
    event = db.session.get(Event, event_id)
    plan = plan_of(event.id)  # an event without a bracket has an empty log (headers only)
    names = {s.nomination_id: f"{s.number:02d} {s.name}" if s.number else s.name
             for s in _sides(structure_of(plan), masked=not shows_full_names(actor, event.contest)).values()} if plan is not None else {}
    kinds = {"entry": gettext("Entered"), "correction": gettext("Corrected"), "cleared": gettext("Cleared")}

    def outcome(result: dict | None) -> str:
        if not result:
            return ""
        winner = names.get(result["winner_id"], pgettext("match result", "Draw")) if result["winner_id"] else pgettext("match result", "Draw")
        kind = f" ({MATCH_KIND_LABELS[result['kind']]})" if result["kind"] != "normal" else ""
        return f"{winner} {result['home_score']}:{result['away_score']}{kind}"

    lines = ((clock.local(a.at).replace(microsecond=0), a.match.key, kinds.get(a.kind, a.kind), a.actor.name, outcome(a.old), outcome(a.new),
              a.reason, a.caused_by or "") for a in rows)
    headers = [gettext("Time"), gettext("Match"), gettext("Kind"), gettext("Changed by"), gettext("Before"), gettext("After"),
               gettext("Reason"), gettext("Cleared by the correction of")]
    return event, write_xlsx(event.name, headers, lines)
