from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    remember = BooleanField(_l("Stay logged in on this device"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Enter a new password."))])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(message=_l("Enter the new password again."))])


class LogoutForm(FlaskForm):
    """Logout is a POST with a CSRF token, so no other site can log a user out."""


class EmailForm(FlaskForm):
    """One's own e-mail address (optional): notifications are also mailed to it."""

    email = StringField(_l("E-mail address"), validators=[Optional(), Length(max=254, message=_l("At most %(max)d characters."))])
