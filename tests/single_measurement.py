"""A TEST-ONLY decision method, "single objective measurement": one number per entrant (a time, a weight, a
count), higher or lower is better. It proves that a method is one module registered in one call: its set-up
form, its judges' entry page, its completeness, sign-off and ranking input are all here, and the app is not
edited for it (the generic pages ``methods.setup``/``methods.entry`` serve its pages; results, awards,
publication and certificates take its ranking like any other).

The values are stored as marks on one measurement criterion that the method adds to the event when it is
chosen, so the pages' typed score write (``judging.enter_scores``: the API's checks, versions, audit,
sign-off lock) carries them: the entry page is a form class that builds ``ScoreItem``s and shows the typed
refusals beside the values they concern.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template_string, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField

from contest.commands import ScoreItem
from contest.domain import ranking, scoring
from contest.domain.contests import Aggregation, CriterionKind
from contest.domain.errors import DomainError, InvalidItems, StaleScore
from contest.domain.numbers import parse_plain_int
from contest.domain.ranking import RankingInput
from contest.i18n import translate
from contest.methods import Method, Progress
from contest.models import Component, Criterion, Event
from contest.services import contests, judging, results

MAX_X100 = 99_999_999  # the largest value a judge may enter: 999,999.99

SETUP = """{% extends "base.html" %}{% block content %}
<h1 class="h3">{{ event.name }} · {{ method.describe(event) }}</h1>
<form method="post" novalidate>{{ form.hidden_tag() }}
  {% for choice in form.direction %}<div class="form-check">{{ choice(class_="form-check-input") }} {{ choice.label(class_="form-check-label") }}</div>{% endfor %}
  <button class="btn btn-primary" type="submit" data-testid="save">Save</button>
</form>{% endblock %}"""

ENTRY = """{% extends "base.html" %}{% block content %}
<h1 class="h3">{{ event.name }} · {{ method.describe(event) }}</h1>
{% if form.refusal %}<div class="alert alert-danger" data-testid="refusal">{{ form.refusal }}</div>{% endif %}
<form method="post" novalidate>{{ form.csrf_token }}
  {% for n in form.numbers %}{% set value, version = form.value_field(n), form.version_field(n) %}
    <div class="mb-2"><label for="{{ value.name }}">{{ value.label.text }}</label>{{ version() }}
      {{ value(class_="form-control" ~ (" is-invalid" if value.errors else ""), inputmode="decimal", data_testid="value") }}
      {% for e in value.errors %}<div class="invalid-feedback" data-testid="value-error-{{ n }}">{{ e }}</div>{% endfor %}</div>
  {% endfor %}
  <div class="mb-2"><label for="reason">Reason for changes</label>{{ form.reason(class_="form-control") }}</div>
  <button class="btn btn-primary" type="submit">Submit</button>
