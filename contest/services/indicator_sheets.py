"""Indicator sheets (指标考核): an event's sheet, its rubric for inspectors, and each unit's result.

The sheet travels with the event in ``events.method_options``::

    {"sheet": <domain.indicators.sheet_to_json>, "criteria": {indicator key: criterion id}}

and is *materialised* as the event's rubric, so that the one write path for marks
(``services.judging.submit_scores``: idempotency, versions, audit, sign-off lock, offline outbox) carries
inspections: one component per section that has entered indicators, one criterion per indicator an inspector
enters (points → ``measurement`` with the indicator's maximum; deduction and bonus → ``occurrences``; veto →
``veto``). A ``ratio`` indicator has no criterion (so it is never an expected mark): it is computed from the
unit's submitted self-assessment (``SelfAssessment.figures``). The link indicator key ↔ criterion id is stored
in ``"criteria"``. Component weights only satisfy the rubric's shape (each section's share of the sheet's
maximum, at least 1, summing to 100); nothing ranks by them.

A unit's result is ``domain.indicators.score_sheet`` over the inspectors' combined marks
(``domain.indicators.combine_marks``) and the ratios; a vetoed unit is ranked with its total and excluded from
awards with the reason (``RankingInput.excluded``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from flask import has_request_context, url_for
from flask_babel import gettext
from sqlalchemy import select

from contest.domain import contests as states
from contest.domain import figures as figure_catalogue
from contest.domain import indicators, ranking
from contest.domain.contests import Aggregation, CriterionKind
from contest.domain.errors import N_, DomainError
from contest.domain.indicators import (
    CRITERION_KINDS,
    ENTERED,
    Indicator,
    IndicatorMethod,
    Sheet,
    SheetResult,
    check_sheet,
    combine_marks,
    copy_sheet,
    ratio_assessment,
    score_sheet,
    sheet_from_json,
    sheet_to_json,
)
from contest.domain.ranking import RankingInput
from contest.extensions import db
from contest.loaders import managed_event
from contest.models import Component, Contest, Criterion, Event, Nomination, Organisation, Score, User
from contest.models.safety import SelfAssessment
from contest.policy import is_admin
from contest.services import audit, transaction
from contest.services.contests import draws_held
from contest.services.judging import entries_of

logger = logging.getLogger(__name__)

METHOD = "indicators"
MANAGE_SHEET = N_("Only organisers of %(host)s set up the indicator sheet.")
OCCURRENCES_MAX_X100 = 99_900  # at most 999 occurrences
EDITABLE = states.PREPARING  # and no draw held: the sheet is frozen once inspection can start


# ---------------------------------------------------------------------------------------------- reading


def sheet_of(event: Event) -> Sheet:
    """The event's indicator sheet (an empty sheet when none has been saved)."""
    data = (event.method_options or {}).get("sheet")
    return sheet_from_json(data) if data else Sheet(())


def criteria_of(event: Event) -> dict[str, int]:
    """Indicator key → criterion id of the indicators an inspector enters."""
    return {str(k): int(v) for k, v in ((event.method_options or {}).get("criteria") or {}).items()}


def editable(event: Event) -> bool:
    """Whether the sheet may still change: before the contest starts and before any draw."""
    return event.contest.status in EDITABLE and not draws_held(event.contest_id, event.id)


def reported_figures(event_id: int) -> dict[int, dict[str, Decimal]]:
    """Nomination id → the figures of its *submitted* self-assessment (drafts count as not reported)."""
    rows = db.session.execute(
        select(SelfAssessment.nomination_id, SelfAssessment.figures)
        .where(SelfAssessment.event_id == event_id, SelfAssessment.status == "submitted")
    ).all()
    result: dict[int, dict[str, Decimal]] = {}
    for nomination_id, values in rows:
        figures: dict[str, Decimal] = {}
        for key, text in (values or {}).items():
            try:
                number = figure_catalogue.parse_figure(key, text)
            except DomainError:
                continue  # an unknown or unreadable figure is not reported
            if number is not None:
                figures[key] = number
        result[nomination_id] = figures
    return result


def unit_results(event: Event) -> dict[int, SheetResult]:
    """Nomination id → the unit's ``SheetResult`` for every confirmed, numbered entry of the event, from the
    inspectors' marks (combined per indicator, ``combine_marks``) and the unit's submitted figures."""
    sheet = sheet_of(event)
    by_criterion = {cid: key for key, cid in criteria_of(event).items()}
    marks: dict[int, dict[str, list[tuple[Decimal, str]]]] = {}
    for nomination_id, criterion_id, value_x100, note in db.session.execute(
        select(Score.nomination_id, Score.criterion_id, Score.value_x100, Score.note).where(Score.event_id == event.id)
    ):
        key = by_criterion.get(criterion_id)
        if key is not None:
            marks.setdefault(nomination_id, {}).setdefault(key, []).append((Decimal(value_x100) / 100, note or ""))
    reported = reported_figures(event.id)
    results = {}
    for entry in entries_of(event.id, with_paths=False):
        given = marks.get(entry.nomination_id, {})
        assessments = {}
        for indicator in sheet.indicators:
            if indicator.method is IndicatorMethod.RATIO:
                assessments[indicator.key] = ratio_assessment(indicator, reported.get(entry.nomination_id, {}))
            else:
                combined = combine_marks(indicator, given.get(indicator.key, []))
                if combined is not None:
                    assessments[indicator.key] = combined
        results[entry.nomination_id] = score_sheet(sheet, assessments)
    return results


