"""Forms of the merit pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class NextPeriodForm(FlaskForm):
    """Add the next period; an empty label takes the one after the last period's (2026年9月 → 2026年10月)."""

    label = StringField(_l("Label of the new period"), validators=[Length(max=40)])


class StartSeriesForm(FlaskForm):
    event_id = SelectField(_l("Event of the first period"), coerce=int, validate_choice=False)
    series = StringField(_l("Name of the series"), validators=[DataRequired(), Length(max=50)])
    label = StringField(_l("Label of the first period"), validators=[DataRequired(), Length(max=40)])


class CumulativeForm(FlaskForm):
    series = SelectField(_l("Series to add up"), validators=[DataRequired()])
