"""The base class of decision methods: what every method supplies, with the defaults a simple method keeps.

Imported by the models (through the registry), so it imports nothing but the domain and Flask-Babel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from contest.domain.ranking import RankingInput

if TYPE_CHECKING:  # annotations only: the models import this module
    from contest.models import Event, SignOff, User


@dataclass(frozen=True)
class Progress:
    """``expected`` marks (or matches, or values) of the event, ``done`` of them, and ``mine_missing``: the
    caller's own missing marks (None when the method has no per-judge marks or the viewer does not judge)."""

    expected: int
    done: int
    mine_missing: int | None

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.done >= self.expected


@dataclass(frozen=True)
class Missing:
    """What is still missing before sign-off, as the viewer may see it: ``items`` are (judge id, competitor
    number, criterion id) triples, ``by_judge`` every judge's count (judges absent from it: 0)."""

    progress: Progress
    items: list[tuple[int, int, int]]
    by_judge: dict[int, int]


class Method:
    """One way of deciding an event. Subclasses set the class attributes and implement the hooks marked
    "required"; the other hooks have defaults that fit a method storing nothing but its settings.

    Pages: ``setup_endpoint`` (organisers: the method's settings for the event) and ``entry_endpoint``
    (judges: where results are entered) take ``event_id``. A method without pages of its own keeps the
    generic endpoints ``methods.setup`` and ``methods.entry``, which call ``setup_page`` and ``entry_page``.
    """

    #: Registry key, stored in ``events.method``.
    name: str = ""
    #: What the API calls the method (``method`` in ``/me/events`` and ``/completeness``).
    api_name: str = ""
    #: Shown where the event's method is named (a lazy msgid).
    label: Any = ""
    #: Whether the event is decided by marks on its rubric (components and criteria are edited on the event
    #: page and checked before registration opens).
    uses_rubric: bool = False
    #: Whether the ranked totals are marks (an award scheme's minimum score applies).
    ranks_by_marks: bool = True
    setup_endpoint: str = "methods.setup"
    entry_endpoint: str = "methods.entry"
    #: A judges' progress page of the method's own (``event_id``), or None.
    progress_endpoint: str | None = None
    entry_label: Any = _l("Enter results")
    #: Shown on the event page instead of the rubric (``event``, ``method``, ``is_host`` in the context).
    summary_template: str = "methods/summary.html"

    # ------------------------------------------------------------------ set-up

    def choices(self) -> list[tuple[str, str]]:
        """The values this method offers in the event form's "decided by" list, with their labels."""
        return [(self.name, str(self.label))]

    def choice_of(self, event: Event) -> str:
        """The "decided by" value that shows ``event``'s current method and settings."""
        return self.name

    def apply_choice(self, event: Event, value: str) -> None:
        """Write the choice into the event's columns (the event form; inside the caller's transaction). The method
        the event leaves has cleared its own columns first (``leave``)."""
        event.method_name = self.name

    def leave(self, event: Event) -> None:
        """The event is switching to another method (or re-choosing): clear the columns only this method writes
        (default: none), before the new method's ``apply_choice``."""

    def claims(self, event: Event) -> bool:
        """Whether an event that names no method is decided by this one (events stored before the registry)."""
        return False

    def describe(self, event: Event) -> str:
        """The method with its main setting, e.g. "Single elimination"."""
        return str(self.label)

    def copied(self, source: Event, copy: Event) -> None:
        """After a contest copy copied ``source`` (its columns, rubric and options) into ``copy`` and flushed:
        fix what the method stores that names rows of the source (default: nothing)."""

    def options(self, event: Event) -> dict:
        """The method's own settings of the event (``events.method_options``)."""
        return dict(event.method_options or {})

    def not_ready(self, event: Event) -> str | None:
        """Why the event cannot open for registration under this method (a msgid taking ``%(event)s``), or None."""
        return None

    def setup_page(self, event: Event):
        """The response of the generic set-up page (GET and POST) for the event's host."""
        raise NotImplementedError

    # ------------------------------------------------------------------ entry

    def entry_page(self, event: Event):
        """The response of the generic entry page (GET and POST) for the event's judges."""
        raise NotImplementedError

    # ------------------------------------------------------------------ API shape

    def api_event(self, event: Event) -> dict:
        """Method fields of the event in ``GET /api/v1/contests/<id>`` (``bracket_format`` stays in v1's shape)."""
        return {"method": self.api_name, "bracket_format": None}

    def sheet_extras(self, event: Event, numbers: dict[int, int]) -> dict:
        """What the judges' score sheet carries besides criteria and entries for this method (``numbers``:
        nomination id → competitor number of the entries the judge may score); empty: nothing."""
        return {}

    def api_links(self, event: Event) -> dict[str, str]:
        """Links of the method's own reads and writes for a judge's client (``/me/events``)."""
        return {}

    # ------------------------------------------------------------------ completeness, sign-off, ranking

    def progress(self, event: Event, judge_id: int | None = None) -> Progress:
        """Required: how far entry has come."""
        raise NotImplementedError

    def missing(self, viewer: User, event: Event, judge_id: int | None) -> Missing:
        """What is missing before sign-off as ``viewer`` may see it (default: progress only)."""
        return Missing(self.progress(event, judge_id), [], {})

    def sign_off(self, chief: User, event_id: int) -> SignOff:
        """Required: the chief judge signs the event off (refused while it is not complete)."""
        raise NotImplementedError

    def ranking_input(self, event: Event) -> RankingInput:
        """Required: the signed-off event's entries in rank order, for ``services.results``."""
        raise NotImplementedError

    # ------------------------------------------------------------------ results pages

    def total_heading(self, event: Event) -> str:
        """The heading of the ranking's total column."""
        return gettext("Total")

    def shows_points(self, event: Event) -> bool:
        """Whether the ranking's total is points (shown without trailing zeros) rather than marks."""
        return False

    def __repr__(self) -> str:
        return f"<method {self.name}>"
