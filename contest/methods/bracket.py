"""``bracket``: head-to-head matches (对阵) — knock-out, double elimination, round robin or Swiss — an adapter
over ``services.brackets``. The one place outside the bracket model and domain that reads an event's
``bracket_format``.

Set-up is the bracket page (seeds, format options, draw-up); judges enter match results on the bracket; the
API reads ``/events/<id>/bracket`` and writes ``PUT /matches/<id>``. Complete when every playable match is
finished; ranked by the final placements (shown with league points or matches won).
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from contest.domain.brackets import BRACKETS
from contest.domain.errors import N_, DomainError
from contest.domain.ranking import RankingInput
from contest.labels import BRACKET_LABELS
from contest.methods.base import Method, Progress
from contest.models import Event, SignOff, User
from contest.services import brackets

LEAGUES = ("round_robin", "swiss")  # formats whose ranking shows league points (elimination: matches won)


class BracketMethod(Method):
    name = "bracket"
    api_name = "bracket"
    label = _l("Matches (bracket)")
    ranks_by_marks = False
    setup_endpoint = "brackets.setup"
    entry_endpoint = "brackets.view"
    entry_label = _l("Enter match results")
    summary_template = "brackets/_summary.html"

    def choices(self) -> list[tuple[str, str]]:
        return [(key, str(label)) for key, label in BRACKET_LABELS.items()]

    def choice_of(self, event: Event) -> str:
        return event.bracket_format or ""

    def apply_choice(self, event: Event, value: str) -> None:
        if value not in BRACKETS:
            raise DomainError(N_("Unknown bracket format."))
        event.method_name = None
        event.bracket_format = value

    def leave(self, event: Event) -> None:
        event.bracket_format = None  # the column is this method's: an event decided otherwise has none

    def claims(self, event: Event) -> bool:
        return bool(event.bracket_format)

    def format_of(self, event: Event) -> str:
        """The bracket format (``domain.brackets.BRACKETS``) of a bracket event."""
        return event.bracket_format

    def describe(self, event: Event) -> str:
        return str(BRACKET_LABELS[event.bracket_format])

    def api_event(self, event: Event) -> dict:
        return {"method": self.api_name, "bracket_format": event.bracket_format}

    def api_links(self, event: Event) -> dict[str, str]:
        return {"bracket": url_for("api.event_bracket", event_id=event.id)}

    def progress(self, event: Event, judge_id: int | None = None) -> Progress:
        """Matches to play (byes and void matches not counted) and those finished."""
        plan = brackets.plan_of(event.id)
        if plan is None:
            return Progress(0, 0, None)
        rows = brackets.match_rows(plan)
        resolution = brackets.bk.resolve(brackets.structure_of(plan), brackets.results_of(rows))
        playable = [m for m in resolution.matches if m.state not in (brackets.bk.MatchState.VOID, brackets.bk.MatchState.BYE)]
        finished = sum(1 for m in playable if m.state == brackets.bk.MatchState.FINISHED)
        return Progress(len(playable), finished, None)

    def sign_off(self, chief: User, event_id: int) -> SignOff:
        return brackets.sign_off(chief, event_id)

    def ranking_input(self, event: Event) -> RankingInput:
        ranked, shown = brackets.ranked_entries(event)
        return RankingInput(tuple(ranked), shown, marks=False)

    def total_heading(self, event: Event) -> str:
        return gettext("Points") if event.bracket_format in LEAGUES else gettext("Matches won")

    def shows_points(self, event: Event) -> bool:
        return True


BRACKET = BracketMethod()
