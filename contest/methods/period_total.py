"""``period_total`` (累计): the cumulative ranking of a 立功竞赛 series — an adapter over ``services.periods``.

The event's entries are the units of the series' periods (carried in by ``services.periods``); its ranking
input is the sum of each unit's stored period totals (``EventResult.total_x100``) over the periods that have
results, a unit missing from a period scoring 0 for it; a unit excluded in any period (a veto) is excluded
here, with the reasons by period. Complete when every period of the series has results; signed off when the
host confirms the cumulative ranking. Awards, 公示, objections and certificates then work as for any event.

Set-up (the series to add up) and confirmation are the merit pages (``merit.cumulative``); there is no judges'
entry.
"""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import lazy_gettext as _l

from contest.domain.ranking import RankingInput
from contest.methods.base import Method, Progress
from contest.models import Event, SignOff, User
from contest.services import periods


class PeriodTotalMethod(Method):
    name = periods.METHOD
    api_name = periods.METHOD
    label = _l("Cumulative over periods")
    setup_endpoint = "merit.cumulative"
    entry_label = _l("Cumulative ranking")
    summary_template = "merit/_summary.html"

    def describe(self, event: Event) -> str:
        series = periods.series_of(event)
        return f"{self.label}（{series}）" if series else str(self.label)

    def entry_page(self, event: Event):
        """No judge enters anything: the cumulative table of the contest."""
        return redirect(url_for("merit.periods", contest_id=event.contest_id))

    def progress(self, event: Event, judge_id: int | None = None) -> Progress:
        """Periods of the series, and those with results."""
        expected, done = periods.cumulative_progress(event)
        return Progress(expected, done, None)

    def sign_off(self, chief: User, event_id: int) -> SignOff:
        return periods.confirm_cumulative(chief, event_id)

    def ranking_input(self, event: Event) -> RankingInput:
        return periods.cumulative_ranking(event)


PERIOD_TOTAL = PeriodTotalMethod()
