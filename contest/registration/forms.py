from flask import request
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


class EnrolForm(FlaskForm):
    units = SelectMultipleField(_l("Units"), coerce=int, validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class AwardPlacesForm(FlaskForm):
    """The host's award places: one field ``p-<unit id>-<tier index>`` per child unit and tier, read by
    ``read_places`` (the units and tiers come from the service's view, so the form has no fixed fields)."""

    def read_places(self, units, tiers) -> tuple[dict[int, dict[str, int | None]], dict[str, str]]:
        """Places by unit id and tier name (None: left empty), and an error message per field name."""
        places: dict[int, dict[str, int | None]] = {}
        errors: dict[str, str] = {}
        for unit in units:
            for index, tier in enumerate(tiers):
                name = f"p-{unit.id}-{index}"
                text = (request.form.get(name) or "").strip()
                if not text:
                    places.setdefault(unit.id, {})[tier.name] = None
                elif text.isascii() and text.isdigit() and len(text) <= 6:
                    places.setdefault(unit.id, {})[tier.name] = int(text)
                else:
                    errors[name] = str(_l("Enter a whole number of at least 0."))
        return places, errors


class ApproveForm(FlaskForm):
    """Approve a nomination; ``next`` is the page to go back to (checked by ``safe_next``)."""

    next = HiddenField()
