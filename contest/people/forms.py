from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from contest.forms import ImportForm


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccountForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(message=_l("Enter the person's name.")), Length(max=50)])
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)])
    org_id = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    roles = MultiCheckboxField(_l("Roles"), validate_choice=False)
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=20)])
    resident_id = StringField(_l("Resident ID number"), validators=[Optional(), Length(max=30)])
    gender = SelectField(_l("Gender"), validate_choice=False)
    occupation = StringField(_l("Occupation (工种)"), validators=[Optional(), Length(max=50)])
    skill_level = SelectField(_l("Skill level"), validate_choice=False)


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    role = SelectField(_l("Role"), validate_choice=False)
    org = SelectField(_l("Unit"), validate_choice=False)


class AccountImportForm(ImportForm):
    """The accounts import: the file, and the resident ID numbers the organiser has checked against the ID card
    (asked for when a row looks like someone already in the system)."""

    confirm_id = SelectMultipleField(validate_choice=False)
