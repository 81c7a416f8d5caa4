"""``indicators``: an indicator sheet (指标考核, 安康杯 and 立功竞赛) — units inspected on sections of indicators
with direct points, per-occurrence deductions with a floor, capped bonuses, ratios from reported figures and
veto items (一票否决). An adapter over ``services.indicator_sheets`` (the sheet, its rubric, unit results) and
``services.judging`` (the tablet, the write path, completeness, sign-off).

Set-up is the sheet builder (``indicators.builder``); inspectors enter marks on the tablet page (the sheet
is materialised as the event's rubric: see ``services.indicator_sheets``). Complete when every assigned
inspector has marked every entered indicator of every unit he may inspect (the rubric's rule; a ratio is
never an expected mark). Ranked by the sheet total; a vetoed unit keeps its rank and total and receives no
award (``RankingInput.excluded``).
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from contest.domain.entrants import EntrantKind
from contest.domain.errors import N_
from contest.domain.figures import FIGURES
from contest.domain.indicators import IndicatorMethod
from contest.domain.ranking import RankingInput
from contest.methods.rubric import RubricMethod
from contest.models import Event
from contest.services import indicator_sheets


class IndicatorsMethod(RubricMethod):
    name = indicator_sheets.METHOD
    api_name = "marks"  # inspections are marks on the sheet's criteria: the score sheet API reads and writes them
    label = _l("Indicator sheet")
    uses_rubric = False  # the rubric is derived from the sheet, never edited on the event page
    setup_endpoint = "indicators.builder"
    entry_label = _l("Inspect")
    summary_template = "indicators/summary.html"

    def choices(self) -> list[tuple[str, str]]:
        return [(self.name, str(self.label))]

    def choice_of(self, event: Event) -> str:
        return self.name

    def not_ready(self, event: Event) -> str | None:
        if event.entrant_kind != EntrantKind.UNIT:
            return N_("Event %(event)s: an indicator sheet decides events for units (enterprises and teams) only.")
        if not indicator_sheets.sheet_of(event).indicators:
            return N_("Event %(event)s has no indicator sheet yet: build it (or copy last year's) before registration opens.")
        return None

    def apply_choice(self, event: Event, value: str) -> None:
        event.method_name = self.name  # named (the rubric method it extends stores none)

    def describe(self, event: Event) -> str:
        sheet = indicator_sheets.sheet_of(event)
        if not sheet.indicators:
            return gettext("Indicator sheet (not set up)")
        return gettext("Indicator sheet: %(count)d indicators, %(total)s points", count=len(sheet.indicators),
                       total=sheet.max_points)

    def published_sheet(self, event: Event) -> dict:
        """The sheet as the event page shows it to everyone who may see the event (units read it before they
        report), with what its rule texts need."""
        return {"sheet": indicator_sheets.sheet_of(event), "Method": IndicatorMethod,
                "figure_labels": {f.key: f.label for f in FIGURES}}

    def sheet_extras(self, event: Event, numbers: dict[int, int]) -> dict:
        return indicator_sheets.inspection_extras(event, numbers)

    def copied(self, source: Event, copy: Event) -> None:
        indicator_sheets.relink_copy(source, copy)

    def ranking_input(self, event: Event) -> RankingInput:
        return indicator_sheets.ranking_input(event)

    def total_heading(self, event: Event) -> str:
        return gettext("Points")


INDICATORS = IndicatorsMethod()
