"""Reads for judges' clients (the JSON API): the events a user judges with progress, every judge's scores
for those who may see them, and an event's completeness. Read-only; the rules come from
``services.judging`` (who sees what) and the event's decision method (progress, what is missing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from contest import methods
from contest.domain.errors import N_, DomainError
from contest.extensions import db
from contest.loaders import event_or_404, or_404
from contest.models import BracketPlan, Event, JudgeAssignment, Match, Score, User
from contest.policy import can_follow_scoring
from contest.services import NotFound, PermissionDenied, brackets, judging

Progress = methods.Progress  # how far entry has come; computed by the event's decision method


def progress(event: Event, judge_id: int | None = None) -> Progress:
    return event.method.progress(event, judge_id)


def my_events(user: User) -> list[tuple[JudgeAssignment, Progress, bool]]:
    """The events the user judges (contests past their draft), newest contest first, each with its
    progress and whether it is signed off."""
    out = []
    for assignment in judging.my_assignments(user):
        event = assignment.event
        out.append((assignment, progress(event, user.id), judging.sign_off_of(event.id) is not None))
    return out


def _event(event_id: int) -> Event:
    return event_or_404(event_id)


@dataclass(frozen=True)
class EventScores:
    event: Event
    signed_off: bool
    judges: list[JudgeAssignment]
    numbers: dict[int, int]  # nomination id → competitor number
    scores: list[tuple[int, int, int, int, int]]  # (nomination, criterion, judge, value_x100, version)


def event_scores(user: User, event_id: int) -> EventScores:
    """Every judge's scores with their versions: for the chief judge and the host's organisers, and for
    the event's judges once it is signed off (independence before that)."""
    event = _event(event_id)
    if not judging.can_see_all_scores(user, event):
        raise PermissionDenied(N_("Only the chief judge and the host's organisers see every judge's scores before sign-off."))
    numbers = {e.nomination_id: e.number for e in judging.entries_of(event.id, with_paths=False)}
    rows = db.session.execute(
        select(Score.nomination_id, Score.criterion_id, Score.judge_id, Score.value_x100, Score.version)
        .where(Score.event_id == event.id).order_by(Score.nomination_id, Score.criterion_id, Score.judge_id)
    ).all()
    return EventScores(event, judging.sign_off_of(event.id) is not None, judging.assignments(event.id), numbers,
                       [tuple(r) for r in rows if r[0] in numbers])


@dataclass(frozen=True)
class Completeness:
    event: Event
    progress: Progress
    signed_off: bool
    missing: list[tuple[int, int, int]]  # (judge id, competitor number, criterion id) the caller may see
    by_judge: list[tuple[JudgeAssignment, int]]  # judge → missing marks (all judges, counts only)


def event_completeness(user: User, event_id: int) -> Completeness:
    """What is still missing before sign-off: for the event's judges and the host's organisers. A judge
    who may not see every score sees the list of his own missing marks and the other judges' counts."""
    event = _event(event_id)
    assignment = judging.assignment_of(user, event.id)
    if not can_follow_scoring(user, event, assignment):
        raise PermissionDenied(N_("Only the event's judges and the host's organisers follow its scoring."))
    signed = judging.sign_off_of(event.id) is not None
    judges = judging.assignments(event.id)
    found = event.method.missing(user, event, user.id if assignment else None)
    return Completeness(event, found.progress, signed, found.items, [(a, found.by_judge.get(a.judge_id, 0)) for a in judges])


def match_of(user: User, match_id: int) -> tuple[brackets.BracketView, brackets.MatchView, bool]:
    """One match as the user may see it in its bracket, and whether the user may record its result now
    (the same checks as ``brackets.record_result``: a judge of the event, no player of his unit, scoring open
    or, after sign-off, the chief judge; the match ready or finished)."""
    event_id = db.session.scalar(select(BracketPlan.event_id).join(Match, Match.bracket_id == BracketPlan.id).where(Match.id == match_id))
    if event_id is None:
        raise NotFound(N_("This match does not exist."))
    view = brackets.bracket_view(user, event_id)
    found = next(m for m in view.matches if m.id == match_id)
    may_record = False
    if view.assignment is not None and found.state in (brackets.bk.MatchState.READY, brackets.bk.MatchState.FINISHED):
        others = {k: r for k, r in brackets.results_of(brackets.match_rows(view.plan)).items() if k != found.key}
        resolved = brackets.bk.resolve(view.structure, others).match(found.key)
        try:
            brackets._check_judge(user, view.event, resolved, view.signed_off)
        except (DomainError, PermissionDenied):
            pass
        else:
            may_record = True
    return view, found, may_record


def get_match(match_id: int) -> Match:
    """A bracket match by id (404 when there is none); who may record it is ``brackets.record_result``'s call."""
    match = or_404(Match, match_id)
    return match
