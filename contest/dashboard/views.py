"""Dashboard pages: the organisers' figures for a year and unit (also shown on their home page), its xlsx
export, the targets form, and the worker's own page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from contest.access import login_required, organiser_required
from contest.clock import today
from contest.documents.xlsx import Sheet, write_workbook
from contest.domain import targets as rules
from contest.domain.errors import DomainError
from contest.i18n import translate
from contest.labels import KIND_LABELS, LEVEL_LABELS
from contest.services import dashboard as service
from contest.services.certificates import my_certificates
from contest.web import download_name, send_xlsx

dashboard_bp = Blueprint("dashboard", __name__)

METRIC_LABELS = {
    "city_skills_contests": _l("City-level skills contests"),
    "county_contests": _l("County-level contests"),
    "entries": _l("Worker entries"),
    "safety_coverage": _l("Safety Cup coverage of enterprises (per cent)"),
}
METRIC_IDS = {"city_skills_contests": "city-contests", "county_contests": "county-contests", "entries": "entries",
              "safety_coverage": "safety-coverage"}
WAIT_LABELS = {"fresh": _l("under 3 days"), "week": _l("3 to 7 days"), "old": _l("over 7 days")}


def _year() -> int:
    year = request.args.get("year", type=int) or today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def dashboard_context(unit_id: int | None = None) -> dict:
    """What ``dashboard/_dashboard.html`` needs, for the year and unit of the query string."""
    year = _year()
    unit = service.dashboard_unit(current_user, unit_id if unit_id is not None else request.args.get("unit", type=int))
    board = service.build(current_user, unit, year)
    return {"board": board, "years": list(range(today().year + 1, today().year - 5, -1)), "METRIC_LABELS": METRIC_LABELS,
            "METRIC_IDS": METRIC_IDS, "chart_data": _chart_data(board), "breadcrumbs": _breadcrumbs(unit)}


def _breadcrumbs(unit) -> list[tuple[int, str]]:
    """The units from the viewer's own down to the viewed one (for the drill-down trail)."""
    from contest.extensions import db
    from contest.models import Organisation

    ids = [int(p) for p in unit.path.strip("/").split("/")]
    own = current_user.org.depth if not current_user.has_role("admin") else 0
    ids = ids[own:]
    names = dict(db.session.execute(db.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
    return [(i, names.get(i, "")) for i in ids]


def _chart_data(board: service.Dashboard) -> dict:
    month_labels = [_("Month %(month)d", month=m) for m in range(1, 13)]
    series = []
    for metric in ("city_skills_contests", "county_contests", "entries"):
        progress = board.months[metric]
        if board.targets.get(metric) is None and not any(p.done for p in progress):
            continue
        series.append({"name": str(METRIC_LABELS[metric]), "large": metric == "entries", "done": [p.done for p in progress],
                       "due": [p.due for p in progress] if board.targets.get(metric) is not None else None})
    return {
        "strings": {"done": _("Done"), "due": _("Straight-line target"), "entries": _("Entries"), "workers": _("Workers"),
                    "contests": _("Contests"), "target": _("Target")},
        "levels": {"labels": [str(LEVEL_LABELS[lv]) for lv in board.levels], "kinds": [str(KIND_LABELS[k]) for k in board.kinds],
                   "values": [[board.by_level.get(lv, {}).get(k, 0) for lv in board.levels] for k in board.kinds]},
        "months": {"labels": month_labels, "series": series},
        "units": {"labels": [u.name for u in board.units], "entries": [u.entries for u in board.units],
                  "workers": [u.workers for u in board.units]},
        "headlines": [{"name": str(METRIC_LABELS[h.metric]), "value": h.value, "target": h.target} for h in board.headlines],
    }


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
    safety_rows = [[u.name, u.enterprises, u.safety_enterprises, u.safety_coverage if u.safety_coverage is not None else "—", u.safety_entries]
                   for u in board.units]
    month_headers = [_("Month")]
    for metric in ("city_skills_contests", "county_contests", "entries"):
        month_headers += [f"{METRIC_LABELS[metric]} · {_('Done')}", f"{METRIC_LABELS[metric]} · {_('Straight-line target')}"]
    return [
        Sheet(_("Targets"), [_("Measure"), _("Done"), _("Target"), _("Progress (per cent)")], target_rows),
        Sheet(_("Contests by level"), [_("Level"), *[str(KIND_LABELS[k]) for k in board.kinds], _("Total")], level_rows),
        Sheet(_("By unit"), [_("Unit"), _("Level"), _("Contests hosted"), _("Entries"), _("Workers")], unit_rows),
        Sheet(_("By trade"), [_("Trade"), _("Entries"), _("Workers")], trade_rows),
        Sheet(_("Approvals waiting"), [_("Waiting at"), _("Waiting"), str(WAIT_LABELS["fresh"]), str(WAIT_LABELS["week"]),
                                       str(WAIT_LABELS["old"]), _("Oldest (days)")], waiting_rows),
        Sheet(_("Month by month"), month_headers, month_rows),
        Sheet(_("Awards and titles"), [_("Unit"), *board.award_labels, _("Awards"), _("Titles")], award_rows),
        Sheet(_("Safety Cup"), [_("Unit"), _("Enterprises"), _("Enterprises with Safety Cup entries"), _("Coverage (per cent)"),
                                _("Safety Cup entries")], safety_rows),
    ]


@dashboard_bp.route("/dashboard/targets", methods=["GET", "POST"])
@organiser_required
def targets():
    year = _year()
    unit = service.dashboard_unit(current_user, request.args.get("unit", type=int))
    board_targets = service.stored_targets(current_user, unit, year)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values: dict[str, int | None] = {}
        for metric in rules.METRICS:
            raw = request.form.get(metric, "").strip()
            if raw == "":
                values[metric] = None
            elif raw.isascii() and raw.isdigit():
                try:
                    values[metric] = rules.check_target(metric, int(raw))
                except DomainError as exc:
                    errors[metric] = translate(exc)
            else:
                errors[metric] = _("Enter a whole number, or leave it empty for the plan's default.")
        if not errors:
            try:
                service.set_targets(current_user, unit.id, year, values)
            except DomainError as exc:
                flash(translate(exc), "danger")
            else:
                flash(_("The targets have been saved."), "success")
                return redirect(url_for("dashboard.index", year=year, unit=unit.id))
        board_targets = {m: request.form.get(m, "") for m in rules.METRICS}
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
