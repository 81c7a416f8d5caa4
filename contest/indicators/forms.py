"""Forms of the indicator sheet builder."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from contest.domain.errors import N_, FieldError
from contest.domain.indicators import Indicator, IndicatorMethod
from contest.domain.numbers import parse_plain_decimal

METHOD_LABELS = {
    IndicatorMethod.POINTS: _l("Direct points"),
    IndicatorMethod.DEDUCTION: _l("Deduction per occurrence (with a floor)"),
    IndicatorMethod.BONUS: _l("Bonus per occurrence (with a cap)"),
    IndicatorMethod.RATIO: _l("Ratio of reported figures against a target"),
    IndicatorMethod.VETO: _l("Veto (一票否决)"),
}


class SectionForm(FlaskForm):
    name = StringField(_l("Section"), validators=[DataRequired(), Length(max=50)])


class CopyForm(FlaskForm):
    source = SelectField(_l("Earlier indicator sheet"), coerce=int, validate_choice=False)


class IndicatorForm(FlaskForm):
    """One indicator with its method's fields; ``to_indicator`` refuses an amount beside its field."""

    key = HiddenField()
    section = SelectField(_l("Section"), coerce=int, validate_choice=False)
    name = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=100)])
    method = SelectField(_l("Method"))  # choices: ``METHOD_LABELS`` (set by the view)
    max_points = StringField(_l("Maximum points (the cap of a bonus)"))
    per = StringField(_l("Points per occurrence"))
    floor = StringField(_l("Floor (a deduction never goes below it)"))
    target = StringField(_l("Target (the ratio that earns full points)"))
    numerator = SelectField(_l("Reported figure"), validate_choice=False)
    denominator = SelectField(_l("Divided by"), validate_choice=False)
    guidance = TextAreaField(_l("Guidance for inspectors"), validators=[Length(max=500)])

    def _amount(self, name: str) -> Decimal | None:
        text = (self._fields[name].data or "").strip()
        if not text:
            return None
        value = parse_plain_decimal(text)
        if value is None or value < 0 or value != value.quantize(Decimal("0.01")) or value > 100000:
            raise FieldError(name, N_("Enter a number of points, 0 or more, with at most two decimal places."))
        return value

    def to_indicator(self) -> Indicator:
        method = IndicatorMethod(self.method.data)
        amounts = {name: self._amount(name) for name in ("max_points", "per", "floor", "target")}
        if method is IndicatorMethod.VETO:
            amounts["max_points"] = Decimal(0)
        elif not amounts["max_points"]:
            raise FieldError("max_points", N_("Enter the maximum points, above 0."))
        if method in (IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS) and not amounts["per"]:
            raise FieldError("per", N_("Enter the points per occurrence, above 0."))
        if method is IndicatorMethod.RATIO:
            if not amounts["target"]:
                raise FieldError("target", N_("Enter the target, above 0."))
            if not self.numerator.data or not self.denominator.data or self.numerator.data == self.denominator.data:
                raise FieldError("denominator", N_("Choose two different reported figures."))
        ratio = method is IndicatorMethod.RATIO
        return Indicator(
            key=self.key.data or "", name=" ".join(self.name.data.split()), method=method,
            max_points=amounts["max_points"] or Decimal(0),
            per=amounts["per"] if method in (IndicatorMethod.DEDUCTION, IndicatorMethod.BONUS) else None,
            floor=(amounts["floor"] or Decimal(0)) if method is IndicatorMethod.DEDUCTION else Decimal(0),
            target=amounts["target"] if ratio else None, guidance=(self.guidance.data or "").strip(),
            numerator=self.numerator.data if ratio else None, denominator=self.denominator.data if ratio else None)
