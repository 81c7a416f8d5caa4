"""Forms shared by several blueprints."""

from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField

from contest.domain.errors import DomainError, FieldError
from contest.i18n import translate
from contest.web import post_action


class ConfirmForm(FlaskForm):
    """An empty form: a POST button with its CSRF token."""


class ImportForm(FlaskForm):
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[
            FileRequired(message=_l("Choose a file to upload.")),
            FileAllowed(["xlsx", "csv"], message=_l("Upload an .xlsx or .csv file.")),
        ],
    )


class ListSearchForm(FlaskForm):
    """The search bar of a long list (GET, no CSRF): text (name, pinyin initials, username) and a unit."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    org = SelectField(_l("Unit"), validate_choice=False)


def place_refusal(form: FlaskForm, exc: DomainError, fallback: str | None = None) -> str:
    """Show a refused command's message beside the field it names (a ``FieldError``), else beside ``fallback``
    when given; returns the message (for a flash at the top of the page as well)."""
    message = translate(exc)
    field = form._fields.get(exc.field) if isinstance(exc, FieldError) else None
    if field is None and fallback is not None:
        field = form._fields.get(fallback)
    if field is not None:
        field.errors = [*field.errors, message]
    return message


def form_action(form: FlaskForm, action: Callable[[], object], success: str | Callable[[object], str], target: str):
    """The body of a POST button that carries values (a reason, a number): ``form`` checks them first — a bad one
    is flashed with its field's label and nothing is done — then ``action`` runs as in ``contest.web.post_action``
    (its refusal flashed, or ``success``), and the browser goes back to ``target``."""
    if not form.validate():
        for field in form:
            for error in field.errors:
                flash(_("%(field)s: %(error)s", field=field.label.text, error=error) if field.label.text else str(error), "danger")
        return redirect(target)
    return post_action(action, success, target)
