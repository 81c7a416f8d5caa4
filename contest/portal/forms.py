"""Forms of the portal: the organisers' announcement form and the public list's unit filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from contest.domain.orgtree import OrgLevel
from contest.services.portal import MAX_BODY, MAX_TITLE, Upload

if TYPE_CHECKING:
    from contest.models import Organisation

INDENT = "\u3000"  # one ideographic space per level below the poster's unit


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def uploads_of(field: MultipleFileField) -> list[Upload]:
    """The files chosen in ``field`` (an empty file input sends one nameless part: left out)."""
    return [Upload(f.filename or "", f.read()) for f in (field.data or []) if f and getattr(f, "filename", "")]


class AnnouncementForm(FlaskForm):
    """A new announcement: title, text, the unit it is addressed to (the poster's own or one below it) and files
    (checked by content in ``services.portal.post_announcement``, refusals shown beside the field they name)."""

    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the announcement a title.")),
        Length(max=MAX_TITLE, message=_l("The title or the text is too long.")),
    ], render_kw={"maxlength": MAX_TITLE})
    body = TextAreaField(_l("Text"), validators=[Length(max=MAX_BODY, message=_l("The title or the text is too long."))],
                         render_kw={"rows": 6})
    audience = SelectField(_l("Addressed to"), coerce=int)
    files = MultipleFileField(_l("Attachments (PDF, Word, Excel, images; at most 5 files of 10 MB)"))

    def set_audiences(self, units: Sequence[Organisation]) -> None:
        """The choices: ``units`` in tree order, the first (the poster's own unit) at the top, the others indented
        by their depth below it."""
        top = units[0].depth if units else 0
        self.audience.choices = [(u.id, INDENT * (u.depth - top) + u.name) for u in units]

    def uploads(self) -> list[Upload]:
        return uploads_of(self.files)


class AnnouncementFilter(FlaskForm):
    """The public list's filter (GET, no CSRF): a county or an enterprise; empty for the front-page list."""

    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), coerce=lambda v: int(v) if v not in (None, "") else None, validate_choice=False)

    def set_units(self, units: Sequence[Organisation]) -> None:
        self.unit.choices = [("", _l("City and counties"))] + [
            (u.id, (INDENT + u.name) if u.level == OrgLevel.ENTERPRISE else u.name) for u in units
        ]


class RulesDocumentForm(FlaskForm):
    """A contest's rules document (one file, checked by content in ``services.portal.add_rules_document``)."""

    file = MultipleFileField(_l("Rules document (PDF, Word, Excel; at most 10 MB)"))

    def uploads(self) -> list[Upload]:
        return uploads_of(self.file)
