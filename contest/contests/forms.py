from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from contest.commands import AwardTierInput, RankingRules


class ContestForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(message=_l("Enter the year.")), NumberRange(2000, 2100, message=_l("Enter a year between 2000 and 2100."))])
    kind = SelectField(_l("Kind"))
    registration_opens = DateField(_l("Registration opens"), validators=[Optional()])
    registration_closes = DateField(_l("Registration closes"), validators=[Optional()])
    contest_date = DateField(_l("Contest date"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    conflict_scope = SelectField(_l("Judges never score entries from their own"), validate_choice=False, default="enterprise")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    rules = TextAreaField(_l("Rules"), validators=[Optional(), Length(max=20000)])


class CopyForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(message=_l("Enter the year.")), NumberRange(2000, 2100, message=_l("Enter a year between 2000 and 2100."))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])


class EventForm(FlaskForm):
    name = StringField(_l("Event name (工种)"), validators=[DataRequired(message=_l("Enter the event's name.")), Length(max=100)])
    kind = SelectField(_l("Entry"))
    team_min = IntegerField(_l("Team size from"), validators=[Optional(), NumberRange(1, 20)], default=2)
    team_max = IntegerField(_l("Team size to"), validators=[Optional(), NumberRange(1, 20)], default=3)
    min_age = IntegerField(_l("Minimum age"), validators=[Optional(), NumberRange(16, 70)])
    max_age = IntegerField(_l("Maximum age"), validators=[Optional(), NumberRange(16, 70)])
    min_skill_level = SelectField(_l("Minimum skill level"), validate_choice=False)
    occupations = StringField(_l("Occupations admitted (separate with 、; empty: any)"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(_l("Maximum confirmed entries (empty: no limit)"), validators=[Optional(), NumberRange(1, 100000)])
    bracket_format = SelectField(_l("Decided by"), validate_choice=False)


class ComponentForm(FlaskForm):
    name = StringField(_l("Component"), validators=[DataRequired(message=_l("Enter the component's name.")), Length(max=50)])
    weight = IntegerField(_l("Weight (%)"), validators=[InputRequired(message=_l("Enter the weight.")), NumberRange(1, 100)])
    aggregation = SelectField(_l("Judges' marks combined by"))


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(message=_l("Enter the criterion's name.")), Length(max=100)])
    max_marks = StringField(_l("Maximum marks"), validators=[DataRequired(message=_l("Enter the maximum marks."))])
    kind = SelectField(_l("Kind of mark"))


class RankingRulesForm(FlaskForm):
    """The event page's ranking and award rules: three tie-breakers in order, the award tiers, rounding, the
    boundary rule, a minimum score and two titles. The choices are checked by the service with the domain
    rules (``contests.set_ranking_rules``), whose ``FieldError`` lands beside the field it names."""

    tie1 = SelectField(_l("Tie-breaker %(n)d", n=1), validate_choice=False)
    tie2 = SelectField(_l("Tie-breaker %(n)d", n=2), validate_choice=False)
    tie3 = SelectField(_l("Tie-breaker %(n)d", n=3), validate_choice=False)
    mode = SelectField(_l("Awards by"), validate_choice=False)
    rounding = SelectField(_l("Rounding of places"), validate_choice=False)
    boundary_policy = SelectField(_l("Ties at a tier boundary"), validate_choice=False)
    tier1_name = StringField(_l("Award %(n)d", n=1))
    tier1_value = StringField(_l("Percent or places"))
    tier2_name = StringField(_l("Award %(n)d", n=2))
    tier2_value = StringField(_l("Percent or places"))
    tier3_name = StringField(_l("Award %(n)d", n=3))
    tier3_value = StringField(_l("Percent or places"))
    min_score = StringField(_l("Minimum score for an award"))
    top_title_name = StringField(_l("Title for the top ranks"))
    top_title_ranks = StringField(_l("Top ranks"))
    youth_title_name = StringField(_l("Youth title"))
    youth_title_max_age = StringField(_l("Up to age"))

    TIERS = 3

    @classmethod
    def of(cls, event, scheme: dict, chosen_ties: list[str], tie_choices: list[tuple[str, str]], formdata=None) -> RankingRulesForm:
        """The form filled from the event's current rules (or from ``formdata`` when posted)."""
        data = {f"tie{i}": chosen_ties[i - 1] if len(chosen_ties) >= i else "" for i in (1, 2, 3)}
        data.update(mode=scheme.get("mode"), rounding=scheme.get("rounding"), boundary_policy=scheme.get("boundary_policy"),
                    min_score=scheme.get("min_score") or "")
        for i, tier in enumerate(scheme.get("tiers") or [], start=1):
            if i <= cls.TIERS:
                data[f"tier{i}_name"], data[f"tier{i}_value"] = tier.get("name") or "", tier.get("value") or ""
        if scheme.get("top_title"):
            data.update(top_title_name=scheme["top_title"]["name"], top_title_ranks=str(scheme["top_title"]["ranks"]))
        if scheme.get("youth_title"):
            data.update(youth_title_name=scheme["youth_title"]["name"], youth_title_max_age=str(scheme["youth_title"]["max_age"]))
        form = cls(formdata=formdata) if formdata is not None else cls(formdata=None, data=data)
        for i in (1, 2, 3):
            form[f"tie{i}"].choices = [("", "—"), *tie_choices]
        form.mode.choices = [("percent", _l("proportion of entrants (percent)")), ("count", _l("number of places"))]
        form.rounding.choices = [("cumulative", _l("cumulative: round the running total half up (recommended)")),
                                 ("half_up", _l("each award separately: round half up")),
                                 ("floor", _l("each award separately: round down")),
                                 ("ceil", _l("each award separately: round up"))]
        form.boundary_policy.choices = [("tied_take_higher", _l("all receive the higher award")),
                                        ("tied_take_lower", _l("all receive the lower award"))]
        return form

    def command(self, event_id: int) -> RankingRules:
        text = lambda name: (self[name].data or "").strip()  # noqa: E731
        return RankingRules(
            event_id, tuple(self[f"tie{i}"].data or "" for i in (1, 2, 3)), self.mode.data or "",
            tuple(AwardTierInput(text(f"tier{i}_name"), text(f"tier{i}_value")) for i in range(1, self.TIERS + 1)),
            rounding=self.rounding.data or "", boundary_policy=self.boundary_policy.data or "", min_score=text("min_score"),
            top_title_name=text("top_title_name"), top_title_ranks=text("top_title_ranks"),
            youth_title_name=text("youth_title_name"), youth_title_max_age=text("youth_title_max_age"))


class StatusForm(FlaskForm):
    """A contest status button: the state to move to (the service refuses an unknown or illegal one)."""

    target = StringField(_l("Status"))
