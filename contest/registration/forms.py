from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class QuotaForm(FlaskForm):
    org_id = HiddenField()
    places = IntegerField(_l("Places"), validators=[InputRequired(message=_l("Enter the number of places.")), NumberRange(0, 100000)])


class NominateForm(FlaskForm):
    members = SelectMultipleField(_l("Workers"), coerce=int, validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    team_name = StringField(_l("Team name"), validators=[Optional(), Length(max=100)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the worker will see it)"), validators=[DataRequired(message=_l("Give a reason for the rejection; the worker will see it.")), Length(max=500)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
