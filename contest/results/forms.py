"""Forms of the results pages: publication, objections and their answers, finals and promotion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Optional

UPHELD = "upheld"


class PublishForm(FlaskForm):
    """Publish the results: the notice period in days (empty: the contest's own)."""

    notice_days = IntegerField(_l("Notice period (days)"), validators=[Optional()])


class ResolveObjectionForm(FlaskForm):
    """The host's answer to an objection: uphold or dismiss, and the answer's text."""

    decision = StringField(_l("Decision"))  # "upheld", or anything else (the page's select: "dismissed")
    resolution = StringField(_l("Answer"))

    @property
    def upheld(self) -> bool:
        return self.decision.data == UPHELD


class FinalLinkForm(FlaskForm):
    """The final a preliminary event feeds (empty: none)."""

    final_event_id = IntegerField(_l("Final"), validators=[Optional()])


class PromoteForm(FlaskForm):
    """How many of the top entries to promote into the final (empty: the quota in the final)."""

    count = IntegerField(_l("Top entries to promote (empty: the quota in the final)"), validators=[Optional()])


class ObjectionForm(FlaskForm):
    """An objection during the public notice: its text and, optionally, the entry it concerns."""

    text = TextAreaField(_l("Objection"))
    nomination_id = IntegerField(_l("Entry"), validators=[Optional()])