def exclusion_reason(result: SheetResult) -> str | None:
    """Why a unit gets no award whatever its total: its vetoes, "indicator: reason" joined by "；"."""
    if not result.vetoed:
        return None
    return "；".join(f"{name}：{reason}" if reason else name for name, reason in result.vetoes)


def ranking_input(event: Event) -> RankingInput:
    """Units ranked by their sheet total (higher first; equal totals share the rank, section totals in sheet
    order break ties: the first section where they differ decides); vetoed units excluded from awards."""
    results = unit_results(event)
    sections = [s.name for s in sheet_of(event).sections]
    columns = {c.name: c.id for c in event.components}  # the results page shows a column per component
    contenders = [ranking.Contender(n, r.total, {columns[name]: r.sections[name] for name in sections if name in columns},
                                    attributes={name: r.sections.get(name, Decimal(0)) for name in sections})
                  for n, r in sorted(results.items())]
    breakers = [ranking.TieBreaker(name, lambda c, name=name: c.attributes.get(name)) for name in sections]
    ranked = ranking.rank_entries(contenders, breakers)
    excluded = {n: reason for n, r in results.items() if (reason := exclusion_reason(r)) is not None}
    return RankingInput(tuple(ranked), excluded=excluded)


# ---------------------------------------------------------------------------------------------- writing


def _weights(sheet: Sheet, sections: list[int]) -> list[int]:
    """Whole weights for the given sections (indices), each ≥ 1, summing to 100, proportional to their
    maxima (largest remainders), equal when no section carries points."""
    maxima = [sheet.sections[i].max_points for i in sections]
    total = sum(maxima, Decimal(0))
    n = len(sections)
    if not n:
        return []
    if total <= 0:
        shares = [Decimal(100) / n] * n
    else:
        shares = [Decimal(100) * m / total for m in maxima]
    weights = [max(1, int(s)) for s in shares]
    order = sorted(range(n), key=lambda i: (-(shares[i] - int(shares[i])), i))
    step = 0
    while sum(weights) != 100:
        i = order[step % n]
        if sum(weights) < 100:
            weights[i] += 1
        elif weights[i] > 1:
            weights[i] -= 1
        step += 1
    return weights


def materialise(event: Event, sheet: Sheet) -> None:
    """Write the sheet into the event (in the caller's transaction): the JSON, the rubric of entered
    indicators, and the link key ↔ criterion id. Any earlier rubric of the event is replaced."""
    event.components.clear()
    db.session.flush()
    sections = [i for i, s in enumerate(sheet.sections) if any(k.method in ENTERED for k in s.indicators)]
    links: list[tuple[str, Criterion]] = []
    for position, (index, weight) in enumerate(zip(sections, _weights(sheet, sections), strict=True), start=1):
        section = sheet.sections[index]
        component = Component(name=section.name[:50], weight=weight, aggregation=Aggregation.MEAN, position=position)
        for number, indicator in enumerate((k for k in section.indicators if k.method in ENTERED), start=1):
            kind = CriterionKind(CRITERION_KINDS[indicator.method])
            max_x100 = {CriterionKind.MEASUREMENT: int(indicator.max_points * 100), CriterionKind.VETO: 100}.get(kind, OCCURRENCES_MAX_X100)
            criterion = Criterion(name=indicator.name[:100], max_x100=max_x100, kind=kind, position=number)
            component.criteria.append(criterion)
            links.append((indicator.key, criterion))
        event.components.append(component)
    db.session.flush()
    event.method_name = METHOD
    event.method_options = {**(event.method_options or {}), "sheet": sheet_to_json(sheet),
                            "criteria": {key: criterion.id for key, criterion in links}}


def save_sheet(actor: User, event_id: int, sheet: Sheet) -> Event:
    """The host's organisers save the event's sheet (the builder page) while it is editable; refused with
    the sheet's first problem (``domain.indicators.check_sheet``)."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_SHEET)
        if not editable(event):
            raise DomainError(N_("Inspection can start: the indicator sheet can no longer change."))
        if sheet.sections:
            check_sheet(sheet)
        materialise(event, sheet)
        audit(actor, "indicators.save", "event", event.id, indicators=len(sheet.indicators), total=str(sheet.max_points))
        logger.info("indicator sheet of event %s saved by %s", event.id, actor.id)
    return event


def copyable_events(actor: User, event: Event) -> list[Event]:
    """Earlier indicator events whose sheet the host may copy: other contests' events decided by a sheet,
    hosted by the event's host or a unit below it (within the actor's scope), newest first."""
    host_path = event.contest.host.path
    query = (
        select(Event).join(Contest, Contest.id == Event.contest_id).join(Organisation, Organisation.id == Contest.host_id)
        .where(Event.method_name == METHOD, Event.contest_id != event.contest_id, Organisation.path.startswith(host_path),
               Contest.year <= event.contest.year)
        .order_by(Contest.year.desc(), Contest.id.desc(), Event.position, Event.id)
    )
    if not is_admin(actor):
        query = query.where(Organisation.path.startswith(actor.org.path))
    return [e for e in db.session.scalars(query) if (e.method_options or {}).get("sheet")]


def copy_from(actor: User, event_id: int, source_event_id: int) -> Event:
    """Copy last year's sheet (an earlier indicators event of the host's subtree) into this event."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_SHEET)
        source = next((e for e in copyable_events(actor, event) if e.id == source_event_id), None)
        if source is None:
            raise DomainError(N_("Choose an earlier indicator sheet of your units."))
        if not editable(event):
            raise DomainError(N_("Inspection can start: the indicator sheet can no longer change."))
        materialise(event, copy_sheet(sheet_of(source)))
        audit(actor, "indicators.copy", "event", event.id, source=source.id)
    return event


