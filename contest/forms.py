"""Forms shared by several blueprints."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


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
