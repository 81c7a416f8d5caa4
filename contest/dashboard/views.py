"""Dashboard pages: the organisers' figures for a year and unit (also shown on their home page), its xlsx
export, the targets form, and the worker's own page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from contest.access import login_required, organiser_required
from contest.dashboard.board import (
    METRIC_LABELS,
    WAIT_LABELS,
    coverage_context,
    coverage_sheet,
    dashboard_context,
    year_asked,
)
from contest.dashboard.forms import TargetsForm
from contest.documents.xlsx import Sheet, write_workbook
from contest.domain import targets as rules
from contest.domain.errors import DomainError, FieldError
from contest.forms import place_refusal
from contest.labels import KIND_LABELS, LEVEL_LABELS
from contest.services import dashboard as service
from contest.services.certificates import my_certificates
from contest.web import download_name, send_xlsx

dashboard_bp = Blueprint("dashboard", __name__)

@dashboard_bp.get("/dashboard/")
@organiser_required
def index():
    return render_template("dashboard/index.html", **dashboard_context())


@dashboard_bp.get("/dashboard/export.xlsx")
@organiser_required
def export():
    context = dashboard_context()
    board = context["board"]
    return send_xlsx(write_workbook(workbook_sheets(board)), download_name(_("Dashboard"), board.unit.name, str(board.year), ext="xlsx"))


def workbook_sheets(board: service.Dashboard) -> list[Sheet]:
    """Every table of the page as a sheet, with the same numbers."""
    target_rows = [[str(METRIC_LABELS[h.metric]), h.value, h.target if h.target is not None else "—",
                    h.ratio if h.ratio is not None else "—"] for h in board.headlines]
    level_rows = [[str(LEVEL_LABELS[lv]), *[board.by_level.get(lv, {}).get(k, 0) for k in board.kinds], sum(board.by_level.get(lv, {}).values())]
                  for lv in board.levels]
    unit_rows = [[u.name, str(LEVEL_LABELS[u.level]), u.contests, u.entries, u.workers] for u in board.units]
    trade_rows = [[name, n, w] for name, n, w in board.trades]
    waiting_rows = [[str(LEVEL_LABELS[lv]), n, n - over3, over3 - over7, over7, oldest] for lv, n, over3, over7, oldest in board.waiting]
    month_rows = []
    for i in range(len(board.months["entries"])):
        row = [_("Month %(month)d", month=i + 1)]
        for metric in ("city_skills_contests", "county_contests", "entries"):
            p = board.months[metric][i]
            row += [p.done, p.due if p.due is not None else "—"]
        month_rows.append(row)
    award_rows = [[u.name, *[u.awards.get(label, 0) for label in board.award_labels], u.awards_total, u.titles] for u in board.units]
    month_headers = [_("Month")]
    for metric in ("city_skills_contests", "county_contests", "entries"):
        month_headers += [f"{METRIC_LABELS[metric]} · {_('Done')}", f"{METRIC_LABELS[metric]} · {_('Straight-line target')}"]
    return [
        Sheet(_("Targets"), [_("Measure"), _("Done"), _("Target"), _("Progress (per cent)")], target_rows),
        Sheet(_("Contests by level"), [_("Level"), *[str(KIND_LABELS[k]) for k in board.kinds], pgettext("count", "Total")], level_rows),
        Sheet(_("By unit"), [_("Unit"), _("Level"), _("Contests hosted"), _("Entries"), _("Workers")], unit_rows),
        Sheet(_("By trade"), [_("Trade"), _("Entries"), _("Workers")], trade_rows),
        Sheet(_("Approvals waiting"), [_("Waiting at"), _("Waiting"), str(WAIT_LABELS["fresh"]), str(WAIT_LABELS["week"]),
                                       str(WAIT_LABELS["old"]), _("Oldest (days)")], waiting_rows),
        Sheet(_("Month by month"), month_headers, month_rows),
        Sheet(_("Awards and titles"), [_("Unit"), *board.award_labels, _("Awards"), _("Titles")], award_rows),
        coverage_sheet(board.coverage),
    ]


@dashboard_bp.get("/dashboard/safety-coverage")
@organiser_required
def safety_coverage():
    """安康杯 coverage: per unit below the viewed one, enterprises and teams enrolled, scores, hazards, proposals, vetoes."""
    return render_template("dashboard/coverage.html", **coverage_context())


@dashboard_bp.get("/dashboard/safety-coverage.xlsx")
@organiser_required
def safety_coverage_export():
    context = coverage_context()
    return send_xlsx(write_workbook([coverage_sheet(context["table"])]),
                     download_name(_("Safety Cup coverage"), context["unit"].name, str(context["year"]), ext="xlsx"))


@dashboard_bp.route("/dashboard/targets", methods=["GET", "POST"])
@organiser_required
def targets():
    year = year_asked()
    unit = service.dashboard_unit(current_user, request.args.get("unit", type=int))
    board_targets = service.stored_targets(current_user, unit, year)
    form = TargetsForm()
    if form.validate_on_submit():
        try:
            service.set_targets(current_user, unit.id, year, form.values())
        except DomainError as exc:
            message = place_refusal(form, exc)
            if not isinstance(exc, FieldError):
                flash(message, "danger")
        else:
            flash(_("The targets have been saved."), "success")
            return redirect(url_for("dashboard.index", year=year, unit=unit.id))
    errors = form.errors_by_metric()
    if request.method == "POST":
        board_targets = form.entered()
    defaults = {m: rules.default_target(m, unit.depth) for m in rules.METRICS}
    return render_template("dashboard/targets.html", unit=unit, year=year, stored=board_targets, defaults=defaults, errors=errors,
                           METRIC_LABELS=METRIC_LABELS, metrics=rules.METRICS), 422 if errors else 200


@dashboard_bp.get("/my/")
@login_required
def worker():
    """A worker's own page: what he entered, how it went, his certificates (full lists: 我的参赛, 我的证书)."""
    lines = service.worker_record(current_user)
    certificates = my_certificates(current_user)
    contests = {line.nomination.event.contest_id for line in lines}
    awards = sum(1 for line in lines if line.result is not None and line.result.award)
    return render_template("dashboard/worker.html", lines=lines, certificates=certificates, contests=len(contests), awards=awards)
