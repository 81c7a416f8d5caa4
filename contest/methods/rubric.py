"""``rubric``: judges' marks on the event's criteria (评分细则打分) — an adapter over ``services.judging``
(sheet, submission, completeness, sign-off) and the marks read by ``services.results``.

Set-up is the rubric editor on the event page (components, weights, criteria); judges enter marks on the
tablet page; the API reads and writes the score sheet (``/events/<id>/sheet``, ``PUT /events/<id>/scores``).
Complete when every assigned judge has marked every criterion of every entry he may score; ranked by the
weighted total (``domain.scoring``) with the event's tie-breakers (``domain.ranking``).
"""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from contest.domain import ranking, scoring
from contest.domain.ranking import RankingInput
from contest.methods.base import Method, Missing, Progress
from contest.models import Event, SignOff, User
from contest.services import judging, results


class RubricMethod(Method):
    name = "rubric"
    api_name = "marks"
    label = _l("Marks (rubric)")
    uses_rubric = True
    setup_endpoint = "contests.event"
    entry_endpoint = "judging.tablet"
    progress_endpoint = "judging.scores"
    entry_label = _l("Enter scores")
    summary_template = ""  # the rubric itself is shown

    def choices(self) -> list[tuple[str, str]]:
        return [("", str(self.label))]

    def choice_of(self, event: Event) -> str:
        return ""

    def apply_choice(self, event: Event, value: str) -> None:
        event.method_name = None

    def api_links(self, event: Event) -> dict[str, str]:
        return {"sheet": url_for("api.score_sheet", event_id=event.id), "submit": url_for("api.put_scores", event_id=event.id)}

    @staticmethod
    def _progress(report: scoring.CompletenessReport, judge_id: int | None) -> Progress:
        mine = sum(1 for m in report.missing if m.judge_id == judge_id) if judge_id is not None else None
        return Progress(report.expected, report.expected - len(report.missing), mine)

    def progress(self, event: Event, judge_id: int | None = None) -> Progress:
        return self._progress(judging.completeness(event), judge_id)

    def missing(self, viewer: User, event: Event, judge_id: int | None) -> Missing:
        """Every judge's missing marks counted; listed only where the viewer may see them (a judge before
        sign-off: his own)."""
        report = judging.completeness(event)
        numbers = {e.nomination_id: e.number for e in judging.entries_of(event.id, with_paths=False)}
        everyone = judging.can_see_all_scores(viewer, event)
        items = [(m.judge_id, numbers[m.entry_id], m.criterion_id) for m in report.missing
                 if (everyone or m.judge_id == viewer.id) and m.entry_id in numbers]
        counts: dict[int, int] = {}
        for m in report.missing:
            counts[m.judge_id] = counts.get(m.judge_id, 0) + 1
        return Missing(self._progress(report, judge_id), items, counts)

    def sign_off(self, chief: User, event_id: int) -> SignOff:
        return judging.sign_off(chief, event_id)

    def ranking_input(self, event: Event) -> RankingInput:
        """Totals by ``domain.scoring``, ranked by ``domain.ranking`` with the event's tie-breakers."""
        totals = scoring.compute_grouped_results(judging.rubric_of(event), results.grouped_marks(event.id))
        # In entry order, not in the order the database returned the marks (which changes as rows are updated):
        # entries still tied keep their input order, so the ranking must not depend on the storage.
        contenders = [
            ranking.Contender(entry_id, r.total, r.component_totals, r.criterion_values) for entry_id, r in sorted(totals.items())
        ]
        ranked = ranking.rank_entries(contenders, ranking.tie_breakers_from_spec([tuple(t) for t in event.tie_breakers or []]))
        return RankingInput(tuple(ranked))


RUBRIC = RubricMethod()
