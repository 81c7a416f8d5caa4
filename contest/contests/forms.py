from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


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