def relink_copy(source: Event, copy: Event) -> None:
    """After a contest copy (``services.contests.copy_contest``) copied the rubric in order: point the
    sheet's indicator keys at the copied criteria (in the caller's transaction, after a flush)."""
    old = [k.id for c in source.components for k in c.criteria]
    new = [k.id for c in copy.components for k in c.criteria]
    moved = dict(zip(old, new, strict=True))
    links: Mapping[str, int] = criteria_of(source)
    copy.method_options = {**(source.method_options or {}), "criteria": {key: moved[cid] for key, cid in links.items() if cid in moved}}


# ---------------------------------------------------------------------------------------------- the builder's edits


def _edit(actor: User, event_id: int, change, action: str, **params) -> Event:
    """Apply ``change`` (Sheet → Sheet, pure) to the event's sheet and save it, in one transaction."""
    with transaction():
        event = managed_event(actor, event_id, MANAGE_SHEET)
        if not editable(event):
            raise DomainError(N_("Inspection can start: the indicator sheet can no longer change."))
        sheet = change(sheet_of(event))
        materialise(event, sheet)
        audit(actor, f"indicators.{action}", "event", event.id, **params)
    return event


def add_section(actor: User, event_id: int, name: str) -> Event:
    return _edit(actor, event_id, lambda sheet: indicators.add_section(sheet, name), "add_section", name=name)


def put_indicator(actor: User, event_id: int, section: int, indicator: Indicator) -> Event:
    """Add an indicator to a section, or change the one with the same key (``key`` empty: a new one)."""
    def change(sheet: Sheet) -> Sheet:
        given = indicator if indicator.key else replace(indicator, key=indicators.next_key(sheet))
        return indicators.put_indicator(sheet, section, given)
    return _edit(actor, event_id, change, "put_indicator", key=indicator.key, name=indicator.name)


def move_item(actor: User, event_id: int, target: str, step: int) -> Event:
    return _edit(actor, event_id, lambda sheet: indicators.move(sheet, target, 1 if step > 0 else -1), "move", target=target)


def remove_item(actor: User, event_id: int, target: str) -> Event:
    return _edit(actor, event_id, lambda sheet: indicators.remove(sheet, target), "remove", target=target)


def builder(actor: User, event_id: int) -> dict:
    """What the builder page shows: the event, its sheet, whether it may change, the earlier sheets to copy."""
    event = managed_event(actor, event_id, MANAGE_SHEET)
    sheet = sheet_of(event)
    return {"event": event, "sheet": sheet, "editable": editable(event), "sources": copyable_events(actor, event),
            "figures": figure_catalogue.FIGURES}


# ---------------------------------------------------------------------------------------------- the inspector's tablet


def inspection_extras(event: Event, numbers: dict[int, int]) -> dict:
    """What an inspector's tablet shows besides the marks (``judging.sheet``'s ``indicators``): each entered
    indicator's guidance by criterion id, and per competitor number the unit's name, its submitted figures
    (labels in the page's language) and the link to its self-assessment (when that page exists)."""
    sheet = sheet_of(event)
    links = criteria_of(event)
    guidance = {str(links[i.key]): i.guidance for i in sheet.indicators if i.key in links and i.guidance}
    reported = reported_figures(event.id)
    names = dict(db.session.execute(
        select(Nomination.id, Organisation.name).join(Organisation, Organisation.id == Nomination.unit_id)
        .where(Nomination.id.in_(list(numbers)))
    ).all()) if numbers else {}
    # the link to each unit's self-assessment, for the tablet page (a read outside a request carries none)
    assessment = has_request_context()
    units = {}
    for nomination_id, number in numbers.items():
        figures = reported.get(nomination_id, {})
        units[str(number)] = {
            "name": names.get(nomination_id, ""),
            "figures": [[gettext(f.label), format(figures[f.key], "f"), gettext(f.unit)] for f in figure_catalogue.FIGURES
                        if f.key in figures],
            "assessment_url": url_for("assessments.show", event_id=event.id, nomination_id=nomination_id) if assessment else None,
        }
    return {"guidance": guidance, "units": units}
