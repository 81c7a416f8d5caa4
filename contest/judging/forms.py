"""Forms of the judging pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from contest.commands import MAX_REASON, CorrectScore


class CorrectionForm(FlaskForm):
    """The chief judge's correction of one score on the scoring page. The hidden fields come from the score's
    row (its entry, criterion, judge and the version shown); value and reason are typed in."""

    competitor_number = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    criterion_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    judge_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    value = StringField(_l("Value"), validators=[DataRequired(message=_l("Enter the corrected value."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(message=_l("A correction after sign-off needs a reason.")),
                                                   Length(max=MAX_REASON, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refusal: str | None = None  # a refusal of the whole correction (stale, locked), shown above the fields

    def command(self, event_id: int) -> CorrectScore:
        return CorrectScore(event_id, self.competitor_number.data, self.criterion_id.data, self.judge_id.data,
                            self.value.data.strip(), self.version.data, self.reason.data.strip())

    def is_for(self, number: int, criterion_id: int, judge_id: int) -> bool:
        """Whether this (posted) form is the one of the score in this cell."""
        return (self.competitor_number.data, self.criterion_id.data, self.judge_id.data) == (number, criterion_id, judge_id)


class AssignJudgeForm(FlaskForm):
    """Assign a judge to the event, optionally as its chief judge (the service checks the candidate)."""

    judge_id = IntegerField(_l("Judge"), validators=[Optional()])
    chief = BooleanField(_l("Chief judge"))