</form>{% endblock %}"""


class DirectionForm(FlaskForm):
    direction = RadioField("Better is")


class EntryForm(FlaskForm):
    """One value per entrant the judge may score (``value-<number>``, with the version he saw as
    ``version-<number>``) and a reason for changes. Build it with ``for_sheet``; ``items`` gives the typed
    score items of the values typed that differ from the stored ones."""

    reason = StringField("Reason for changes", name="reason")
    refusal: str | None = None

    @classmethod
    def for_sheet(cls, sheet: dict, **kwargs) -> EntryForm:
        numbers = [e["competitor_number"] for e in sheet["entries"]]
        fields = {}
        for n in numbers:
            fields[f"value_{n}"] = StringField(f"No. {n}", name=f"value-{n}")
            fields[f"version_{n}"] = HiddenField(name=f"version-{n}")
        form = type("EntryFormOfSheet", (cls,), fields)(**kwargs)
        form.numbers = numbers
        return form

    def value_field(self, number: int):
        return self._fields[f"value_{number}"]

    def version_field(self, number: int):
        return self._fields[f"version_{number}"]

    def items(self, criterion_id: int, stored: dict[int, str]) -> list[ScoreItem]:
        """A ``ScoreItem`` per value typed that is not the stored one (a number equal to it is the same)."""
        items = []
        for n in self.numbers:
            typed = (self.value_field(n).data or "").strip()
            if not typed or _same(typed, stored.get(n)):
                continue
            version = (self.version_field(n).data or "").strip()
            items.append(ScoreItem(len(items), n, criterion_id, typed, parse_plain_int(version) if version else None,
                                   (self.reason.data or "").strip(), sent_number=n, sent_criterion=criterion_id))
        return items

    def place(self, exc: DomainError, items: list[ScoreItem]) -> None:
        """A refusal of ``judging.enter_scores``: per-item problems beside their values, the rest above the form."""
        number_of = {item.index: item.competitor_number for item in items}
        placed = False
        if isinstance(exc, InvalidItems | StaleScore):
            for detail in exc.details or ():
                field = self._fields.get(f"value_{number_of.get(detail.get('index'))}")
                if field is not None:
                    message = detail.get("message") or translate(exc)
                    field.errors = [*field.errors, message if isinstance(message, str) else translate(message)]
                    placed = True
        if not placed:
            self.refusal = translate(exc)


def _same(typed: str, stored: str | None) -> bool:
    if stored is None:
        return False
    try:
        return Decimal(typed) == Decimal(stored)
    except InvalidOperation:
        return False


class SingleMeasurement(Method):
    name = "single_measurement"
    api_name = "marks"  # values are marks on the one criterion: the score sheet API reads and writes them
    label = "Single measurement"

    # ------------------------------------------------------------------ set-up

    def apply_choice(self, event: Event, value: str) -> None:
        super().apply_choice(event, value)
        if not event.components:
            component = Component(name="测量", weight=100, aggregation=Aggregation.MEAN, position=1)
            component.criteria = [Criterion(name="测量值", max_x100=MAX_X100, kind=CriterionKind.MEASUREMENT, position=1)]
            event.components.append(component)

    def higher_is_better(self, event: Event) -> bool:
        return bool(self.options(event).get("higher_is_better", True))

    def describe(self, event: Event) -> str:
        return f"{self.label} ({'higher' if self.higher_is_better(event) else 'lower'} is better)"

    def setup_page(self, event: Event):
        form = DirectionForm(direction="higher" if self.higher_is_better(event) else "lower")
        form.direction.choices = [("higher", "higher"), ("lower", "lower")]
        if form.validate_on_submit():
            contests.set_method_options(current_user, event.id, {"higher_is_better": form.direction.data == "higher"})
            flash("Saved.", "success")
            return redirect(url_for("methods.setup", event_id=event.id))
        return render_template_string(SETUP, form=form, event=event, method=self)

    # ------------------------------------------------------------------ entry

    def entry_page(self, event: Event):
        sheet = judging.sheet(current_user, event.id)  # 403 for anyone but the event's judges
        criterion_id = sheet["criteria"][0]["id"]
        stored = {s["competitor_number"]: s for s in sheet["scores"]}
        form = EntryForm.for_sheet(sheet, data={
            **{f"value_{n}": s["value"] for n, s in stored.items()}, **{f"version_{n}": str(s["version"]) for n, s in stored.items()}})
        status = 200
        if form.validate_on_submit():
            items = form.items(criterion_id, {n: s["value"] for n, s in stored.items()})
            try:
                judging.enter_scores(current_user, event.id, items)
            except DomainError as exc:
                form.place(exc, items)
                status = 422
            else:
                flash("Values saved.", "success")
                return redirect(url_for("methods.entry", event_id=event.id))
        return render_template_string(ENTRY, form=form, event=event, method=self), status

    # ------------------------------------------------------------------ completeness, sign-off, ranking

    def progress(self, event: Event, judge_id: int | None = None) -> Progress:
        report = judging.completeness(event)
        mine = sum(1 for m in report.missing if m.judge_id == judge_id) if judge_id is not None else None
        return Progress(report.expected, report.expected - len(report.missing), mine)

    def sign_off(self, chief, event_id: int):
        return judging.sign_off(chief, event_id)  # every judge has a value for every entry he may score

    def ranking_input(self, event: Event) -> RankingInput:
        criterion = event.components[0].criteria[0]
        domain_criterion = scoring.Criterion(criterion.id, criterion.max_marks, "measurement")
        higher = self.higher_is_better(event)
        values: dict[int, Decimal] = {}
        for entry_id, per_criterion in sorted(results.grouped_marks(event.id).items()):
            marks = per_criterion.get(criterion.id)
            if marks:
                values[entry_id], _issue = scoring.AGGREGATORS["measurement"](marks, domain_criterion, scoring.ScoringConfig())
        ranked = ranking.rank_entries([ranking.Contender(e, v if higher else -v) for e, v in values.items()])
        return RankingInput(tuple(ranked), {e: int(v * 100) for e, v in values.items()}, marks=higher)
