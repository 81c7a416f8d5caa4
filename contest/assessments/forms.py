"""Forms of the self-assessment pages: one text field per figure of the catalogue, the evidence upload, the
overview's filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField

from contest.domain.figures import FIGURES, AssessmentState


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class FiguresForm(FlaskForm):
    """A field per figure (``domain.figures.FIGURES``), named by its key; the values are checked by the service
    (``assessments.save_figures``), every bad one shown beside its field."""

    def values(self) -> dict[str, str]:
        return {f.key: self[f.key].data or "" for f in FIGURES}


for _figure in FIGURES:
    setattr(FiguresForm, _figure.key, StringField(_l(_figure.label), filters=[_strip],
                                                  render_kw={"inputmode": "numeric" if _figure.integral else "decimal",
                                                             "autocomplete": "off"}))


class EvidenceForm(FlaskForm):
    """Evidence files (several at once), for one figure or the self-assessment as a whole."""

    figure = SelectField(_l("Evidence for"), validate_choice=False)
    files = MultipleFileField(_l("Files (PDF, JPG or PNG; at most 10 MB each)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.figure.choices = [("", _l("The self-assessment as a whole"))] + [(f.key, _l(f.label)) for f in FIGURES]


STATE_LABELS = {
    AssessmentState.NOT_STARTED: _l("Nothing reported yet"),
    AssessmentState.DRAFT: _l("Draft"),
    AssessmentState.SUBMITTED: _l("Submitted for inspection"),
    AssessmentState.LOCKED: _l("Locked for inspection"),
}


class OverviewFilter(FlaskForm):
    """The overview's filter by state (GET, no CSRF); the unit's name and subtree are ``ListSearchForm``'s."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.state.choices = [("", _l("Every state"))] + [(s.value, label) for s, label in STATE_LABELS.items()]

    def chosen_state(self) -> AssessmentState | None:
        try:
            return AssessmentState(self.state.data) if self.state.data else None
        except ValueError:
            return None
