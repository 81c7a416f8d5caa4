"""A TEST-ONLY decision method, "single objective measurement": one number per entrant (a time, a weight, a
count), higher or lower is better. It proves that a method is one module registered in one call: its set-up
form, its judges' entry page, its completeness, sign-off and ranking input are all here, and the app is not
edited for it (the generic pages ``methods.setup``/``methods.entry`` serve its pages; results, awards,
publication and certificates take its ranking like any other).

The values are stored as marks on one measurement criterion that the method adds to the event when it is
chosen, so the existing write path (``judging.submit_scores``: idempotency, versions, audit, sign-off lock)
carries them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import flash, redirect, render_template_string, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField

from contest.domain import ranking, scoring
from contest.domain.contests import Aggregation, CriterionKind
from contest.domain.ranking import RankingInput
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
<form method="post" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><input type="hidden" name="key" value="{{ key }}">
  {% for e in sheet.entries %}
    <div class="mb-2"><label for="value-{{ e.competitor_number }}">No. {{ e.competitor_number }}</label>
      <input class="form-control" id="value-{{ e.competitor_number }}" name="value-{{ e.competitor_number }}" inputmode="decimal"
             value="{{ mine.get(e.competitor_number, '') }}" data-testid="value"></div>
  {% endfor %}
  <button class="btn btn-primary" type="submit">Submit</button>
</form>{% endblock %}"""


class DirectionForm(FlaskForm):
    direction = RadioField("Better is")


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
        if request.method == "POST":
            items = [{"competitor_number": e["competitor_number"], "criterion_id": criterion_id,
                      "value": request.form[f"value-{e['competitor_number']}"].strip()}
                     for e in sheet["entries"] if request.form.get(f"value-{e['competitor_number']}", "").strip()]
            answer = judging.submit_scores(current_user, event.id, {"idempotency_key": request.form.get("key", ""), "scores": items})
            if answer.status == 200:
                flash("Values saved.", "success")
                return redirect(url_for("methods.entry", event_id=event.id))
            flash(answer.body["error"]["message"], "danger")
        mine = {s["competitor_number"]: s["value"] for s in sheet["scores"]}
        return render_template_string(ENTRY, sheet=sheet, mine=mine, key=uuid.uuid4().hex, event=event, method=self)

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
