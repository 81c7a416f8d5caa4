from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class OrgForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name of the unit.")), Length(max=100)])
    level = SelectField(_l("Level"), validators=[DataRequired(message=_l("Choose a level."))])


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name of the unit.")), Length(max=100)])


class MoveForm(FlaskForm):
    parent_id = SelectField(_l("New place (unit above)"), coerce=int, validate_choice=False)
