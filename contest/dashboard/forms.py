"""Forms of the dashboard: a unit's yearly targets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError

from contest.domain import targets as rules


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _whole_number(_form, field) -> None:
    raw = field.data or ""
    if raw and not (raw.isascii() and raw.isdigit()):
        raise ValidationError(_l("Enter a whole number, or leave it empty for the plan's default."))


class TargetsForm(FlaskForm):
    """One text field per metric (``domain.targets.METRICS``), named by it: a whole number, or empty for the plan's
    default. The range of each is the domain's rule (``check_target``), refused by the service beside its field."""

    def values(self) -> dict[str, int | None]:
        return {m: int(self[m].data) if self[m].data else None for m in rules.METRICS}

    def entered(self) -> dict[str, str]:
        return {m: self[m].data or "" for m in rules.METRICS}

    def errors_by_metric(self) -> dict[str, str]:
        return {m: " ".join(str(e) for e in self[m].errors) for m in rules.METRICS if self[m].errors}


for _metric in rules.METRICS:
    setattr(TargetsForm, _metric, StringField(_metric, filters=[_strip], validators=[_whole_number]))
